// Progressive delivery (DESIGN.md section 3a, issue 10) through the real handler and worker, the
// real SDK clients and the stand-ins: the Lambda stand-in routes traffic by the alias's weights
// and publishes AWS/Lambda metrics by ExecutedVersion into the CloudWatch stand-in; the Scheduler
// stand-in fires the worker's one-time schedules on the test clock (`h.advance`).
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sendTraffic } from '../../src/local/stand-ins/lambda-traffic';
import {
  CHANNELS,
  type Harness,
  requestIdIn,
  SCHEDULE_GROUP,
  SCHEDULER_ROLE,
  startHarness,
  textOf,
  USERS,
  WORKER_ARN,
} from '../support/harness';

const ORDERS = 'orders-service';
const MINUTE = 60_000;

const CONFIG = `
functions:
  orders:
    functionName: orders-service
    stages: [dev, test, prod]
approvals:
  default: { approvers: anyone, required: 1 }
  prod: { approvers: [${USERS.prod1}, ${USERS.prod2}, S0PLATFORM], required: 2 }
selfApproval: false
requestTtlMinutes: 60
channels: []
rollouts:
  prod:
    strategy: canary
    steps: [10]
    bake: 10m
    guard:
      maxErrorRate: 1%
      minInvocations: 20
      maxExtensions: 2
      alarms: [orders-prod-5xx]
`;

let h: Harness;

beforeEach(async () => {
  h = await startHarness({ config: CONFIG });
  h.cloudwatch.putMetricAlarm({
    alarmName: 'orders-prod-5xx',
    namespace: 'AWS/Lambda',
    metricName: 'Errors',
  });
  h.cloudwatch.putMetricAlarm({ alarmName: 'someone-elses', namespace: 'AWS/Lambda', metricName: 'Errors' });
});

afterEach(() => h.close());

const actions = async (id: string) => (await h.events(id)).map((event) => event.action);
const updateAliasCalls = () => h.lambda.calls.filter((call) => call.operation === 'UpdateAlias');
const prod = () => h.lambda.alias(ORDERS, 'prod');

/** prod: 3 → 4 (test's version), approved by both prod approvers. */
async function approvedRollout(options: string = ''): Promise<string> {
  const reply = await h.command(`promote orders test→prod ${options}`.trim());
  expect(reply.statusCode).toBe(200);
  const posted = h.slack.calls.filter((call) => call.method === 'chat.postMessage' && call.ok).at(-1);
  const id = requestIdIn(posted?.body.blocks);
  await h.click(id, 'approve', { user: USERS.prod1 });
  await h.click(id, 'approve', { user: USERS.prod2 });
  await h.settle();
  return id;
}

/** Invocations through prod over the next minutes, routed by its weights (errorRate by version). */
function traffic(count: number, errorRate: Record<string, number> = {}, seed = 7) {
  return sendTraffic({
    lambda: h.lambda,
    cloudwatch: h.cloudwatch,
    functionName: ORDERS,
    alias: 'prod',
    count,
    errorRate,
    at: h.clock.now().getTime(),
    spreadMs: 5 * MINUTE,
    seed,
  });
}

const tickEvent = (requestId: string, step: number, extension = 0) => ({
  source: 'lambda-chatops/task',
  task: { kind: 'rollout.tick', requestId, step, extension },
});
const workerContext = () => ({ awsRequestId: randomUUID(), invokedFunctionArn: WORKER_ARN });

