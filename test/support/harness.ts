// Integration harness: dynalite, the Lambda API stand-in and the Slack stand-in on real HTTP,
// the real handler (real Bolt receiver, real SDK clients reaching the stand-ins through
// AWS_ENDPOINT_URL_*), and requests signed exactly as Slack signs them.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { LogLevel } from '@slack/logger';
import { createHandler } from '../../src/handler';
import { createAuditTable } from '../../src/local/create-audit-table';
import { CloudWatchStandIn } from '../../src/local/stand-ins/cloudwatch';
import { startDynamoDb } from '../../src/local/stand-ins/dynamodb';
import { DynamoDbProxy } from '../../src/local/stand-ins/dynamodb-proxy';
import { type FunctionSpec, LambdaApiStandIn } from '../../src/local/stand-ins/lambda-api';
import { SchedulerStandIn } from '../../src/local/stand-ins/scheduler';
import { SlackApiStandIn } from '../../src/local/stand-ins/slack-api';
import {
  blockActionBody,
  signedSlackEvent,
  slashCommandBody,
} from '../../src/local/stand-ins/slack-requests';
import { StsStandIn } from '../../src/local/stand-ins/sts';
import { JsonLogger } from '../../src/logger';
import { createWorker } from '../../src/worker';

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
export const TEAM = 'T0TEAM';
export const TABLE = 'chatops-audit';
export const BOT_FUNCTION = 'lambda-chatops';
export const WORKER_FUNCTION = 'lambda-chatops-worker';
/** The bot's credentials (process.env's), as the STS stand-in knows them: its Lambda role. */
export const BOT_PRINCIPAL = {
  accessKeyId: 'AKIDSTANDIN',
  secretAccessKey: 'stand-in-secret',
  arn: 'arn:aws:iam::123456789012:role/lambda-chatops-handler',
};
export const WORKER_ARN = `arn:aws:lambda:us-east-1:123456789012:function:${WORKER_FUNCTION}`;
export const SCHEDULE_GROUP = 'lambda-chatops-rollouts';
export const SCHEDULER_ROLE = 'arn:aws:iam::123456789012:role/lambda-chatops-scheduler';

/** Demo people: a developer, approvers, prod approvers (one through a user group). */
export const USERS = {
  dev: 'U0DEV',
  approver: 'U0APPROVER',
  prod1: 'U0PROD1',
  prod2: 'U0PROD2',
  platform: 'U0PLATFORM',
  outsider: 'U0OUTSIDER',
} as const;

export const CHANNELS = {
  releases: 'C0RELEASES', // the bot is a member
  notJoined: 'C0NOTJOINED', // public, the bot was never added
  private: 'G0PRIVATE', // private, the bot was never added
} as const;

export const DEFAULT_CONFIG = `
functions:
  orders:
    functionName: orders-service
    stages: [dev, test, prod]
  payments:
    functionName: payments-service
    stages: [dev, test, prod]
  ghost:
    functionName: ghost-service
approvals:
  default: { approvers: anyone, required: 1 }
  prod: { approvers: [${USERS.prod1}, ${USERS.prod2}, S0PLATFORM], required: 2 }
selfApproval: false
requestTtlMinutes: 60
channels: []
`;

/** orders: versions 1..5, dev → 5, test → 4, prod → 3. payments: test splits 2 / 3. */
export const DEFAULT_FUNCTIONS: Record<string, FunctionSpec> = {
  'orders-service': {
    runtime: 'nodejs22.x',
    versions: [1, 2, 3, 4, 5].map((n) => ({
      description: `orders release ${n}`,
      codeSha256: Buffer.from(`orders-code-${n}`).toString('base64'),
      environment: {
        TABLE: 'orders',
        ...(n >= 4 ? { FEATURE_FLAG: `on-${n}` } : {}),
        ...(n < 5 ? { LEGACY: 'yes' } : {}),
      },
      memorySize: n >= 4 ? 512 : 256,
    })),
    aliases: { dev: '5', test: '4', prod: '3' },
  },
  'payments-service': {
    versions: [1, 2, 3].map((n) => ({
      description: `payments ${n}`,
      codeSha256: Buffer.from(`pay-${n}`).toString('base64'),
    })),
    aliases: { dev: '3', test: { version: '2', weights: { '3': 0.1 } }, prod: '1' },
  },
};

