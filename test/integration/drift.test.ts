// Drift (DESIGN.md section 3b, issue 14): the heartbeat's drift check and CloudTrail's alias calls
// through the real worker, Adopt and Roll back through the real handler and Bolt receiver, the
// SDK and the stand-ins. An alias moved by hand is recorded once and announced once; the bot's own
// changes never are.
import { randomUUID } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { LambdaClient, UpdateAliasCommand } from '@aws-sdk/client-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbRequestStore } from '../../src/adapters/dynamodb-request-store';
import { blockActionBody, signedSlackEvent } from '../../src/local/stand-ins/slack-requests';
import {
  CHANNELS,
  DEFAULT_CONFIG,
  type Harness,
  requestIdIn,
  SIGNING_SECRET,
  startHarness,
  TEAM,
  textOf,
  USERS,
} from '../support/harness';

const ORDERS = 'orders-service';
const FIFTEEN_MINUTES = 15 * 60_000;
const CONFIG = `${DEFAULT_CONFIG}drift: { every: 15m, channel: ${CHANNELS.releases} }\n`;

let h: Harness;

beforeEach(async () => {
  h = await startHarness({ config: CONFIG });
  alignToPeriod();
});

/** The clock at the start of a drift period, so that "a few minutes later" stays in the same one. */
const alignToPeriod = () => h.clock.advance(FIFTEEN_MINUTES - (h.clock.now().getTime() % FIFTEEN_MINUTES));

afterEach(() => h.close());

const heartbeat = (invocation: string = randomUUID()) =>
  h.worker({ kind: 'heartbeat' }, { awsRequestId: invocation }) as Promise<{ ok: boolean; ran?: string[] }>;

/** The next drift period: the next heartbeat runs the drift check again. */
const nextPeriod = () => h.clock.advance(FIFTEEN_MINUTES);

/** An alias's audit events, as a user would query its history (index byAlias). */
async function aliasEvents(fn: string, alias: string): Promise<Record<string, string>[]> {
  const page = await h.dynamo.send(
    new QueryCommand({
      TableName: 'chatops-audit',
      IndexName: 'byAlias',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: `FN#${fn}#${alias}` } },
    }),
  );
  return (page.Items ?? []).map((item) =>
    Object.fromEntries(Object.entries(item).map(([key, value]) => [key, value.S ?? value.N ?? ''])),
  );
}

const drifted = async (fn: string, alias: string) =>
  (await aliasEvents(fn, alias)).filter((event) => event.action === 'DRIFTED');

/** The drift cards posted in the drift channel. */
const driftCards = () =>
  h.slack.messages(CHANNELS.releases).filter((message) => message.text.startsWith('Drift:'));

const driftIdIn = (value: unknown): string => {
  const match = /D[0-9A-Z]{9}/.exec(textOf(value));
  if (!match) throw new Error(`no drift id in ${textOf(value).slice(0, 200)}`);
  return match[0];
};

/** A click on a drift card's button, signed as Slack signs it, through the real handler. */
async function clickDrift(action: 'adopt' | 'rollback', driftId: string, user: string) {
  const card = driftCards().find((message) => JSON.stringify(message.blocks).includes(driftId));
  const messageTs = card?.ts ?? '0000000000.000000';
  const body = blockActionBody({
    userId: user,
    teamId: TEAM,
    channelId: CHANNELS.releases,
    messageTs,
    responseUrl: h.slack.responseUrl({ channel: CHANNELS.releases, user, messageTs }),
    actionId: `drift.${action}`,
    value: driftId,
  });
  const event = signedSlackEvent(SIGNING_SECRET, body, {
    timestamp: Math.floor(h.clock.now().getTime() / 1000),
  });
  const reply = (await h.handler(event, {})) as { statusCode: number };
  await h.settle();
  return reply;
}

