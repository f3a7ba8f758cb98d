import { App, AwsLambdaReceiver, isValidSlackRequest, LogLevel } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackApiStandIn } from '../../src/local/stand-ins/slack-api';
import {
  blockActionBody,
  functionUrlEvent,
  httpApiEvent,
  signedSlackEvent,
  signSlackRequest,
  slashCommandBody,
} from '../../src/local/stand-ins/slack-requests';

const SECRET = 'stand-in-signing-secret';

describe('signSlackRequest', () => {
  it("reproduces the example of Slack's documentation", () => {
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&' +
      'channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&' +
      'response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&' +
      'trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';

    const headers = signSlackRequest('8f742231b10e8888abcd99yyyzzz85a5', body, 1531420618);

    expect(headers).toEqual({
      'x-slack-signature': 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
      'x-slack-request-timestamp': '1531420618',
    });
  });

  it("is accepted by Bolt's verifier", () => {
    const body = slashCommandBody(command('status orders'));
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = signSlackRequest(SECRET, body, timestamp);

    const valid = isValidSlackRequest({
      signingSecret: SECRET,
      body,
      headers: { 'x-slack-signature': headers['x-slack-signature'], 'x-slack-request-timestamp': timestamp },
    });

    expect(valid).toBe(true);
  });
});

function command(text: string) {
  return {
    text,
    userId: 'U0ALICE',
    userName: 'alice',
    channelId: 'C0RELEASES',
    channelName: 'releases',
    teamId: 'T0STANDIN',
    responseUrl: 'https://hooks.slack.com/commands/T0STANDIN/1/abc',
    triggerId: '1.2.3',
  };
}

describe('slashCommandBody', () => {
  it("lists Slack's fields in Slack's order", () => {
    const body = slashCommandBody(command('help'));

    expect([...new URLSearchParams(body).keys()]).toEqual([
      'token',
      'team_id',
      'team_domain',
      'channel_id',
      'channel_name',
      'user_id',
      'user_name',
      'command',
      'text',
      'api_app_id',
      'is_enterprise_install',
      'response_url',
      'trigger_id',
    ]);
  });

  it.each([
    ['promote orders test→prod', 'text=promote+orders+test%E2%86%92prod&'],
    ['promote orders test -> prod', 'text=promote+orders+test+-%3E+prod&'],
    ['history orders prod --limit 5', 'text=history+orders+prod+--limit+5&'],
    ['', 'text=&'],
  ])('encodes %j as Slack does', (text, encoded) => {
    const body = slashCommandBody(command(text));

    expect(body).toContain(encoded);
    expect(body).toContain('&command=%2Flambda&');
    expect(new URLSearchParams(body).get('text')).toBe(text);
  });
});

describe('blockActionBody', () => {
  it("carries Slack's block_actions payload", () => {
    const body = blockActionBody({
      userId: 'U0BOB',
      teamId: 'T0STANDIN',
      channelId: 'C0RELEASES',
      messageTs: '1700000000.000100',
      responseUrl: 'https://hooks.slack.com/actions/T0STANDIN/1/abc',
      actionId: 'request.approve',
      value: 'req-1',
      blockId: 'decision',
    });

    expect(body.startsWith('payload=')).toBe(true);
    expect(JSON.parse(new URLSearchParams(body).get('payload') ?? '')).toMatchObject({
      type: 'block_actions',
      user: { id: 'U0BOB', team_id: 'T0STANDIN' },
      container: {
        type: 'message',
        message_ts: '1700000000.000100',
        channel_id: 'C0RELEASES',
        is_ephemeral: false,
      },
      team: { id: 'T0STANDIN' },
      channel: { id: 'C0RELEASES' },
      enterprise: null,
      is_enterprise_install: false,
      state: { values: {} },
      response_url: 'https://hooks.slack.com/actions/T0STANDIN/1/abc',
      actions: [{ action_id: 'request.approve', block_id: 'decision', value: 'req-1', type: 'button' }],
    });
  });
});