/** One line the bot logged, parsed: level, message, timestamp and the structured fields. */
export interface LogLine {
  level: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  message: string;
  [field: string]: unknown;
}

/**
 * What the bot logged, kept for assertions instead of printed: a negative test asserts on the
 * warning or error it expects, and `npm test`'s output shows only what went wrong. Set
 * CHATOPS_TEST_LOGS=1 to print every line as well.
 */
export class CapturedLogs {
  readonly raw: string[] = [];
  readonly lines: LogLine[] = [];
  readonly logger: JsonLogger;

  constructor(level: LogLevel) {
    const echo = process.env.CHATOPS_TEST_LOGS === '1';
    this.logger = new JsonLogger({
      level,
      write: (line) => {
        this.raw.push(line);
        this.lines.push(JSON.parse(line) as LogLine);
        if (echo) process.stdout.write(`${line}\n`);
      },
    });
  }

  at(level: LogLine['level']): LogLine[] {
    return this.lines.filter((line) => line.level === level);
  }

  clear(): void {
    this.raw.length = 0;
    this.lines.length = 0;
  }
}

export class TestClock {
  constructor(private at = Date.now()) {}
  now = () => new Date(this.at);
  advance(ms: number) {
    this.at += ms;
  }
}

export interface Harness {
  lambda: LambdaApiStandIn;
  /** With `accounts` only. */
  sts: StsStandIn | undefined;
  slack: SlackApiStandIn;
  /** EventBridge Scheduler: its schedules fire on the test clock (see `advance`). */
  scheduler: SchedulerStandIn;
  cloudwatch: CloudWatchStandIn;
  dynamo: DynamoDBClient;
  /** Every DynamoDB call of the bot goes through it: inject faults with `failNext`. */
  dynamoFaults: DynamoDbProxy;
  clock: TestClock;
  handler: (event: unknown, context: unknown) => Promise<unknown>;
  /** The worker function's handler, which the Lambda stand-in runs for each Invoke of it. */
  worker: (event: unknown, context: unknown) => Promise<unknown>;
  env: Record<string, string>;
  /** Every line the handler and the worker logged. */
  logs: CapturedLogs;
  command(text: string, options?: RequestOptions): Promise<HttpReply>;
  /** The signed event of a slash command, for a handler other than the harness's own. */
  commandEvent(text: string, options?: RequestOptions): unknown;
  click(requestId: string, action: 'approve' | 'reject', options?: ClickOptions): Promise<HttpReply>;
  /** A click on any of the bot's buttons (`rollout.pause`…) whose value is the request id. */
  press(actionId: string, requestId: string, options?: ClickOptions): Promise<HttpReply>;
  /** The channel message that carries a request's card. */
  card(requestId: string, channel?: string): { ts: string; text: string; blocks: unknown[] } | undefined;
  /** A request's audit items, as a user would query them. */
  events(requestId: string): Promise<Record<string, string>[]>;
  /** Waits for the bot's asynchronous invocations to finish. */
  settle(): Promise<void>;
  /** Moves the test clock on, fires the schedules then due (the worker runs them), and settles. */
  advance(ms: number): Promise<void>;
  close(): Promise<void>;
}

export interface RequestOptions {
  user?: string;
  channel?: string;
  team?: string;
  /** Seconds since the epoch; the test clock's now by default. */
  timestamp?: number;
  base64?: boolean;
  contentType?: string;
  secret?: string;
  responseUrl?: string;
  /** A previously built body to deliver again (a Slack retry or a replay). */
  body?: string;
}

export interface ClickOptions extends RequestOptions {
  messageTs?: string;
  actionTs?: string;
}

export interface HttpReply {
  statusCode: number;
  body: string;
  json: Record<string, unknown> | undefined;
  /** The request body that was sent (to replay it). */
  sent: string;
}