/** CloudTrail's record of an alias call, as EventBridge delivers it. */
function aliasCallEvent(options: {
  eventName?: string;
  functionName?: string;
  alias: string;
  version?: string;
  revisionId?: string;
  arn?: string;
}) {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.lambda',
    account: '123456789012',
    time: h.clock.now().toISOString(),
    region: 'us-east-1',
    detail: {
      eventVersion: '1.08',
      userIdentity: {
        type: 'AssumedRole',
        principalId: 'AROAEXAMPLE:alice',
        arn: options.arn ?? 'arn:aws:sts::123456789012:assumed-role/Admin/alice',
      },
      eventTime: h.clock.now().toISOString(),
      eventSource: 'lambda.amazonaws.com',
      eventName: options.eventName ?? 'UpdateAlias20150331',
      awsRegion: 'us-east-1',
      requestParameters: {
        functionName: options.functionName ?? ORDERS,
        name: options.alias,
        ...(options.version ? { functionVersion: options.version } : {}),
      },
      responseElements:
        options.eventName === 'DeleteAlias20150331'
          ? null
          : {
              aliasArn: `arn:aws:lambda:us-east-1:123456789012:function:${ORDERS}:${options.alias}`,
              name: options.alias,
              functionVersion: options.version,
              revisionId: options.revisionId,
              description: '',
            },
      eventID: randomUUID(),
      recipientAccountId: '123456789012',
    },
  };
}

async function promoteAndApprove(text: string, approvers: string[]): Promise<string> {
  await h.command(text);
  const posted = h.slack.calls.filter((call) => call.method === 'chat.postMessage' && call.ok).at(-1);
  const id = requestIdIn(posted?.body.blocks);
  for (const user of approvers) await h.click(id, 'approve', { user });
  await h.settle();
  return id;
}

describe('the heartbeat', () => {
  it('runs the drift check once per period, however many heartbeats come in it', async () => {
    expect((await heartbeat()).ran).toEqual(['drift', 'locks']);
    h.clock.advance(5 * 60_000);
    expect((await heartbeat()).ran).toEqual(['locks']);
    h.clock.advance(10 * 60_000);
    expect((await heartbeat()).ran).toEqual(['drift', 'locks']);
  });

  it('two concurrent heartbeats run the drift check once and announce a drift once', async () => {
    await heartbeat();
    h.lambda.setAlias(ORDERS, 'prod', '5');
    nextPeriod();

    const results = await Promise.all([heartbeat(), heartbeat()]);

    expect(results.flatMap((result) => result.ran ?? []).sort()).toEqual(['drift', 'locks']);
    expect(await drifted('orders', 'prod')).toHaveLength(1);
    expect(driftCards()).toHaveLength(1);
  });

  it("Lambda's retry of a failed heartbeat (the same invocation) runs its jobs again", async () => {
    const invocation = randomUUID();
    await heartbeat(invocation);

    expect((await heartbeat(invocation)).ran).toEqual(['drift', 'locks']);
    expect((await heartbeat()).ran).toEqual([]);
  });

  it('does nothing when drift is not configured', async () => {
    await h.close();
    h = await startHarness();
    expect((await heartbeat()).ran).toEqual(['locks']);
    expect(await aliasEvents('orders', 'prod')).toEqual([]);
  });
});

describe("the heartbeat's lock job", () => {
  it('applies an approved request whose lock ended by itself, without anyone clicking', async () => {
    await h.command('promote orders dev→test');
    const posted = h.slack.calls.filter((call) => call.method === 'chat.postMessage' && call.ok).at(-1);
    const id = requestIdIn(posted?.body.blocks);
    await h.command('lock orders test --for 30m', { user: USERS.prod1 });
    await h.click(id, 'approve', { user: USERS.approver });
    await h.settle();
    expect(h.lambda.alias(ORDERS, 'test').version).toBe('4');

    expect((await heartbeat()).ran).toContain('locks');
    expect(h.lambda.alias(ORDERS, 'test').version).toBe('4');
    h.clock.advance(31 * 60_000);
    expect((await heartbeat()).ran).toContain('locks');
    await h.settle();

    expect(h.lambda.alias(ORDERS, 'test').version).toBe('5');
    expect((await h.events(id)).map((event) => event.action)).toEqual(['REQUESTED', 'APPROVED', 'APPLIED']);
    expect(textOf(h.card(id)?.blocks)).toContain('*Applied*');
  });
});

