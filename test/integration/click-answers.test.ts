// What an Approve or Reject click does before its answer, and what it leaves to the worker (issue
// 12: the fewest round trips), without giving up what a request promises (DESIGN.md section 3):
// the card never ends older than the request, the apply runs once, a click that changes nothing
// writes nothing, and a card whose request does not exist stops offering buttons. Through the real
// handler, Bolt, the SDK and the worker against the stand-ins.
import { randomUUID } from 'node:crypto';
import { DeleteItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LEASE_GRACE_MS } from '../../src/use-cases/requests';
import { CHANNELS, type Harness, requestIdIn, startHarness, TABLE, textOf, USERS } from '../support/harness';

let h: Harness;

beforeEach(async () => {
  h = await startHarness();
});

afterEach(() => h.close());

const ORDERS = 'orders-service';
const WORKER = 'lambda-chatops-worker';
const posted = () => h.slack.calls.filter((call) => call.method === 'chat.postMessage' && call.ok);
const updates = () => h.slack.calls.filter((call) => call.method === 'chat.update' && call.ok);
const updateAliasCalls = () => h.lambda.calls.filter((call) => call.operation === 'UpdateAlias');
const actions = async (requestId: string) => (await h.events(requestId)).map((event) => event.action);
const workerTasks = () =>
  h.lambda.invocations
    .filter((invocation) => invocation.functionName === WORKER)
    .map((invocation) => (invocation.payload as { task: Record<string, unknown> }).task);

async function request(text: string): Promise<string> {
  const reply = await h.command(text, { user: USERS.dev });
  expect(reply.body).toBe('');
  return requestIdIn(posted().at(-1)?.body.blocks);
}

describe('two approvers clicking at once on a request that needs two', () => {
  it('one apply, and the card ends applied though the older card update lands last', async () => {
    const id = await request('promote orders test→prod');
    // The first card update drawing an older state than the end is slow: the apply's overtakes it.
    h.slack.delayNext('chat.update', 1500, (body) => !String(body.text).endsWith(': applied'));

    const replies = await Promise.all([
      h.click(id, 'approve', { user: USERS.prod1 }),
      h.click(id, 'approve', { user: USERS.platform }),
    ]);

    expect(replies.map((reply) => reply.statusCode)).toEqual([200, 200]);
    // Neither answer waited for a card update drawing the older state: the worker draws it.
    expect(updates().filter((call) => !String(call.body.text).endsWith(': applied'))).toEqual([]);
    await h.settle();

    expect(await actions(id)).toEqual(['REQUESTED', 'APPROVED', 'APPROVED', 'APPLIED']);
    expect(updateAliasCalls()).toHaveLength(1);
    expect(h.lambda.alias(ORDERS, 'prod').version).toBe('4');
    const applied = updates().map((call) => String(call.body.text).endsWith(': applied'));
    // The race happened: an older state was drawn after an applied one…
    expect(applied.lastIndexOf(false)).toBeGreaterThan(applied.indexOf(true));
    // …and the card still ends as the request is.
    const card = h.card(id);
    expect(card?.text).toMatch(/: applied$/);
    expect(textOf(card?.blocks)).toContain('*Applied*');
    expect(JSON.stringify(card?.blocks)).not.toContain('request.approve');
  });
});

