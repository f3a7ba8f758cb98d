// The sandbox's Lambda functions: the same seed on every start (versions with their descriptions,
// code hashes and environment keys; aliases dev, test, prod), and the versions the playground's
// "Publish a new version" button adds, each one different from the last in a way the card shows.
import { createHash } from 'node:crypto';
import type { FunctionSpec, VersionSpec } from '../stand-ins/lambda-api';

export interface DemoFunction {
  /** The key in sandbox.config.yml, typed in Slack. */
  key: string;
  functionName: string;
  spec: FunctionSpec;
  /** Descriptions and environment keys for the versions the playground publishes, in turn. */
  nextReleases: Array<{ description: string; addsKey: string }>;
  /** Another AWS account and region than the bot's (issue 11); the bot's own when absent. */
  place?: { account: string; region: string };
}

/** The sandbox's second AWS account, where the bot assumes the roles LambdaChatopsTarget creates. */
export const DEMO_OTHER_ACCOUNT = {
  account: '222222222222',
  region: 'eu-west-1',
  externalId: 'sandbox-demo',
};

/** A deterministic code hash, as Lambda writes it (base64 SHA-256). */
export function demoCodeHash(functionName: string, version: number): string {
  return createHash('sha256').update(`${functionName}@${version}`).digest('base64');
}

function version(
  functionName: string,
  number: number,
  description: string,
  lastModified: string,
  environment: Record<string, string>,
  extra: VersionSpec = {},
): VersionSpec {
  return {
    description,
    codeSha256: demoCodeHash(functionName, number),
    lastModified,
    environment,
    ...extra,
  };
}

const ordersEnv = { TABLE_NAME: 'orders', LOG_LEVEL: 'info' };
const paymentsEnv = { PROVIDER_URL: 'https://payments.example', LOG_LEVEL: 'info' };

export const DEMO_FUNCTIONS: DemoFunction[] = [
  {
    key: 'orders',
    functionName: 'orders-service',
    spec: {
      runtime: 'nodejs22.x',
      memorySize: 512,
      timeout: 10,
      versions: [
        version('orders-service', 1, 'Orders API: create and read orders', '2026-09-14T09:12:00Z', ordersEnv),
        version('orders-service', 2, 'Order search by customer', '2026-10-05T14:40:00Z', {
          ...ordersEnv,
          SEARCH_INDEX: 'orders-by-customer',
        }),
        version('orders-service', 3, 'Retry payment callbacks with backoff', '2026-10-27T10:05:00Z', {
          ...ordersEnv,
          SEARCH_INDEX: 'orders-by-customer',
          PAYMENTS_QUEUE_URL: 'https://sqs.example/payments',
        }),
        version(
          'orders-service',
          4,
          'Faster checkout totals',
          '2026-11-16T16:30:00Z',
          {
            TABLE_NAME: 'orders',
            SEARCH_INDEX: 'orders-by-customer',
            PAYMENTS_QUEUE_URL: 'https://sqs.example/payments',
            FAST_TOTALS: 'on',
          },
          { memorySize: 1024 },
        ),
      ],
      aliases: { prod: '2', test: '3', dev: '4' },
    },
    nextReleases: [
      { description: 'Cache product prices', addsKey: 'PRICE_CACHE_TTL' },
      { description: 'Structured JSON logs', addsKey: 'LOG_FORMAT' },
      { description: 'Gift cards at checkout', addsKey: 'GIFT_CARDS' },
      { description: 'Idempotent order creation', addsKey: 'IDEMPOTENCY_TABLE' },
    ],
  },
  {
    key: 'payments',
    functionName: 'payments-service',
    spec: {
      runtime: 'nodejs20.x',
      memorySize: 256,
      timeout: 15,
      versions: [
        version('payments-service', 1, 'Card payments', '2026-09-02T08:00:00Z', paymentsEnv),
        version('payments-service', 2, 'Refunds', '2026-10-12T11:20:00Z', {
          ...paymentsEnv,
          REFUNDS_TOPIC: 'payments-refunds',
        }),
        version(
          'payments-service',
          3,
          '3-D Secure challenge flow',
          '2026-11-03T15:45:00Z',
          { ...paymentsEnv, REFUNDS_TOPIC: 'payments-refunds', THREE_DS: 'on' },
          { runtime: 'nodejs22.x' },
        ),
        version(
          'payments-service',
          4,
          'Idempotency keys on capture',
          '2026-11-20T09:30:00Z',
          { ...paymentsEnv, REFUNDS_TOPIC: 'payments-refunds', THREE_DS: 'on', IDEMPOTENCY_TTL: '86400' },
          { runtime: 'nodejs22.x' },
        ),
      ],
      // prod is a canary: 10% of its traffic already goes to 3. Promoting onto it clears the split.
      aliases: { prod: { version: '2', weights: { '3': 0.1 } }, test: '3', dev: '4' },
    },
    nextReleases: [
      { description: 'Apple Pay wallet tokens', addsKey: 'WALLET_MERCHANT_ID' },
      { description: 'Retry declined captures once', addsKey: 'CAPTURE_RETRIES' },
      { description: 'Fraud score on refunds', addsKey: 'FRAUD_API_URL' },
    ],
  },
  {
    // In another account and region: the bot reads and promotes it through the reader and
    // promoter roles it assumes there, naming the person (STS SourceIdentity).
    key: 'inventory',
    functionName: 'inventory-service',
    place: { account: DEMO_OTHER_ACCOUNT.account, region: DEMO_OTHER_ACCOUNT.region },
    spec: {
      runtime: 'nodejs22.x',
      memorySize: 256,
      timeout: 10,
      versions: [
        version('inventory-service', 1, 'Stock levels per warehouse', '2026-10-01T07:30:00Z', {
          WAREHOUSES_TABLE: 'warehouses',
        }),
        version('inventory-service', 2, 'Reserve stock at checkout', '2026-11-10T13:00:00Z', {
          WAREHOUSES_TABLE: 'warehouses',
          RESERVATIONS_TTL: '900',
        }),
      ],
      aliases: { prod: '1', dev: '2' },
    },
    nextReleases: [
      { description: 'Low-stock alerts', addsKey: 'ALERTS_TOPIC' },
      { description: 'Bulk restock import', addsKey: 'IMPORT_BUCKET' },
    ],
  },
];

