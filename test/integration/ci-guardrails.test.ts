// A request from CI (`ci.promote`) meets the guardrails as a person's does (DESIGN.md sections 3b
// and 3c): refused by another's lock, by a freeze (CI cannot give --override), by a strict
// promotion order (CI cannot give --skip-stages); flagged on the card under `warn`.
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { CHANNELS, type Harness, startHarness, textOf, USERS, WORKER_FUNCTION } from '../support/harness';

let h: Harness;
let lambda: LambdaClient;

afterEach(async () => {
  lambda.destroy();
  await h.close();
});

async function start(extra = '') {
  h = await startHarness({
    config: `
functions:
  orders:
    functionName: orders-service
    stages: [dev, test, prod]
approvals:
  default: { approvers: anyone, required: 1 }
  prod: { approvers: [${USERS.prod1}, ${USERS.prod2}], required: 2 }
${extra}
`,
  });
  lambda = new LambdaClient({});
}

async function ciPromote(overrides: Record<string, unknown>): Promise<Record<string, unknown>> {
  const event = {
    kind: 'ci.promote',
    function: 'orders',
    to: 'test',
    version: '5',
    channel: CHANNELS.releases,
    requestedBy: 'github-actions: acme/orders run 991',
    ...overrides,
  };
  const out = await lambda.send(
    new InvokeCommand({ FunctionName: WORKER_FUNCTION, Payload: JSON.stringify(event) }),
  );
  expect(out.FunctionError).toBeUndefined();
  return JSON.parse(Buffer.from(out.Payload ?? []).toString('utf8')) as Record<string, unknown>;
}

const message = (answer: Record<string, unknown>) =>
  (answer.error as { message?: string } | undefined)?.message ?? '';
const posted = () => h.slack.calls.filter((call) => call.method === 'chat.postMessage' && call.ok);

describe('CI meets the guardrails like a person', () => {
  it('is refused by a lock it does not hold, saying who holds it, and asks again once unlocked', async () => {
    await start();
    await h.command('lock orders test migrating the table', { user: USERS.approver });
    const person = await h.command('promote orders test 5', { user: USERS.dev });
    const before = posted().length;

    const refused = await ciPromote({});
    await h.command('unlock orders test', { user: USERS.approver });
    const accepted = await ciPromote({});

    expect(refused.ok).toBe(false);
    expect(message(refused)).toContain(`orders test is locked by ${USERS.approver}`);
    expect(textOf(person.json?.blocks)).toContain(`orders test is locked by <@${USERS.approver}>`);
    expect(accepted).toMatchObject({ ok: true });
    expect(posted()).toHaveLength(before + 1);
  });

  it('is refused in a freeze window, and has no --override', async () => {
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    await start(`
freezes:
  - name: release-freeze
    aliases: [test]
    timezone: UTC
    dates: { from: ${day(-1)}, to: ${day(1)} }
freezeOverride: { approvers: [${USERS.outsider}], required: 1 }
`);
    const person = await h.command('promote orders test 5', { user: USERS.dev });

    const refused = await ciPromote({});

    expect(refused.ok).toBe(false);
    expect(message(refused)).toContain('release-freeze');
    expect(textOf(person.json?.blocks)).toContain('release-freeze');
    expect(posted()).toHaveLength(0);
  });

  it('strict order: refused when skipping a stage (CI has no --skip-stages)', async () => {
    await start('stageOrder: strict');

    const skipping = await ciPromote({ to: 'prod', version: undefined, from: 'dev' });
    const never = await ciPromote({ to: 'prod', version: '5' });
    const inOrder = await ciPromote({ to: 'prod', version: '4' });

    expect(message(skipping)).toContain('dev→prod skips test');
    expect(message(never)).toContain('version 5 never ran on test');
    expect(inOrder).toMatchObject({ ok: true });
  });

  it('warn: the card of a request from CI is flagged in bold like a person’s', async () => {
    await start('stageOrder: warn');

    const answer = await ciPromote({ to: 'prod', version: undefined, from: 'dev' });

    expect(answer).toMatchObject({ ok: true });
    expect(textOf(h.card(answer.requestId as string)?.blocks)).toContain('*dev→prod skips test.*');
  });
});
