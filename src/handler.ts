// The composition root for Lambda (DESIGN.md section 6): reads the environment and the
// configuration once per container, builds the adapters and the Bolt app, and answers Function
// URL events (Slack) and the bot's own asynchronous work events.
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConsoleLogger, type Logger, LogLevel } from '@slack/logger';
import { WebClient } from '@slack/web-api';
import { AwsLambdaRegistry } from './adapters/aws-lambda-registry';
import { DynamoDbAuditLog } from './adapters/dynamodb-audit-log';
import { DynamoDbRequestStore } from './adapters/dynamodb-request-store';
import { InProcessWorkQueue, isTaskEvent, LambdaWorkQueue } from './adapters/lambda-work-queue';
import { SlackDirectory } from './adapters/slack-directory';
import { loadConfigFile, validateConfig } from './config';
import type { ChatopsConfig } from './domain/model';
import { type RuntimeEnv, readRuntimeEnv } from './env';
import { type Clock, systemClock, type WorkQueue } from './ports';
import { SlackMessenger } from './slack/cards';
import type { SlackDeps } from './slack/context';
import { createApp, type SlackSecrets } from './slack/create-app';
import {
  type HttpResult,
  isHttpEvent,
  normalizeHttpEvent,
  timestampIsFresh,
  UNAUTHORIZED,
} from './slack/lambda-events';
import { runTask } from './slack/tasks';

/** Set by esbuild to the validated chatops.config.yml; undefined when running from source. */
declare const __CHATOPS_BUNDLED_CONFIG__: unknown;

export interface HandlerOptions {
  clock?: Clock;
  random?: (size: number) => Uint8Array;
  logger?: Logger;
}

type LambdaHandler = (event: unknown, context: unknown) => Promise<unknown>;

export function createHandler(
  env: Record<string, string | undefined>,
  options: HandlerOptions = {},
): LambdaHandler {
  const clock = options.clock ?? systemClock;
  let ready: Promise<Runtime> | undefined;
  const runtime = () => {
    ready ??= buildRuntime(env, options).catch((error: unknown) => {
      ready = undefined; // a transient failure (Secrets Manager) is retried by the next request
      throw error;
    });
    return ready;
  };
  return async (event, context) => {
    if (isTaskEvent(event)) {
      const { slack } = await runtime();
      try {
        await runTask(event.task, slack);
      } catch (error) {
        slack.logger.error(`task ${event.task.kind} failed: ${(error as Error).message}`);
      }
      return { ok: true };
    }
    if (!isHttpEvent(event)) return { statusCode: 400, body: 'Not a Slack request' } satisfies HttpResult;
    const request = normalizeHttpEvent(event);
    if (!timestampIsFresh(request, clock.now())) return UNAUTHORIZED;
    const { handle } = await runtime();
    return handle(request, context);
  };
}

interface Runtime {
  slack: SlackDeps;
  handle: (event: unknown, context: unknown) => Promise<unknown>;
}

async function buildRuntime(
  env: Record<string, string | undefined>,
  options: HandlerOptions,
): Promise<Runtime> {
  const settings = readRuntimeEnv(env);
  const config = loadConfig(settings);
  const logger = options.logger ?? defaultLogger();
  const lambda = new LambdaClient({});
  const dynamo = new DynamoDBClient({});
  const secrets = await slackSecrets(settings);
  const web = new WebClient(secrets.botToken, {
    slackApiUrl: settings.slackApiUrl,
    logger,
    // Slack's 3 seconds leave no room for Slack's default patient retries.
    retryConfig: { retries: 1, factor: 1, minTimeout: 100, maxTimeout: 300 },
    rejectRateLimitedCalls: true,
  });
  const clock = options.clock ?? systemClock;
  let slack: SlackDeps;
  const queue: WorkQueue = settings.selfFunctionName
    ? new LambdaWorkQueue(lambda, settings.selfFunctionName)
    : new InProcessWorkQueue((task) => runTask(task, slack));
  slack = {
    deps: {
      config,
      registry: new AwsLambdaRegistry(lambda, clock),
      audit: new DynamoDbAuditLog(settings.auditTableName, dynamo),
      requests: new DynamoDbRequestStore(settings.auditTableName, dynamo),
      directory: new SlackDirectory(web, clock),
      queue,
      clock,
      random: options.random ?? ((size) => randomBytes(size)),
    },
    messenger: new SlackMessenger(web, logger),
    logger,
  };
  const { receiver } = createApp(secrets, slack, { slackApiUrl: settings.slackApiUrl });
  const handle = receiver.toHandler() as (event: unknown, context: unknown) => Promise<unknown>;
  return { slack, handle };
}

function loadConfig(settings: RuntimeEnv): ChatopsConfig {
  if (settings.configPath) return loadConfigFile(settings.configPath);
  if (typeof __CHATOPS_BUNDLED_CONFIG__ !== 'undefined') {
    return validateConfig(__CHATOPS_BUNDLED_CONFIG__, 'chatops.config.yml (bundled)');
  }
  return loadConfigFile('chatops.config.yml');
}

async function slackSecrets(settings: RuntimeEnv): Promise<SlackSecrets> {
  const source = settings.slackSecrets;
  if (source.kind === 'env') return { signingSecret: source.signingSecret, botToken: source.botToken };
  const client = new SecretsManagerClient({});
  const result = await client.send(new GetSecretValueCommand({ SecretId: source.secretArn }));
  let parsed: Partial<SlackSecrets> = {};
  try {
    parsed = JSON.parse(result.SecretString ?? '{}') as Partial<SlackSecrets>;
  } catch {
    throw new Error(
      `The secret SLACK_SECRET_ARN names is not JSON: store {"signingSecret": "...", "botToken": "..."}`,
    );
  }
  const missing = (['signingSecret', 'botToken'] as const).filter(
    (key) => typeof parsed[key] !== 'string' || !parsed[key],
  );
  if (missing.length > 0) {
    throw new Error(
      `The secret SLACK_SECRET_ARN names lacks ${missing.join(' and ')}: store {"signingSecret": "...", "botToken": "..."}`,
    );
  }
  return parsed as SlackSecrets;
}

function defaultLogger(): Logger {
  const logger = new ConsoleLogger();
  logger.setLevel(LogLevel.INFO);
  logger.setName('lambda-chatops');
  return logger;
}

/** The Lambda entry point. */
export const handler = createHandler(process.env);
