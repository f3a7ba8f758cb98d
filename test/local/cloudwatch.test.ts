import {
  CloudWatchClient,
  type CloudWatchClientConfig,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  type GetMetricDataCommandInput,
  type GetMetricDataCommandOutput,
  type MetricDataQuery,
  PutMetricAlarmCommand,
  SetAlarmStateCommand,
} from '@aws-sdk/client-cloudwatch';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CloudWatchStandIn } from '../../src/local/stand-ins/cloudwatch';

const CREDENTIALS = { accessKeyId: 'AKIDSTANDIN', secretAccessKey: 'stand-in-secret' };
const T0 = Date.parse('2026-12-01T09:00:00Z');
const MINUTE = 60_000;
const FN = { FunctionName: 'orders' };
const ALIAS = { FunctionName: 'orders', Resource: 'orders:prod' };
const NEW = { ...ALIAS, ExecutedVersion: '8' };

let now = T0;
let cloudwatch: CloudWatchStandIn;
let client: CloudWatchClient;

beforeAll(async () => {
  cloudwatch = await CloudWatchStandIn.start({ credentials: CREDENTIALS, clock: () => now });
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
});

beforeEach(() => {
  now = T0 + 30 * MINUTE;
  cloudwatch.lagMs = 0;
  cloudwatch.clearMetrics();
  cloudwatch.resetCalls();
});

function lambdaQuery(
  id: string,
  metricName: string,
  dimensions: Record<string, string>,
  period = 300,
  stat = 'Sum',
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
      Stat: stat,
    },
  };
}

function put(metricName: string, dimensions: Record<string, string>, value: number, at: number): void {
  cloudwatch.putDatum({ namespace: 'AWS/Lambda', metricName, dimensions, value, at });
}

function window(
  queries: MetricDataQuery[],
  extra: Partial<GetMetricDataCommandInput> = {},
): GetMetricDataCommandInput {
  return {
    MetricDataQueries: queries,
    StartTime: new Date(T0),
    EndTime: new Date(T0 + 30 * MINUTE),
    ...extra,
  };
}

async function failure(
  promise: Promise<unknown>,
): Promise<Error & { $metadata: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { $metadata: { httpStatusCode?: number } };
  }
  throw new Error('expected the call to fail');
}

