// The world the benchmark's Lambda containers talk to, all in this process: dynalite behind a
// latency proxy, the Lambda API, the Slack Web API and response_url, Secrets Manager. Seeded
// with the functions of chatops.config.yml, `orders` with 1,000 published versions.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createAuditTable } from '../src/local/create-audit-table';
import { type DynamoDbStandIn, startDynamoDb } from '../src/local/stand-ins/dynamodb';
import { DynamoDbProxy } from '../src/local/stand-ins/dynamodb-proxy';
import { LambdaApiStandIn, type VersionSpec } from '../src/local/stand-ins/lambda-api';
import { SecretsManagerStandIn } from '../src/local/stand-ins/secrets-manager';
import { SlackApiStandIn } from '../src/local/stand-ins/slack-api';

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
    readonly dynamodb: DynamoDbProxy,
    readonly lambda: LambdaApiStandIn,
    readonly slack: SlackApiStandIn,
    readonly secrets: SecretsManagerStandIn,
  ) {}

  static async start(): Promise<BenchEnvironment> {
    const dynamo = await startDynamoDb();
    const [dynamodb, lambda, slack, secrets] = await Promise.all([
      DynamoDbProxy.start(dynamo.endpoint),
      LambdaApiStandIn.start(),
      SlackApiStandIn.start({
        channels: [{ id: CHANNEL, name: 'releases', botIsMember: true }],
        usergroups: { S0PLATFORM: ['U0PLATFORM1', 'U0PLATFORM2'] },
      }),
      SecretsManagerStandIn.start(),
    ]);
    const environment = new BenchEnvironment(dynamo, dynamodb, lambda, slack, secrets);
    await environment.seed();
    return environment;
  }

  /** What Lambda would set for the bot; `secretArn` to read the Slack secrets from Secrets Manager. */
  env(slackSecrets: 'env' | 'secretArn'): Record<string, string> {
    return {
      ...AWS_ENV,
      AWS_ENDPOINT_URL_LAMBDA: this.lambda.url,
      AWS_ENDPOINT_URL_DYNAMODB: this.dynamodb.url,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: this.secrets.url,
      WORKER_FUNCTION_NAME: WORKER_FUNCTION,
      AUDIT_TABLE_NAME: TABLE,
      SLACK_API_URL: this.slack.apiUrl,
      ...(slackSecrets === 'env'
        ? { SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: this.slack.botToken }
        : { SLACK_SECRET_ARN: SECRET_ARN }),
    };
  }

  setLatency(latency: Latency): void {
    this.lambda.latencyMs = latency.awsMs;
    this.dynamodb.latencyMs = latency.awsMs;
    this.slack.latencyMs = latency.slackMs;
    this.secrets.latencyMs = latency.secretsMs;
  }

  mark(): CallMark {
    return {
      lambda: this.lambda.calls.length,
      dynamodb: this.dynamodb.calls.length,
      slack: this.slack.calls.length,
      secrets: this.secrets.calls.length,
    };
  }

  callsSince(from: CallMark, to: CallMark = this.mark()): CallCounts {
    return {
      lambda: tally(this.lambda.calls.slice(from.lambda, to.lambda).map((call) => call.operation)),
      dynamodb: tally(this.dynamodb.calls.slice(from.dynamodb, to.dynamodb)),
      slack: tally(this.slack.calls.slice(from.slack, to.slack).map((call) => call.method)),
      secretsManager: to.secrets - from.secrets,
    };
  }

  async close(): Promise<void> {
    await Promise.all([this.lambda.close(), this.slack.close(), this.secrets.close(), this.dynamodb.close()]);
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
    const client = new DynamoDBClient({ endpoint: this.dynamodb.url, ...awsClientConfig() });
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
