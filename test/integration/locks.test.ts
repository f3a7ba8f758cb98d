// Deploy locks (DESIGN.md section 3b) through the real handler, Bolt receiver, worker and SDK
// clients against the stand-ins: who may request past a lock, a race of two lock commands, a lock
// that ends by itself, an approved request that waits and is applied at the unlock, who may unlock,
// and what `locks` and `status` show.
import { randomBytes } from 'node:crypto';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AwsLambdaRegistry } from '../../src/adapters/aws-lambda-registry';
import { DynamoDbAuditLog } from '../../src/adapters/dynamodb-audit-log';
import { DynamoDbLockStore } from '../../src/adapters/dynamodb-lock-store';
import { DynamoDbRequestStore } from '../../src/adapters/dynamodb-request-store';
import { TASK_MARKER } from '../../src/adapters/task-event';
import { loadConfigFile } from '../../src/config';
import type { Deps } from '../../src/use-cases/deps';
import { applyWaiting } from '../../src/use-cases/locks';
import { guardsFor } from '../../src/use-cases/request-guards';
import { CHANNELS, type Harness, requestIdIn, startHarness, TABLE, textOf, USERS } from '../support/harness';

let h: Harness;

beforeEach(async () => {
  h = await startHarness();
});

afterEach(() => h.close());

const ORDERS = 'orders-service';
const HOUR = 60 * 60_000;
const postedCards = () => h.slack.calls.filter((call) => call.method === 'chat.postMessage' && call.ok);
const updateAliasCalls = () => h.lambda.calls.filter((call) => call.operation === 'UpdateAlias');

function lockIdIn(value: unknown): string {
  const match = /L[0-9A-HJKMNP-TV-Z]{9}/.exec(textOf(value));
  if (!match) throw new Error(`no lock id in ${textOf(value).slice(0, 200)}`);
  return match[0];
}

/** Asks for a change that must be accepted; returns its request id. */
async function request(text: string, user: string = USERS.dev): Promise<string> {
  const before = postedCards().length;
  const reply = await h.command(text, { user });
  expect(textOf(reply.json?.blocks)).toBe('');
  expect(postedCards()).toHaveLength(before + 1);
  return requestIdIn(postedCards().at(-1)?.body.blocks);
}

async function lockItem() {
  const item = await h.dynamo.send(
    new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'LOCK#orders' }, sk: { S: 'LOCKS' } } }),
  );
  return JSON.parse(item.Item?.locks?.S ?? '[]') as { id: string; alias: string; holder: string }[];
}

