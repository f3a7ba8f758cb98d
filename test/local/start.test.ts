// `npm start` as a process: a half-configured Slack stops it with exit code 1 and the name of what is
// missing; with Slack and AWS configured it serves Slack over HTTP at /slack/events with the
// Lambda handler (here against the stand-ins, reached through the variables the SDK reads).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditTable } from '../../src/local/create-audit-table';
import { type DynamoDbStandIn, startDynamoDb } from '../../src/local/stand-ins/dynamodb';
import { LambdaApiStandIn } from '../../src/local/stand-ins/lambda-api';
import { SlackApiStandIn } from '../../src/local/stand-ins/slack-api';
import { signSlackRequest, slashCommandBody } from '../../src/local/stand-ins/slack-requests';
import { cleanEnv, type StartedProcess, startProcess, waitForOutput } from './support/start-process';

describe('npm start with Slack half-configured', () => {
  it.each([
    ['the bot token is missing', { SLACK_SIGNING_SECRET: 'secret' }, 'SLACK_BOT_TOKEN is not set'],
    ['the signing secret is missing', { SLACK_BOT_TOKEN: 'xoxb-1' }, 'SLACK_SIGNING_SECRET is not set'],
    [
      'only the app token is set',
      { SLACK_APP_TOKEN: 'xapp-1' },
      'SLACK_APP_TOKEN is set but SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN are not',
    ],
    [
      'no audit table',
      { SLACK_SIGNING_SECRET: 'secret', SLACK_BOT_TOKEN: 'xoxb-1' },
      'AUDIT_TABLE_NAME is not set',
    ],
  ])('stops with exit code 1 when %s, naming it', async (_case, env, message) => {
    const started = startProcess([], cleanEnv(env));

    expect(await started.exited).toBe(1);
    expect(started.output()).toContain(`lambda-chatops: ${message}`);
    expect(started.output()).not.toContain('playground');
  });

  it('stops with exit code 1 on a PORT that is not a port', async () => {
    const started = startProcess([], cleanEnv({ PORT: 'eighty' }));

    expect(await started.exited).toBe(1);
    expect(started.output()).toContain('PORT must be a TCP port number, not "eighty"');
  });
});

describe('npm start against Slack over HTTP', () => {
  const SIGNING_SECRET = 'real-mode-signing-secret';
  const TABLE = 'chatops-audit';
  let dynamo: DynamoDbStandIn;
  let lambda: LambdaApiStandIn;
  let slack: SlackApiStandIn;
  let bot: StartedProcess;
  let url: string;

  beforeAll(async () => {
    [dynamo, lambda, slack] = await Promise.all([
      startDynamoDb(),
      LambdaApiStandIn.start(),
      SlackApiStandIn.start({
        channels: [{ id: 'C0RELEASES', name: 'releases', botIsMember: true }],
        usergroups: { S0PLATFORM: ['U0PRIYA'] },
      }),
    ]);
    lambda.createFunction('orders-service', {
      versions: [{ description: 'one' }, { description: 'two' }],
      aliases: { dev: '2', test: '2', prod: '1' },
    });
    const client = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    await createAuditTable(client, TABLE);
    client.destroy();
    bot = startProcess(
      [],
      cleanEnv({
        PORT: '0',
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_BOT_TOKEN: slack.botToken,
        SLACK_API_URL: slack.apiUrl,
        AUDIT_TABLE_NAME: TABLE,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_ENDPOINT_URL_LAMBDA: lambda.url,
        AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      }),
    );
    const [, port] = await waitForOutput(
      bot,
      /serving Slack over HTTP at http:\/\/localhost:(\d+)\/slack\/events \(audit table chatops-audit, 2 functions from chatops\.config\.yml\)/,
    );
    url = `http://127.0.0.1:${port}/slack/events`;
  });

  afterAll(async () => {
    expect(await bot?.stop()).toBe(0);
    await Promise.all([slack?.close(), lambda?.close(), dynamo?.close()]);
  });

  const slashCommand = (text: string, secret = SIGNING_SECRET) => {
    const body = slashCommandBody({
      text,
      userId: 'U0DANA',
      channelId: 'C0RELEASES',
      teamId: 'T0STANDIN',
      responseUrl: slack.responseUrl({ channel: 'C0RELEASES', user: 'U0DANA' }),
    });
    return fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...signSlackRequest(secret, body, Math.floor(Date.now() / 1000)),
      },
      body,
    });
  };

  it('answers a signed slash command with the handler’s reply', async () => {
    const response = await slashCommand('help');

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toMatchObject({
      response_type: 'ephemeral',
      text: 'lambda-chatops: release Lambda functions from Slack',
    });
  });

  it('posts an approval card for a promotion', async () => {
    const response = await slashCommand('promote orders test→prod');

    expect(response.status).toBe(200);
    expect(slack.messages('C0RELEASES')).toEqual([
      expect.objectContaining({ text: 'Promote orders: prod 1 → 2: 0 of 2 approvals' }),
    ]);
  });

  it('refuses a request signed with another secret', async () => {
    expect((await slashCommand('help', 'not-the-secret')).status).toBe(401);
  });

  it('serves nothing but /slack/events', async () => {
    const response = await fetch(url.replace('/slack/events', '/'), { method: 'POST' });

    expect(response.status).toBe(404);
    expect(await response.text()).toBe("Slack's requests go to /slack/events");
  });
});