describe('a canary that completes', () => {
  it('the approval card states the plan and the guard', async () => {
    await h.command('promote orders test→prod');
    const card = h.slack.messages(CHANNELS.releases).at(-1);
    const text = textOf(card?.blocks);
    expect(text).toContain('10% for 10m, then 100%');
    expect(text).toContain('at most 1% of at least 20 invocations');
    expect(text).toContain('orders-prod-5xx');
  });

  it('--canary 25% --bake 15m replaces the configured pace, never the configured guard', async () => {
    await h.command('promote orders test→prod --canary 25% --bake 15m');
    const text = textOf(h.slack.messages(CHANNELS.releases).at(-1)?.blocks);
    expect(text).toContain('25% for 15m, then 100%');
    expect(text).toContain('orders-prod-5xx');
  });

  it('--all-at-once moves prod in one step although its configuration says canary', async () => {
    const id = await approvedRollout('--all-at-once');
    expect((await actions(id)).slice(3)).toEqual(['APPLIED']);
    expect(prod()).toMatchObject({ version: '4', weights: {} });
    expect(h.scheduler.schedules(SCHEDULE_GROUP)).toHaveLength(0);
  });

  it('shifts 10%, schedules the step, judges the new version, then moves prod to 4 and records APPLIED', async () => {
    const id = await approvedRollout();

    expect(prod()).toMatchObject({ version: '3', weights: { '4': 0.1 } });
    const shifted = (await h.events(id)).find((event) => event.action === 'SHIFTED');
    expect(shifted).toMatchObject({ actor: 'system', weight: '10', revisionId: prod().revisionId });
    expect(shifted).toMatchObject({ fromVersion: '3', toVersion: '4' });
    const [schedule] = h.scheduler.schedules(SCHEDULE_GROUP);
    expect(schedule).toMatchObject({
      name: `${id}-s1-e0`,
      actionAfterCompletion: 'DELETE',
      target: { arn: WORKER_ARN, roleArn: SCHEDULER_ROLE },
    });
    expect(schedule?.expression).toBe(
      `at(${new Date(h.clock.now().getTime() + 10 * MINUTE).toISOString().slice(0, 19)})`,
    );
    expect(JSON.parse(schedule?.target.input ?? '{}')).toEqual(tickEvent(id, 1));
    const live = textOf(h.card(id)?.blocks);
    expect(live).toContain('10% on 4, 90% on 3');
    expect(live).toContain('Promote now');

    const sent = traffic(400);
    expect(sent.byVersion['4']?.invocations).toBeGreaterThanOrEqual(20);
    await h.advance(10 * MINUTE);

    expect(await actions(id)).toEqual(['REQUESTED', 'APPROVED', 'APPROVED', 'SHIFTED', 'APPLIED']);
    expect(prod()).toMatchObject({ version: '4', weights: {} });
    const applied = (await h.events(id)).at(-1);
    expect(applied).toMatchObject({ actor: 'system', revisionId: prod().revisionId });
    // Chained: the stand-in refuses a stale RevisionId with 412, so the last step's success means
    // it passed the one the first step's UpdateAlias answered, not the request's.
    expect(updateAliasCalls().map((call) => call.status)).toEqual([200, 200]);
    expect(applied?.revisionId).not.toBe(shifted?.revisionId);
    const card = textOf(h.card(id)?.blocks);
    expect(card).toContain('*Rolled out*');
    expect(card).toContain(`${sent.byVersion['4']?.invocations} invocations, 0 errors`);
    expect(h.scheduler.schedules(SCHEDULE_GROUP)).toHaveLength(0);
  });

  it('--linear 25% --every 5m goes 25 → 50 → 75 → 100, one judged step at a time', async () => {
    const id = await approvedRollout('--linear 25% --every 5m');
    const weights: number[] = [prod().weights['4'] ?? 0];
    for (let step = 0; step < 3; step++) {
      traffic(300, {}, step + 1);
      await h.advance(5 * MINUTE);
      weights.push(prod().weights['4'] ?? (prod().version === '4' ? 1 : 0));
    }
    traffic(300, {}, 9);
    await h.advance(5 * MINUTE);

    expect(weights).toEqual([0.25, 0.5, 0.75, 1]);
    const events = await h.events(id);
    expect(events.map((event) => event.action)).toEqual([
      'REQUESTED',
      'APPROVED',
      'APPROVED',
      'SHIFTED',
      'SHIFTED',
      'SHIFTED',
      'APPLIED',
    ]);
    expect(events.filter((event) => event.action === 'SHIFTED').map((event) => event.weight)).toEqual([
      '25',
      '50',
      '75',
    ]);
    expect(prod()).toMatchObject({ version: '4', weights: {} });
  });
});

describe('a rollout holds its alias', () => {
  it('refuses another request for prod while it runs, naming it; frees prod when it ends', async () => {
    const id = await approvedRollout();
    const refused = await h.command('promote orders prod 5', { user: USERS.approver });
    expect(textOf(refused.json?.blocks)).toContain(`already has an open request, \`${id}\``);

    traffic(400);
    await h.advance(10 * MINUTE);
    expect((await actions(id)).at(-1)).toBe('APPLIED');
    await h.command('promote orders prod 5', { user: USERS.approver });
    const card = h.slack.messages(CHANNELS.releases).at(-1);
    expect(textOf(card?.blocks)).toContain('prod 4 → 5');
  });
});