describe('a click that does not complete the approvals', () => {
  it('answers before its card is drawn: the worker draws it, where the click saw it', async () => {
    const id = await request('promote orders test→prod');
    const ts = h.card(id)?.ts ?? '';
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    h.lambda.onInvoke(WORKER, async (payload) => {
      await held;
      return h.worker(payload, { awsRequestId: randomUUID() });
    });

    await h.click(id, 'approve', { user: USERS.prod1 });

    expect(await actions(id)).toEqual(['REQUESTED', 'APPROVED']);
    expect(textOf(h.card(id)?.blocks)).toContain('0 of 2');
    expect(workerTasks()).toEqual([
      {
        kind: 'request.card',
        requestId: id,
        responseUrl: expect.stringContaining('/response/'),
        card: { channel: CHANNELS.releases, ts },
      },
    ]);
    release();
    await h.settle();

    const card = h.card(id);
    expect(textOf(card?.blocks)).toContain(`1 of 2: <@${USERS.prod1}>`);
    expect(JSON.stringify(card?.blocks)).toContain('request.approve');
  });

  it('the worker cannot be started: the click draws the card itself', async () => {
    const id = await request('promote orders test→prod');
    // The SDK tries the Invoke three times.
    h.lambda.failNext('Invoke', { status: 500, name: 'ServiceException', message: 'down' }, 3);

    await h.click(id, 'approve', { user: USERS.prod1 });

    expect(textOf(h.card(id)?.blocks)).toContain(`1 of 2: <@${USERS.prod1}>`);
    expect(workerTasks()).toEqual([]);
    expect(h.logs.at('WARN').map((line) => line.message)).toContainEqual(
      expect.stringContaining('its card could not be left to the worker'),
    );
  });
});

describe("the approvers' user groups", () => {
  it('are looked up while the request loads, once', async () => {
    const id = await request('promote orders test→prod');
    h.slack.resetCalls();
    h.dynamoFaults.latencyMs = 300;
    const started = Date.now();

    await h.click(id, 'approve', { user: USERS.platform });

    const lookups = h.slack.calls.filter((call) => call.method === 'usergroups.users.list');
    expect(lookups).toHaveLength(1);
    // Asked before the request's Query (300 ms) could have answered: beside it, not after it.
    expect((lookups[0]?.at ?? Number.POSITIVE_INFINITY) - started).toBeLessThan(250);
    expect(await actions(id)).toEqual(['REQUESTED', 'APPROVED']);
  });

  it('Slack failing to list them: the prefetch is ignored, the check asks again and refuses the click', async () => {
    const id = await request('promote orders test→prod');
    h.slack.resetCalls();
    // The request's Query outlasts the failing prefetch: the approver check finds no lookup in
    // flight, asks Slack again, and fails with its own message.
    h.dynamoFaults.latencyMs = 300;
    h.slack.failNext('usergroups.users.list', 'team_not_found', 2);

    await h.click(id, 'approve', { user: USERS.platform });
    await h.settle();

    const lookups = () => h.slack.calls.filter((call) => call.method === 'usergroups.users.list');
    expect(lookups().map((call) => call.error)).toEqual(['team_not_found', 'team_not_found']);
    expect(h.slack.ephemerals(CHANNELS.releases, USERS.platform).at(-1)?.text).toContain(
      'Slack could not list user group S0PLATFORM (team_not_found)',
    );
    expect(await actions(id)).toEqual(['REQUESTED']);
    expect(workerTasks()).toEqual([]);

    // A failed lookup is not remembered: the next click asks Slack again and counts.
    await h.click(id, 'approve', { user: USERS.platform });
    await h.settle();

    expect(lookups()).toHaveLength(3);
    expect(await actions(id)).toEqual(['REQUESTED', 'APPROVED']);
  });
});