describe('GetMetricData', () => {
  it('sums by period, newest first, and lists only the periods that have data', async () => {
    // Prepare
    put('Invocations', NEW, 1, T0 + 1 * MINUTE);
    put('Invocations', NEW, 1, T0 + 2 * MINUTE);
    put('Invocations', NEW, 1, T0 + 11 * MINUTE);

    // Act
    const result = await client.send(
      new GetMetricDataCommand(window([lambdaQuery('inv', 'Invocations', NEW)])),
    );

    // Assess
    expect(result.MetricDataResults).toEqual([
      {
        Id: 'inv',
        Label: 'Invocations',
        Timestamps: [new Date(T0 + 10 * MINUTE), new Date(T0)],
        Values: [1, 2],
        StatusCode: 'Complete',
      },
    ]);
  });

  it('finds a metric by its exact dimension set only, as AWS does', async () => {
    // Prepare
    put('Errors', NEW, 1, T0 + MINUTE);
    put('Errors', ALIAS, 1, T0 + MINUTE);
    put('Errors', ALIAS, 1, T0 + 2 * MINUTE);
    put('Errors', FN, 5, T0 + MINUTE);

    // Act
    const result = await client.send(
      new GetMetricDataCommand(
        window([
          lambdaQuery('version', 'Errors', NEW),
          lambdaQuery('alias', 'Errors', { Resource: 'orders:prod', FunctionName: 'orders' }),
          lambdaQuery('fn', 'Errors', FN),
          lambdaQuery('partial', 'Errors', { ExecutedVersion: '8', FunctionName: 'orders' }),
        ]),
      ),
    );

    // Assess
    expect(result.MetricDataResults?.map((r) => [r.Id, r.Values])).toEqual([
      ['version', [1]],
      ['alias', [2]],
      ['fn', [5]],
      ['partial', []],
    ]);
  });

  it('answers Average, Minimum, Maximum and SampleCount, in ascending order with ScanBy', async () => {
    // Prepare
    for (const [value, minute] of [
      [2, 1],
      [4, 2],
      [9, 7],
    ] as const) {
      cloudwatch.putDatum({
        namespace: 'App',
        metricName: 'Latency',
        dimensions: {},
        value,
        at: T0 + minute * MINUTE,
      });
    }
    const query = (id: string, stat: string): MetricDataQuery => ({
      Id: id,
      MetricStat: { Metric: { Namespace: 'App', MetricName: 'Latency' }, Period: 300, Stat: stat },
    });

    // Act
    const result = await client.send(
      new GetMetricDataCommand(
        window(
          [
            query('avg', 'Average'),
            query('min', 'Minimum'),
            query('max', 'Maximum'),
            query('n', 'SampleCount'),
          ],
          { ScanBy: 'TimestampAscending' },
        ),
      ),
    );

    // Assess
    expect(result.MetricDataResults?.map((r) => [r.Id, r.Values])).toEqual([
      ['avg', [3, 9]],
      ['min', [2, 9]],
      ['max', [4, 9]],
      ['n', [2, 1]],
    ]);
    expect(result.MetricDataResults?.[0]?.Timestamps).toEqual([new Date(T0), new Date(T0 + 5 * MINUTE)]);
  });

  it('keeps data points out of sight until lagMs after their timestamp', async () => {
    // Prepare
    cloudwatch.lagMs = 3 * MINUTE;
    put('Invocations', NEW, 1, T0 + 10 * MINUTE);
    put('Invocations', NEW, 1, T0 + 12 * MINUTE);
    now = T0 + 14 * MINUTE;

    // Act
    const early = await client.send(
      new GetMetricDataCommand(window([lambdaQuery('inv', 'Invocations', NEW)])),
    );
    now = T0 + 15 * MINUTE;
    const later = await client.send(
      new GetMetricDataCommand(window([lambdaQuery('inv', 'Invocations', NEW)])),
    );

    // Assess
    expect(early.MetricDataResults?.[0]?.Values).toEqual([1]);
    expect(later.MetricDataResults?.[0]?.Values).toEqual([2]);
  });

  it('counts a point from StartTime rounded down to the period, and none at or after EndTime', async () => {
    // Prepare
    put('Invocations', NEW, 1, T0 + 30 * 1000);
    put('Invocations', NEW, 1, T0 + 30 * MINUTE);

    // Act
    const result = await client.send(
      new GetMetricDataCommand(
        window([lambdaQuery('inv', 'Invocations', NEW, 60)], { StartTime: new Date(T0 + 45 * 1000) }),
      ),
    );

    // Assess
    expect(result.MetricDataResults?.[0]?.Values).toEqual([1]);
    expect(result.MetricDataResults?.[0]?.Timestamps).toEqual([new Date(T0)]);
  });

  it('pages by MaxDatapoints with NextToken and PartialData until every point is read', async () => {
    // Prepare
    for (let minute = 0; minute < 5; minute += 1) put('Invocations', NEW, 1, T0 + minute * MINUTE);
    for (let minute = 0; minute < 3; minute += 1) put('Errors', NEW, 1, T0 + minute * MINUTE);
    const queries = [lambdaQuery('inv', 'Invocations', NEW, 60), lambdaQuery('err', 'Errors', NEW, 60)];

    // Act
    const pages: GetMetricDataCommandOutput[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(
        new GetMetricDataCommand(window(queries, { MaxDatapoints: 3, NextToken: token })),
      );
      pages.push(page);
      token = page.NextToken;
    } while (token !== undefined);

    // Assess
    expect(pages).toHaveLength(3);
    expect(pages[0]?.MetricDataResults?.map((r) => [r.Id, r.Values?.length, r.StatusCode])).toEqual([
      ['inv', 3, 'PartialData'],
      ['err', 0, 'PartialData'],
    ]);
    const read = (id: string) =>
      pages
        .flatMap((p) => p.MetricDataResults?.find((r) => r.Id === id)?.Timestamps ?? [])
        .map((d) => d.getTime());
    expect(read('inv')).toEqual([4, 3, 2, 1, 0].map((m) => T0 + m * MINUTE));
    expect(read('err')).toEqual([2, 1, 0].map((m) => T0 + m * MINUTE));
  });

  it('refuses a NextToken from another request with InvalidNextToken', async () => {
    // Prepare
    for (let minute = 0; minute < 3; minute += 1) put('Invocations', NEW, 1, T0 + minute * MINUTE);
    const first = await client.send(
      new GetMetricDataCommand(window([lambdaQuery('inv', 'Invocations', NEW, 60)], { MaxDatapoints: 1 })),
    );

    // Act
    const error = await failure(
      client.send(
        new GetMetricDataCommand(
          window([lambdaQuery('err', 'Errors', NEW, 60)], { MaxDatapoints: 1, NextToken: first.NextToken }),
        ),
      ),
    );

    // Assess
    expect(first.NextToken).toBeDefined();
    expect(error.name).toBe('InvalidNextToken');
    expect(error.$metadata.httpStatusCode).toBe(400);
  });

  it.each([
    ['an Id with a capital first letter', [lambdaQuery('Inv', 'Invocations', NEW)], 'ValidationException'],
    ['a period of 7 seconds', [lambdaQuery('inv', 'Invocations', NEW, 7)], 'ValidationException'],
    [
      'a statistic it does not know',
      [lambdaQuery('inv', 'Invocations', NEW, 60, 'Median')],
      'ValidationException',
    ],
    ['metric math', [{ Id: 'rate', Expression: 'errors / invocations' }], 'ValidationException'],
    [
      'duplicate Ids',
      [lambdaQuery('inv', 'Invocations', NEW), lambdaQuery('inv', 'Errors', NEW)],
      'ValidationException',
    ],
    ['no queries', [], 'MissingRequiredParameterException'],
  ])('refuses %s', async (_case, queries, name) => {
    // Act
    const error = await failure(client.send(new GetMetricDataCommand(window(queries))));

    // Assess
    expect(error.name).toBe(name);
    expect(error.$metadata.httpStatusCode).toBe(400);
  });

  it('refuses a StartTime that is not before EndTime with InvalidParameterValueException', async () => {
    // Act
    const error = await failure(
      client.send(
        new GetMetricDataCommand(window([lambdaQuery('inv', 'Invocations', NEW)], { EndTime: new Date(T0) })),
      ),
    );

    // Assess
    expect(error.name).toBe('InvalidParameterValueException');
    expect(error.message).toBe('The parameter StartTime must be less than the parameter EndTime.');
  });

  it('refuses a request signed for another service, as the SDK error AWS would give', async () => {
    // Prepare
    const other = new CloudWatchClient({
      endpoint: cloudwatch.url,
      region: 'us-east-1',
      credentials: CREDENTIALS,
      maxAttempts: 1,
      signingName: 'logs',
    } as CloudWatchClientConfig);

    // Act
    const error = await failure(other.send(new DescribeAlarmsCommand({})));
    other.destroy();

    // Assess
    expect(error.name).toBe('InvalidSignatureException');
    expect(error.$metadata.httpStatusCode).toBe(403);
  });

  it('refuses an unsigned request with 403', async () => {
    // Act
    const response = await fetch(cloudwatch.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'GraniteServiceVersion20100801.GetMetricData',
      },
      body: '{}',
    });

    // Assess
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ __type: 'MissingAuthenticationTokenException' });
  });
});