describe('/lambda status', () => {
  it('shows a rollout in progress: its share, its next step and the last judgement', async () => {
    const id = await approvedRollout();
    traffic(50);
    await h.advance(10 * MINUTE);

    const reply = await h.command('status orders');
    const text = textOf(reply.json?.blocks);
    expect(text).toContain(`${id}\` rolling out 3 → 4: 10% on 4, next step`);
    expect(text).toContain('fewer than the 20 needed to judge');
  });
});

describe('the cost of one step', () => {
  it('a judged step that shifts on: two GetAlias, one UpdateAlias, two GetMetricData, one DescribeAlarms, one CreateSchedule', async () => {
    const id = await approvedRollout('--linear 25% --every 5m');
    traffic(300);
    h.lambda.resetCalls();
    h.cloudwatch.resetCalls();
    h.scheduler.resetCalls();
    await h.advance(5 * MINUTE);

    expect((await h.events(id)).at(-1)).toMatchObject({ action: 'SHIFTED', weight: '50' });
    const count = (operations: string[]) =>
      operations.reduce<Record<string, number>>(
        (counts, operation) => Object.assign(counts, { [operation]: (counts[operation] ?? 0) + 1 }),
        {},
      );
    // The worker's own calls only (the stand-in's record of the test's traffic is not an API call).
    expect(count(h.lambda.calls.map((call) => call.operation))).toEqual({ GetAlias: 2, UpdateAlias: 1 });
    expect(count(h.cloudwatch.calls.map((call) => call.operation))).toEqual({
      GetMetricData: 2,
      DescribeAlarms: 1,
    });
    expect(count(h.scheduler.calls.map((call) => call.operation))).toEqual({ CreateSchedule: 1 });
  });
});

describe('automatic rollback', () => {
  it('on the new version error rate: back to 3, routing cleared, ROLLED_BACK by system with the numbers', async () => {
    const id = await approvedRollout();
    const sent = traffic(400, { '4': 0.2 });
    await h.advance(10 * MINUTE);

    expect(await actions(id)).toEqual(['REQUESTED', 'APPROVED', 'APPROVED', 'SHIFTED', 'ROLLED_BACK']);
    expect(prod()).toMatchObject({ version: '3', weights: {} });
    const rolledBack = (await h.events(id)).at(-1);
    const newer = sent.byVersion['4'];
    expect(rolledBack).toMatchObject({ actor: 'system', fromVersion: '3', toVersion: '4' });
    expect(rolledBack?.revisionId).toBe(prod().revisionId);
    expect(rolledBack?.reason).toContain(`(${newer?.errors} of ${newer?.invocations} invocations)`);
    expect(rolledBack?.reason).toContain('above the 1% limit');
    expect(textOf(h.card(id)?.blocks)).toContain('*Rolled back* by the bot');
    const told = h.slack.messages(CHANNELS.releases).at(-1);
    expect(told?.text).toContain(`<@${USERS.dev}>`);
    expect(told?.text).toContain(`<@${USERS.prod1}>`);
    expect(told?.text).toContain(`<@${USERS.prod2}>`);
  });

  it('on a named alarm in ALARM, whatever the numbers; an alarm the guard does not name does not count', async () => {
    const id = await approvedRollout();
    h.cloudwatch.setAlarmState('someone-elses', 'ALARM', 'not ours');
    h.cloudwatch.setAlarmState('orders-prod-5xx', 'ALARM', 'threshold crossed');
    traffic(400);
    await h.advance(10 * MINUTE);

    const rolledBack = (await h.events(id)).at(-1);
    expect(rolledBack).toMatchObject({ action: 'ROLLED_BACK', actor: 'system' });
    expect(rolledBack?.reason).toBe('alarm orders-prod-5xx in ALARM');
    expect(prod()).toMatchObject({ version: '3', weights: {} });
  });

  it('the old version failing does not roll the new one back: it is judged alone', async () => {
    const id = await approvedRollout();
    traffic(400, { '3': 0.5 });
    await h.advance(10 * MINUTE);

    expect((await h.events(id)).at(-1)?.action).toBe('APPLIED');
  });
});

