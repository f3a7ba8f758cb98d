import { CloudWatchClient, GetMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CloudWatchStandIn } from '../../src/local/stand-ins/cloudwatch';
import { LambdaApiStandIn } from '../../src/local/stand-ins/lambda-api';
import { seededRandom, sendTraffic } from '../../src/local/stand-ins/lambda-traffic';

const CREDENTIALS = { accessKeyId: 'AKIDSTANDIN', secretAccessKey: 'stand-in-secret' };
const T0 = Date.parse('2026-12-01T09:00:00Z');
const MINUTE = 60_000;

let lambda: LambdaApiStandIn;
let cloudwatch: CloudWatchStandIn;
let client: CloudWatchClient;

beforeAll(async () => {
  lambda = await LambdaApiStandIn.start({ credentials: CREDENTIALS });
  cloudwatch = await CloudWatchStandIn.start({ credentials: CREDENTIALS, clock: () => T0 + 60 * MINUTE });
  client = new CloudWatchClient({
    endpoint: cloudwatch.url,
    region: 'us-east-1',
    credentials: CREDENTIALS,
    maxAttempts: 1,
  });
});

afterAll(async () => {
  client.destroy();
  await cloudwatch.close();
  await lambda.close();
});

beforeEach(() => {
  cloudwatch.clearMetrics();
});

let fnCounter = 0;
/** A function with versions 1..8, alias prod on 7 sending `weight` of its traffic to 8. */
function canary(weight: number): string {
  fnCounter += 1;
  const name = `orders-${fnCounter}`;
  lambda.createFunction(name, {
    versions: Array.from({ length: 8 }, () => ({})),
    aliases: { prod: weight > 0 ? { version: '7', weights: { '8': weight } } : '7' },
  });
  return name;
}

function sumQuery(
  id: string,
  metricName: string,
  dimensions: Record<string, string>,
  period = 3600,
): MetricDataQuery {
  return {
    Id: id,
    MetricStat: {
      Metric: {
        Namespace: 'AWS/Lambda',
        MetricName: metricName,
        Dimensions: Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value })),
      },
      Period: period,
      Stat: 'Sum',
    },
  };
}

async function sums(queries: MetricDataQuery[]): Promise<Record<string, number[]>> {
  const result = await client.send(
    new GetMetricDataCommand({
      MetricDataQueries: queries,
      StartTime: new Date(T0),
      EndTime: new Date(T0 + 60 * MINUTE),
    }),
  );
  return Object.fromEntries((result.MetricDataResults ?? []).map((r) => [r.Id ?? '', r.Values ?? []]));
}

