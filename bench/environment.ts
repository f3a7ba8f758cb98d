// The world the benchmark's Lambda containers talk to, all in this process: dynalite, the Lambda
// API, the Slack Web API and response_url, Secrets Manager, each behind a proxy that times every
// call (and delays dynalite's). Seeded with the functions of chatops.config.yml, `orders` with
// 1,000 published versions.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createAuditTable } from '../src/local/create-audit-table';
import { type DynamoDbStandIn, startDynamoDb } from '../src/local/stand-ins/dynamodb';
import { LambdaApiStandIn, type VersionSpec } from '../src/local/stand-ins/lambda-api';
import { SecretsManagerStandIn } from '../src/local/stand-ins/secrets-manager';
import { SlackApiStandIn } from '../src/local/stand-ins/slack-api';
import { type TimedCall, TimingProxy } from './timing-proxy';

export const CHANNEL = 'C0RELEASES';
export const WORKER_FUNCTION = 'lambda-chatops-worker';
export const ORDERS_VERSIONS = 1000;
export const PAYMENTS_VERSIONS = 30;
const TABLE = 'lambda-chatops-audit';
const SIGNING_SECRET = 'bench-signing-secret-0123456789abcdef';
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:lambda-chatops/slack-AbCdEf';
const AWS_ENV = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'AKIDBENCH',
  AWS_SECRET_ACCESS_KEY: 'bench',
  // Lambda runs Node 22, where the SDK has no end-of-support warning to print; this machine may not.
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

export interface Latency {
  awsMs: number;
  slackMs: number;
  secretsMs: number;
}

/** Calls recorded by the stand-ins since a mark. */
export interface CallCounts {
  lambda: Record<string, number>;
  dynamodb: Record<string, number>;
  slack: Record<string, number>;
  secretsManager: number;
}

export interface CallMark {
  lambda: number;
  dynamodb: number;
  slack: number;
  secrets: number;
}

export class BenchEnvironment {
  readonly signingSecret = SIGNING_SECRET;

  private constructor(
    private readonly dynamo: DynamoDbStandIn,
    readonly lambda: LambdaApiStandIn,
    readonly slack: SlackApiStandIn,
    readonly secrets: SecretsManagerStandIn,
    private readonly proxies: Record<'dynamodb' | 'lambda' | 'slack' | 'secrets', TimingProxy>,
  ) {}

  static async start(): Promise<BenchEnvironment> {
    const dynamo = await startDynamoDb();
    const [lambda, slack, secrets] = await Promise.all([
      LambdaApiStandIn.start(),
      SlackApiStandIn.start({
        channels: [{ id: CHANNEL, name: 'releases', botIsMember: true }],
        usergroups: { S0PLATFORM: ['U0PLATFORM1', 'U0PLATFORM2'] },
      }),
      SecretsManagerStandIn.start(),
    ]);
    const [dynamodbProxy, lambdaProxy, slackProxy, secretsProxy] = await Promise.all([
      TimingProxy.start('dynamodb', dynamo.endpoint, (request) =>
        String(request.headers['x-amz-target'] ?? '').replace(/^DynamoDB_\d+\./, ''),
      ),
      TimingProxy.start('lambda', lambda.url, lambdaOperation),
      TimingProxy.start('slack', slack.url, slackMethod),
      TimingProxy.start('secrets', secrets.url, (request) =>
        String(request.headers['x-amz-target'] ?? '').replace(/^secretsmanager\./, ''),
      ),
    ]);
    const environment = new BenchEnvironment(dynamo, lambda, slack, secrets, {
      dynamodb: dynamodbProxy,
      lambda: lambdaProxy,
      slack: slackProxy,
      secrets: secretsProxy,
    });
    await environment.seed();
    return environment;
  }

  /** DynamoDB's calls by operation, in the order they arrived. */
  get dynamodbCalls(): string[] {
    return this.proxies.dynamodb.calls.map((call) => call.name);
  }

  /** Every call the bot made between two instants (performance.now() of this process), by start. */
  timedCalls(from: number, to: number): TimedCall[] {
    return Object.values(this.proxies)
      .flatMap((proxy) => proxy.calls.filter((call) => call.start >= from && call.end <= to))
      .sort((a, b) => a.start - b.start);
  }

  /** A response_url of the Slack stand-in, reached through its timing proxy. */
  slackUrl(url: string): string {
    return this.proxies.slack.through(url);
  }

  /** What Lambda would set for the bot; `secretArn` to read the Slack secrets from Secrets Manager. */
  env(slackSecrets: 'env' | 'secretArn'): Record<string, string> {
    return {
      ...AWS_ENV,
      AWS_ENDPOINT_URL_LAMBDA: this.proxies.lambda.url,
      AWS_ENDPOINT_URL_DYNAMODB: this.proxies.dynamodb.url,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: this.proxies.secrets.url,
      WORKER_FUNCTION_NAME: WORKER_FUNCTION,
      AUDIT_TABLE_NAME: TABLE,
      SLACK_API_URL: this.proxies.slack.through(this.slack.apiUrl),
      ...(slackSecrets === 'env'
        ? { SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: this.slack.botToken }
        : { SLACK_SECRET_ARN: SECRET_ARN }),
    };
  }