export async function startHarness(
  options: {
    config?: string;
    functions?: Record<string, FunctionSpec>;
    slackScopes?: string[];
    /** Other AWS accounts: an STS stand-in, and Lambda checking every call's account and region. */
    accounts?: boolean;
    /** The bot's log level: `info` by default; `debug` shows what Bolt saw. */
    logLevel?: `${LogLevel}`;
  } = {},
): Promise<Harness> {
  const clock = new TestClock();
  const db = await startDynamoDb();
  const dynamoFaults = await DynamoDbProxy.start(db.endpoint);
  // With `accounts`, STS and a Lambda stand-in that checks every call against the signer's account
  // and region: the bot's own credentials are its Lambda role's.
  const sts = options.accounts ? await StsStandIn.start({ clock: clock.now }) : undefined;
  sts?.addPrincipal(BOT_PRINCIPAL);
  const lambda = await LambdaApiStandIn.start(sts ? { identities: sts } : {});
  const now = () => clock.now().getTime();
  const scheduler = await SchedulerStandIn.start({ clock: now, retryDelayMs: () => 1000 });
  scheduler.createScheduleGroup(SCHEDULE_GROUP);
  const cloudwatch = await CloudWatchStandIn.start({ clock: now, ...(sts ? { identities: sts } : {}) });
  const slack = await SlackApiStandIn.start({
    team: { id: TEAM, domain: 'test', name: 'Test' },
    ...(options.slackScopes ? { scopes: options.slackScopes } : {}),
    channels: [
      { id: CHANNELS.releases, name: 'releases', botIsMember: true },
      { id: CHANNELS.notJoined, name: 'general', botIsMember: false },
      { id: CHANNELS.private, name: 'secret', isPrivate: true, botIsMember: false },
    ],
    usergroups: { S0PLATFORM: [USERS.platform] },
  });
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDSTANDIN',
    AWS_SECRET_ACCESS_KEY: 'stand-in-secret',
    AWS_ENDPOINT_URL_DYNAMODB: dynamoFaults.url,
    AWS_ENDPOINT_URL_LAMBDA: lambda.url,
    ...(sts ? { AWS_ENDPOINT_URL_STS: sts.url } : {}),
    AWS_ENDPOINT_URL_SCHEDULER: scheduler.url,
    AWS_ENDPOINT_URL_CLOUDWATCH: cloudwatch.url,
  });
  const dynamo = new DynamoDBClient({});
  await createAuditTable(dynamo, TABLE);
  for (const [name, spec] of Object.entries(options.functions ?? DEFAULT_FUNCTIONS))
    lambda.createFunction(name, spec);
  lambda.createFunction(BOT_FUNCTION, { description: 'the bot: its Slack-facing function' });
  lambda.createFunction(WORKER_FUNCTION, { description: 'the bot: its worker function' });

  const dir = mkdtempSync(join(tmpdir(), 'chatops-test-'));
  const configPath = join(dir, 'chatops.config.yml');
  writeFileSync(configPath, options.config ?? DEFAULT_CONFIG);
  const env = {
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: slack.botToken,
    AUDIT_TABLE_NAME: TABLE,
    CHATOPS_CONFIG: configPath,
    SLACK_API_URL: slack.apiUrl,
    WORKER_FUNCTION_NAME: WORKER_FUNCTION,
  };
  const logs = new CapturedLogs((options.logLevel ?? LogLevel.INFO) as LogLevel);
  const logger = logs.logger;
  const handler = createHandler(env, { clock, logger });
  const worker = createWorker(
    { ...env, SCHEDULER_ROLE_ARN: SCHEDULER_ROLE, SCHEDULE_GROUP_NAME: SCHEDULE_GROUP },
    { clock, logger },
  );
  const context = () => ({ awsRequestId: randomUUID(), invokedFunctionArn: WORKER_ARN });
  lambda.onInvoke(WORKER_FUNCTION, (payload) => worker(payload, context()));
  // A throw is a failed delivery: Scheduler retries it, as it would a failed Lambda invocation.
  scheduler.onTarget(WORKER_ARN, async (input) => {
    await worker(JSON.parse(input), context());
  });

  const sign = (body: string, request: RequestOptions) =>
    signedSlackEvent(request.secret ?? SIGNING_SECRET, body, {
      timestamp: request.timestamp ?? Math.floor(clock.now().getTime() / 1000),
      ...(request.base64 === undefined ? {} : { base64: request.base64 }),
      ...(request.contentType === undefined ? {} : { contentType: request.contentType }),
    });
  const commandBody = (text: string, request: RequestOptions) => {
    const user = request.user ?? USERS.dev;
    const channel = request.channel ?? CHANNELS.releases;
    return slashCommandBody({
      text,
      userId: user,
      channelId: channel,
      teamId: request.team ?? TEAM,
      responseUrl: request.responseUrl ?? slack.responseUrl({ channel, user }),
    });
  };
  const send = async (body: string, request: RequestOptions): Promise<HttpReply> => {
    const result = (await handler(sign(body, request), {})) as { statusCode: number; body?: string };
    const text = result.body ?? '';
    let json: Record<string, unknown> | undefined;
    try {
      json = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
    } catch {
      json = undefined;
    }
    return { statusCode: result.statusCode, body: text, json, sent: body };
  };

  const harness: Harness = {
    lambda,
    sts,
    slack,
    scheduler,
    cloudwatch,
    dynamo,
    dynamoFaults,
    clock,
    handler,
    worker,
    env,
    logs,
    command(text, request = {}) {
      return send(request.body ?? commandBody(text, request), request);
    },
    commandEvent(text, request = {}) {
      return sign(commandBody(text, request), request);
    },
    click(requestId, action, request = {}) {
      return harness.press(`request.${action}`, requestId, request);
    },
    press(actionId, requestId, request = {}) {
      const user = request.user ?? USERS.approver;
      const channel = request.channel ?? CHANNELS.releases;
      const messageTs = request.messageTs ?? harness.card(requestId, channel)?.ts ?? '0000000000.000000';
      const body =
        request.body ??
        blockActionBody({
          userId: user,
          teamId: request.team ?? TEAM,
          channelId: channel,
          messageTs,
          responseUrl: request.responseUrl ?? slack.responseUrl({ channel, user, messageTs }),
          actionId,
          value: requestId,
          ...(request.actionTs ? { actionTs: request.actionTs } : {}),
        });
      return send(body, request);
    },
    card(requestId, channel = CHANNELS.releases) {
      const found = slack
        .messages(channel)
        .find((message) => JSON.stringify(message.blocks ?? []).includes(requestId));
      return found ? { ts: found.ts, text: found.text, blocks: found.blocks ?? [] } : undefined;
    },
    async events(requestId) {
      const page = await dynamo.send(
        new QueryCommand({
          TableName: TABLE,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :ev)',
          ExpressionAttributeValues: { ':pk': { S: `REQ#${requestId}` }, ':ev': { S: 'EV#' } },
        }),
      );
      return (page.Items ?? []).map((item) =>
        Object.fromEntries(Object.entries(item).map(([key, value]) => [key, value.S ?? value.N ?? ''])),
      );
    },
    settle: () => lambda.idle(),
    async advance(ms) {
      clock.advance(ms);
      await scheduler.fireDue();
      await lambda.idle();
    },
    async close() {
      await lambda.idle();
      dynamo.destroy();
      await Promise.all([
        lambda.close(),
        slack.close(),
        dynamoFaults.close(),
        sts?.close(),
        scheduler.close(),
        cloudwatch.close(),
      ]);
      await db.close();
    },
  };
  return harness;
}

/** Every text in a Block Kit message, for assertions on what a reader sees. */
export function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(textOf).join('\n');
  if (value && typeof value === 'object') return Object.values(value).map(textOf).join('\n');
  return '';
}

/** The request id a card or reply mentions. */
export function requestIdIn(value: unknown): string {
  const match = /R[0-9A-Z]{9}/.exec(textOf(value));
  if (!match) throw new Error(`no request id in ${textOf(value).slice(0, 200)}`);
  return match[0];
}