describe('the drift check', () => {
  it('gives an alias never seen a silent baseline: ADOPTED by system, no card', async () => {
    await heartbeat();

    const events = await aliasEvents('orders', 'prod');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: 'ADOPTED',
      actor: 'system',
      toVersion: '3',
      revisionId: h.lambda.alias(ORDERS, 'prod').revisionId,
    });
    expect(events[0]?.requestId).toMatch(/^D[0-9A-Z]{9}$/);
    expect((await aliasEvents('payments', 'test'))[0]).toMatchObject({ action: 'ADOPTED', toVersion: '2' });
    expect(driftCards()).toHaveLength(0);
  });

  it('records an alias moved by hand once (not once per check) and posts one card', async () => {
    await heartbeat();
    h.lambda.setAlias(ORDERS, 'prod', '5');
    nextPeriod();
    await heartbeat();
    nextPeriod();
    await heartbeat();

    const events = await drifted('orders', 'prod');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actor: 'system',
      fromVersion: '3',
      toVersion: '5',
      channel: CHANNELS.releases,
      revisionId: h.lambda.alias(ORDERS, 'prod').revisionId,
    });
    expect(events[0]?.reason).toContain('version 3 → version 5');
    const cards = driftCards();
    expect(cards).toHaveLength(1);
    const text = textOf(cards[0]?.blocks);
    expect(text).toContain('orders prod 3 → 5');
    expect(text).toContain('found by the drift check');
    const buttons = JSON.stringify(cards[0]?.blocks);
    expect(buttons).toContain('"action_id":"drift.adopt"');
    expect(buttons).toContain('"action_id":"drift.rollback"');
    expect(buttons).toContain(`"value":"${events[0]?.requestId}"`);
  });

  it('a card Slack failed to post is posted by the next check, once', async () => {
    await heartbeat();
    h.lambda.setAlias(ORDERS, 'prod', '5');
    nextPeriod();
    h.slack.failNext('chat.postMessage', 'internal_error');

    await heartbeat();
    expect(await drifted('orders', 'prod')).toHaveLength(1);
    expect(driftCards()).toHaveLength(0);

    nextPeriod();
    await heartbeat();
    nextPeriod();
    await heartbeat();

    expect(await drifted('orders', 'prod')).toHaveLength(1);
    expect(driftCards()).toHaveLength(1);
  });

  it('a second move of the same alias is a second drift, still from the known version', async () => {
    await heartbeat();
    h.lambda.setAlias(ORDERS, 'prod', '5');
    nextPeriod();
    await heartbeat();
    h.lambda.setAlias(ORDERS, 'prod', '4');
    nextPeriod();
    await heartbeat();

    const events = await drifted('orders', 'prod');
    expect(events.map((event) => `${event.fromVersion}→${event.toVersion}`).sort()).toEqual(['3→4', '3→5']);
    expect(driftCards()).toHaveLength(2);
  });

  it("never reports the bot's own change", async () => {
    await heartbeat();
    const id = await promoteAndApprove('promote orders dev→test', [USERS.approver]);
    expect((await h.events(id)).map((event) => event.action)).toContain('APPLIED');
    nextPeriod();
    await heartbeat();

    expect(await drifted('orders', 'test')).toEqual([]);
    expect(driftCards()).toHaveLength(0);
  });

  describe('an alias the bot is moving right now', () => {
    /**
     * An approved request whose applying invocation took its claim and called UpdateAlias (with its
     * change marker), but has not written APPLIED yet: the state of the world mid-apply.
     */
    async function midApply(leaseMs = 60_000): Promise<string> {
      await heartbeat();
      await h.command('promote orders dev→test');
      const posted = h.slack.calls.filter((call) => call.method === 'chat.postMessage' && call.ok).at(-1);
      const id = requestIdIn(posted?.body.blocks);
      h.lambda.onInvoke('lambda-chatops-worker', async () => undefined);
      await h.click(id, 'approve', { user: USERS.approver });
      await h.settle();
      const step = 3; // REQUESTED, APPROVED, then the outcome
      await new DynamoDbRequestStore('chatops-audit', h.dynamo).claim(id, step, {
        owner: 'the-applying-invocation',
        now: h.clock.now(),
        leaseMs,
      });
      const lambda = new LambdaClient({});
      await lambda.send(
        new UpdateAliasCommand({
          FunctionName: ORDERS,
          Name: 'test',
          FunctionVersion: '5',
          RevisionId: h.lambda.alias(ORDERS, 'test').revisionId,
          Description: `[lambda-chatops ${id}#${step}]`,
        }),
      );
      lambda.destroy();
      h.lambda.onInvoke('lambda-chatops-worker', (payload) =>
        h.worker(payload, { awsRequestId: randomUUID() }),
      );
      return id;
    }

    it('is skipped while the invocation applying it is alive', async () => {
      // A claim still held at the next check (a slow invocation, within its lease).
      const id = await midApply(2 * FIFTEEN_MINUTES);
      nextPeriod();

      await heartbeat();
      await h.settle();

      expect(await drifted('orders', 'test')).toEqual([]);
      expect(driftCards()).toHaveLength(0);
      // Nothing was started over: the live invocation will record its outcome.
      expect((await h.events(id)).map((event) => event.action)).toEqual(['REQUESTED', 'APPROVED']);
    });

    it('is never drift, and a dead apply is taken over and recorded APPLIED', async () => {
      const id = await midApply();
      nextPeriod(); // past the claim's lease: the applying invocation is dead

      await heartbeat();
      await h.settle();

      expect(await drifted('orders', 'test')).toEqual([]);
      const events = await h.events(id);
      expect(events.map((event) => event.action)).toEqual(['REQUESTED', 'APPROVED', 'APPLIED']);
      expect(events[2]?.revisionId).toBe(h.lambda.alias(ORDERS, 'test').revisionId);
      nextPeriod();
      await heartbeat();
      expect(await drifted('orders', 'test')).toEqual([]);
    });

    it('a request approved but not being applied hides no drift', async () => {
      await heartbeat();
      await h.command('promote orders dev→test');
      const posted = h.slack.calls.filter((call) => call.method === 'chat.postMessage' && call.ok).at(-1);
      h.lambda.onInvoke('lambda-chatops-worker', async () => undefined);
      await h.click(requestIdIn(posted?.body.blocks), 'approve', { user: USERS.approver });
      await h.settle();
      h.lambda.setAlias(ORDERS, 'test', '5');
      nextPeriod();

      await heartbeat();

      expect(await drifted('orders', 'test')).toHaveLength(1);
    });
  });

  it('goes on with the other aliases when one cannot be read', async () => {
    h.lambda.deleteAlias('payments-service', 'dev');

    expect((await heartbeat()).ran).toContain('drift');

    expect(await aliasEvents('payments', 'dev')).toEqual([]);
    expect((await aliasEvents('payments', 'prod'))[0]).toMatchObject({ action: 'ADOPTED' });
    expect((await aliasEvents('orders', 'dev'))[0]).toMatchObject({ action: 'ADOPTED' });
  });

  it('a change of the description alone is not drift', async () => {
    await heartbeat();
    h.lambda.setAlias(ORDERS, 'prod', '3');
    nextPeriod();
    await heartbeat();

    expect(await drifted('orders', 'prod')).toEqual([]);
  });
});