  setLatency(latency: Latency): void {
    this.lambda.latencyMs = latency.awsMs;
    this.proxies.dynamodb.latencyMs = latency.awsMs;
    this.slack.latencyMs = latency.slackMs;
    this.secrets.latencyMs = latency.secretsMs;
  }

  mark(): CallMark {
    return {
      lambda: this.lambda.calls.length,
      dynamodb: this.proxies.dynamodb.calls.length,
      slack: this.slack.calls.length,
      secrets: this.secrets.calls.length,
    };
  }

  callsSince(from: CallMark, to: CallMark = this.mark()): CallCounts {
    return {
      lambda: tally(this.lambda.calls.slice(from.lambda, to.lambda).map((call) => call.operation)),
      dynamodb: tally(this.dynamodbCalls.slice(from.dynamodb, to.dynamodb)),
      slack: tally(this.slack.calls.slice(from.slack, to.slack).map((call) => call.method)),
      secretsManager: to.secrets - from.secrets,
    };
  }

  async close(): Promise<void> {
    await Promise.all([
      this.lambda.close(),
      this.slack.close(),
      this.secrets.close(),
      ...Object.values(this.proxies).map((proxy) => proxy.close()),
    ]);
    await this.dynamo.close();
  }

  private async seed(): Promise<void> {
    this.secrets.putSecret(SECRET_ARN, { signingSecret: SIGNING_SECRET, botToken: this.slack.botToken });

    this.lambda.createFunction('orders-service', {
      versions: releases(ORDERS_VERSIONS),
      aliases: newestThree(ORDERS_VERSIONS),
    });
    this.lambda.createFunction('payments-service', {
      versions: releases(PAYMENTS_VERSIONS),
      aliases: newestThree(PAYMENTS_VERSIONS),
    });
    this.lambda.createFunction(WORKER_FUNCTION);
    const client = new DynamoDBClient({ endpoint: this.dynamo.endpoint, ...awsClientConfig() });
    await createAuditTable(client, TABLE);
    client.destroy();
  }
}

function awsClientConfig() {
  return {
    region: AWS_ENV.AWS_REGION,
    credentials: { accessKeyId: AWS_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: AWS_ENV.AWS_SECRET_ACCESS_KEY },
  };
}

/** Versions 1..count, a day apart, with a description, a runtime bump and changing env keys. */
function releases(count: number): VersionSpec[] {
  const start = Date.UTC(2023, 0, 1);
  return Array.from({ length: count }, (_, index) => ({
    description: `release ${index + 1}: orders pipeline change #${4000 + index}`,
    codeSha256: Buffer.from(`code-${index + 1}`)
      .toString('base64')
      .padEnd(44, 'A'),
    runtime: index < count / 2 ? 'nodejs20.x' : 'nodejs22.x',
    memorySize: 512,
    timeout: 10,
    environment: {
      LOG_LEVEL: 'info',
      TABLE_NAME: 'orders',
      ...(index % 3 === 0 ? { FEATURE_FLAGS: `flags-${index}` } : {}),
    },
    lastModified: new Date(start + index * 86_400_000),
  }));
}

/** dev at the newest version, test at the one before, prod at the one before that. */
function newestThree(count: number): Record<string, string> {
  return { dev: String(count), test: String(count - 1), prod: String(count - 2) };
}

function tally(names: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of names) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}

/** The Lambda API operation of a request, from its method and path (docs.aws.amazon.com/lambda/latest/api). */
function lambdaOperation(request: { method?: string; url?: string }): string {
  const path = (request.url ?? '').split('?')[0] ?? '';
  const method = request.method ?? 'GET';
  const routes: [RegExp, string, string][] = [
    [/\/invocations$/, 'POST', 'Invoke'],
    [/\/aliases$/, 'GET', 'ListAliases'],
    [/\/aliases\/[^/]+$/, 'GET', 'GetAlias'],
    [/\/aliases\/[^/]+$/, 'PUT', 'UpdateAlias'],
    [/\/versions$/, 'GET', 'ListVersionsByFunction'],
    [/\/versions$/, 'POST', 'PublishVersion'],
    [/\/configuration$/, 'GET', 'GetFunctionConfiguration'],
    [/\/functions\/[^/]+$/, 'GET', 'GetFunction'],
  ];
  const route = routes.find(([pattern, verb]) => verb === method && pattern.test(path));
  return route?.[2] ?? `${method} ${path}`;
}

/** The Slack Web API method of a request (`chat.update`), or `response_url`. */
function slackMethod(request: { url?: string }): string {
  const path = (request.url ?? '').split('?')[0] ?? '';
  return path.includes('/response/') ? 'response_url' : (path.split('/').pop() ?? path);
}