export function demoFunction(key: unknown): DemoFunction | undefined {
  return DEMO_FUNCTIONS.find((fn) => fn.key === key);
}

/**
 * The version the playground publishes as number `number` (the seed has the first ones): a new
 * description, a new code hash and one more environment key than `previousEnvironment`.
 */
export function nextDemoVersion(
  fn: DemoFunction,
  number: number,
  previousEnvironment: Record<string, string>,
  now: Date,
): VersionSpec {
  const seeded = fn.spec.versions?.length ?? 0;
  const turn = number - seeded - 1;
  const release = fn.nextReleases[turn % fn.nextReleases.length] ?? {
    description: 'Release',
    addsKey: 'FLAG',
  };
  const round = Math.floor(turn / fn.nextReleases.length);
  const suffix = round === 0 ? '' : ` (${round + 1})`;
  const key = round === 0 ? release.addsKey : `${release.addsKey}_${round + 1}`;
  return {
    description: `${release.description}${suffix} ${pipelineTokens(fn.functionName, number)}`,
    codeSha256: demoCodeHash(fn.functionName, number),
    lastModified: now.toISOString(),
    environment: { ...previousEnvironment, [key]: 'on' },
  };
}

/**
 * What a CI pipeline writes after the free text (DESIGN.md section 3c): a made-up commit SHA and PR
 * number for this version, the branch, and its build on the sandbox's pretend CI, which the
 * playground page serves itself (see SANDBOX_SOURCE_ORIGIN).
 */
export function pipelineTokens(functionName: string, number: number): string {
  const sha = createHash('sha1').update(`${functionName}#${number}`).digest('hex');
  return `sha=${sha} ref=main pr=${100 + number} build=${SANDBOX_SOURCE_ORIGIN}/build/${functionName}/${number}`;
}

/**
 * The origin of the sandbox's pretend repository and CI in `links` (sandbox.config.yml). Links must
 * be https, and the playground is served over http: the page opens these links on itself instead
 * (`/source/...`), so the playground shows clickable commits, PRs, builds and compares offline.
 */
export const SANDBOX_SOURCE_ORIGIN = 'https://source.sandbox.localhost';