describe('taking a lock', () => {
  it('refuses others’ requests saying who, since when, why and until when; its holder may still request', async () => {
    const locked = await h.command('lock orders test --for 2h migrating the orders table', {
      user: USERS.approver,
    });
    expect(locked.json?.response_type).toBe('in_channel');
    const lockId = lockIdIn(locked.json?.blocks);
    expect(textOf(locked.json?.blocks)).toContain(`orders test is locked by <@${USERS.approver}>`);

    const refused = await h.command('promote orders dev→test', { user: USERS.dev });

    const text = textOf(refused.json?.blocks);
    expect(refused.json?.response_type).toBe('ephemeral');
    expect(text).toContain(`orders test is locked by <@${USERS.approver}> since <!date^`);
    expect(text).toContain(' until <!date^');
    expect(text).toContain('“migrating the orders table”');
    expect(postedCards()).toHaveLength(0);
    const events = await h.events(lockId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: 'LOCKED',
      requestId: lockId,
      function: 'orders',
      alias: 'test',
      actor: USERS.approver,
      reason: 'migrating the orders table',
      until: new Date(h.clock.now().getTime() + 2 * HOUR).toISOString(),
    });

    const id = await request('promote orders dev→test', USERS.approver);
    expect(textOf(h.card(id)?.blocks)).toContain('Requested by its holder');
    // Another alias of the function is not locked.
    await request('promote orders test→prod', USERS.dev);
  });

  it('a lock on the whole function covers every alias, shown as `*` in the audit table', async () => {
    const locked = await h.command('lock orders release freeze for QA', { user: USERS.prod1 });
    const lockId = lockIdIn(locked.json?.blocks);

    for (const text of ['promote orders dev→test', 'promote orders test→prod', 'promote orders dev 2']) {
      const refused = await h.command(text, { user: USERS.dev });
      expect(textOf(refused.json?.blocks)).toContain(`orders (every alias) is locked by <@${USERS.prod1}>`);
      expect(textOf(refused.json?.blocks)).toContain('until unlocked');
    }
    expect((await h.events(lockId))[0]).toMatchObject({ alias: '*', reason: 'release freeze for QA' });
    expect((await h.events(lockId))[0]?.until).toBeUndefined();
    const history = textOf((await h.command('history orders')).json?.blocks);
    expect(history).toContain(`*LOCKED*  every alias  ·  <@${USERS.prod1}>`);
    expect(history).toContain(lockId);
  });

  it('two lock commands at once, one for the function and one for an alias: exactly one wins', async () => {
    for (let round = 0; round < 3; round++) {
      const replies = await Promise.all([
        h.command('lock orders', { user: USERS.prod1 }),
        h.command('lock orders prod', { user: USERS.prod2 }),
        h.command('lock orders prod', { user: USERS.approver }),
      ]);

      const won = replies.filter((reply) => reply.json?.response_type === 'in_channel');
      expect(won).toHaveLength(1);
      for (const lost of replies.filter((reply) => reply.json?.response_type !== 'in_channel')) {
        expect(textOf(lost.json?.blocks)).toContain('is locked by');
      }
      const locks = await lockItem();
      expect(locks).toHaveLength(1);
      expect(await h.events(lockIdIn(won[0]?.json?.blocks))).toHaveLength(1);
      // Lift it for the next round (its holder may).
      const holder = locks[0]?.holder as string;
      const unlocked = await h.command(`unlock orders${locks[0]?.alias === '*' ? '' : ' prod'}`, {
        user: holder,
      });
      expect(unlocked.json?.response_type).toBe('in_channel');
    }
  });

  it('the same scope twice is refused, even to its holder; a lock on another alias is not', async () => {
    await h.command('lock orders prod', { user: USERS.prod1 });

    const again = await h.command('lock orders prod longer', { user: USERS.prod1 });
    const other = await h.command('lock orders dev', { user: USERS.dev });

    expect(textOf(again.json?.blocks)).toContain('/lambda unlock orders prod');
    expect(other.json?.response_type).toBe('in_channel');
    expect((await lockItem()).map((lock) => lock.alias).sort()).toEqual(['dev', 'prod']);
  });
});

describe('a lock when DynamoDB misbehaves', () => {
  const putOf = (prefix: string) => (body: Record<string, unknown>) =>
    ((body.Item as { pk?: { S?: string } } | undefined)?.pk?.S ?? '').startsWith(prefix);

  it('a lock write whose answer was lost (the SDK retries into its own condition) is taken once', async () => {
    h.dynamoFaults.failNext(
      'PutItem',
      { name: 'InternalServerError', status: 500, afterForwarding: true },
      1,
      putOf('LOCK#'),
    );

    const reply = await h.command('lock orders prod', { user: USERS.prod1 });

    expect(reply.json?.response_type).toBe('in_channel');
    expect(await lockItem()).toHaveLength(1);
    expect(await h.events(lockIdIn(reply.json?.blocks))).toHaveLength(1);
  });

  it('a lock whose LOCKED event cannot be written does not hold: nothing unseen in the history locks anything', async () => {
    h.dynamoFaults.failNext('PutItem', { name: 'InternalServerError', status: 500 }, 10, putOf('REQ#L'));

    const reply = await h.command('lock orders prod', { user: USERS.prod1 });

    expect(reply.json?.response_type).toBe('ephemeral');
    expect(textOf(reply.json?.blocks)).toContain('Nothing was changed');
    expect(await lockItem()).toHaveLength(0);
    await request('promote orders test→prod', USERS.dev);
  });
});

describe('a lock that ends by itself', () => {
  it('stops refusing at its end, with no UNLOCKED written', async () => {
    const locked = await h.command('lock orders test --for 1h', { user: USERS.approver });
    const lockId = lockIdIn(locked.json?.blocks);
    expect(textOf((await h.command('promote orders dev→test')).json?.blocks)).toContain('is locked by');

    h.clock.advance(HOUR);

    await request('promote orders dev→test', USERS.dev);
    expect(textOf((await h.command('locks')).json?.blocks)).toContain('No locks in force.');
    expect((await h.events(lockId)).map((event) => event.action)).toEqual(['LOCKED']);
  });
});

