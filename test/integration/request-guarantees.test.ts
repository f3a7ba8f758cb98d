// What a request promises whatever goes wrong around it (DESIGN.md section 3, issue 9): one open
// request per alias, a slash command delivered twice makes one request, a card that cannot be
// posted or an apply that cannot be started is never silent, the card never ends older than the
// request, every call started is waited for, and what cannot be reviewed is refused. Through the
// real handler and worker, the SDK and the stand-ins.
import { randomUUID } from 'node:crypto';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHandler } from '../../src/handler';
import { CHANNELS, type Harness, requestIdIn, startHarness, TABLE, textOf, USERS } from '../support/harness';

let h: Harness;

beforeEach(async () => {
  h = await startHarness();
});

afterEach(() => h.close());

const ORDERS = 'orders-service';
const WORKER = 'lambda-chatops-worker';
const posted = () => h.slack.calls.filter((call) => call.method === 'chat.postMessage' && call.ok);
const updateAliasCalls = () => h.lambda.calls.filter((call) => call.operation === 'UpdateAlias');
const actions = async (requestId: string) => (await h.events(requestId)).map((event) => event.action);
/** The request's cards in the channel (what people see), with or without buttons. */
const visibleCards = (requestId: string) =>
  h.slack
    .messages(CHANNELS.releases)
    .filter((message) => JSON.stringify(message.blocks ?? []).includes(requestId));
const hasButtons = (message: { blocks?: unknown[] } | undefined) =>
  JSON.stringify(message?.blocks ?? []).includes('"action_id":"request.approve"');
/** Where the request store says the request's card is. */
async function savedCard(requestId: string) {
  const item = await h.dynamo.send(
    new GetItemCommand({
      TableName: TABLE,
      Key: { pk: { S: `REQ#${requestId}` }, sk: { S: 'CARD' } },
      ConsistentRead: true,
    }),
  );
  return item.Item?.ts?.S;
}
/** Only DynamoDB writes of a REQUESTED event (not the lease, the card or other events). */
const requestedWrite = (body: Record<string, unknown>) =>
  JSON.stringify(body.Item ?? {}).includes('"action":{"S":"REQUESTED"}');
/** Asks for a change that is expected to be made, and returns the id shown on its card. */
async function request(text: string, user: string = USERS.dev): Promise<string> {
  const reply = await h.command(text, { user });
  expect(reply.body).toBe('');
  return requestIdIn(posted().at(-1)?.body.blocks);
}

