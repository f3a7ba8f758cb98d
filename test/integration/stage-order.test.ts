// Promotion order and minSoak (DESIGN.md section 3b) through the real handler and worker: what
// `warn` flags in bold on the card, what `strict` refuses unless `--skip-stages`, rollbacks
// exempt, an explicit version judged by where it ran (now, or ever APPLIED per the audit table),
// and a version that must soak on the previous stage before it is promoted.
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, requestIdIn, startHarness, textOf, USERS } from '../support/harness';

let h: Harness;

afterEach(() => h.close());

const ORDERS = 'orders-service';
const MINUTE = 60_000;

const config = (extra: string) => `
functions:
  orders:
    functionName: orders-service
    stages: [dev, test, prod]
approvals:
  default: { approvers: anyone, required: 1 }
  prod: { approvers: [${USERS.prod1}, ${USERS.prod2}], required: 2 }
${extra}
`;

const postedCards = () => h.slack.calls.filter((call) => call.method === 'chat.postMessage' && call.ok);

/** Asks; returns the card's text, or the refusal's text when no card was posted. */
async function ask(text: string): Promise<{ card?: string; refusal?: string; id?: string }> {
  const before = postedCards().length;
  const reply = await h.command(text, { user: USERS.dev });
  if (postedCards().length === before) return { refusal: textOf(reply.json?.blocks) };
  const blocks = postedCards().at(-1)?.body.blocks;
  return { card: textOf(blocks), id: requestIdIn(blocks) };
}

/** Asks and has it approved and applied. */
async function apply(text: string) {
  const { id, refusal } = await ask(text);
  expect(refusal).toBeUndefined();
  const prod = text.includes('prod');
  for (const user of prod ? [USERS.prod1, USERS.prod2] : [USERS.approver]) {
    await h.click(id as string, 'approve', { user });
  }
  await h.settle();
  expect((await h.events(id as string)).at(-1)?.action).toBe('APPLIED');
}

describe('stageOrder: warn', () => {
  it('flags skipping a stage and going backwards in bold, and lets the request through', async () => {
    h = await startHarness({ config: config('stageOrder: warn') });

    const skipping = await ask('promote orders dev→prod');
    const backwards = await ask('promote orders prod→test');
    // One open request per alias: withdrawn before test is asked for again.
    await h.command(`cancel ${backwards.id}`, { user: USERS.dev });
    const inOrder = await ask('promote orders dev→test');

    expect(skipping.card).toContain('*dev→prod skips test.*');
    expect(backwards.card).toContain('*prod→test goes backwards in the promotion order.*');
    expect(inOrder.card).toBeDefined();
    expect(inOrder.card).not.toContain(':warning:');
  });

  it('an explicit version: flagged when it never ran on the previous stage, per the alias now and the audit table', async () => {
    h = await startHarness({ config: config('stageOrder: warn') });
    // test runs 4 now; 2 was applied on test and has left it since; 5 never ran there.
    await apply('promote orders test 2');
    await apply('promote orders test 4');

    const never = await ask('promote orders prod 5');
    await h.command(`cancel ${never.id}`, { user: USERS.dev });
    const onTestNow = await ask('promote orders prod 4');
    await h.command(`cancel ${onTestNow.id}`, { user: USERS.dev });
    const appliedThereBefore = await ask('promote orders prod 2');

    expect(never.card).toContain('*version 5 never ran on test.*');
    expect(onTestNow.card).not.toContain('never ran');
    expect(appliedThereBefore.card).not.toContain('never ran');
  });
});

describe('stageOrder: strict', () => {
  it('refuses skipping a stage unless --skip-stages, which the card then flags', async () => {
    h = await startHarness({ config: config('stageOrder: strict') });

    const refused = await ask('promote orders dev→prod');
    const skipped = await ask('promote orders dev→prod --skip-stages');

    expect(refused.refusal).toContain('dev→prod skips test');
    expect(refused.refusal).toContain('`--skip-stages`');
    expect(skipped.card).toContain('*dev→prod skips test (`--skip-stages`).*');
    expect(postedCards()).toHaveLength(1);
  });

  it('refuses an explicit version that never ran on the previous stage', async () => {
    h = await startHarness({ config: config('stageOrder: strict') });

    const refused = await ask('promote orders prod 5');

    expect(refused.refusal).toContain('version 5 never ran on test');
  });

  it('exempts rollbacks', async () => {
    h = await startHarness({ config: config('stageOrder: strict') });
    await apply('promote orders test→prod');
    expect(h.lambda.alias(ORDERS, 'prod').version).toBe('4');

    // Back to 3, which is on no earlier stage: a promotion there would be refused.
    const rollback = await ask('rollback orders prod');

    expect(rollback.card).toContain('Roll back orders: prod 4 → 3');
    expect(rollback.card).not.toContain(':warning:');
  });
});

describe('minSoak', () => {
  it('refuses until the version has run on the previous stage that long (from its APPLIED there); the card shows how long', async () => {
    h = await startHarness({ config: config('minSoak: { prod: 30m }') });

    // test's 4 was put there outside the bot: no APPLIED, no known soak.
    const unknown = await ask('promote orders test→prod');
    expect(unknown.refusal).toContain('version 4 has no recorded time on test; it must run there 30m first');

    await apply('promote orders dev→test');
    h.clock.advance(10 * MINUTE);
    const early = await ask('promote orders test→prod');
    expect(early.refusal).toContain('version 5 has run on test for 10m, less than the 30m required');

    h.clock.advance(21 * MINUTE);
    const soaked = await ask('promote orders test→prod');
    expect(soaked.card).toContain('Soaked on test: 31m (minSoak 30m)');
    expect(soaked.card).not.toContain(':warning:');
  });

  it('--skip-stages passes it, flagged with the time it had', async () => {
    h = await startHarness({ config: config('minSoak: { prod: 30m }') });
    await apply('promote orders dev→test');
    h.clock.advance(5 * MINUTE);

    const skipped = await ask('promote orders test→prod --skip-stages');

    expect(skipped.card).toContain(
      '*version 5 has run on test for 5m, less than the 30m required (`--skip-stages`).*',
    );
    expect(skipped.card).toContain('Soaked on test: 5m (minSoak 30m)');
  });
});
