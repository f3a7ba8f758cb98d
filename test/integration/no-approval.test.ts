// An alias whose rule needs no approval (`approvers: anyone, required: 0`, DESIGN.md 3c): a request
// for it is applied as soon as its card is out, and the card says so. Through the real handler,
// worker and stand-ins: a person's command, and an automatic promotion.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { CHANNELS, type Harness, requestIdIn, startHarness, textOf, USERS } from '../support/harness';

const ORDERS = 'orders-service';
const MINUTE = 60_000;
const CONFIG = `
functions:
  orders:
    functionName: ${ORDERS}
    stages: [dev, test, prod]
approvals:
  default: { approvers: anyone, required: 1 }
  dev: { approvers: anyone, required: 0 }
  test: { approvers: anyone, required: 0 }
drift: { every: 15m, channel: ${CHANNELS.releases} }
autoPromote:
  test: { from: dev, after: 1h }
`;

let h: Harness;
afterEach(() => h.close());

const cards = () => h.slack.calls.filter((call) => call.method === 'chat.postMessage' && call.ok);

describe('an alias that needs no approval', () => {
  it('a person’s request is applied at once, the card says no approval was needed, APPLIED names the requester', async () => {
    h = await startHarness({ config: CONFIG });

    await h.command('promote orders dev 4', { user: USERS.dev });
    await h.settle();

    const id = requestIdIn(cards().at(-1)?.body.blocks);
    expect(textOf(cards().at(-1)?.body.blocks)).toContain('*No approval needed*');
    expect(h.lambda.alias(ORDERS, 'dev').version).toBe('4');
    const events = await h.events(id);
    expect(events.map((event) => event.action)).toEqual(['REQUESTED', 'APPLIED']);
    expect(events[1]).toMatchObject({ actor: USERS.dev, toVersion: '4' });
    expect(textOf(h.card(id)?.blocks)).toContain('*Applied*');
  });

  it('an alias that needs approvals still waits for them', async () => {
    h = await startHarness({ config: CONFIG });

    await h.command('promote orders test→prod', { user: USERS.dev });
    await h.settle();

    expect(h.lambda.alias(ORDERS, 'prod').version).toBe('3');
    expect(textOf(cards().at(-1)?.body.blocks)).not.toContain('No approval needed');
  });

  it('an automatic promotion to it is applied, and the card says what the bot did', async () => {
    h = await startHarness({ config: CONFIG });
    const heartbeat = () => h.worker({ kind: 'heartbeat' }, { awsRequestId: randomUUID() });
    await heartbeat(); // the drift check's baseline: dev at 5 from now
    h.clock.advance(61 * MINUTE);
    const dimensions = { FunctionName: ORDERS, Resource: `${ORDERS}:dev`, ExecutedVersion: '5' };
    const at = h.clock.now().getTime() - 10 * MINUTE;
    h.cloudwatch.putDatum({ namespace: 'AWS/Lambda', metricName: 'Invocations', dimensions, value: 200, at });

    await heartbeat();
    await h.settle();

    const id = requestIdIn(cards().at(-1)?.body.blocks);
    expect(h.lambda.alias(ORDERS, 'test').version).toBe('5');
    const events = await h.events(id);
    expect(events.map((event) => event.action)).toEqual(['REQUESTED', 'APPLIED']);
    expect(events.every((event) => event.actor === 'system')).toBe(true);
    expect(textOf(h.card(id)?.blocks)).toContain('*Applied*');
  });
});