describe('one open request per alias', () => {
  it('refuses a second request for an alias with a pending one, naming it, who asked and who can end it', async () => {
    const first = await request('promote orders dev→test');
    h.slack.resetCalls();

    const reply = await h.command('promote orders test 3', { user: USERS.approver });

    expect(reply.json?.response_type).toBe('ephemeral');
    const text = textOf(reply.json?.blocks);
    expect(text).toContain(`already has an open request, \`${first}\``);
    expect(text).toContain(`asked by <@${USERS.dev}>`);
    expect(text).toContain(`/lambda cancel ${first}`);
    expect(text).toContain('reject it on its card');
    expect(posted()).toHaveLength(0);
    // Another alias of the same function is not held.
    await request('promote orders test→prod');
  });

  it('two concurrent promotions of the same alias make exactly one request and one card', async () => {
    const replies = await Promise.all([
      h.command('promote orders dev→test', { user: USERS.dev }),
      h.command('promote orders test 2', { user: USERS.approver }),
    ]);

    expect(posted()).toHaveLength(1);
    const refused = replies.filter((reply) => reply.json?.response_type === 'ephemeral');
    expect(refused).toHaveLength(1);
    const id = requestIdIn(posted()[0]?.body.blocks);
    expect(textOf(refused[0]?.json?.blocks)).toContain(id);
    const history = (await h.command('history orders test')).json?.blocks;
    expect(textOf(history).match(/\*REQUESTED\*/g)).toHaveLength(1);
  });

  it.each([
    ['cancelled by the requester', async (id: string) => void (await h.command(`cancel ${id}`))],
    [
      'rejected by an approver',
      async (id: string) => void (await h.click(id, 'reject', { user: USERS.approver })),
    ],
    [
      'applied',
      async (id: string) => {
        await h.click(id, 'approve', { user: USERS.approver });
        await h.settle();
      },
    ],
    [
      'stale (moved by hand)',
      async (id: string) => {
        h.lambda.setAlias(ORDERS, 'test', '2');
        await h.click(id, 'approve', { user: USERS.approver });
        await h.settle();
      },
    ],
    [
      'failed',
      async (id: string) => {
        h.lambda.failNext(
          'UpdateAlias',
          { status: 403, name: 'AccessDeniedException', message: 'injected' },
          5,
        );
        await h.click(id, 'approve', { user: USERS.approver });
        await h.settle();
      },
    ],
    [
      'expired',
      async () => {
        h.clock.advance(61 * 60_000);
      },
    ],
  ])('an alias is free again once its request has ended: %s', async (_, end) => {
    const first = await request('promote orders dev→test');
    await end(first);

    const second = await request('promote orders test 3');

    expect(second).not.toBe(first);
    expect(textOf(h.card(second)?.blocks)).toContain('test');
  });

  it('an ended request whose release was lost does not hold the alias: the next request takes it over', async () => {
    const first = await request('promote orders dev→test');
    h.dynamoFaults.failNext('PutItem', { status: 500, name: 'InternalServerError' }, 10, (body) =>
      JSON.stringify(body.Item ?? {}).includes('releasedBy'),
    );
    await h.command(`cancel ${first}`);
    expect(await actions(first)).toEqual(['REQUESTED', 'CANCELLED']);
    h.dynamoFaults.clearFaults();
    const lease = await h.dynamo.send(
      new GetItemCommand({
        TableName: TABLE,
        Key: { pk: { S: 'OPEN#orders' }, sk: { S: 'ALIAS#test' } },
        ConsistentRead: true,
      }),
    );
    expect(lease.Item?.requestId?.S).toBe(first);

    const second = await request('promote orders test 3');

    expect(second).not.toBe(first);
    const refused = await h.command('promote orders test 2', { user: USERS.approver });
    expect(textOf(refused.json?.blocks)).toContain(`already has an open request, \`${second}\``);
  });

  it('an approved request still being applied holds its alias past the request lifetime, and status shows it', async () => {
    const first = await request('promote orders dev→test');
    // The worker never runs: the request stays approved, not applied.
    h.lambda.onInvoke(WORKER, async () => undefined);
    await h.click(first, 'approve', { user: USERS.approver });
    await h.settle();
    h.clock.advance(2 * 60 * 60_000);

    const reply = await h.command('promote orders test 3', { user: USERS.approver });

    const text = textOf(reply.json?.blocks);
    expect(text).toContain(`already has an open request, \`${first}\``);
    expect(text).toContain('approved and being applied');
    expect(await actions(first)).toEqual(['REQUESTED', 'APPROVED']);
    const status = textOf((await h.command('status orders')).json?.blocks);
    expect(status).toContain(`${first}\` → 5, approved, *waiting to be applied*`);
  });

  it('a refused command does not keep the alias', async () => {
    const bad = await h.command('promote orders nosuch→test');
    expect(textOf(bad.json?.blocks)).toContain('no alias `nosuch`');
    const same = await h.command('promote orders test 4');
    expect(textOf(same.json?.blocks)).toContain('already points at version 4');

    await request('promote orders dev→test');
  });
});