describe('alarms', () => {
  async function putAlarm(name: string): Promise<void> {
    await client.send(
      new PutMetricAlarmCommand({
        AlarmName: name,
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: 'orders' }],
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      }),
    );
  }

  it('creates an alarm in INSUFFICIENT_DATA that DescribeAlarms returns with its configuration', async () => {
    // Act
    await putAlarm('orders-errors-a');
    const result = await client.send(new DescribeAlarmsCommand({ AlarmNames: ['orders-errors-a'] }));

    // Assess
    expect(result.MetricAlarms).toHaveLength(1);
    expect(result.MetricAlarms?.[0]).toMatchObject({
      AlarmName: 'orders-errors-a',
      AlarmArn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:orders-errors-a',
      StateValue: 'INSUFFICIENT_DATA',
      StateReason: 'Unchecked: Initial alarm creation',
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Threshold: 1,
      Dimensions: [{ Name: 'FunctionName', Value: 'orders' }],
    });
    expect(result.MetricAlarms?.[0]?.StateUpdatedTimestamp).toEqual(new Date(now));
  });

  it('reports a state set from code, and filters by StateValue', async () => {
    // Prepare
    await putAlarm('orders-errors-b');
    await putAlarm('orders-latency-b');
    now += MINUTE;

    // Act
    cloudwatch.setAlarmState('orders-errors-b', 'ALARM', 'Threshold Crossed: 3 datapoints were >= 1');
    const alarming = await client.send(
      new DescribeAlarmsCommand({ AlarmNames: ['orders-errors-b', 'orders-latency-b'], StateValue: 'ALARM' }),
    );

    // Assess
    expect(alarming.MetricAlarms?.map((a) => [a.AlarmName, a.StateValue, a.StateReason])).toEqual([
      ['orders-errors-b', 'ALARM', 'Threshold Crossed: 3 datapoints were >= 1'],
    ]);
    expect(alarming.MetricAlarms?.[0]?.StateUpdatedTimestamp).toEqual(new Date(now));
  });

  it('sets a state through the SetAlarmState API too, and keeps it when the alarm is updated', async () => {
    // Prepare
    await putAlarm('orders-errors-c');

    // Act
    await client.send(
      new SetAlarmStateCommand({ AlarmName: 'orders-errors-c', StateValue: 'OK', StateReason: 'test' }),
    );
    await putAlarm('orders-errors-c');

    // Assess
    expect(cloudwatch.alarm('orders-errors-c')).toMatchObject({ StateValue: 'OK', StateReason: 'test' });
  });

  it('pages DescribeAlarms by MaxRecords, by name, with NextToken', async () => {
    // Prepare
    for (const suffix of ['3', '1', '2']) await putAlarm(`paging-${suffix}`);

    // Act
    const names: string[][] = [];
    let token: string | undefined;
    do {
      const page = await client.send(
        new DescribeAlarmsCommand({ AlarmNamePrefix: 'paging-', MaxRecords: 2, NextToken: token }),
      );
      names.push((page.MetricAlarms ?? []).map((a) => a.AlarmName ?? ''));
      token = page.NextToken;
    } while (token !== undefined);

    // Assess
    expect(names).toEqual([['paging-1', 'paging-2'], ['paging-3']]);
  });

  it('refuses AlarmNames with AlarmNamePrefix, an unknown state, and a SetAlarmState of a missing alarm', async () => {
    // Act
    const both = await failure(
      client.send(new DescribeAlarmsCommand({ AlarmNames: ['a'], AlarmNamePrefix: 'a' })),
    );
    const state = await failure(client.send(new DescribeAlarmsCommand({ StateValue: 'RED' as 'OK' })));
    const missing = await failure(
      client.send(new SetAlarmStateCommand({ AlarmName: 'nope', StateValue: 'OK', StateReason: 'x' })),
    );

    // Assess
    expect(both.name).toBe('InvalidParameterCombinationException');
    expect(state.name).toBe('ValidationException');
    expect(missing.name).toBe('ResourceNotFound');
    expect(missing.$metadata.httpStatusCode).toBe(404);
  });

  it('refuses a PutMetricAlarm without EvaluationPeriods, creating nothing', async () => {
    // Act
    const error = await failure(
      client.send(
        new PutMetricAlarmCommand({
          AlarmName: 'incomplete',
          Namespace: 'AWS/Lambda',
          MetricName: 'Errors',
          Statistic: 'Sum',
          Period: 60,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanThreshold',
        } as ConstructorParameters<typeof PutMetricAlarmCommand>[0]),
      ),
    );

    // Assess
    expect(error.name).toBe('MissingRequiredParameterException');
    expect(cloudwatch.alarm('incomplete')).toBeUndefined();
  });
});

