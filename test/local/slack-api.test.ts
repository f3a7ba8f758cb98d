import { LogLevel } from '@slack/logger';
import { ErrorCode, WebClient } from '@slack/web-api';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SlackApiStandIn, type SlackChange } from '../../src/local/stand-ins/slack-api';
import { CapturedLogs } from '../support/harness';

const TOKEN = 'xoxb-test-token';

let slack: SlackApiStandIn;
let client: WebClient;
let now: number;

/** What the Web API client logged (Slack's `response_metadata` messages among them). */
const logs = new CapturedLogs(LogLevel.INFO);
beforeEach(() => logs.clear());

function webClient(token: string | undefined = TOKEN): WebClient {
  return new WebClient(token, {
    slackApiUrl: slack.apiUrl,
    logger: logs.logger,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
}

beforeAll(async () => {
  slack = await SlackApiStandIn.start({
    token: TOKEN,
    clock: () => now,
    channels: [
      { id: 'C0RELEASES', name: 'releases', botIsMember: true, members: ['U0ALICE', 'U0BOB'] },
      { id: 'C0GENERAL', name: 'general' },
      { id: 'G0PRIVATE', name: 'secret', isPrivate: true },
    ],
    usergroups: { S0PLATFORM: ['U0ALICE', 'U0BOB'] },
  });
  client = webClient();
});

afterAll(async () => {
  await slack.close();
});

beforeEach(() => {
  now = Date.now();
  slack.resetCalls();
});

async function platformError(
  promise: Promise<unknown>,
): Promise<{ code: string; data: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    return error as { code: string; data: Record<string, unknown> };
  }
  throw new Error('expected the call to fail');
}

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
const button = (actionId: string, extra: Record<string, unknown> = {}) => ({
  type: 'button',
  action_id: actionId,
  text: { type: 'plain_text', text: 'Approve' },
  value: 'req-1',
  ...extra,
});

describe('authentication', () => {
  it('answers auth.test for the bot token', async () => {
    const result = await client.auth.test();

    expect(result).toMatchObject({
      ok: true,
      url: 'https://stand-in.slack.com/',
      team_id: 'T0STANDIN',
      user_id: 'U0CHATOPS',
      bot_id: 'B0CHATOPS',
    });
  });

  it('refuses a wrong token with invalid_auth', async () => {
    const error = await platformError(
      webClient('xoxb-wrong').chat.postMessage({ channel: 'C0RELEASES', text: 'hi' }),
    );

    expect(error.code).toBe(ErrorCode.PlatformError);
    expect(error.data.error).toBe('invalid_auth');
    expect(slack.messages('C0RELEASES')).toEqual([]);
  });

  it.each([
    [
      'no token at all',
      { 'content-type': 'application/x-www-form-urlencoded' },
      'channel=C0RELEASES&text=hi',
      false,
    ],
    [
      'a token form field',
      { 'content-type': 'application/x-www-form-urlencoded' },
      `token=${TOKEN}&channel=C0RELEASES&text=hi`,
      true,
    ],
    [
      'a token in a JSON body',
      { 'content-type': 'application/json; charset=utf-8' },
      JSON.stringify({ token: TOKEN, channel: 'C0RELEASES', text: 'hi' }),
      false,
    ],
    [
      'a Bearer header with JSON',
      { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${TOKEN}` },
      JSON.stringify({ channel: 'C0RELEASES', text: 'hi' }),
      true,
    ],
  ])('with %s answers accordingly', async (_case, headers, body, ok) => {
    const response = await fetch(`${slack.apiUrl}chat.postMessage`, { method: 'POST', headers, body });

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject(ok ? { ok: true } : { ok: false, error: 'not_authed' });
  });

  it('answers unknown_method for a method it does not serve', async () => {
    const error = await platformError(client.apiCall('conversations.join', { channel: 'C0GENERAL' }));

    expect(error.data.error).toBe('unknown_method');
  });
});

describe('chat.postMessage', () => {
  it('posts with unique increasing ts and records the call with blocks decoded', async () => {
    const blocks = [section('*orders*: prod 41 → 42')];

    const first = await client.chat.postMessage({ channel: 'C0RELEASES', text: 'one', blocks });
    const second = await client.chat.postMessage({ channel: '#releases', text: 'two' });

    expect(first).toMatchObject({
      ok: true,
      channel: 'C0RELEASES',
      message: { text: 'one', blocks, bot_id: 'B0CHATOPS' },
    });
    expect(first.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(Number(second.ts)).toBeGreaterThan(Number(first.ts));
    expect(
      slack
        .messages('C0RELEASES')
        .slice(-2)
        .map((m) => m.text),
    ).toEqual(['one', 'two']);
    expect(slack.calls[0]).toMatchObject({
      method: 'chat.postMessage',
      ok: true,
      body: { channel: 'C0RELEASES', text: 'one', blocks },
    });
    expect(slack.calls[0]?.body).not.toHaveProperty('token');
  });

  it.each([
    ['a public channel the bot has not joined', 'C0GENERAL', 'not_in_channel'],
    ['a private channel the bot is not in', 'G0PRIVATE', 'channel_not_found'],
    ['an unknown channel', 'C0NOPE', 'channel_not_found'],
  ])('refuses %s', async (_case, channel, error) => {
    const failure = await platformError(client.chat.postMessage({ channel, text: 'hi' }));

    expect(failure.data.error).toBe(error);
    expect(slack.calls).toMatchObject([{ method: 'chat.postMessage', ok: false, error }]);
  });

  it('posts to public channels it has not joined with chat:write.public, never to private ones', async () => {
    const publicSlack = await SlackApiStandIn.start({
      token: TOKEN,
      scopes: ['commands', 'chat:write', 'chat:write.public'],
      channels: [
        { id: 'C0GENERAL', name: 'general' },
        { id: 'G0PRIVATE', name: 'secret', isPrivate: true },
      ],
    });
    const publicClient = new WebClient(TOKEN, {
      slackApiUrl: publicSlack.apiUrl,
      retryConfig: { retries: 0 },
    });

    const posted = await publicClient.chat.postMessage({ channel: 'C0GENERAL', text: 'hi' });
    const refused = await platformError(publicClient.chat.postMessage({ channel: 'G0PRIVATE', text: 'hi' }));
    const scope = await platformError(publicClient.usergroups.users.list({ usergroup: 'S0PLATFORM' }));
    await publicSlack.close();

    expect(posted.ok).toBe(true);
    expect(refused.data.error).toBe('channel_not_found');
    expect(scope.data).toMatchObject({ error: 'missing_scope', needed: 'usergroups:read' });
  });

  it('refuses a message without text or blocks', async () => {
    const error = await platformError(client.chat.postMessage({ channel: 'C0RELEASES', text: '' }));

    expect(error.data.error).toBe('no_text');
    expect(logs.at('WARN').some((line) => line.message.includes('`text` argument is missing'))).toBe(true);
  });

  it('refuses text longer than 40000 characters', async () => {
    const error = await platformError(
      client.chat.postMessage({ channel: 'C0RELEASES', text: 'x'.repeat(40001) }),
    );

    expect(error.data.error).toBe('msg_too_long');
  });
});

describe('Block Kit validation', () => {
  const approvalCard = [
    { type: 'header', text: { type: 'plain_text', text: 'Promote orders to prod', emoji: true } },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: '*From*\n41' },
        { type: 'mrkdwn', text: '*To*\n42' },
      ],
    },
    { type: 'context', elements: [{ type: 'mrkdwn', text: 'Requested by <@U0ALICE>' }] },
    { type: 'divider' },
    {
      type: 'actions',
      block_id: 'decision',
      elements: [
        button('request.approve', {
          style: 'primary',
          confirm: {
            title: { type: 'plain_text', text: 'Promote to prod?' },
            text: { type: 'mrkdwn', text: 'prod moves 41 → 42' },
            confirm: { type: 'plain_text', text: 'Promote' },
            deny: { type: 'plain_text', text: 'Cancel' },
          },
        }),
        button('request.reject', { style: 'danger', text: { type: 'plain_text', text: 'Reject' } }),
      ],
    },
    {
      type: 'rich_text',
      elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text: 'diff' }] }],
    },
  ];

  it('accepts a well-formed approval card', async () => {
    const result = await client.chat.postMessage({
      channel: 'C0RELEASES',
      text: 'approval',
      blocks: approvalCard,
    });

    expect(result.ok).toBe(true);
  });

  it.each([
    ['more than 50 blocks', Array.from({ length: 51 }, () => ({ type: 'divider' })), '/blocks'],
    ['an unknown block type', [{ type: 'banner' }], '/blocks/0/type'],
    [
      'a header over 150 characters',
      [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }],
      '/blocks/0/text/text',
    ],
    ['a mrkdwn header', [{ type: 'header', text: { type: 'mrkdwn', text: 'h' } }], '/blocks/0/text/type'],
    ['section text over 3000', [section('s'.repeat(3001))], '/blocks/0/text/text'],
    ['a section without text or fields', [{ type: 'section' }], '/blocks/0'],
    [
      '11 section fields',
      [{ type: 'section', fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'f' })) }],
      '/blocks/0/fields',
    ],
    [
      'a field over 2000',
      [{ type: 'section', fields: [{ type: 'mrkdwn', text: 'f'.repeat(2001) }] }],
      '/blocks/0/fields/0/text',
    ],
    ['empty text', [section('')], '/blocks/0/text/text'],
    ['a bad text type', [{ type: 'section', text: { type: 'markdown', text: 'x' } }], '/blocks/0/text/type'],
    [
      '11 context elements',
      [{ type: 'context', elements: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'c' })) }],
      '/blocks/0/elements',
    ],
    [
      '26 actions',
      [{ type: 'actions', elements: Array.from({ length: 26 }, (_, i) => button(`a${i}`)) }],
      '/blocks/0/elements',
    ],
    [
      'a button label over 75',
      [{ type: 'actions', elements: [button('a', { text: { type: 'plain_text', text: 'b'.repeat(76) } })] }],
      '/blocks/0/elements/0/text/text',
    ],
    [
      'a mrkdwn button label',
      [{ type: 'actions', elements: [button('a', { text: { type: 'mrkdwn', text: 'b' } })] }],
      '/blocks/0/elements/0/text/type',
    ],
    [
      'an action_id over 255',
      [{ type: 'actions', elements: [button('a'.repeat(256))] }],
      '/blocks/0/elements/0/action_id',
    ],
    [
      'a duplicate action_id',
      [{ type: 'actions', elements: [button('same'), button('same')] }],
      '/blocks/0/elements/1/action_id',
    ],
    [
      'a value over 2000',
      [{ type: 'actions', elements: [button('a', { value: 'v'.repeat(2001) })] }],
      '/blocks/0/elements/0/value',
    ],
    [
      'a bad button style',
      [{ type: 'actions', elements: [button('a', { style: 'success' })] }],
      '/blocks/0/elements/0/style',
    ],
    [
      'a confirm without deny',
      [
        {
          type: 'actions',
          elements: [
            button('a', {
              confirm: {
                title: { type: 'plain_text', text: 't' },
                text: { type: 'plain_text', text: 't' },
                confirm: { type: 'plain_text', text: 'ok' },
              },
            }),
          ],
        },
      ],
      '/blocks/0/elements/0/confirm/deny',
    ],
    [
      'a duplicate block_id',
      [
        { type: 'divider', block_id: 'x' },
        { type: 'divider', block_id: 'x' },
      ],
      '/blocks/1/block_id',
    ],
    ['a block_id over 255', [{ type: 'divider', block_id: 'b'.repeat(256) }], '/blocks/0/block_id'],
    ['an unknown property', [{ type: 'divider', colour: 'red' }], '/blocks/0'],
  ])('refuses %s with invalid_blocks', async (_case, blocks, pointer) => {
    const error = await platformError(client.chat.postMessage({ channel: 'C0RELEASES', text: 'x', blocks }));

    expect(error.data.error).toBe('invalid_blocks');
    const messages = (error.data.response_metadata as { messages: string[] }).messages;
    expect(messages.some((m) => m.startsWith('[ERROR] ') && m.endsWith(`[json-pointer:${pointer}]`))).toBe(
      true,
    );
    // The Web API client logs Slack's messages as errors, as it would on Lambda.
    expect(logs.at('ERROR').some((line) => line.message.endsWith(`[json-pointer:${pointer}]`))).toBe(true);
  });

  it('refuses blocks that are not a JSON array with invalid_blocks_format', async () => {
    const error = await platformError(
      client.apiCall('chat.postMessage', { channel: 'C0RELEASES', text: 'x', blocks: '{"type":' }),
    );

    expect(error.data.error).toBe('invalid_blocks_format');
  });
});

describe('chat.update and chat.postEphemeral', () => {
  it('replaces a message in place, keeping blocks left out and dropping them for an empty array', async () => {
    const posted = await client.chat.postMessage({
      channel: 'C0RELEASES',
      text: 'pending',
      blocks: [section('pending')],
    });

    const textOnly = await client.chat.update({
      channel: 'C0RELEASES',
      ts: posted.ts ?? '',
      text: 'approved',
    });
    const kept = slack.messages('C0RELEASES').find((m) => m.ts === posted.ts);
    await client.chat.update({ channel: 'C0RELEASES', ts: posted.ts ?? '', text: 'done', blocks: [] });
    const dropped = slack.messages('C0RELEASES').find((m) => m.ts === posted.ts);

    expect(textOnly).toMatchObject({ ok: true, channel: 'C0RELEASES', ts: posted.ts, text: 'approved' });
    expect(kept).toMatchObject({
      text: 'approved',
      blocks: [section('pending')],
      edited: { user: 'U0CHATOPS' },
    });
    expect(dropped?.text).toBe('done');
    expect(dropped?.blocks).toBeUndefined();
  });

  it.each([
    ['an unknown ts', () => '1.000001', 'message_not_found'],
    [
      'a message from someone else',
      () => slack.seedMessage('C0RELEASES', { user: 'U0ALICE', text: 'hello' }),
      'cant_update_message',
    ],
  ])('refuses to update %s', async (_case, ts, errorCode) => {
    const error = await platformError(client.chat.update({ channel: 'C0RELEASES', ts: ts(), text: 'x' }));

    expect(error.data.error).toBe(errorCode);
  });

  it('posts an ephemeral for a channel member and refuses a non-member', async () => {
    const posted = await client.chat.postEphemeral({
      channel: 'C0RELEASES',
      user: 'U0BOB',
      text: 'only you',
    });
    const refused = await platformError(
      client.chat.postEphemeral({ channel: 'C0RELEASES', user: 'U0MALLORY', text: 'x' }),
    );

    expect(posted.message_ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(slack.ephemerals('C0RELEASES', 'U0BOB').at(-1)).toMatchObject({
      ts: posted.message_ts,
      text: 'only you',
    });
    expect(refused.data.error).toBe('user_not_in_channel');
  });
});

describe('chat.delete', () => {
  it("deletes the bot's own message, and says so", async () => {
    const posted = await client.chat.postMessage({ channel: 'C0RELEASES', text: 'twice' });

    const deleted = await client.chat.delete({ channel: 'C0RELEASES', ts: posted.ts ?? '' });

    expect(deleted).toMatchObject({ ok: true, channel: 'C0RELEASES', ts: posted.ts });
    expect(slack.messages('C0RELEASES').some((m) => m.ts === posted.ts)).toBe(false);
  });

  it.each([
    ['an unknown ts', () => '1.000001', 'message_not_found'],
    [
      'a message from someone else (a bot token deletes only its own)',
      () => slack.seedMessage('C0RELEASES', { user: 'U0ALICE', text: 'hello' }),
      'cant_delete_message',
    ],
  ])('refuses to delete %s', async (_case, ts, errorCode) => {
    const target = ts();
    const error = await platformError(client.chat.delete({ channel: 'C0RELEASES', ts: target }));

    expect(error.data.error).toBe(errorCode);
    if (errorCode === 'cant_delete_message')
      expect(slack.messages('C0RELEASES').some((m) => m.ts === target)).toBe(true);
  });
});

describe('usergroups.users.list', () => {
  it('lists a group and refuses an unknown one', async () => {
    slack.setUsergroup('S0ONCALL', ['U0CAROL']);

    const platform = await client.usergroups.users.list({ usergroup: 'S0PLATFORM' });
    const oncall = await client.usergroups.users.list({ usergroup: 'S0ONCALL' });
    const unknown = await platformError(client.usergroups.users.list({ usergroup: 'S0NOPE' }));

    expect(platform.users).toEqual(['U0ALICE', 'U0BOB']);
    expect(oncall.users).toEqual(['U0CAROL']);
    expect(unknown.data.error).toBe('no_such_subteam');
  });
});

describe('chat.getPermalink', () => {
  it('links a posted message with no scope beyond the token, and refuses unknown messages and hidden channels', async () => {
    const scopeless = await SlackApiStandIn.start({
      token: TOKEN,
      scopes: [],
      team: { id: 'T0ACME', domain: 'acme', name: 'Acme' },
      channels: [
        { id: 'C0RELEASES', name: 'releases', botIsMember: true },
        { id: 'G0PRIVATE', name: 'secret', isPrivate: true },
      ],
    });
    try {
      const own = new WebClient(TOKEN, { slackApiUrl: scopeless.apiUrl, retryConfig: { retries: 0 } });
      const ts = scopeless.seedMessage('C0RELEASES', { user: 'U0ALICE', text: 'hello' });

      const link = await own.chat.getPermalink({ channel: 'C0RELEASES', message_ts: ts });
      const missing = await platformError(
        own.chat.getPermalink({ channel: 'C0RELEASES', message_ts: '1.000001' }),
      );
      const hidden = await platformError(own.chat.getPermalink({ channel: 'G0PRIVATE', message_ts: ts }));

      expect(link.permalink).toBe(`https://acme.slack.com/archives/C0RELEASES/p${ts.replace('.', '')}`);
      expect(missing.data.error).toBe('message_not_found');
      expect(hidden.data.error).toBe('channel_not_found');
    } finally {
      await scopeless.close();
    }
  });
});

describe('injected failures', () => {
  it('answers ratelimited with 429 and Retry-After, then recovers', async () => {
    slack.failNext('chat.postMessage', { error: 'ratelimited', status: 429, retryAfterSeconds: 7 });

    const limited = await platformError(client.chat.postMessage({ channel: 'C0RELEASES', text: 'x' }));
    const next = await client.chat.postMessage({ channel: 'C0RELEASES', text: 'x' });

    expect(limited).toMatchObject({ code: ErrorCode.RateLimitedError, retryAfter: 7 });
    expect(next.ok).toBe(true);
  });

  it('answers an injected platform error a given number of times', async () => {
    slack.failNext('auth.test', 'fatal_error', 2);

    const errors = [await platformError(client.auth.test()), await platformError(client.auth.test())];
    const third = await client.auth.test();

    expect(errors.map((e) => e.data.error)).toEqual(['fatal_error', 'fatal_error']);
    expect(third.ok).toBe(true);
  });

  it('posts the message and then answers the error when the answer is lost', async () => {
    const before = slack.messages('C0RELEASES').length;
    slack.failNext('chat.postMessage', { error: 'internal_error', status: 500, afterApplying: true });

    await expect(client.chat.postMessage({ channel: 'C0RELEASES', text: 'lost answer' })).rejects.toThrow();

    const after = slack.messages('C0RELEASES');
    expect(after).toHaveLength(before + 1);
    expect(after.at(-1)?.text).toBe('lost answer');
  });

  it('holds back the next matching call so that a later one overtakes it', async () => {
    const first = await client.chat.postMessage({ channel: 'C0RELEASES', text: 'card' });
    const ts = first.ts ?? '';
    slack.delayNext('chat.update', 300, (body) => body.text === 'older');

    await Promise.all([
      client.chat.update({ channel: 'C0RELEASES', ts, text: 'older' }),
      new Promise((resolve) => setTimeout(resolve, 50)).then(() =>
        client.chat.update({ channel: 'C0RELEASES', ts, text: 'newer' }),
      ),
    ]);

    expect(slack.messages('C0RELEASES').find((m) => m.ts === ts)?.text).toBe('older');
    const updates = slack.calls.filter((call) => call.method === 'chat.update').map((call) => call.body.text);
    expect(updates).toEqual(['newer', 'older']);
  });
});

describe('response_url', () => {
  const changes: SlackChange[] = [];
  const listener = (change: SlackChange) => changes.push(change);
  beforeEach(() => {
    changes.length = 0;
    slack.on('change', listener);
  });
  afterEach(() => {
    slack.off('change', listener);
  });

  function post(url: string, body: unknown): Promise<Response> {
    return fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  it('posts an ephemeral for the user by default and in_channel even where the bot is not a member', async () => {
    const url = slack.responseUrl({ channel: 'C0GENERAL', user: 'U0ALICE' });

    const ephemeral = await post(url, { text: 'only Alice' });
    const inChannel = await post(url, {
      response_type: 'in_channel',
      text: 'everyone',
      blocks: [section('card')],
    });

    expect([ephemeral.status, await ephemeral.text()]).toEqual([200, 'ok']);
    expect(inChannel.status).toBe(200);
    expect(slack.ephemerals('C0GENERAL', 'U0ALICE').at(-1)?.text).toBe('only Alice');
    expect(slack.messages('C0GENERAL').at(-1)).toMatchObject({ text: 'everyone', bot_id: 'B0CHATOPS' });
    expect(changes.map((c) => [c.type, c.ephemeral])).toEqual([
      ['posted', true],
      ['posted', false],
    ]);
    expect(slack.calls.map((c) => [c.method, c.ok])).toEqual([
      ['response_url', true],
      ['response_url', true],
    ]);
  });

  it('replaces the message a block action came from', async () => {
    const card = await client.chat.postMessage({
      channel: 'C0RELEASES',
      text: 'pending',
      blocks: [section('pending')],
    });
    const url = slack.responseUrl({ channel: 'C0RELEASES', user: 'U0BOB', messageTs: card.ts ?? '' });

    const response = await post(url, {
      replace_original: true,
      text: 'approved by Bob',
      blocks: [section('approved')],
    });

    expect(response.status).toBe(200);
    expect(slack.messages('C0RELEASES').find((m) => m.ts === card.ts)).toMatchObject({
      text: 'approved by Bob',
      blocks: [section('approved')],
    });
    expect(changes.at(-1)).toMatchObject({ type: 'updated', channel: 'C0RELEASES', ephemeral: false });
  });

  it('replaces what it posted last when it has no original message', async () => {
    const url = slack.responseUrl({ channel: 'C0RELEASES', user: 'U0BOB' });
    await post(url, { text: 'working…' });

    await post(url, { replace_original: true, text: 'done' });

    expect(
      slack
        .ephemerals('C0RELEASES', 'U0BOB')
        .slice(-1)
        .map((e) => e.text),
    ).toEqual(['done']);
  });

  it('deletes the original message', async () => {
    const card = await client.chat.postMessage({ channel: 'C0RELEASES', text: 'to delete' });
    const url = slack.responseUrl({ channel: 'C0RELEASES', user: 'U0BOB', messageTs: card.ts ?? '' });

    const response = await post(url, { delete_original: true });

    expect(response.status).toBe(200);
    expect(slack.messages('C0RELEASES').some((m) => m.ts === card.ts)).toBe(false);
  });

  it('works five times, then answers 404 used_url', async () => {
    const url = slack.responseUrl({ channel: 'C0RELEASES', user: 'U0BOB' });

    const statuses: number[] = [];
    for (let use = 1; use <= 5; use += 1) statuses.push((await post(url, { text: `use ${use}` })).status);
    const sixth = await post(url, { text: 'use 6' });

    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    expect([sixth.status, await sixth.text()]).toEqual([404, 'used_url']);
    expect(slack.calls.at(-1)).toMatchObject({ method: 'response_url', ok: false, error: 'used_url' });
  });

  it('expires after 30 minutes', async () => {
    const url = slack.responseUrl({ channel: 'C0RELEASES', user: 'U0BOB' });
    now += 30 * 60 * 1000 + 1;

    const response = await post(url, { text: 'late' });

    expect([response.status, await response.text()]).toEqual([404, 'expired_url']);
  });

  it.each([
    [
      'invalid blocks',
      { text: 'x', blocks: [{ type: 'header', text: { type: 'mrkdwn', text: 'h' } }] },
      'invalid_blocks',
    ],
    ['no text', { response_type: 'in_channel' }, 'no_text'],
  ])('refuses %s with 400 without using the URL up', async (_case, body, error) => {
    const url = slack.responseUrl({ channel: 'C0RELEASES', user: 'U0BOB' });

    const response = await post(url, body);

    expect([response.status, await response.text()]).toEqual([400, error]);
    expect(changes).toEqual([]);
  });
});