describe('not enough traffic', () => {
  it('extends the step (the card says so) up to maxExtensions, then pauses for a person', async () => {
    const id = await approvedRollout();
    traffic(50); // about 5 for the new version: fewer than 20

    await h.advance(10 * MINUTE);
    expect((await actions(id)).at(-1)).toBe('EXTENDED');
    expect(textOf(h.card(id)?.blocks)).toContain('Step extended');
    expect(h.scheduler.schedules(SCHEDULE_GROUP).map((s) => s.name)).toEqual([`${id}-s1-e1`]);

    await h.advance(10 * MINUTE);
    await h.advance(10 * MINUTE);

    const events = await h.events(id);
    expect(events.map((event) => event.action).slice(3)).toEqual([
      'SHIFTED',
      'EXTENDED',
      'EXTENDED',
      'PAUSED',
    ]);
    expect(events.at(-1)?.actor).toBe('system');
    expect(events.at(-1)?.reason).toContain('paused for a person to decide');
    expect(prod()).toMatchObject({ version: '3', weights: { '4': 0.1 } });
    expect(h.scheduler.schedules(SCHEDULE_GROUP)).toHaveLength(0);
    expect(textOf(h.card(id)?.blocks)).toContain('*Paused*');
    expect(textOf(h.card(id)?.blocks)).toContain('Resume');
  });
});

describe('CloudWatch failing when a step is judged', () => {
  it('is not health: the step is extended, never shifted on or rolled back on no data', async () => {
    const id = await approvedRollout();
    traffic(400);
    // Throttled past the SDK's retries (3 attempts per call; two metric reads and the alarms).
    h.cloudwatch.failNext('GetMetricData', { status: 400, name: 'Throttling', message: 'Rate exceeded' }, 6);
    h.cloudwatch.failNext('DescribeAlarms', { status: 400, name: 'Throttling', message: 'Rate exceeded' }, 3);

    await h.advance(10 * MINUTE);

    expect((await actions(id)).slice(-2)).toEqual(['SHIFTED', 'EXTENDED']);
    expect(prod()).toMatchObject({ version: '3', weights: { '4': 0.1 } });
    expect(updateAliasCalls()).toHaveLength(1);

    // Readable again at the extension's end: judged healthy and moved to 100%.
    traffic(400);
    await h.advance(10 * MINUTE);
    expect((await actions(id)).at(-1)).toBe('APPLIED');
  });
});

describe('the rollout card buttons', () => {
  it('Pause stops the step from being judged; Resume (the requester) judges it a full bake later', async () => {
    const id = await approvedRollout();
    await h.press('rollout.pause', id, { user: USERS.dev });
    traffic(400);
    await h.advance(10 * MINUTE);
    expect((await actions(id)).slice(3)).toEqual(['SHIFTED', 'PAUSED']);
    expect((await h.events(id)).at(-1)?.actor).toBe(USERS.dev);

    await h.press('rollout.resume', id, { user: USERS.outsider });
    await h.settle();
    expect((await actions(id)).at(-1)).toBe('DENIED');

    await h.press('rollout.resume', id, { user: USERS.dev });
    await h.settle();
    expect((await actions(id)).at(-1)).toBe('RESUMED');
    expect(h.scheduler.schedules(SCHEDULE_GROUP)).toHaveLength(1);
    traffic(400, {}, 3);
    await h.advance(10 * MINUTE);

    expect((await actions(id)).slice(3)).toEqual(['SHIFTED', 'PAUSED', 'DENIED', 'RESUMED', 'APPLIED']);
    expect(prod()).toMatchObject({ version: '4', weights: {} });
  });

  it('Promote now: refused to the requester, taken from an approver; prod goes to 100% at once', async () => {
    const id = await approvedRollout();
    await h.press('rollout.promote', id, { user: USERS.dev });
    await h.settle();
    expect(prod().weights).toEqual({ '4': 0.1 });

    await h.press('rollout.promote', id, { user: USERS.prod1 });
    await h.settle();

    const events = await h.events(id);
    expect(events.map((event) => event.action).slice(3)).toEqual([
      'SHIFTED',
      'DENIED',
      'PROMOTED_NOW',
      'APPLIED',
    ]);
    expect(events[5]?.actor).toBe(USERS.prod1);
    expect(prod()).toMatchObject({ version: '4', weights: {} });
    // The step's timer is gone: nothing fires later.
    expect(h.scheduler.schedules(SCHEDULE_GROUP)).toHaveLength(0);
  });

  it('Roll back: refused to an outsider; the requester gets prod back on 3, ROLLED_BACK with the user', async () => {
    const id = await approvedRollout();
    await h.press('rollout.rollback', id, { user: USERS.outsider });
    await h.settle();
    expect(prod().weights).toEqual({ '4': 0.1 });

    await h.press('rollout.rollback', id, { user: USERS.dev });
    await h.settle();

    const last = (await h.events(id)).at(-1);
    expect(last).toMatchObject({ action: 'ROLLED_BACK', actor: USERS.dev, revisionId: prod().revisionId });
    expect(prod()).toMatchObject({ version: '3', weights: {} });
    expect(h.scheduler.schedules(SCHEDULE_GROUP)).toHaveLength(0);
    expect(textOf(h.card(id)?.blocks)).toContain(`*Rolled back* by <@${USERS.dev}>`);
  });
});