describe('sendTraffic', () => {
  it('routes by the alias weights and publishes Invocations and Errors under the three dimension sets', async () => {
    // Prepare
    const name = canary(0.1);
    const alias = { FunctionName: name, Resource: `${name}:prod` };

    // Act
    const summary = sendTraffic({
      lambda,
      cloudwatch,
      functionName: name,
      alias: 'prod',
      count: 1000,
      errorRate: { '8': 0.2 },
      at: T0,
      spreadMs: 10 * MINUTE,
      seed: 7,
    });
    const read = await sums([
      sumQuery('fnInv', 'Invocations', { FunctionName: name }),
      sumQuery('aliasInv', 'Invocations', alias),
      sumQuery('oldInv', 'Invocations', { ...alias, ExecutedVersion: '7' }),
      sumQuery('newInv', 'Invocations', { ...alias, ExecutedVersion: '8' }),
      sumQuery('oldErr', 'Errors', { ...alias, ExecutedVersion: '7' }),
      sumQuery('newErr', 'Errors', { ...alias, ExecutedVersion: '8' }),
      sumQuery('aliasErr', 'Errors', alias),
    ]);

    // Assess
    const newer = summary.byVersion['8'] ?? { invocations: 0, errors: 0 };
    const older = summary.byVersion['7'] ?? { invocations: 0, errors: 0 };
    expect(newer.invocations + older.invocations).toBe(1000);
    expect(newer.invocations).toBeGreaterThan(60);
    expect(newer.invocations).toBeLessThan(140);
    expect(newer.errors).toBeGreaterThan(0);
    expect(older.errors).toBe(0);
    expect(read).toEqual({
      fnInv: [1000],
      aliasInv: [1000],
      oldInv: [older.invocations],
      newInv: [newer.invocations],
      // No errors: no data point at all, not a zero.
      oldErr: [],
      newErr: [newer.errors],
      aliasErr: [newer.errors],
    });
  });

  it('sends everything to the alias version when it has no weights', async () => {
    // Prepare
    const name = canary(0);

    // Act
    const summary = sendTraffic({ lambda, cloudwatch, functionName: name, alias: 'prod', count: 50, at: T0 });

    // Assess
    expect(summary.byVersion).toEqual({ '7': { invocations: 50, errors: 0 } });
  });

  it('follows the alias as it moves: a new weight changes the split', async () => {
    // Prepare
    const name = canary(0.1);
    lambda.setAlias(name, 'prod', '7', { '8': 0.9 });

    // Act
    const summary = sendTraffic({
      lambda,
      cloudwatch,
      functionName: name,
      alias: 'prod',
      count: 500,
      at: T0,
    });

    // Assess
    expect(summary.byVersion['8']?.invocations).toBeGreaterThan(400);
  });

  it('is deterministic for a seed, and differs with another seed', () => {
    // Prepare
    const name = canary(0.5);
    const run = (seed: number) =>
      sendTraffic({
        lambda,
        cloudwatch,
        functionName: name,
        alias: 'prod',
        count: 200,
        errorRate: () => 0.3,
        at: T0,
        seed,
      });

    // Act
    const first = run(3);
    const again = run(3);
    const other = run(4);

    // Assess
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
  });

  it('spreads invocations over [at, at + spreadMs), visible per period', async () => {
    // Prepare
    const name = canary(0);

    // Act
    sendTraffic({
      lambda,
      cloudwatch,
      functionName: name,
      alias: 'prod',
      count: 10,
      at: T0,
      spreadMs: 10 * MINUTE,
    });
    const result = await client.send(
      new GetMetricDataCommand({
        MetricDataQueries: [sumQuery('inv', 'Invocations', { FunctionName: name }, 300)],
        StartTime: new Date(T0),
        EndTime: new Date(T0 + 60 * MINUTE),
        ScanBy: 'TimestampAscending',
      }),
    );

    // Assess
    expect(result.MetricDataResults?.[0]?.Values).toEqual([5, 5]);
  });

  it('refuses an alias that does not exist, writing no metric', async () => {
    // Prepare
    const name = canary(0);

    // Act
    const act = () =>
      sendTraffic({ lambda, cloudwatch, functionName: name, alias: 'staging', count: 5, at: T0 });

    // Assess
    expect(act).toThrow(/Alias not found/);
    expect(await sums([sumQuery('inv', 'Invocations', { FunctionName: name })])).toEqual({ inv: [] });
  });

  it('refuses an error rate outside [0, 1]', () => {
    const name = canary(0);
    expect(() =>
      sendTraffic({
        lambda,
        cloudwatch,
        functionName: name,
        alias: 'prod',
        count: 1,
        errorRate: { '7': 1.5 },
        at: T0,
      }),
    ).toThrow(/must be in \[0, 1\]/);
  });
});

describe('LambdaApiStandIn.executedVersion', () => {
  it('picks the additional version when the draw falls within its weight, else the alias version', () => {
    // Prepare
    const name = canary(0.1);

    // Act
    const low = lambda.executedVersion(name, 'prod', () => 0.05);
    const high = lambda.executedVersion(name, 'prod', () => 0.15);

    // Assess
    expect([low, high]).toEqual(['8', '7']);
  });
});

describe('seededRandom', () => {
  it('yields the same numbers in [0, 1) for the same seed', () => {
    const a = seededRandom(9);
    const b = seededRandom(9);
    const drawsA = Array.from({ length: 100 }, a);
    const drawsB = Array.from({ length: 100 }, b);
    expect(drawsA).toEqual(drawsB);
    expect(drawsA.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new Set(drawsA).size).toBe(100);
  });
});
