// npm start over Socket Mode: each envelope becomes the signed request Slack would have sent over
// HTTP, the Lambda handler answers it, and the envelope is acknowledged with that answer. Slack's
// side is a small fake (apps.connections.open and a WebSocket); the Web API is the Slack stand-in.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ConsoleLogger, LogLevel } from '@slack/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler } from '../../src/handler';
import { createAuditTable } from '../../src/local/create-audit-table';
import {
  interactiveForm,
  type RunningSocketMode,
  slashCommandForm,
  startSocketMode,
} from '../../src/local/slack-over-socket-mode';
import { type DynamoDbStandIn, startDynamoDb } from '../../src/local/stand-ins/dynamodb';
import { LambdaApiStandIn } from '../../src/local/stand-ins/lambda-api';
import { SlackApiStandIn } from '../../src/local/stand-ins/slack-api';
import { type FakeSocketMode, startFakeSocketMode } from './support/fake-socket-mode';

const APP_TOKEN = 'xapp-1-A0CHATOPS-test';
const SIGNING_SECRET = 'socket-mode-secret';
const TABLE = 'chatops-audit';

let dynamo: DynamoDbStandIn;
let lambda: LambdaApiStandIn;
let slack: SlackApiStandIn;
let fake: FakeSocketMode;
let socketMode: RunningSocketMode;

beforeAll(async () => {
  [dynamo, lambda, slack, fake] = await Promise.all([
    startDynamoDb(),
    LambdaApiStandIn.start(),
    SlackApiStandIn.start({
      channels: [{ id: 'C0RELEASES', name: 'releases', botIsMember: true }],
      usergroups: { S0PLATFORM: ['U0PRIYA'] },
    }),
    startFakeSocketMode(APP_TOKEN),
  ]);
  lambda.createFunction('orders-service', {
    versions: [{ description: 'one' }, { description: 'two' }],
    aliases: { dev: '2', test: '2', prod: '1' },
  });
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_LAMBDA: lambda.url,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
  });
  const client = new DynamoDBClient({});
  await createAuditTable(client, TABLE);
  client.destroy();
  const quiet = new ConsoleLogger();
  quiet.setLevel(LogLevel.ERROR);
  const handler = createHandler(
    {
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_BOT_TOKEN: slack.botToken,
      SLACK_API_URL: slack.apiUrl,
      AUDIT_TABLE_NAME: TABLE,
    },
    { logger: quiet },
  );
  socketMode = await startSocketMode(handler, {
    appToken: APP_TOKEN,
    signingSecret: SIGNING_SECRET,
    slackApiUrl: fake.apiUrl,
    logger: quiet,
  });
  await fake.connected;
});

afterAll(async () => {
  await socketMode?.close();
  await Promise.all([fake?.close(), slack?.close(), lambda?.close(), dynamo?.close()]);
});

const commandFields = (text: string, user = 'U0DANA') => ({
  token: 'verification-token',
  team_id: 'T0STANDIN',
  team_domain: 'stand-in',
  channel_id: 'C0RELEASES',
  channel_name: 'releases',
  user_id: user,
  user_name: user.toLowerCase(),
  command: '/lambda',
  text,
  api_app_id: 'A0CHATOPS',
  is_enterprise_install: 'false',
  response_url: slack.responseUrl({ channel: 'C0RELEASES', user }),
  trigger_id: '1.2.3',
});

describe('Socket Mode', () => {
  it('acknowledges a slash command with the handler’s reply', async () => {
    fake.send({
      envelope_id: 'env-help',
      type: 'slash_commands',
      accepts_response_payload: true,
      payload: commandFields('help'),
    });

    expect(await fake.nextMessage()).toEqual({
      envelope_id: 'env-help',
      payload: expect.objectContaining({
        response_type: 'ephemeral',
        text: 'lambda-chatops: release Lambda functions from Slack',
      }),
    });
  });

  it('runs a promotion and its approval click through the handler', async () => {
    fake.send({
      envelope_id: 'env-promote',
      type: 'slash_commands',
      accepts_response_payload: true,
      payload: commandFields('promote orders test→prod'),
    });
    expect(await fake.nextMessage()).toEqual({ envelope_id: 'env-promote', payload: {} });
    const [card] = slack.messages('C0RELEASES');
    if (!card) throw new Error('no card posted');
    const approve = (card.blocks as Array<{ type: string; elements?: Array<{ value: string }> }>).find(
      (block) => block.type === 'actions',
    )?.elements?.[0];

    fake.send({
      envelope_id: 'env-approve',
      type: 'interactive',
      accepts_response_payload: false,
      payload: {
        type: 'block_actions',
        user: { id: 'U012AB3CD', username: 'approver', team_id: 'T0STANDIN' },
        team: { id: 'T0STANDIN', domain: 'stand-in' },
        api_app_id: 'A0CHATOPS',
        container: { type: 'message', message_ts: card.ts, channel_id: 'C0RELEASES', is_ephemeral: false },
        channel: { id: 'C0RELEASES', name: 'releases' },
        message: card,
        response_url: slack.responseUrl({ channel: 'C0RELEASES', user: 'U012AB3CD', messageTs: card.ts }),
        actions: [
          {
            type: 'button',
            action_id: 'request.approve',
            block_id: 'request.actions',
            value: approve?.value,
          },
        ],
      },
    });

    expect(await fake.nextMessage()).toEqual({ envelope_id: 'env-approve', payload: {} });
    expect(slack.messages('C0RELEASES')[0]?.text).toBe('Promote orders: prod 1 → 2: 1 of 2 approvals');
  });
});

describe('the request bodies Socket Mode envelopes become', () => {
  it('form-encodes a slash command as Slack does', () => {
    expect(
      slashCommandForm({
        command: '/lambda',
        text: 'promote orders test→prod',
        is_enterprise_install: false,
      }),
    ).toBe('command=%2Flambda&text=promote+orders+test%E2%86%92prod&is_enterprise_install=false');
  });

  it('wraps an interaction in payload=<JSON>', () => {
    expect(interactiveForm({ type: 'block_actions' })).toBe('payload=%7B%22type%22%3A%22block_actions%22%7D');
  });
});
