// What both composition roots build the same way, once per container: the configuration, the
// Slack secrets and Web API client, the logger and the audit table's adapters. The Slack-facing
// function (src/handler.ts) and the worker (src/worker.ts) differ only in what they add.
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Logger } from '@slack/logger';
import { WebClient } from '@slack/web-api';
import type { AssumedRoles } from './adapters/assumed-roles';
import { AwsLambdaRegistry } from './adapters/aws-lambda-registry';
import { DynamoDbAuditLog } from './adapters/dynamodb-audit-log';
import { DynamoDbLockStore } from './adapters/dynamodb-lock-store';
import { DynamoDbRequestStore } from './adapters/dynamodb-request-store';
import { lambdaClients } from './adapters/lambda-clients';
import { SlackDirectory } from './adapters/slack-directory';
import { loadConfigFile, validateConfig } from './config';
import type { ChatopsConfig } from './domain/model';
import type { RuntimeEnv } from './env';
import { JsonLogger } from './logger';
import { type Clock, systemClock, type WorkQueue } from './ports';
import { SlackMessenger } from './slack/cards';
import type { SlackDeps } from './slack/context';
import type { SlackSecrets } from './slack/create-app';

/** Set by esbuild to the validated chatops.config.yml; undefined when running from source. */
declare const __CHATOPS_BUNDLED_CONFIG__: unknown;

export interface RuntimeOptions {
  clock?: Clock;
  random?: (size: number) => Uint8Array;
  logger?: Logger;
}

export interface SharedRuntime {
  secrets: SlackSecrets;
  slack: SlackDeps;
  settings: RuntimeEnv;
  /** The roles of other accounts (`accounts` in the configuration); undefined when there are none. */
  roles: AssumedRoles | undefined;
}

/** The adapters both functions share; `queue` is how this function hands work to the worker. */
export async function buildShared(
  settings: RuntimeEnv,
  lambda: LambdaClient,
  queue: (slack: () => SlackDeps) => WorkQueue,
  options: RuntimeOptions,
): Promise<SharedRuntime> {
  const config = loadConfig(settings);
  const logger = options.logger ?? new JsonLogger();
  const dynamo = new DynamoDBClient({});
  const secrets = await slackSecrets(settings);
  // From here on, no log line can carry either secret, whoever writes it (Bolt, the Web API client).
  if (logger instanceof JsonLogger) logger.redact(secrets.signingSecret, secrets.botToken);
  const web = new WebClient(secrets.botToken, {
    slackApiUrl: settings.slackApiUrl,
    logger,
    // Slack's 3 seconds leave no room for Slack's default patient retries.
    retryConfig: { retries: 1, factor: 1, minTimeout: 100, maxTimeout: 300 },
    rejectRateLimitedCalls: true,
  });
  const clock = options.clock ?? systemClock;
  // STS only when other accounts are configured: a bot of one account never calls it, and never
  // loads it (the STS client is a chunk of its own in the bundle, ~34 KB less at cold start).
  const roles =
    Object.keys(config.accounts).length > 0
      ? new (await import('./adapters/assumed-roles')).AssumedRoles(undefined, clock)
      : undefined;
  const slack: SlackDeps = {
    deps: {
      config,
      registry: new AwsLambdaRegistry(
        lambdaClients({ base: lambda, config, kind: 'reader', ...(roles ? { roles } : {}) }),
        clock,
      ),
      audit: new DynamoDbAuditLog(settings.auditTableName, dynamo),
      requests: new DynamoDbRequestStore(settings.auditTableName, dynamo),
      locks: new DynamoDbLockStore(settings.auditTableName, dynamo),
      directory: new SlackDirectory(web, clock),
      queue: queue(() => slack),
      clock,
      random: options.random ?? ((size) => randomBytes(size)),
    },
    messenger: new SlackMessenger(web, logger, settings.slackApiUrl),
    logger,
  };
  return { secrets, slack, settings, roles };
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

/** Lambda's request id (kept by its retries of the same event); undefined off Lambda. */
export function awsRequestIdOf(context: unknown): string | undefined {
  const id = (context as { awsRequestId?: unknown } | null)?.awsRequestId;
  return typeof id === 'string' && id ? id : undefined;
}

/** Builds once per container; a failed build (Secrets Manager down) is tried again next time. */
export function once<T>(build: () => Promise<T>): () => Promise<T> {
  let ready: Promise<T> | undefined;
  return () => {
    ready ??= build().catch((error: unknown) => {
      ready = undefined;
      throw error;
    });
    return ready;
  };
}