describe('Adopt', () => {
  async function drift(): Promise<string> {
    await heartbeat();
    h.lambda.setAlias(ORDERS, 'test', '5');
    nextPeriod();
    await heartbeat();
    return driftIdIn(driftCards()[0]?.blocks);
  }

  it('records ADOPTED with the drifted RevisionId, updates the card, and the next check is quiet', async () => {
    const id = await drift();

    expect((await clickDrift('adopt', id, USERS.approver)).statusCode).toBe(200);

    const events = await h.events(id);
    expect(events.map((event) => event.action)).toEqual(['DRIFTED', 'ADOPTED']);
    expect(events[1]).toMatchObject({
      actor: USERS.approver,
      toVersion: '5',
      revisionId: h.lambda.alias(ORDERS, 'test').revisionId,
    });
    const card = driftCards()[0];
    expect(textOf(card?.blocks)).toContain('*Adopted* by <@U0APPROVER>');
    expect(JSON.stringify(card?.blocks)).not.toContain('drift.adopt');
    nextPeriod();
    await heartbeat();
    expect(await drifted('orders', 'test')).toHaveLength(1);
    expect(driftCards()).toHaveLength(1);
  });

  it('is refused to someone not allowed to approve for the alias, and records nothing', async () => {
    await heartbeat();
    h.lambda.setAlias(ORDERS, 'prod', '5');
    nextPeriod();
    await heartbeat();
    const id = driftIdIn(driftCards()[0]?.blocks);

    await clickDrift('adopt', id, USERS.outsider);

    expect((await h.events(id)).map((event) => event.action)).toEqual(['DRIFTED']);
    expect(h.slack.ephemerals(CHANNELS.releases, USERS.outsider).at(-1)?.text).toContain(
      "You can't adopt a change of prod: not an approver for this alias",
    );
  });

  it('a double click adopts once', async () => {
    const id = await drift();

    await Promise.all([clickDrift('adopt', id, USERS.approver), clickDrift('adopt', id, USERS.dev)]);

    expect((await h.events(id)).map((event) => event.action)).toEqual(['DRIFTED', 'ADOPTED']);
  });

  it('adopts nothing once the alias has moved again', async () => {
    const id = await drift();
    h.lambda.setAlias(ORDERS, 'test', '4');

    await clickDrift('adopt', id, USERS.approver);

    expect((await h.events(id)).map((event) => event.action)).toEqual(['DRIFTED']);
    expect(h.slack.ephemerals(CHANNELS.releases, USERS.approver).at(-1)?.text).toContain('has changed again');
  });
});