describe('a slash command delivered twice', () => {
  it("whose second card cannot be deleted (chat.delete failing): still one request, the first card saved, the failure logged, and the second card's buttons act on that one request", async () => {
    const first = await h.command('promote orders dev→test');
    const id = requestIdIn(posted()[0]?.body.blocks);
    const firstTs = await savedCard(id);
    h.slack.failNext('chat.delete', 'internal_error');

    await h.command('', { body: first.sent });

    expect(await actions(id)).toEqual(['REQUESTED']);
    expect(await savedCard(id)).toBe(firstTs);
    const cards = visibleCards(id);
    expect(cards).toHaveLength(2);
    expect(
      h.logs.at('WARN').some((line) => line.message.includes('chat.delete failed (internal_error)')),
    ).toBe(true);
    const second = cards.find((card) => card.ts !== firstTs);
    await h.click(id, 'approve', { user: USERS.approver, ...(second?.ts ? { messageTs: second.ts } : {}) });
    await h.settle();
    expect(await actions(id)).toEqual(['REQUESTED', 'APPROVED', 'APPLIED']);
  });

  it('makes one request and one card', async () => {
    const first = await h.command('promote orders dev→test');
    const id = requestIdIn(posted()[0]?.body.blocks);

    const again = await h.command('', { body: first.sent });

    expect(again.statusCode).toBe(200);
    expect(again.body).toBe('');
    // The redelivery posted its card beside its write (issue 12) and removed it on finding the
    // first delivery's: one card in the channel.
    expect(visibleCards(id)).toHaveLength(1);
    expect(visibleCards(id)[0]?.ts).toBe(await savedCard(id));
    const deleted = h.slack.calls.filter((call) => call.method === 'chat.delete' && call.ok);
    expect(posted().length - deleted.length).toBe(1);
    expect(await actions(id)).toEqual(['REQUESTED']);
    const history = (await h.command('history orders test')).json?.blocks;
    expect(textOf(history).match(/\*REQUESTED\*/g)).toHaveLength(1);
  });

  it('posts the card on the redelivery when the first delivery never got it to the channel', async () => {
    // The first delivery cannot reach Slack's Web API, and its answer (which carried the card)
    // came too late for Slack, which delivers the command again.
    h.logs.clear();
    const unreachable = createHandler(
      { ...h.env, SLACK_API_URL: 'http://127.0.0.1:9/api/' },
      { logger: h.logs.logger },
    );
    const event = h.commandEvent('promote orders dev→test', { base64: false }) as { body: string };
    await unreachable(event, {});
    expect(posted()).toHaveLength(0);
    expect(h.logs.at('WARN')).toContainEqual(
      expect.objectContaining({ message: expect.stringContaining('chat.postMessage failed') }),
    );

    const again = await h.command('', { body: event.body });

    expect(again.body).toBe('');
    expect(posted()).toHaveLength(1);
    const id = requestIdIn(posted()[0]?.body.blocks);
    expect(await actions(id)).toEqual(['REQUESTED']);
    const history = (await h.command('history orders test')).json?.blocks;
    expect(textOf(history).match(/\*REQUESTED\*/g)).toHaveLength(1);
  });
});

describe('the request written and its card posted at once (issue 12)', () => {
  it.each([
    ['throttled past the SDK retries', { status: 400, name: 'ThrottlingException' }, 'throttling'],
    ['failing (500)', { status: 500, name: 'InternalServerError' }, ''],
  ])(
    'the REQUESTED write %s: the posted card loses its buttons, nothing is requested, the alias is free',
    async (_, fault, says) => {
      h.dynamoFaults.failNext('PutItem', fault, 10, requestedWrite);

      const reply = await h.command('promote orders dev→test');

      expect(reply.json?.response_type).toBe('ephemeral');
      expect(textOf(reply.json?.blocks).toLowerCase()).toContain(says);
      expect(posted()).toHaveLength(1);
      const id = requestIdIn(posted()[0]?.body.blocks);
      const cards = visibleCards(id);
      expect(cards).toHaveLength(1);
      expect(hasButtons(cards[0])).toBe(false);
      expect(textOf(cards[0]?.blocks)).toContain(`Request ${id} could not be recorded: nothing will change`);
      expect(await actions(id)).toEqual([]);
      h.dynamoFaults.clearFaults();
      const second = await request('promote orders dev→test');
      expect(second).not.toBe(id);
      expect(hasButtons(h.card(second))).toBe(true);
    },
  );

  it("the REQUESTED write's answer lost: the SDK's retry meets the condition, the request is ours and the posted card is its card", async () => {
    h.dynamoFaults.failNext(
      'PutItem',
      { status: 500, name: 'InternalServerError', afterForwarding: true },
      1,
      requestedWrite,
    );

    const reply = await h.command('promote orders dev→test');

    expect(reply.body).toBe('');
    expect(posted()).toHaveLength(1);
    const id = requestIdIn(posted()[0]?.body.blocks);
    expect(await actions(id)).toEqual(['REQUESTED']);
    const cards = visibleCards(id);
    expect(cards).toHaveLength(1);
    expect(hasButtons(cards[0])).toBe(true);
    expect(await savedCard(id)).toBe(cards[0]?.ts);
    await h.click(id, 'approve', { user: USERS.approver });
    await h.settle();
    expect(textOf(h.card(id)?.blocks)).toContain('*Applied*');
  });

  it("the card location's write answer lost: the retry meets its own write, one card, nothing deleted", async () => {
    h.dynamoFaults.failNext(
      'PutItem',
      { status: 500, name: 'InternalServerError', afterForwarding: true },
      1,
      (body) => JSON.stringify(body.Item ?? {}).includes('"sk":{"S":"CARD"}'),
    );

    const reply = await h.command('promote orders dev→test');

    expect(reply.body).toBe('');
    const id = requestIdIn(posted()[0]?.body.blocks);
    const cards = visibleCards(id);
    expect(cards).toHaveLength(1);
    expect(hasButtons(cards[0])).toBe(true);
    expect(await savedCard(id)).toBe(cards[0]?.ts);
    expect(h.slack.calls.filter((call) => call.method === 'chat.delete')).toEqual([]);
    expect(await actions(id)).toEqual(['REQUESTED']);
  });

  it('one command delivered twice at the same moment: one request and one card in the channel', async () => {
    const event = h.commandEvent('promote orders dev→test', { base64: false }) as { body: string };

    const replies = await Promise.all([
      h.command('', { body: event.body }),
      h.command('', { body: event.body }),
    ]);

    expect(replies.map((reply) => reply.body)).toEqual(['', '']);
    const id = requestIdIn(posted()[0]?.body.blocks);
    expect(await actions(id)).toEqual(['REQUESTED']);
    const cards = visibleCards(id);
    expect(cards).toHaveLength(1);
    expect(hasButtons(cards[0])).toBe(true);
    expect(await savedCard(id)).toBe(cards[0]?.ts);
  });
});