describe('a click that changes nothing', () => {
  it('already approved by the clicker: one read and a note, no write, no Invoke', async () => {
    const id = await request('promote orders test→prod');
    await h.click(id, 'approve', { user: USERS.prod1 });
    await h.settle();
    h.dynamoFaults.calls.length = 0;
    h.lambda.resetCalls();
    h.slack.resetCalls();

    await h.click(id, 'approve', { user: USERS.prod1 });

    expect(h.dynamoFaults.calls).toEqual(['Query']);
    expect(h.lambda.calls).toEqual([]);
    expect(h.slack.calls.map((call) => call.method)).toEqual(['response_url']);
    expect(h.slack.ephemerals(CHANNELS.releases, USERS.prod1).at(-1)?.text).toContain(
      `You have already approved ${id}`,
    );
    expect(await actions(id)).toEqual(['REQUESTED', 'APPROVED']);
  });

  it('on an ended request: one read, the final card and a note at once, no write, no Invoke', async () => {
    const id = await request('promote orders dev→test');
    await h.click(id, 'approve', { user: USERS.approver });
    await h.settle();
    h.dynamoFaults.calls.length = 0;
    h.lambda.resetCalls();
    h.slack.resetCalls();

    await h.click(id, 'approve', { user: USERS.prod2 });

    expect(h.dynamoFaults.calls).toEqual(['Query']);
    expect(h.lambda.calls).toEqual([]);
    expect(h.slack.calls.map((call) => call.method).sort()).toEqual(['chat.update', 'response_url']);
    expect(h.slack.ephemerals(CHANNELS.releases, USERS.prod2).at(-1)?.text).toContain(
      `Request ${id} has already ended (applied)`,
    );
    expect(textOf(h.card(id)?.blocks)).toContain('*Applied*');
  });
});

describe('a card whose request does not exist', () => {
  it('loses its buttons through the click, and the clicker is told; nothing is written', async () => {
    const id = await request('promote orders dev→test');
    // The request's items are gone (a card of another deployment's table, or a request never stored).
    const items = await h.dynamo.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: `REQ#${id}` } },
      }),
    );
    for (const item of items.Items ?? []) {
      await h.dynamo.send(
        new DeleteItemCommand({
          TableName: TABLE,
          Key: { pk: item.pk ?? { S: '' }, sk: item.sk ?? { S: '' } },
        }),
      );
    }
    const ts = h.card(id)?.ts;
    expect(JSON.stringify(h.card(id)?.blocks)).toContain('request.approve');
    // Past the lease's grace: a request written alongside this card would be stored by now.
    h.clock.advance(LEASE_GRACE_MS + 5_000);

    await h.click(id, 'approve', { user: USERS.approver, ...(ts ? { messageTs: ts } : {}) });
    await h.settle();

    const card = h.slack.messages(CHANNELS.releases).find((message) => message.ts === ts);
    expect(textOf(card?.blocks)).toContain(`There is no request ${id}`);
    expect(JSON.stringify(card?.blocks)).not.toContain('request.approve');
    expect(JSON.stringify(card?.blocks)).not.toContain('"type":"actions"');
    expect(h.slack.ephemerals(CHANNELS.releases, USERS.approver).at(-1)?.text).toContain(
      `There is no request ${id}`,
    );
    expect(await h.events(id)).toEqual([]);
    expect(workerTasks()).toEqual([]);
  });
  it('keeps its buttons while its request may still be being written, and the clicker is told', async () => {
    const id = await request('promote orders dev→test');
    for (const item of (
      await h.dynamo.send(
        new QueryCommand({
          TableName: TABLE,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: `REQ#${id}` } },
        }),
      )
    ).Items ?? []) {
      await h.dynamo.send(
        new DeleteItemCommand({
          TableName: TABLE,
          Key: { pk: item.pk ?? { S: '' }, sk: item.sk ?? { S: '' } },
        }),
      );
    }
    const ts = h.card(id)?.ts;

    // A click seconds after the card was posted: its request's write may still be retrying.
    await h.click(id, 'approve', { user: USERS.approver, ...(ts ? { messageTs: ts } : {}) });
    await h.settle();

    const card = h.slack.messages(CHANNELS.releases).find((message) => message.ts === ts);
    expect(JSON.stringify(card?.blocks)).toContain('request.approve');
    expect(textOf(card?.blocks)).not.toContain(`There is no request ${id}`);
    expect(h.slack.ephemerals(CHANNELS.releases, USERS.approver).at(-1)?.text).toContain(
      `Request ${id} is still being recorded`,
    );
    expect(await h.events(id)).toEqual([]);
    expect(workerTasks()).toEqual([]);
  });
});
