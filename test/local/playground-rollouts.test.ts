// Rollouts in the playground, in a real browser (Debian's Chromium, driven by playwright-core):
// `npm start` in a child process, whose sandbox sends steady traffic to every demo alias and runs
// the Scheduler and CloudWatch stand-ins on the real clock. Two canaries at once, each with a
// one-minute bake: orders to prod completes; a faulty payments version rolls itself back. Saves
// the rollout card's screenshot the documentation shows (docs/playground-rollout.png).
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, type StartedProcess, startSandboxProcess } from './support/start-process';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
/** A one-minute bake, Scheduler's minute and the traffic's rounds. */
const ROLLOUT_MS = 150_000;

let sandbox: (StartedProcess & { url: string }) | undefined;
let browser: Browser | undefined;
let page: Page;
let dir: string;
const pageErrors: string[] = [];

beforeAll(async () => {
  if (!hasChromium) return;
  dir = await mkdtemp(join(tmpdir(), 'playground-rollouts-'));
  [sandbox, browser] = await Promise.all([
    startSandboxProcess(dir),
    chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-gpu',
      ],
    }),
  ]);
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(sandbox.url);
  await page.locator('body[data-ready="true"]').waitFor();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  const code = await sandbox?.stop();
  if (sandbox) expect(code, sandbox.output()).toBe(0);
  if (dir) await rm(dir, { recursive: true, force: true });
});

const as = async (userId: string) => {
  await page.click(`[data-user="${userId}"]`);
  await page.locator(`[data-user="${userId}"].is-current`).waitFor();
};

const type = async (text: string) => {
  await page.fill('#composer-input', text);
  await page.press('#composer-input', 'Enter');
};

const card = (title: string): Locator =>
  page.locator('.message', { has: page.locator('.bk-header', { hasText: title }) });

/** Both prod approvers approve the card titled `title` (prod asks to confirm). */
async function approveForProd(title: string) {
  for (const user of ['U0PRIYA', 'U0SAM']) {
    await as(user);
    await card(title).locator('button[data-action-id="request.approve"]').click();
    await page.click('[data-confirm-choice="confirm"]');
    await page.locator('#modal').waitFor({ state: 'hidden' });
  }
}

describe.skipIf(!hasChromium)('rollouts in the playground', () => {
  it(
    'a canary of orders completes and a canary of a faulty payments version rolls back by itself',
    async () => {
      await as('U0DANA');
      await type('/lambda promote orders test→prod --canary 20% --bake 1m');
      await card('Promote orders: prod 2 → 3').waitFor();
      await page.click('[data-function="payments"] button[data-publish][data-faulty="true"]');
      await page.locator('[data-function="payments"] .version[data-version="5"]').waitFor();
      await as('U0DANA');
      await type('/lambda promote payments prod 5 --canary 20% --bake 1m');
      await card('Promote payments: prod 2 → 5').waitFor();

      await approveForProd('Promote orders: prod 2 → 3');
      await approveForProd('Promote payments: prod 2 → 5');

      const orders = card('Rollout orders: prod 2 → 3');
      await orders.locator('.bk-field', { hasText: '20% on 3, 80% on 2' }).waitFor();
      await page
        .locator('[data-function="orders"] [data-alias="prod"] .alias-split', { hasText: '3 at 20%' })
        .waitFor();
      expect(await orders.locator('button').allTextContents()).toEqual(['Promote now', 'Pause', 'Roll back']);
      await as('U0DANA');
      if (await page.locator('#toast').isVisible()) await page.click('#toast');
      await page.locator('#toast').waitFor({ state: 'hidden' });
      // docs/playground-rollout.png is refreshed on demand (UPDATE_SCREENSHOT=1), like docs/playground.png.
      const path = process.env.UPDATE_SCREENSHOT
        ? join(REPO_ROOT, 'docs/playground-rollout.png')
        : join(tmpdir(), 'playground-rollout.png');
      const png = await page.screenshot({ path });
      expect(png.subarray(1, 4).toString()).toBe('PNG');

      await orders.locator('.bk-section', { hasText: 'Rolled out' }).waitFor({ timeout: ROLLOUT_MS });
      await page
        .locator('[data-function="orders"] [data-alias="prod"] .alias-version', { hasText: /^3$/ })
        .waitFor();
      const payments = card('Rollout payments: prod 2 → 5');
      await payments.locator('.bk-section', { hasText: 'Rolled back' }).waitFor({ timeout: ROLLOUT_MS });
      expect(await payments.locator('.bk-section', { hasText: 'above the 1% limit' }).count()).toBe(1);
      await page
        .locator('[data-function="payments"] [data-alias="prod"] .alias-version', { hasText: /^2$/ })
        .waitFor();
      expect(pageErrors).toEqual([]);
    },
    ROLLOUT_MS * 2,
  );
});
