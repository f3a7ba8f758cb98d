// Requests to the bot as Slack makes them: slash-command and block_actions bodies in Slack's exact
// form encoding, signed with Slack's v0 scheme, wrapped in the Lambda Function URL or API Gateway
// HTTP API event (payload format 2.0) that carries them to the handler.
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, LambdaFunctionURLEvent } from 'aws-lambda';

export interface SlackSignatureHeaders {
  'x-slack-signature': string;
  'x-slack-request-timestamp': string;
}

/** Slack's v0 signature: HMAC-SHA256 of `v0:<timestamp>:<raw body>` with the signing secret, in hex. */
export function signSlackRequest(
  signingSecret: string,
  rawBody: string,
  timestampSeconds: number,
): SlackSignatureHeaders {
  const digest = createHmac('sha256', signingSecret)
    .update(`v0:${timestampSeconds}:${rawBody}`)
    .digest('hex');
  return { 'x-slack-signature': `v0=${digest}`, 'x-slack-request-timestamp': String(timestampSeconds) };
}

export const STAND_IN_APP_ID = 'A0CHATOPS';
/** The deprecated verification token Slack still sends in every body. */
export const STAND_IN_VERIFICATION_TOKEN = 'gIkuvaNzQIHg97ATvDxqgjtO';

export interface SlashCommandFields {
  text: string;
  userId: string;
  userName?: string;
  channelId: string;
  channelName?: string;
  teamId: string;
  teamDomain?: string;
  responseUrl: string;
  triggerId?: string;
  command?: string;
  apiAppId?: string;
  token?: string;
}

/** The form body of a slash command, fields in Slack's order, encoded as Slack does (spaces as `+`). */
export function slashCommandBody(fields: SlashCommandFields): string {
  return new URLSearchParams([
    ['token', fields.token ?? STAND_IN_VERIFICATION_TOKEN],
    ['team_id', fields.teamId],
    ['team_domain', fields.teamDomain ?? 'stand-in'],
    ['channel_id', fields.channelId],
    ['channel_name', fields.channelName ?? 'general'],
    ['user_id', fields.userId],
    ['user_name', fields.userName ?? fields.userId.toLowerCase()],
    ['command', fields.command ?? '/lambda'],
    ['text', fields.text],
    ['api_app_id', fields.apiAppId ?? STAND_IN_APP_ID],
    ['is_enterprise_install', 'false'],
    ['response_url', fields.responseUrl],
    ['trigger_id', fields.triggerId ?? triggerId()],
  ]).toString();
}

export interface BlockActionFields {
  userId: string;
  userName?: string;
  teamId: string;
  teamDomain?: string;
  channelId: string;
  channelName?: string;
  messageTs: string;
  responseUrl: string;
  actionId: string;
  value: string;
  blockId?: string;
  /** The button's label. */
  text?: string;
  actionTs?: string;
  /** The message holding the button, as Slack includes it; a minimal one by default. */
  message?: Record<string, unknown>;
  apiAppId?: string;
  token?: string;
}

/** The form body of a button click: `payload=<JSON>` in Slack's block_actions shape. */
export function blockActionBody(fields: BlockActionFields): string {
  const userName = fields.userName ?? fields.userId.toLowerCase();
  const payload = {
    type: 'block_actions',
    user: { id: fields.userId, username: userName, name: userName, team_id: fields.teamId },
    api_app_id: fields.apiAppId ?? STAND_IN_APP_ID,
    token: fields.token ?? STAND_IN_VERIFICATION_TOKEN,
    container: {
      type: 'message',
      message_ts: fields.messageTs,
      channel_id: fields.channelId,
      is_ephemeral: false,
    },
    trigger_id: triggerId(),
    team: { id: fields.teamId, domain: fields.teamDomain ?? 'stand-in' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: fields.channelId, name: fields.channelName ?? 'general' },
    message: fields.message ?? { type: 'message', ts: fields.messageTs, text: '', blocks: [] },
    state: { values: {} },
    response_url: fields.responseUrl,
    actions: [
      {
        action_id: fields.actionId,
        block_id: fields.blockId ?? randomBytes(3).toString('base64url'),
        text: { type: 'plain_text', text: fields.text ?? fields.actionId, emoji: true },
        value: fields.value,
        type: 'button',
        action_ts: fields.actionTs ?? (Date.now() / 1000).toFixed(6),
      },
    ],
  };
  return new URLSearchParams([['payload', JSON.stringify(payload)]]).toString();
}