describe('events', () => {
  it.each([
    ['a Function URL', functionUrlEvent, '/slack/events', '$default'],
    ['an HTTP API', httpApiEvent, '/slack/events', 'POST /slack/events'],
  ])('wraps the body in %s event, payload format 2.0', (_case, build, path, routeKey) => {
    const event = build({ body: 'a=1', headers: { 'X-Slack-Signature': 'v0=abc' }, base64: true });

    expect(event).toMatchObject({
      version: '2.0',
      routeKey,
      rawPath: path,
      rawQueryString: '',
      isBase64Encoded: true,
      body: Buffer.from('a=1').toString('base64'),
      requestContext: {
        http: { method: 'POST', path, userAgent: 'Slackbot 1.0 (+https://api.slack.com/robots)' },
      },
    });
    expect(event.headers).toMatchObject({
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-signature': 'v0=abc',
    });
  });
});

describe('through the real Bolt receiver', () => {
  let slack: SlackApiStandIn;
  let handler: ReturnType<AwsLambdaReceiver['toHandler']>;
  const seen: Record<string, unknown>[] = [];

  beforeAll(async () => {
    slack = await SlackApiStandIn.start({
      channels: [{ id: 'C0RELEASES', name: 'releases', botIsMember: true }],
    });
    const receiver = new AwsLambdaReceiver({ signingSecret: SECRET, logLevel: LogLevel.ERROR });
    const app = new App({
      token: slack.botToken,
      receiver,
      tokenVerificationEnabled: false,
      logLevel: LogLevel.ERROR,
      clientOptions: { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } },
    });
    app.command('/lambda', async ({ ack, command, respond }) => {
      await ack();
      seen.push({ ...command });
      await respond({ response_type: 'in_channel', text: `you said ${command.text}` });
    });
    app.action('request.approve', async ({ ack, body, respond }) => {
      await ack();
      seen.push({ ...body });
      await respond({ replace_original: true, text: 'approved' });
    });
    handler = receiver.toHandler();
  });

  afterAll(async () => {
    await slack.close();
  });

  const invoke = (event: unknown) =>
    (handler as (event: unknown, context: unknown) => Promise<unknown>)(event, {});

  it('runs a signed slash command, base64 or not, whose response_url reaches the stand-in', async () => {
    for (const base64 of [false, true]) {
      const responseUrl = slack.responseUrl({ channel: 'C0RELEASES', user: 'U0ALICE' });
      const body = slashCommandBody({ ...command('promote orders test→prod'), responseUrl });

      const result = await invoke(signedSlackEvent(SECRET, body, { base64 }));

      expect(result).toMatchObject({ statusCode: 200 });
      expect(seen.at(-1)).toMatchObject({
        command: '/lambda',
        text: 'promote orders test→prod',
        user_id: 'U0ALICE',
      });
      expect(slack.messages('C0RELEASES').at(-1)?.text).toBe('you said promote orders test→prod');
    }
  });

  it('runs a signed button click that replaces its card', async () => {
    const card = slack.messages('C0RELEASES').at(-1);
    const responseUrl = slack.responseUrl({
      channel: 'C0RELEASES',
      user: 'U0BOB',
      messageTs: card?.ts ?? '',
    });
    const body = blockActionBody({
      userId: 'U0BOB',
      teamId: 'T0STANDIN',
      channelId: 'C0RELEASES',
      messageTs: card?.ts ?? '',
      responseUrl,
      actionId: 'request.approve',
      value: 'req-1',
    });

    const result = await invoke(signedSlackEvent(SECRET, body, { via: 'httpApi' }));

    expect(result).toMatchObject({ statusCode: 200 });
    expect(seen.at(-1)).toMatchObject({ type: 'block_actions', actions: [{ value: 'req-1' }] });
    expect(slack.messages('C0RELEASES').find((m) => m.ts === card?.ts)?.text).toBe('approved');
  });

  it.each([
    ['a wrong secret', () => signedSlackEvent('not-the-secret', slashCommandBody(command('help')))],
    [
      'a stale timestamp',
      () =>
        signedSlackEvent(SECRET, slashCommandBody(command('help')), {
          timestamp: Math.floor(Date.now() / 1000) - 6 * 60,
        }),
    ],
  ])('is refused with 401 when signed with %s', async (_case, event) => {
    const result = await invoke(event());

    expect(result).toMatchObject({ statusCode: 401 });
  });
});