describe('an approved request under someone else’s lock', () => {
  it('waits (its card says so) and is applied at the unlock', async () => {
    const id = await request('promote orders dev→test', USERS.dev);
    await h.command('lock orders test checking a migration', { user: USERS.prod1 });

    await h.click(id, 'approve', { user: USERS.approver });
    await h.settle();

    expect(h.lambda.alias(ORDERS, 'test').version).toBe('4');
    expect(updateAliasCalls()).toHaveLength(0);
    const waiting = textOf(h.card(id)?.blocks);
    expect(waiting).toContain('*Approved, waiting for a lock*');
    expect(waiting).toContain(`orders test is locked by <@${USERS.prod1}>`);
    expect(h.slack.ephemerals(CHANNELS.releases, USERS.approver).at(-1)?.text).toContain(
      'waits for the lock on test to end',
    );

    const unlocked = await h.command('unlock orders test', { user: USERS.prod1 });
    await h.settle();

    expect(textOf(unlocked.json?.blocks)).toContain(id);
    expect(h.lambda.alias(ORDERS, 'test').version).toBe('5');
    expect((await h.events(id)).map((event) => event.action)).toEqual(['REQUESTED', 'APPROVED', 'APPLIED']);
    expect(textOf(h.card(id)?.blocks)).toContain('*Applied*');
  });

  it('a lock taken while a request is pending: the next click redraws its card with the lock', async () => {
    const id = await request('promote orders test→prod', USERS.dev);
    await h.command('lock orders prod release train', { user: USERS.prod1 });

    await h.click(id, 'approve', { user: USERS.prod2 });
    await h.settle();

    const card = textOf(h.card(id)?.blocks);
    expect(card).toContain(`orders prod is locked by <@${USERS.prod1}>`);
    expect(card).toContain('Once approved, it waits for this lock.');
    expect(JSON.stringify(h.card(id)?.blocks)).toContain('request.approve');
  });

  it('a lock that ended by itself: the next look at the card applies it', async () => {
    const id = await request('promote orders dev→test', USERS.dev);
    await h.command('lock orders test --for 30m', { user: USERS.prod1 });
    await h.click(id, 'approve', { user: USERS.approver });
    await h.settle();
    expect(h.lambda.alias(ORDERS, 'test').version).toBe('4');

    h.clock.advance(31 * 60_000);
    await h.click(id, 'approve', { user: USERS.approver });
    await h.settle();

    expect(h.lambda.alias(ORDERS, 'test').version).toBe('5');
    expect((await h.events(id)).at(-1)?.action).toBe('APPLIED');
  });

  it('expires rather than being applied after its expiry', async () => {
    const id = await request('promote orders dev→test', USERS.dev);
    await h.command('lock orders test', { user: USERS.prod1 });
    await h.click(id, 'approve', { user: USERS.approver });
    await h.settle();

    h.clock.advance(61 * 60_000);
    await h.command('unlock orders test', { user: USERS.prod1 });
    await h.settle();

    expect(h.lambda.alias(ORDERS, 'test').version).toBe('4');
    expect((await h.events(id)).at(-1)).toMatchObject({ action: 'EXPIRED', actor: 'system' });
    expect(textOf(h.card(id)?.blocks)).toContain('*Expired*');
    expect(textOf(h.card(id)?.blocks)).toContain('approved, but not applied before it expired');
  });
});

describe('applyWaiting, the heartbeat’s hook for locks that ended by themselves', () => {
  /** The use cases' dependencies on the same stand-ins, as the worker builds them; work goes to the real worker. */
  function workerDeps(started: string[]): Deps {
    const dynamo = new DynamoDBClient({});
    return {
      config: loadConfigFile(h.env.CHATOPS_CONFIG as string),
      registry: new AwsLambdaRegistry(new LambdaClient({}), h.clock),
      audit: new DynamoDbAuditLog(TABLE, dynamo),
      requests: new DynamoDbRequestStore(TABLE, dynamo),
      locks: new DynamoDbLockStore(TABLE, dynamo),
      directory: { membersOf: async () => [] },
      queue: {
        enqueue: async (task) => {
          if (task.kind === 'apply') started.push(task.requestId);
          await h.worker({ source: TASK_MARKER, task }, { awsRequestId: `heartbeat-${started.length}` });
        },
      },
      clock: h.clock,
      random: (size) => randomBytes(size),
    };
  }

  it('starts the approved requests no lock holds any more, and leaves those still locked', async () => {
    const toTest = await request('promote orders dev→test', USERS.dev);
    const toProd = await request('promote orders test→prod', USERS.dev);
    await h.command('lock orders test --for 30m', { user: USERS.prod1 });
    await h.command('lock orders prod', { user: USERS.prod1 });
    await h.click(toTest, 'approve', { user: USERS.approver });
    await h.click(toProd, 'approve', { user: USERS.prod2 });
    await h.click(toProd, 'approve', { user: USERS.platform });
    await h.settle();
    expect(updateAliasCalls()).toHaveLength(0);

    const started: string[] = [];
    expect(await applyWaiting(workerDeps(started), 'orders')).toEqual([]);
    h.clock.advance(31 * 60_000);
    const released = await applyWaiting(workerDeps(started), 'orders');

    expect(released).toEqual([toTest]);
    expect(started).toEqual([toTest]);
    expect(h.lambda.alias(ORDERS, 'test').version).toBe('5');
    expect(h.lambda.alias(ORDERS, 'prod').version).toBe('3');
    expect(textOf(h.card(toTest)?.blocks)).toContain('*Applied*');
    expect(textOf(h.card(toProd)?.blocks)).toContain('*Approved, waiting for a lock*');
  });
});