describe('guardrails', () => {
  it("someone else's lock taken mid-rollout pauses the next step, saying whose lock", async () => {
    const id = await approvedRollout();
    const lock = await h.command('lock orders prod migrating the orders table', { user: USERS.prod1 });
    expect(lock.statusCode).toBe(200);
    traffic(400);
    await h.advance(10 * MINUTE);

    const last = (await h.events(id)).at(-1);
    expect(last).toMatchObject({ action: 'PAUSED', actor: 'system' });
    expect(last?.reason).toContain('migrating the orders table');
    expect(prod()).toMatchObject({ version: '3', weights: { '4': 0.1 } });
  });

  it('an unhealthy step rolls back even under a lock: taking a bad version away is never frozen', async () => {
    const id = await approvedRollout();
    await h.command('lock orders prod migrating', { user: USERS.prod1 });
    traffic(400, { '4': 0.5 });
    await h.advance(10 * MINUTE);

    expect((await h.events(id)).at(-1)).toMatchObject({ action: 'ROLLED_BACK', actor: 'system' });
    expect(prod()).toMatchObject({ version: '3', weights: {} });
  });
});

describe('ticks are idempotent', () => {
  it('a duplicated tick and a late one append nothing and call UpdateAlias no more', async () => {
    const id = await approvedRollout();
    traffic(400);
    await h.advance(10 * MINUTE);
    const before = await actions(id);
    expect(before.at(-1)).toBe('APPLIED');
    const calls = updateAliasCalls().length;

    // The same tick again (Scheduler delivers at least once), twice at once, and much later.
    await Promise.all([
      h.worker(tickEvent(id, 1), workerContext()),
      h.worker(tickEvent(id, 1), workerContext()),
    ]);
    h.clock.advance(60 * MINUTE);
    await h.worker(tickEvent(id, 1), workerContext());
    await h.worker(tickEvent(id, 1, 1), workerContext());

    expect(await actions(id)).toEqual(before);
    expect(updateAliasCalls()).toHaveLength(calls);
  });

  it('a tick delivered twice at once while the step is due takes the step once', async () => {
    const id = await approvedRollout();
    traffic(400);
    h.clock.advance(10 * MINUTE);
    await Promise.all([
      h.worker(tickEvent(id, 1), workerContext()),
      h.worker(tickEvent(id, 1), workerContext()),
    ]);
    await h.settle();

    expect((await actions(id)).slice(3)).toEqual(['SHIFTED', 'APPLIED']);
    expect(updateAliasCalls()).toHaveLength(2);
  });
});

