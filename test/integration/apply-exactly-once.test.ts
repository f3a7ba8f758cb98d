// Applying an approved request (DESIGN.md section 3, issue 9): APPLIED means this request's own
// UpdateAlias moved the alias, and exactly one invocation calls UpdateAlias however the worker's
// event is delivered: twice at once, after a lost answer, or after the invocation died. Through
// the real handler and worker, the SDK and the stand-ins.
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHANNELS, type Harness, requestIdIn, startHarness, textOf, USERS } from '../support/harness';

let h: Harness;

beforeEach(async () => {
  h = await startHarness();
});

afterEach(() => h.close());

const ORDERS = 'orders-service';
const updateAliasCalls = () => h.lambda.calls.filter((call) => call.operation === 'UpdateAlias');
const actions = async (requestId: string) => (await h.events(requestId)).map((event) => event.action);
const applyTask = (requestId: string) => ({
  source: 'lambda-chatops/task',
  task: { kind: 'apply', requestId },
});
/** The worker's PutItem of one action (its audit event), to aim a DynamoDB fault at. */
const putOf = (action: string) => (body: Record<string, unknown>) =>
  (body.Item as Record<string, { S?: string }> | undefined)?.action?.S === action;

async function request(text: string): Promise<string> {
  const reply = await h.command(text);
  expect(reply.statusCode).toBe(200);
  const posted = h.slack.calls.filter((call) => call.method === 'chat.postMessage' && call.ok).at(-1);
  return requestIdIn(posted?.body.blocks);
}

describe('APPLIED means this request moved the alias', () => {
  it('records the RevisionId UpdateAlias answered on the APPLIED event', async () => {
    const id = await request('promote orders dev→test');

    await h.click(id, 'approve', { user: USERS.approver });
    await h.settle();

    const applied = (await h.events(id)).find((event) => event.action === 'APPLIED');
    expect(applied?.revisionId).toBe(h.lambda.alias(ORDERS, 'test').revisionId);
    expect(h.lambda.alias(ORDERS, 'test').description).toContain(`[lambda-chatops ${id}#3]`);
  });

  it('an alias moved by hand to the requested version ends the request STALE, not APPLIED', async () => {
    const id = await request('promote orders dev→test');
    h.lambda.setAlias(ORDERS, 'test', '5');
    h.lambda.resetCalls();

    await h.click(id, 'approve', { user: USERS.approver });
    await h.settle();

    const events = await h.events(id);
    expect(events.map((event) => event.action)).toEqual(['REQUESTED', 'APPROVED', 'STALE']);
    expect(events[2]).toMatchObject({ actor: 'system' });
    expect(events[2]?.reason).toContain('test was changed outside this request (now at version 5)');
    expect(updateAliasCalls()).toHaveLength(0);
    expect(textOf(h.card(id)?.blocks)).toContain('*Not applied*');
  });
});

describe('exactly one UpdateAlias per approved request', () => {
  it('three concurrent deliveries of the apply task make one UpdateAlias and one APPLIED', async () => {
    const id = await request('promote orders dev→test');
    // The click's own delivery of the task is swallowed; three copies arrive at once instead.
    h.lambda.onInvoke('lambda-chatops-worker', async () => undefined);
    await h.click(id, 'approve', { user: USERS.approver });
    await h.settle();
    h.lambda.resetCalls();

    await Promise.all([1, 2, 3].map(() => h.worker(applyTask(id), { awsRequestId: randomUUID() })));

    expect(updateAliasCalls()).toHaveLength(1);
    expect(await actions(id)).toEqual(['REQUESTED', 'APPROVED', 'APPLIED']);
    expect(h.lambda.alias(ORDERS, 'test').version).toBe('5');
  });

  it('an UpdateAlias whose answer was lost (the SDK retries into 412) is still APPLIED', async () => {
    const id = await request('promote orders dev→test');
    h.lambda.failNext('UpdateAlias', {
      status: 500,
      name: 'ServiceException',
      message: 'injected: the change was made, its answer lost',
      afterApplying: true,
    });

    await h.click(id, 'approve', { user: USERS.approver });
    await h.settle();

    const events = await h.events(id);
    expect(events.map((event) => event.action)).toEqual(['REQUESTED', 'APPROVED', 'APPLIED']);
    expect(events[2]).toMatchObject({
      actor: USERS.approver,
      revisionId: h.lambda.alias(ORDERS, 'test').revisionId,
    });
    expect(h.lambda.alias(ORDERS, 'test').version).toBe('5');
  });

  it('an invocation that died after UpdateAlias is finished by the next look: APPLIED once, by the approver, no second UpdateAlias', async () => {
    const id = await request('promote orders dev→test');
    // The worker moves the alias, then cannot record it (DynamoDB failing past the SDK's retries):
    // as good as dead, it leaves the request APPLYING under its claim.
    h.dynamoFaults.failNext('PutItem', { status: 500, name: 'InternalServerError' }, 20, putOf('APPLIED'));
    await h.click(id, 'approve', { user: USERS.approver });
    await h.settle();
    h.dynamoFaults.clearFaults();
    expect(await actions(id)).toEqual(['REQUESTED', 'APPROVED']);
    expect(h.lambda.alias(ORDERS, 'test').version).toBe('5');
    expect(updateAliasCalls()).toHaveLength(1);

    // While the claim holds, a click neither applies again nor starts the work again.
    await h.click(id, 'approve', { user: USERS.prod1 });
    await h.settle();
    expect(await actions(id)).toEqual(['REQUESTED', 'APPROVED']);
    expect(h.slack.ephemerals(CHANNELS.releases, USERS.prod1).at(-1)?.text).toContain('being updated');

    // Past the claim's lease, the next look recovers it.
    h.clock.advance(2 * 60_000);
    await h.click(id, 'approve', { user: USERS.prod1 });
    await h.settle();

    const events = await h.events(id);
    expect(events.map((event) => event.action)).toEqual(['REQUESTED', 'APPROVED', 'APPLIED']);
    expect(events[2]).toMatchObject({
      actor: USERS.approver,
      revisionId: h.lambda.alias(ORDERS, 'test').revisionId,
    });
    expect(updateAliasCalls()).toHaveLength(1);
    expect(textOf(h.card(id)?.blocks)).toContain('*Applied*');
  });

  it('an invocation that died after its claim but before UpdateAlias is finished by the next look', async () => {
    const id = await request('promote orders dev→test');
    // Its first AWS call fails past the SDK's retries: the invocation fails, nothing moved.
    h.lambda.failNext('GetAlias', { status: 500, name: 'ServiceException', message: 'injected' }, 3);
    await h.click(id, 'approve', { user: USERS.approver });
    await h.settle();
    expect(await actions(id)).toEqual(['REQUESTED', 'APPROVED']);
    expect(updateAliasCalls()).toHaveLength(0);

    h.clock.advance(2 * 60_000);
    await h.click(id, 'approve', { user: USERS.prod1 });
    await h.settle();

    expect(await actions(id)).toEqual(['REQUESTED', 'APPROVED', 'APPLIED']);
    expect(updateAliasCalls()).toHaveLength(1);
    expect(h.lambda.alias(ORDERS, 'test').version).toBe('5');
  });
});
