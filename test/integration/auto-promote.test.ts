// Automatic promotion (DESIGN.md section 3c, issue 13) through the real worker's heartbeat, the
// Slack-facing handler and the stand-ins: a version that soaked on dev for an hour, healthy by
// test's rollout guard on its own metrics there, gets a dev→test request from `system`, which then
// goes through test's normal approvals; one that is unhealthy, too quiet, too young, or blocked
// gets none.
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
selfApproval: false
requestTtlMinutes: 60
drift: { every: 15m, channel: ${CHANNELS.releases} }
autoPromote:
  test: { from: dev, after: 1h }
rollouts:
  test: { strategy: allAtOnce, guard: { maxErrorRate: 1%, minInvocations: 20 } }
`;

let h: Harness;

beforeEach(async () => {
  h = await startHarness({ config: CONFIG });
});

afterEach(() => h.close());

const heartbeat = () => h.worker({ kind: 'heartbeat' }, { awsRequestId: randomUUID() });
const cards = () => h.slack.calls.filter((call) => call.method === 'chat.postMessage' && call.ok);
const systemRequests = async () => {
  const history = textOf((await h.command('history orders test')).json?.blocks);
  return history.split('\n').filter((line) => line.includes('*REQUESTED*')).length;
};

/** Version 5's traffic on dev over the last hour, as Lambda publishes it. */
function devTraffic(invocations: number, errors: number) {
  const at = h.clock.now().getTime() - 10 * MINUTE;
  const dimensions = { FunctionName: ORDERS, Resource: `${ORDERS}:dev`, ExecutedVersion: '5' };
  h.cloudwatch.putDatum({
    namespace: 'AWS/Lambda',
    metricName: 'Invocations',
    dimensions,
    value: invocations,
    at,
  });
  if (errors > 0)
    h.cloudwatch.putDatum({ namespace: 'AWS/Lambda', metricName: 'Errors', dimensions, value: errors, at });
}

/** The drift check's silent baseline records dev at 5 now: the start of its soak. */
async function soakStarts() {
  await heartbeat();
  expect(cards()).toHaveLength(0);
}

describe('automatic promotion', () => {
  it('opens dev→test as system after a healthy hour on dev; the card goes through test’s approvals', async () => {
    await soakStarts();
    h.clock.advance(61 * MINUTE);
    devTraffic(200, 0);

    await heartbeat();

    const card = cards().at(-1);
    expect(card?.body.channel).toBe(CHANNELS.releases);
    const id = requestIdIn(card?.body.blocks);
    const events = await h.events(id);
    expect(events.map((event) => event.action)).toEqual(['REQUESTED']);
    expect(events[0]).toMatchObject({ actor: 'system', alias: 'test', fromVersion: '4', toVersion: '5' });

    await h.click(id, 'approve', { user: USERS.approver });
    await h.settle();
    expect(h.lambda.alias(ORDERS, 'test').version).toBe('5');
    expect((await h.events(id)).map((event) => event.action)).toEqual(['REQUESTED', 'APPROVED', 'APPLIED']);
  });

  it('withdraws its request when the card cannot be posted: nobody could approve it, and the alias stays free', async () => {
    await soakStarts();
    h.clock.advance(61 * MINUTE);
    devTraffic(200, 0);
    h.slack.failNext('chat.postMessage', 'fatal_error', 1);

    await heartbeat();

    expect(cards()).toHaveLength(0);
    const warned =
      h.logs.at('WARN').find((line) => line.message.startsWith('auto-promotion:'))?.message ?? '';
    expect(warned).toContain(`Slack refused the card in ${CHANNELS.releases} (fatal_error)`);
    const id = /R[0-9A-Z]{9}/.exec(warned)?.[0] ?? '';
    const events = await h.events(id);
    expect(events.map((event) => event.action)).toEqual(['REQUESTED', 'CANCELLED']);
    expect(events[1]?.actor).toBe('system');
    const person = await h.command('promote orders test 3');
    expect(person.body).toBe('');
  });

  it('opens it once per version: the next heartbeats do not ask again', async () => {
    await soakStarts();
    h.clock.advance(61 * MINUTE);
    devTraffic(200, 0);
    await heartbeat();
    const id = requestIdIn(cards().at(-1)?.body.blocks);
    await h.click(id, 'reject', { user: USERS.approver });

    h.clock.advance(10 * MINUTE);
    await heartbeat();

    expect(cards()).toHaveLength(1);
    expect(await systemRequests()).toBe(1);
  });

  it.each([
    ['unhealthy (errors above the guard’s rate)', 200, 20],
    ['too quiet to tell (fewer invocations than the guard needs)', 5, 0],
  ])('opens nothing when the version is %s', async (_name, invocations, errors) => {
    await soakStarts();
    h.clock.advance(61 * MINUTE);
    devTraffic(invocations, errors);

    await heartbeat();

    expect(cards()).toHaveLength(0);
    expect(await systemRequests()).toBe(0);
    expect(h.logs.lines.map((line) => line.message).join('\n')).toMatch(
      /auto-promotion: orders dev→test \(5\): waiting/,
    );
  });

  it('opens nothing before the version has soaked its hour', async () => {
    await soakStarts();
    h.clock.advance(30 * MINUTE);
    devTraffic(200, 0);

    await heartbeat();

    expect(cards()).toHaveLength(0);
    expect(h.logs.lines.map((line) => line.message).join('\n')).toContain('has run on dev for 30m of 1h');
  });

  it('is refused by a lock on test like a person, and asks once the lock is gone', async () => {
    await soakStarts();
    await h.command('lock orders test releasing by hand', { user: USERS.prod1 });
    h.clock.advance(61 * MINUTE);
    devTraffic(200, 0);

    await heartbeat();
    expect(cards()).toHaveLength(0);

    await h.command('unlock orders test', { user: USERS.prod1 });
    h.clock.advance(5 * MINUTE);
    await heartbeat();

    expect(cards()).toHaveLength(1);
    expect((await h.events(requestIdIn(cards().at(-1)?.body.blocks)))[0]).toMatchObject({ actor: 'system' });
  });
});