describe('Roll back', () => {
  it('opens a normal request back to the known version, which the usual approvals apply', async () => {
    await heartbeat();
    h.lambda.setAlias(ORDERS, 'prod', '5');
    nextPeriod();
    await heartbeat();
    const driftId = driftIdIn(driftCards()[0]?.blocks);
    const updates = () => h.lambda.calls.filter((call) => call.operation === 'UpdateAlias').length;
    const before = updates();

    await clickDrift('rollback', driftId, USERS.dev);

    // The Slack-facing function only opened the request: no alias moved.
    expect(updates()).toBe(before);
    expect(h.lambda.alias(ORDERS, 'prod').version).toBe('5');
    const requestCard = h.slack
      .messages(CHANNELS.releases)
      .find((message) => message.text.startsWith('Promote orders: prod 5 → 3'));
    expect(requestCard).toBeDefined();
    const requestId = requestIdIn(requestCard?.blocks);
    expect((await h.events(requestId))[0]).toMatchObject({
      action: 'REQUESTED',
      actor: USERS.dev,
      toVersion: '3',
    });

    await h.click(requestId, 'approve', { user: USERS.prod1 });
    await h.click(requestId, 'approve', { user: USERS.prod2 });
    await h.settle();
    expect(h.lambda.alias(ORDERS, 'prod').version).toBe('3');
    nextPeriod();
    await heartbeat();
    expect(await drifted('orders', 'prod')).toHaveLength(1);
  });
});

describe('Roll back while the alias has an open request', () => {
  it('opens nothing and names the open request', async () => {
    await heartbeat();
    h.lambda.setAlias(ORDERS, 'test', '5');
    nextPeriod();
    await heartbeat();
    const driftId = driftIdIn(driftCards()[0]?.blocks);
    await h.command('promote orders test 3', { user: USERS.approver });
    const open = requestIdIn(
      h.slack.calls.filter((call) => call.method === 'chat.postMessage' && call.ok).at(-1)?.body.blocks,
    );
    const posted = h.slack.calls.filter((call) => call.method === 'chat.postMessage').length;

    await clickDrift('rollback', driftId, USERS.dev);

    expect(h.slack.calls.filter((call) => call.method === 'chat.postMessage')).toHaveLength(posted);
    expect(h.slack.ephemerals(CHANNELS.releases, USERS.dev).at(-1)?.text).toContain(
      `test of orders already has an open request, \`${open}\``,
    );
  });
});

