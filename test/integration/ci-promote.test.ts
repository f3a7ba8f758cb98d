// `ci.promote` (DESIGN.md section 3c) through the real worker, invoked with the real Lambda client
// (RequestResponse) on the Lambda stand-in, then approved by people through the real handler.
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CHANNELS,
  DEFAULT_CONFIG,
  type Harness,
  startHarness,
  textOf,
  USERS,
  WORKER_FUNCTION,
} from '../support/harness';

let h: Harness;
let lambda: LambdaClient;

beforeEach(async () => {
  h = await startHarness();
  lambda = new LambdaClient({});
});

afterEach(async () => {
  lambda.destroy();
  await h.close();
});

const ORDERS = 'orders-service';
const CI = 'github-actions: acme/orders run 991';

/** Invokes the worker as a pipeline does: IAM credentials, RequestResponse, the event as JSON. */
async function invokeWorker(
  payload: unknown,
): Promise<{ functionError?: string; answer: Record<string, unknown> }> {
  const out = await lambda.send(
    new InvokeCommand({ FunctionName: WORKER_FUNCTION, Payload: Buffer.from(JSON.stringify(payload)) }),
  );
  const answer = JSON.parse(Buffer.from(out.Payload ?? []).toString('utf8')) as Record<string, unknown>;
  return { ...(out.FunctionError ? { functionError: out.FunctionError } : {}), answer };
}

const promote = (overrides: Record<string, unknown> = {}) => ({
  kind: 'ci.promote',
  function: 'orders',
  to: 'test',
  version: '5',
  channel: CHANNELS.releases,
  requestedBy: CI,
  ...overrides,
});

describe('ci.promote end to end', () => {
  it('opens the request as CI, posts the card saying who asked, and people approve and apply it', async () => {
    // Act
    const { functionError, answer } = await invokeWorker(promote());

    // Assess: the answer locates the card
    expect(functionError).toBeUndefined();
    expect(answer).toMatchObject({ ok: true, status: 'PENDING', channel: CHANNELS.releases });
    const requestId = answer.requestId as string;
    expect(requestId).toMatch(/^R[0-9A-Z]{9}$/);
    const card = h.card(requestId);
    expect(card).toBeDefined();
    expect(answer.ts).toBe(card?.ts);
    expect(answer.permalink).toBe(
      `https://test.slack.com/archives/${CHANNELS.releases}/p${(card?.ts ?? '').replace('.', '')}`,
    );
    expect(textOf(card?.blocks)).toContain('Promote orders: test 4 → 5');
    expect(textOf(card?.blocks)).toContain(`CI: ${CI}`);
    expect(JSON.stringify(card?.blocks)).toContain('"action_id":"request.approve"');

    // Assess: the audit trail records CI and who the pipeline said it was
    const [requested] = await h.events(requestId);
    expect(requested).toMatchObject({ action: 'REQUESTED', actor: 'ci', alias: 'test', toVersion: '5' });
    const details = JSON.parse(requested?.details ?? '{}') as {
      origin?: Record<string, unknown>;
      requester?: string;
    };
    expect(details.requester).toBe('ci');
    expect(details.origin).toMatchObject({ kind: 'ci', requestedBy: CI });
    expect(details.origin?.invocationId).toEqual(expect.any(String));

    const status = await h.command('status orders');
    expect(textOf(status.json?.blocks)).toContain(`${requestId}\` → 5, asked by :robot_face: CI: ${CI}`);

    // Act: a person approves on the card
    await h.click(requestId, 'approve', { user: USERS.approver });
    await h.settle();

    // Assess
    expect(h.lambda.alias(ORDERS, 'test').version).toBe('5');
    expect((await h.events(requestId)).map((event) => event.action)).toEqual([
      'REQUESTED',
      'APPROVED',
      'APPLIED',
    ]);
    expect(textOf(h.card(requestId)?.blocks)).toContain(`*Applied* by <@${USERS.approver}>`);
    const history = await h.command('history orders test');
    expect(textOf(history.json?.blocks)).toMatch(/\*REQUESTED\* {2}test 4 → 5 {2}· {2}:robot_face: CI {2}·/);
  });

  it('promotes from an alias, under the target alias rule (two prod approvers)', async () => {
    const { answer } = await invokeWorker(promote({ to: 'prod', version: undefined, from: 'test' }));
    const requestId = answer.requestId as string;

    await h.click(requestId, 'approve', { user: USERS.prod1 });
    await h.settle();
    expect(h.lambda.alias(ORDERS, 'prod').version).toBe('3');
    await h.click(requestId, 'approve', { user: USERS.prod2 });
    await h.settle();

    expect(answer).toMatchObject({ ok: true });
    expect(textOf(h.card(requestId)?.blocks)).toContain('Promote orders: prod 3 → 4');
    expect(h.lambda.alias(ORDERS, 'prod').version).toBe('4');
  });

  it('refuses a requester outside the rule like any click, and nobody can cancel it for CI', async () => {
    const { answer } = await invokeWorker(promote({ to: 'prod', version: '5' }));
    const requestId = answer.requestId as string;

    await h.click(requestId, 'approve', { user: USERS.outsider });
    const cancel = await h.command(`cancel ${requestId}`, { user: USERS.dev });
    await h.settle();

    expect((await h.events(requestId)).map((event) => event.action)).toEqual(['REQUESTED', 'DENIED']);
    expect(textOf(cancel.json?.blocks)).toContain('Only the requester can cancel');
    expect(h.lambda.alias(ORDERS, 'prod').version).toBe('3');
  });
});