describe('guardsFor, what a rollout step asks before it moves an alias', () => {
  it('names a lock someone else holds, and nothing for the holder or once it ended', async () => {
    const locked = await h.command('lock orders prod --for 1h', { user: USERS.prod1 });
    const deps = {
      config: loadConfigFile(h.env.CHATOPS_CONFIG as string),
      locks: new DynamoDbLockStore(TABLE, new DynamoDBClient({})),
    };
    const request = (requester: string) => ({ function: 'orders', alias: 'prod', requester });

    const others = await guardsFor(deps, request(USERS.dev), h.clock.now());
    const holders = await guardsFor(deps, request(USERS.prod1), h.clock.now());
    const later = await guardsFor(deps, request(USERS.dev), new Date(h.clock.now().getTime() + HOUR));

    expect(others.lock?.id).toBe(lockIdIn(locked.json?.blocks));
    expect(holders).toEqual({});
    expect(later).toEqual({});
  });
});

describe('who may unlock', () => {
  it('the holder or an approver for the alias; anyone else is refused; UNLOCKED records who', async () => {
    const locked = await h.command('lock orders prod', { user: USERS.prod1 });
    const lockId = lockIdIn(locked.json?.blocks);

    const refused = await h.command('unlock orders prod', { user: USERS.dev });
    expect(textOf(refused.json?.blocks)).toContain(
      'only the holder or an approver for prod may lift this lock',
    );
    expect(await lockItem()).toHaveLength(1);

    // A member of the S0PLATFORM user group, which may approve prod.
    const lifted = await h.command('unlock orders prod', { user: USERS.platform });

    expect(lifted.json?.response_type).toBe('in_channel');
    expect(await lockItem()).toHaveLength(0);
    expect((await h.events(lockId)).map((event) => [event.action, event.actor])).toEqual([
      ['LOCKED', USERS.prod1],
      ['UNLOCKED', USERS.platform],
    ]);
  });

  it('a function-wide lock: an approver for the last stage (prod), not one for test only', async () => {
    await h.command('lock orders', { user: USERS.dev });

    const refused = await h.command('unlock orders', { user: USERS.approver });
    const lifted = await h.command('unlock orders', { user: USERS.prod2 });

    expect(textOf(refused.json?.blocks)).toContain('only the holder or an approver for prod');
    expect(lifted.json?.response_type).toBe('in_channel');
  });

  it('unlocking what is not locked says which locks there are', async () => {
    await h.command('lock orders prod', { user: USERS.prod1 });

    const reply = await h.command('unlock orders', { user: USERS.prod1 });

    expect(textOf(reply.json?.blocks)).toContain('/lambda unlock orders prod');
    expect(await lockItem()).toHaveLength(1);
  });
});

describe('locks and status', () => {
  it('`locks` lists every lock in force; `status` shows the function’s', async () => {
    await h.command('lock orders prod --for 2h release train', { user: USERS.prod1 });
    await h.command('lock payments', { user: USERS.dev });

    const locks = textOf((await h.command('locks', { channel: CHANNELS.notJoined })).json?.blocks);
    const status = textOf((await h.command('status orders')).json?.blocks);

    expect(locks).toContain(`orders prod is locked by <@${USERS.prod1}>`);
    expect(locks).toContain(`payments (every alias) is locked by <@${USERS.dev}>`);
    expect(status).toContain(`orders prod is locked by <@${USERS.prod1}>`);
    expect(status).toContain('“release train”');
    expect(status).not.toContain('payments');
  });
});