describe('CloudTrail alias calls', () => {
  it('records the drift at once, with who made the change', async () => {
    await heartbeat();
    h.lambda.setAlias(ORDERS, 'prod', '4');
    const revisionId = h.lambda.alias(ORDERS, 'prod').revisionId;

    const result = await h.worker(aliasCallEvent({ alias: 'prod', version: '4', revisionId }), {
      awsRequestId: randomUUID(),
    });

    expect(result).toMatchObject({ ok: true, noticed: 'drifted' });
    const events = await drifted('orders', 'prod');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actor: 'arn:aws:sts::123456789012:assumed-role/Admin/alice',
      fromVersion: '3',
      toVersion: '4',
    });
    expect(textOf(driftCards()[0]?.blocks)).toContain('arn:aws:sts::123456789012:assumed-role/Admin/alice');
    // The heartbeat after it sees the same change: already recorded, not announced again.
    nextPeriod();
    await heartbeat();
    expect(await drifted('orders', 'prod')).toHaveLength(1);
    expect(driftCards()).toHaveLength(1);
  });

  it("ignores the bot's own change", async () => {
    await heartbeat();
    await promoteAndApprove('promote orders dev→test', [USERS.approver]);
    const revisionId = h.lambda.alias(ORDERS, 'test').revisionId;

    const result = await h.worker(
      aliasCallEvent({
        alias: 'test',
        version: '5',
        revisionId,
        arn: 'arn:aws:sts::123456789012:assumed-role/lambda-chatops-worker-role/lambda-chatops-worker',
      }),
      { awsRequestId: randomUUID() },
    );

    expect(result).toMatchObject({ noticed: 'known' });
    expect(await drifted('orders', 'test')).toEqual([]);
    expect(driftCards()).toHaveLength(0);
  });

  it.each([
    ['an ARN', `arn:aws:lambda:us-east-1:123456789012:function:${ORDERS}`],
    ['a partial ARN', `123456789012:function:${ORDERS}`],
    ['a qualified name', `${ORDERS}:prod`],
  ])('finds the configured function named by %s', async (_label, functionName) => {
    await heartbeat();
    h.lambda.setAlias(ORDERS, 'prod', '4');
    const revisionId = h.lambda.alias(ORDERS, 'prod').revisionId;

    await h.worker(aliasCallEvent({ functionName, alias: 'prod', version: '4', revisionId }), {
      awsRequestId: randomUUID(),
    });

    expect(await drifted('orders', 'prod')).toHaveLength(1);
  });

  it('ignores functions it does not manage, and another account', async () => {
    await heartbeat();
    h.lambda.createFunction('someone-else', { versions: [{}, {}], aliases: { prod: '1' } });
    h.lambda.setAlias('someone-else', 'prod', '2');
    h.lambda.setAlias(ORDERS, 'prod', '4');
    const revisionId = h.lambda.alias(ORDERS, 'prod').revisionId;

    const other = await h.worker(
      aliasCallEvent({
        functionName: 'someone-else',
        alias: 'prod',
        version: '2',
        revisionId: h.lambda.alias('someone-else', 'prod').revisionId,
      }),
      {},
    );
    const elsewhere = await h.worker(
      aliasCallEvent({
        functionName: `arn:aws:lambda:us-east-1:999999999999:function:${ORDERS}`,
        alias: 'prod',
        version: '4',
        revisionId,
      }),
      {},
    );

    expect(other).toMatchObject({ noticed: 'ignored' });
    expect(elsewhere).toMatchObject({ noticed: 'ignored' });
    expect(await drifted('orders', 'prod')).toEqual([]);
  });

  it('a deleted alias is reported once, without buttons', async () => {
    await heartbeat();
    h.lambda.deleteAlias(ORDERS, 'dev');
    const event = aliasCallEvent({ eventName: 'DeleteAlias20150331', alias: 'dev' });

    const first = await h.worker(event, {});
    h.clock.advance(1000);
    const again = await h.worker(event, {});

    expect(first).toMatchObject({ noticed: 'drifted' });
    expect(again).toMatchObject({ noticed: 'recorded-before' });
    const events = await drifted('orders', 'dev');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ fromVersion: '5', toVersion: '' });
    expect(textOf(driftCards()[0]?.blocks)).toContain('orders dev 5 → deleted');
    expect(JSON.stringify(driftCards()[0]?.blocks)).not.toContain('drift.adopt');
  });

  it('a delete reported while the alias exists (created again since) is old news', async () => {
    await heartbeat();

    const result = await h.worker(aliasCallEvent({ eventName: 'DeleteAlias20150331', alias: 'dev' }), {});

    expect(result).toMatchObject({ noticed: 'ignored' });
    expect(await drifted('orders', 'dev')).toEqual([]);
  });
});