describe("a rollback's target version deleted meanwhile", () => {
  /** test: 4 → 5 applied, so `rollback orders test` asks for 4, which this container has read. */
  async function appliedOnTest(): Promise<void> {
    const id = await request('promote orders dev→test');
    await h.click(id, 'approve', { user: USERS.approver });
    await h.settle();
    expect(h.lambda.alias(ORDERS, 'test').version).toBe('5');
    h.slack.resetCalls();
  }

  it('known to this container: checked beside the write; the request ends FAILED by system, its card says so, the alias is free', async () => {
    await appliedOnTest();
    h.lambda.deleteVersion(ORDERS, '4');

    const reply = await h.command('rollback orders test');

    const said = textOf(reply.json?.blocks);
    expect(reply.json?.response_type).toBe('ephemeral');
    expect(said).toContain('Version 4 of orders-service no longer exists');
    const id = requestIdIn(posted()[0]?.body.blocks);
    expect(said).toContain(`request ${id} was ended (failed), nothing will change`);
    const events = await h.events(id);
    expect(events.map((event) => event.action)).toEqual(['REQUESTED', 'FAILED']);
    expect(events[1]).toMatchObject({
      actor: 'system',
      reason: 'version 4 of orders-service no longer exists',
    });
    const cards = visibleCards(id);
    expect(cards).toHaveLength(1);
    expect(hasButtons(cards[0])).toBe(false);
    expect(textOf(cards[0]?.blocks)).toContain('*Failed*');
    expect(textOf(cards[0]?.blocks)).toContain('no longer exists');
    const next = await request('promote orders test 3');
    expect(next).not.toBe(id);
  });

  it('whether it still exists cannot be checked (Lambda throttling): the request just made ends FAILED, saying so', async () => {
    await appliedOnTest();
    h.lambda.failNext(
      'GetFunctionConfiguration',
      { status: 429, name: 'TooManyRequestsException', message: 'Rate exceeded' },
      5,
    );

    const reply = await h.command('rollback orders test');

    const id = requestIdIn(posted()[0]?.body.blocks);
    expect(textOf(reply.json?.blocks)).toContain(`request ${id} was ended (failed)`);
    const events = await h.events(id);
    expect(events.map((event) => event.action)).toEqual(['REQUESTED', 'FAILED']);
    expect(events[1]?.reason).toContain(
      'whether version 4 of orders-service still exists could not be checked',
    );
    expect(hasButtons(h.card(id))).toBe(false);
  });

  it('unknown to this container (cold): read first, refused before anything is requested or posted', async () => {
    await appliedOnTest();
    h.lambda.deleteVersion(ORDERS, '4');
    const cold = createHandler(h.env, { logger: h.logs.logger });
    const event = h.commandEvent('rollback orders test', { base64: false });

    const reply = (await cold(event, {})) as { body: string };

    expect(textOf(JSON.parse(reply.body).blocks)).toContain('no version 4 of orders-service');
    expect(posted()).toHaveLength(0);
    const history = (await h.command('history orders test')).json?.blocks;
    expect(textOf(history).match(/\*REQUESTED\*/g)).toHaveLength(1);
  });

  it('known and still there: the rollback is requested as usual', async () => {
    await appliedOnTest();

    const id = await request('rollback orders test');

    expect(await actions(id)).toEqual(['REQUESTED']);
    expect(hasButtons(h.card(id))).toBe(true);
    expect(textOf(h.card(id)?.blocks)).toContain('test 5 → 4');
  });
});