describe('fault injection', () => {
  it('throttles GetMetricData, which the SDK retries', async () => {
    // Prepare
    put('Invocations', NEW, 1, T0 + MINUTE);
    const retrying = new CloudWatchClient({
      endpoint: cloudwatch.url,
      region: 'us-east-1',
      credentials: CREDENTIALS,
      maxAttempts: 3,
    });
    cloudwatch.failNext('GetMetricData', {
      status: 400,
      name: 'ThrottlingException',
      message: 'Rate exceeded',
    });

    // Act
    const result = await retrying.send(
      new GetMetricDataCommand(window([lambdaQuery('inv', 'Invocations', NEW)])),
    );
    retrying.destroy();

    // Assess
    expect(result.MetricDataResults?.[0]?.Values).toEqual([1]);
    expect(cloudwatch.calls.map((c) => c.status)).toEqual([400, 200]);
  });

  it('answers an injected 500 as InternalServiceFault', async () => {
    // Prepare
    cloudwatch.failNext('DescribeAlarms', { status: 500, name: 'InternalServiceFault', message: 'boom' });

    // Act
    const error = await failure(client.send(new DescribeAlarmsCommand({})));

    // Assess
    expect(error.name).toBe('InternalServiceFault');
    expect(error.$metadata.httpStatusCode).toBe(500);
  });

  it('applies a PutMetricAlarm whose answer is lost: the caller sees an error, the alarm exists', async () => {
    // Prepare
    cloudwatch.failNext('PutMetricAlarm', { answerLost: true });

    // Act
    const error = await failure(
      client.send(
        new PutMetricAlarmCommand({
          AlarmName: 'lost-answer',
          Namespace: 'AWS/Lambda',
          MetricName: 'Errors',
          Statistic: 'Sum',
          Period: 60,
          EvaluationPeriods: 1,
          Threshold: 1,
          ComparisonOperator: 'GreaterThanThreshold',
        }),
      ),
    );

    // Assess
    expect(error.$metadata?.httpStatusCode).toBeUndefined();
    expect(cloudwatch.alarm('lost-answer')).toMatchObject({ StateValue: 'INSUFFICIENT_DATA' });
  });
});