export interface EventFields {
  body: string;
  /** Header names in any case; they arrive lower-cased, as Lambda delivers them. */
  headers?: Record<string, string>;
  base64?: boolean;
  contentType?: string;
}

const SLACKBOT_USER_AGENT = 'Slackbot 1.0 (+https://api.slack.com/robots)';
const SLACK_SOURCE_IP = '54.209.10.3';

/**
 * A Lambda Function URL event (payload format 2.0) carrying a request from Slack, to the path
 * `npm run manifest` gives Slack (`<function URL>/slack/events`).
 */
export function functionUrlEvent(fields: EventFields): LambdaFunctionURLEvent {
  const urlId = 'abcdefghijklmnopqrstuvwxyz234567';
  return httpEvent(fields, {
    rawPath: '/slack/events',
    routeKey: '$default',
    accountId: 'anonymous',
    apiId: urlId,
    domainName: `${urlId}.lambda-url.us-east-1.on.aws`,
  });
}

/** An API Gateway HTTP API event (payload format 2.0) for the route `POST /slack/events`. */
export function httpApiEvent(fields: EventFields): APIGatewayProxyEventV2 {
  const apiId = 'a1b2c3d4e5';
  return httpEvent(fields, {
    rawPath: '/slack/events',
    routeKey: 'POST /slack/events',
    accountId: '123456789012',
    apiId,
    domainName: `${apiId}.execute-api.us-east-1.amazonaws.com`,
  });
}

export interface SignedEventOptions {
  /** Seconds since the epoch; now by default. */
  timestamp?: number;
  base64?: boolean;
  contentType?: string;
  /** `functionUrl` by default. */
  via?: 'functionUrl' | 'httpApi';
  headers?: Record<string, string>;
}

/** A request signed as Slack signs it, in the event that carries it to the handler. */
export function signedSlackEvent(
  signingSecret: string,
  body: string,
  options: SignedEventOptions = {},
): LambdaFunctionURLEvent {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const fields: EventFields = {
    body,
    headers: { ...options.headers, ...signSlackRequest(signingSecret, body, timestamp) },
  };
  if (options.base64 !== undefined) fields.base64 = options.base64;
  if (options.contentType !== undefined) fields.contentType = options.contentType;
  return options.via === 'httpApi' ? httpApiEvent(fields) : functionUrlEvent(fields);
}

interface Endpoint {
  rawPath: string;
  routeKey: string;
  accountId: string;
  apiId: string;
  domainName: string;
}

function httpEvent(fields: EventFields, endpoint: Endpoint): APIGatewayProxyEventV2 & LambdaFunctionURLEvent {
  const now = new Date();
  const requestId = randomUUID();
  const headers: Record<string, string> = {
    accept: 'application/json,*/*',
    'accept-encoding': 'gzip,deflate',
    'content-length': String(Buffer.byteLength(fields.body)),
    'content-type': fields.contentType ?? 'application/x-www-form-urlencoded',
    host: endpoint.domainName,
    'user-agent': SLACKBOT_USER_AGENT,
    'x-amzn-trace-id': `Root=1-${Math.floor(now.getTime() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`,
    'x-forwarded-for': SLACK_SOURCE_IP,
    'x-forwarded-port': '443',
    'x-forwarded-proto': 'https',
  };
  for (const [name, value] of Object.entries(fields.headers ?? {})) headers[name.toLowerCase()] = value;
  return {
    version: '2.0',
    routeKey: endpoint.routeKey,
    rawPath: endpoint.rawPath,
    rawQueryString: '',
    headers,
    requestContext: {
      accountId: endpoint.accountId,
      apiId: endpoint.apiId,
      domainName: endpoint.domainName,
      domainPrefix: endpoint.domainName.split('.')[0] ?? endpoint.apiId,
      http: {
        method: 'POST',
        path: endpoint.rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: SLACK_SOURCE_IP,
        userAgent: SLACKBOT_USER_AGENT,
      },
      requestId,
      routeKey: endpoint.routeKey,
      stage: '$default',
      time: clfTime(now),
      timeEpoch: now.getTime(),
    },
    body: fields.base64 ? Buffer.from(fields.body, 'utf8').toString('base64') : fields.body,
    isBase64Encoded: fields.base64 ?? false,
  };
}

function triggerId(): string {
  return `${Date.now()}.${randomBytes(5).readUInt32BE(0)}.${randomBytes(16).toString('hex')}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** requestContext.time: `02/Jan/2024:03:04:05 +0000`. */
function clfTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
  );
}