describe('the card cannot be posted', () => {
  it.each([
    ['rate-limited (429, Retry-After)', { error: 'ratelimited', status: 429, retryAfterSeconds: 30 }, 1],
    ['failing (500)', { error: 'internal_error', status: 500 }, 5],
  ])('chat.postMessage %s: the command answer carries the card to the channel', async (_, fault, times) => {
    h.slack.failNext('chat.postMessage', fault, times);

    const reply = await h.command('promote orders dev→test');

    expect(reply.json?.response_type).toBe('in_channel');
    const id = requestIdIn(reply.json?.blocks);
    expect(JSON.stringify(reply.json?.blocks)).toContain('"action_id":"request.approve"');
    expect(await actions(id)).toEqual(['REQUESTED']);
    const ts = h.slack.seedMessage(CHANNELS.releases, {
      user: USERS.dev,
      text: 'card',
      blocks: reply.json?.blocks as unknown[],
    });
    await h.click(id, 'approve', { user: USERS.approver, messageTs: ts });
    await h.settle();
    expect(h.lambda.alias(ORDERS, 'test').version).toBe('5');
    const card = h.slack.messages(CHANNELS.releases).find((message) => message.ts === ts);
    expect(textOf(card?.blocks)).toContain('*Applied*');
  });
});

describe('the update cannot be started after the last approval', () => {
  it('tells the approver, shows it on the card and in status, and the next click starts it at once', async () => {
    const id = await request('promote orders dev→test');
    // Both Invokes of the approving click (the apply and its card), each tried three times by the SDK.
    h.lambda.failNext(
      'Invoke',
      { status: 429, name: 'TooManyRequestsException', message: 'Rate exceeded' },
      6,
    );

    await h.click(id, 'approve', { user: USERS.approver });
    await h.settle();

    expect(await actions(id)).toEqual(['REQUESTED', 'APPROVED']);
    const note = h.slack.ephemerals(CHANNELS.releases, USERS.approver).at(-1)?.text ?? '';
    expect(note).toContain(`${id} is approved, but the update of test could not be started`);
    expect(note).toContain('Retry');
    const card = h.card(id);
    expect(textOf(card?.blocks)).toContain('*Approved, waiting to be applied*');
    expect(JSON.stringify(card?.blocks)).toContain('"action_id":"request.approve"');
    h.clock.advance(2 * 60_000);
    const status = textOf((await h.command('status orders')).json?.blocks);
    expect(status).toContain(`${id}\` → 5, approved, *waiting to be applied*`);

    await h.click(id, 'approve', { user: USERS.prod1 });
    await h.settle();

    const events = await h.events(id);
    expect(events.map((event) => event.action)).toEqual(['REQUESTED', 'APPROVED', 'APPLIED']);
    expect(events[2]?.actor).toBe(USERS.approver);
    expect(updateAliasCalls()).toHaveLength(1);
    expect(textOf(h.card(id)?.blocks)).toContain('*Applied*');
  });
});

describe('an approved request nobody is applying', () => {
  it('keeps Retry on its card: a click starts the update the worker never ran', async () => {
    const id = await request('promote orders dev→test');
    // The apply's Invoke is accepted, but it never runs (it crashed before its claim); the card's
    // own task, queued beside it, does.
    h.lambda.onInvoke(WORKER, async (payload) =>
      (payload as { task?: { kind?: string } }).task?.kind === 'apply'
        ? undefined
        : h.worker(payload, { awsRequestId: randomUUID() }),
    );
    await h.click(id, 'approve', { user: USERS.approver });
    await h.settle();
    const card = h.card(id);
    expect(textOf(card?.blocks)).toContain('moving test…');
    expect(JSON.stringify(card?.blocks)).toContain('"text":"Retry"');
    h.lambda.onInvoke(WORKER, (payload) => h.worker(payload, { awsRequestId: randomUUID() }));

    await h.click(id, 'approve', { user: USERS.outsider });
    await h.settle();

    expect(await actions(id)).toEqual(['REQUESTED', 'APPROVED', 'APPLIED']);
    expect(updateAliasCalls()).toHaveLength(1);
    expect(textOf(h.card(id)?.blocks)).toContain('*Applied*');
  });
});

