// The playground in a real browser (Debian's Chromium, driven by playwright-core): `npm start` in a
// child process, a promotion to prod typed as the developer and approved by the two prod approvers
// through the confirm dialog, the card replaced in place, the side panel following. Saves the
// screenshot the documentation shows (docs/playground.png).
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, type StartedProcess, startSandboxProcess } from './support/start-process';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.log(`playground browser test skipped: ${CHROMIUM} does not exist (apt-get install chromium)`);
}

let sandbox: (StartedProcess & { url: string }) | undefined;
let browser: Browser | undefined;
let page: Page;
let dir: string;
const dialogs: string[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  if (!hasChromium) return;
  dir = await mkdtemp(join(tmpdir(), 'playground-'));
  [sandbox, browser] = await Promise.all([
    startSandboxProcess(dir),
    chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-gpu',
      ],
    }),
  ]);
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });
  await page.goto(sandbox.url);
  await page.locator('body[data-ready="true"]').waitFor();
});

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

describe.skipIf(!hasChromium)('the playground page', () => {
  it('shows a request card as Slack would: fields, mentions, dates, emoji, styled buttons', async () => {
    await as('U0DANA');
    await type('/lambda promote payments test→prod');
    const request = card('Promote payments: prod 2 → 3');
    await request.waitFor();
    expect(await request.locator('.bk-field strong').allTextContents()).toEqual([
      'Function',
      'Alias',
      'Now',
      'Proposed',
      'Requested by',
      'Approvals',
    ]);
    expect(await request.locator('.bk-context', { hasText: 'splits its traffic' }).textContent()).toContain(
      '✂️',
    );
    expect(await request.locator('time.bk-date').count()).toBeGreaterThanOrEqual(3);
    expect(await request.locator('button.bk-button-primary').textContent()).toBe('Approve');
    expect(await request.locator('button.bk-button-danger').textContent()).toBe('Reject');
  });

  it('promotes orders to prod: the developer asks, both prod approvers confirm, the card and the panel follow', async () => {
    await as('U0DANA');
    await type('/lambda promote orders test→prod');
    const request = card('Promote orders: prod 2 → 3');
    await request.locator('.bk-field', { hasText: '0 of 2' }).waitFor();
    const ts = await request.getAttribute('data-ts');
    expect(await request.locator('.bk-mention').allTextContents()).toEqual(
      expect.arrayContaining(['@Dana', '@Priya', '@Sam']),
    );

    // The requester may not approve: the refusal is ephemeral, hers alone.
    await request.locator('button[data-action-id="request.approve"]').click();
    await page.locator('#modal .bk-confirm-title', { hasText: 'Change prod?' }).waitFor();
    await page.click('[data-confirm-choice="confirm"]');
    const refusal = page.locator('.message-ephemeral', {
      hasText: 'requesters may not approve their own requests',
    });
    await refusal.waitFor();
    expect(await refusal.locator('.ephemeral-note').textContent()).toContain('Only visible to you');

    await as('U0PRIYA');
    await refusal.waitFor({ state: 'detached' });
    // "Not yet" closes the dialog and sends nothing.
    await request.locator('button[data-action-id="request.approve"]').click();
    await page.click('[data-confirm-choice="deny"]');
    await page.locator('#modal').waitFor({ state: 'hidden' });
    expect(await request.locator('.bk-field', { hasText: '0 of 2' }).count()).toBe(1);
    await request.locator('button[data-action-id="request.approve"]').click();
    await page.click('[data-confirm-choice="confirm"]');
    await request.locator('.bk-field', { hasText: '1 of 2: @Priya' }).waitFor();

    await as('U0SAM');
    await request.locator('button[data-action-id="request.approve"]').click();
    await page.locator('#modal .bk-confirm-text', { hasText: 'as soon as you approve' }).waitFor();
    await page.click('[data-confirm-choice="confirm"]');
    await request.locator('.bk-section', { hasText: 'Applied by @Sam' }).waitFor();

    expect(await card('Promote orders').count()).toBe(1);
    expect(await request.getAttribute('data-ts')).toBe(ts);
    expect(await request.locator('button').count()).toBe(0);
    await page
      .locator('[data-function="orders"] [data-alias="prod"] .alias-version', { hasText: /^3$/ })
      .waitFor();
    await page.locator('.audit-event[data-action="APPLIED"]', { hasText: 'orders prod 2 → 3' }).waitFor();
  });

  it('shows text from Slack as text, never as markup', async () => {
    await as('U0DANA');
    await type('/lambda status <img/src=x/onerror=alert(1)>');
    const reply = page.locator('.message-ephemeral', { hasText: '<img/src=x/onerror=alert(1)>' });
    await reply.waitFor();
    expect(await page.locator('.messages img').count()).toBe(0);
    expect(dialogs).toEqual([]);
  });

  it('recalls earlier commands with the up arrow', async () => {
    await page.fill('#composer-input', 'draft');
    await page.press('#composer-input', 'ArrowUp');
    expect(await page.inputValue('#composer-input')).toBe('/lambda status <img/src=x/onerror=alert(1)>');
    await page.press('#composer-input', 'ArrowUp');
    expect(await page.inputValue('#composer-input')).toBe('/lambda promote orders test→prod');
    await page.press('#composer-input', 'ArrowDown');
    await page.press('#composer-input', 'ArrowDown');
    expect(await page.inputValue('#composer-input')).toBe('draft');
    await page.fill('#composer-input', '');
  });

  it('publishes a new version from the side panel and suggests pointing dev at it', async () => {
    await page.click('[data-function="orders"] button[data-publish]');
    await page
      .locator('[data-function="orders"] .version[data-version="5"]', { hasText: 'Cache product prices' })
      .waitFor();
    expect(await page.inputValue('#composer-input')).toBe('/lambda promote orders dev 5');
    await page.fill('#composer-input', '');
    await page.click('#toast');
    await page.locator('#toast').waitFor({ state: 'hidden' });
  });

  it('CI asks for dev from the side panel; the card says so and its links open the sandbox pages', async () => {
    await page.click('[data-function="orders"] button[data-ci]');
    const card = page.locator('.message', { hasText: 'CI: sandbox CI: orders pipeline' });
    await card.waitFor();

    const [popup] = await Promise.all([
      page.waitForEvent('popup'),
      card.locator('a.bk-link', { hasText: 'PR #105' }).click(),
    ]);
    await popup.waitForLoadState();

    expect(popup.url()).toBe(`${sandbox?.url}/source/pull/105`);
    expect(await popup.locator('h1').textContent()).toBe('Pull request #105');
    await popup.close();
    await page.click('#toast');
    await page.locator('#toast').waitFor({ state: 'hidden' });
  });

  it('saves the screenshot: a request waiting for approval, then the promotion applied', async () => {
    await as('U0SAM');
    await page.locator('.messages').evaluate((list) => {
      list.scrollTop = list.scrollHeight;
    });
    // docs/playground.png is refreshed on demand (UPDATE_SCREENSHOT=1 npm test), so that a test
    // run never rewrites a tracked file; otherwise the picture goes to the temp folder.
    const path = process.env.UPDATE_SCREENSHOT
      ? join(REPO_ROOT, 'docs/playground.png')
      : join(tmpdir(), 'playground.png');
    const png = await page.screenshot({ path });
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(pageErrors).toEqual([]);
  });

  it('moves an alias by hand from the side panel, and the drift card appears with Adopt and Roll back', async () => {
    await page.selectOption('select[data-move-function="payments"][data-move-alias="dev"]', '1');
    const card = page.locator('.message', { hasText: 'Drift: payments dev 4 → 1' });
    await card.waitFor();
    expect(await card.locator('button', { hasText: 'Adopt' }).count()).toBe(1);
    expect(await card.locator('button', { hasText: 'Roll back' }).count()).toBe(1);
    await page
      .locator('[data-function="payments"] .alias[data-alias="dev"] .alias-version', { hasText: '1' })
      .waitFor();
    await page.screenshot({ path: join(tmpdir(), 'playground-drift.png') });
    expect(pageErrors).toEqual([]);
  });
});