describe('a tick whose invocation died after its UpdateAlias', () => {
  it("Lambda's retry of the same event records the step once, without a second UpdateAlias", async () => {
    const id = await approvedRollout();
    traffic(400);
    h.clock.advance(10 * MINUTE);
    const appliedPut = (body: Record<string, unknown>) =>
      (body.Item as Record<string, { S?: string }> | undefined)?.action?.S === 'APPLIED';
    h.dynamoFaults.failNext('PutItem', { status: 500, name: 'InternalServerError' }, 20, appliedPut);
    const context = { awsRequestId: 'lambda-request-1', invokedFunctionArn: WORKER_ARN };

    await expect(h.worker(tickEvent(id, 1), context)).rejects.toThrow();
    expect(prod()).toMatchObject({ version: '4', weights: {} });
    expect((await actions(id)).at(-1)).toBe('SHIFTED');
    h.dynamoFaults.clearFaults();
    await h.worker(tickEvent(id, 1), context);

    expect((await actions(id)).slice(3)).toEqual(['SHIFTED', 'APPLIED']);
    expect((await h.events(id)).at(-1)?.revisionId).toBe(prod().revisionId);
    expect(updateAliasCalls()).toHaveLength(2);
  });
});

describe('an alias moved by hand mid-rollout', () => {
  it('ends the rollout STALE at the next tick, and nothing is overwritten', async () => {
    const id = await approvedRollout();
    h.lambda.setAlias(ORDERS, 'prod', '5');
    const calls = updateAliasCalls().length;
    traffic(400);
    await h.advance(10 * MINUTE);

    const last = (await h.events(id)).at(-1);
    expect(last).toMatchObject({ action: 'STALE', actor: 'system' });
    expect(last?.reason).toContain('now at version 5');
    expect(prod()).toMatchObject({ version: '5', weights: {} });
    expect(updateAliasCalls()).toHaveLength(calls);
    expect(textOf(h.card(id)?.blocks)).toContain('*Stopped*');
  });
});

describe('the worker unreachable is not the rollout lost', () => {
  it('CreateSchedule failing: the shift is recorded and the rollout visibly PAUSED; Resume schedules it again', async () => {
    // The SDK tries three times; all three fail.
    h.scheduler.failNext(
      'CreateSchedule',
      { status: 500, name: 'InternalServerException', message: 'down' },
      3,
    );
    const id = await approvedRollout();

    const events = await h.events(id);
    expect(events.map((event) => event.action).slice(3)).toEqual(['SHIFTED', 'PAUSED']);
    expect(events.at(-1)?.reason).toContain('could not be scheduled');
    expect(textOf(h.card(id)?.blocks)).toContain('*Paused*');

    await h.press('rollout.resume', id, { user: USERS.dev });
    await h.settle();
    expect(h.scheduler.schedules(SCHEDULE_GROUP)).toHaveLength(1);
    traffic(400);
    await h.advance(10 * MINUTE);
    expect((await actions(id)).at(-1)).toBe('APPLIED');
  });

  it('Invoke failing after Promote now: the timer of the step finishes the promotion', async () => {
    const id = await approvedRollout();
    // Both Invokes of the approving click (the apply and its card), each tried three times by the SDK.
    h.lambda.failNext('Invoke', { status: 500, name: 'ServiceException', message: 'down' }, 6);
    await h.press('rollout.promote', id, { user: USERS.prod1 });
    await h.settle();
    expect((await actions(id)).at(-1)).toBe('PROMOTED_NOW');
    expect(prod().weights).toEqual({ '4': 0.1 });

    await h.advance(10 * MINUTE);

    expect((await actions(id)).slice(3)).toEqual(['SHIFTED', 'PROMOTED_NOW', 'APPLIED']);
    expect(prod()).toMatchObject({ version: '4', weights: {} });
  });

  it('Invoke failing after the approvals: the next click on the card starts the rollout', async () => {
    const id = await (async () => {
      await h.command('promote orders test→prod');
      const posted = h.slack.calls.filter((call) => call.method === 'chat.postMessage' && call.ok).at(-1);
      return requestIdIn(posted?.body.blocks);
    })();
    await h.click(id, 'approve', { user: USERS.prod1 });
    // Both Invokes of the approving click (the apply and its card), each tried three times by the SDK.
    h.lambda.failNext('Invoke', { status: 500, name: 'ServiceException', message: 'down' }, 6);
    await h.click(id, 'approve', { user: USERS.prod2 });
    await h.settle();
    expect(await actions(id)).toEqual(['REQUESTED', 'APPROVED', 'APPROVED']);
    expect(prod().weights).toEqual({});

    await h.click(id, 'approve', { user: USERS.prod2 });
    await h.settle();

    expect((await actions(id)).at(-1)).toBe('SHIFTED');
    expect(prod().weights).toEqual({ '4': 0.1 });
  });
});