describe('ci.promote refusals are answers, not errors', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['an unknown key', { approve: true }, 'unknown key "approve"'],
    ['an approval smuggled in', { approvedBy: USERS.prod1 }, 'unknown key "approvedBy"'],
    ['no channel', { channel: undefined }, '"channel" is required'],
    ['a channel that is no Slack id', { channel: '#releases' }, '"channel" must be a Slack channel id'],
    ['a user id as channel', { channel: USERS.dev }, '"channel" must be a Slack channel id'],
    ['both version and from', { from: 'dev' }, 'give "version" or "from", not both'],
    ['neither version nor from', { version: undefined }, 'one of "version"'],
    ['$LATEST', { version: '$LATEST' }, '"version" must be a published version number'],
    ['a number for a version', { version: 5 }, '"version" must be a published version number'],
    ['an alias with a slash', { to: 'prod/x' }, '"to" must be an alias name'],
    ['a function that is not a string', { function: ['orders'] }, '"function" must be'],
    ['no requestedBy', { requestedBy: undefined }, '"requestedBy" is required'],
    ['a requestedBy with a line break', { requestedBy: 'ci\n<!channel>' }, 'control characters'],
    ['a requestedBy too long', { requestedBy: 'x'.repeat(201) }, 'at most 200 characters'],
  ])('%s', async (_, overrides, says) => {
    const { functionError, answer } = await invokeWorker(promote(overrides));

    expect(functionError).toBeUndefined();
    expect(answer).toMatchObject({ ok: false, error: { code: 'INVALID_EVENT' } });
    expect((answer.error as { message: string }).message).toContain(says);
    expect(h.slack.calls.filter((call) => call.method === 'chat.postMessage')).toHaveLength(0);
    expect(h.lambda.calls.filter((call) => call.operation !== 'Invoke')).toHaveLength(0);
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    [
      'an unmanaged function',
      { function: 'billing' },
      'UNKNOWN_FUNCTION',
      'billing is not a function this bot manages',
    ],
    ['a missing alias', { to: 'staging' }, 'ALIAS_NOT_FOUND', 'staging'],
    ['a missing version', { version: '99' }, 'VERSION_NOT_FOUND', '99'],
    ['the version the alias has', { version: '4' }, 'INVALID_REQUEST', 'already points at version 4'],
    [
      'a split source alias',
      { function: 'payments', to: 'prod', version: undefined, from: 'test' },
      'INVALID_REQUEST',
      'splits its traffic',
    ],
  ])('%s', async (_, overrides, code, says) => {
    const { functionError, answer } = await invokeWorker(promote(overrides));

    expect(functionError).toBeUndefined();
    expect(answer).toMatchObject({ ok: false, error: { code } });
    expect((answer.error as { message: string }).message).toContain(says);
    expect((answer.error as { message: string }).message).not.toContain('`');
    expect(h.slack.calls.filter((call) => call.method === 'chat.postMessage')).toHaveLength(0);
  });

  it('withdraws the request when the card cannot be posted, so the alias is not blocked', async () => {
    const { answer } = await invokeWorker(promote({ channel: CHANNELS.private }));

    expect(answer).toMatchObject({ ok: false, error: { code: 'CARD_NOT_POSTED' } });
    const requestId = /R[0-9A-Z]{9}/.exec((answer.error as { message: string }).message)?.[0] ?? '';
    expect((await h.events(requestId)).map((event) => event.action)).toEqual(['REQUESTED', 'CANCELLED']);
    const again = await invokeWorker(promote());
    expect(again.answer).toMatchObject({ ok: true });
  });

  it('withdraws the request when Slack fails the post, and says why', async () => {
    h.slack.failNext('chat.postMessage', 'fatal_error', 2);

    const { functionError, answer } = await invokeWorker(promote());

    expect(functionError).toBeUndefined();
    expect(answer).toMatchObject({ ok: false, error: { code: 'CARD_NOT_POSTED' } });
    const message = (answer.error as { message: string }).message;
    expect(message).toContain(CHANNELS.releases);
    expect(message).toContain('was withdrawn');
    const requestId = /R[0-9A-Z]{9}/.exec(message)?.[0] ?? '';
    expect((await h.events(requestId)).map((event) => event.action)).toEqual(['REQUESTED', 'CANCELLED']);
  });

  it('answers with channel and ts when Slack gives no permalink', async () => {
    h.slack.failNext('chat.getPermalink', 'internal_error', 2);

    const { answer } = await invokeWorker(promote());

    expect(answer).toMatchObject({ ok: true, channel: CHANNELS.releases, ts: expect.any(String) });
    expect(answer).not.toHaveProperty('permalink');
    expect(h.card(answer.requestId as string)?.ts).toBe(answer.ts);
  });

  it('the Slack-facing function refuses the event with a 400, never an invocation error', async () => {
    const answer = await h.handler(promote(), {});

    expect(answer).toMatchObject({ statusCode: 400 });
    expect(h.slack.calls).toHaveLength(0);
    expect(h.lambda.calls).toHaveLength(0);
  });
});

describe('ci.promote follows the configuration like a person', () => {
  it('is refused outside the configured channels', async () => {
    await h.close();
    lambda.destroy();
    h = await startHarness({
      config: `${DEFAULT_CONFIG.replace('channels: []', `channels: [${CHANNELS.notJoined}]`)}`,
    });
    lambda = new LambdaClient({});

    const { answer } = await invokeWorker(promote());

    expect(answer).toMatchObject({ ok: false, error: { code: 'NOT_ALLOWED' } });
    expect((answer.error as { message: string }).message).toContain(CHANNELS.notJoined);
  });
});