describe('card updates racing', () => {
  it("the click's late 'applying' update never leaves the card older than the applied request", async () => {
    const id = await request('promote orders dev→test');
    // The click's card update is slow: the worker's "applied" overtakes it.
    h.slack.delayNext('chat.update', 1500, (body) => String(body.text).endsWith(': applying'));

    await h.click(id, 'approve', { user: USERS.approver });
    await h.settle();

    expect(await actions(id)).toEqual(['REQUESTED', 'APPROVED', 'APPLIED']);
    const updates = h.slack.calls
      .filter((call) => call.method === 'chat.update')
      .map((call) => call.body.text);
    expect(updates.some((text) => String(text).endsWith(': applying'))).toBe(true);
    const card = h.card(id);
    expect(card?.text).toMatch(/: applied$/);
    expect(textOf(card?.blocks)).toContain('*Applied*');
  });
});

describe('every call started is waited for', () => {
  it.each([
    ['rollback orders nosuch', 'no alias `nosuch`'],
    ['status ghost', 'no function ghost-service'],
    ['promote orders nosuch→test', 'no alias `nosuch`'],
  ])(
    '%s: the AWS read fails fast, the slow DynamoDB calls beside it still end before the answer',
    async (text, message) => {
      h.dynamoFaults.latencyMs = 300;

      const reply = await h.command(text);

      expect(h.dynamoFaults.inFlight).toBe(0);
      expect(textOf(reply.json?.blocks)).toContain(message);
      expect(h.dynamoFaults.calls.length).toBeGreaterThan(0);
    },
  );
});

describe('what cannot be reviewed is refused', () => {
  it.each(['promote orders test $LATEST', 'promote orders $LATEST→test'])(
    '%s: refused, saying why',
    async (text) => {
      const reply = await h.command(text);

      const said = textOf(reply.json?.blocks);
      expect(said).toContain('`$LATEST` is never promoted from or to: it changes with every deployment');
      expect(posted()).toHaveLength(0);
    },
  );

  it('a source alias pointing at $LATEST is refused; a target alias on $LATEST may be moved off it', async () => {
    h.lambda.setAlias(ORDERS, 'dev', '$LATEST');

    const reply = await h.command('promote orders dev→test');

    expect(textOf(reply.json?.blocks)).toContain(
      '`dev` points at $LATEST: $LATEST is never promoted from or to',
    );
    expect(posted()).toHaveLength(0);

    h.lambda.setAlias(ORDERS, 'test', '$LATEST');
    const id = await request('promote orders test 3');
    expect(textOf(h.card(id)?.blocks)).toContain('test $LATEST → 3');
    await h.click(id, 'approve', { user: USERS.approver });
    await h.settle();
    expect(h.lambda.alias(ORDERS, 'test').version).toBe('3');

    const rollback = await h.command('rollback orders test');

    expect(textOf(rollback.json?.blocks)).toContain('This would point `test` back at $LATEST');
    expect(posted()).toHaveLength(1);
  });

  it('a version deleted after this container read it cannot be requested', async () => {
    const first = await request('promote orders test 2');
    await h.command(`cancel ${first}`);
    h.lambda.deleteVersion(ORDERS, '2');
    h.slack.resetCalls();

    const reply = await h.command('promote orders test 2');

    expect(textOf(reply.json?.blocks)).toContain('no version 2 of orders-service');
    expect(posted()).toHaveLength(0);
  });
});

describe('an infrastructure failure is answered without the usage line', () => {
  it('DynamoDB throttling while requesting', async () => {
    h.dynamoFaults.failNext('PutItem', { status: 400, name: 'ThrottlingException' }, 10);

    const reply = await h.command('promote orders dev→test');

    const said = textOf(reply.json?.blocks);
    expect(said).toContain('throttling');
    expect(said).not.toContain('Usage');
    expect(posted()).toHaveLength(0);
  });

  it('a mistake in the command still shows it', async () => {
    const reply = await h.command('promote orders nosuch→test');
    expect(textOf(reply.json?.blocks)).toContain('Usage');
  });
});
