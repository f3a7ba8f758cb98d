// The worker's rollout adapters through the real SDK clients against the Scheduler and CloudWatch
// stand-ins: idempotent schedules by name (a lost answer, a repeated call), a deletion that finds
// nothing, metrics of one version through one alias, and the guard's alarms in ALARM.
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CloudWatchMetricsReader, lambdaFunctionName } from '../../src/adapters/cloudwatch-metrics-reader';
import { EventBridgeRolloutScheduler, scheduleName } from '../../src/adapters/eventbridge-rollout-scheduler';
import { CloudWatchStandIn } from '../../src/local/stand-ins/cloudwatch';
import { SchedulerStandIn } from '../../src/local/stand-ins/scheduler';

const credentials = { accessKeyId: 'AKIDSTANDIN', secretAccessKey: 'stand-in-secret' };
const GROUP = 'bot-rollouts';
const ROLE = 'arn:aws:iam::123456789012:role/bot-scheduler';
const TARGET = 'arn:aws:lambda:us-east-1:123456789012:function:bot-worker';
const NOW = Date.parse('2026-11-28T12:00:00Z');
const MINUTE = 60_000;

describe('EventBridgeRolloutScheduler', () => {
  let standIn: SchedulerStandIn;
  let scheduler: EventBridgeRolloutScheduler;

  beforeEach(async () => {
    standIn = await SchedulerStandIn.start({ clock: () => NOW });
    standIn.createScheduleGroup(GROUP);
    const client = new SchedulerClient({ region: 'us-east-1', endpoint: standIn.url, credentials });
    scheduler = new EventBridgeRolloutScheduler(
      { groupName: GROUP, roleArn: ROLE, targetArn: TARGET },
      client,
    );
  });
  afterEach(() => standIn.close());

  const tick = { requestId: 'R0123456789', step: 2, extension: 1 };

  it('creates one one-time schedule per tick: at() in UTC, deleted after it ran, the tick as Input', async () => {
    await scheduler.schedule(tick, new Date(NOW + 10 * MINUTE));

    const [schedule] = standIn.schedules(GROUP);
    expect(schedule).toMatchObject({
      name: 'R0123456789-s2-e1',
      expression: 'at(2026-11-28T12:10:00)',
      timezone: 'UTC',
      actionAfterCompletion: 'DELETE',
      target: { arn: TARGET, roleArn: ROLE },
    });
    expect(JSON.parse(schedule?.target.input ?? '')).toEqual({
      source: 'lambda-chatops/task',
      task: { kind: 'rollout.tick', ...tick },
    });
  });

  it('is idempotent: the same tick again, or a call whose answer was lost, leaves one schedule', async () => {
    standIn.failNext('CreateSchedule', { answerLost: true });
    await scheduler.schedule(tick, new Date(NOW + 10 * MINUTE));
    await scheduler.schedule(tick, new Date(NOW + 10 * MINUTE));

    expect(standIn.schedules(GROUP).map((s) => s.name)).toEqual([scheduleName(tick)]);
  });

  it('fails loudly when Scheduler keeps failing (the caller pauses the rollout)', async () => {
    standIn.failNext('CreateSchedule', { status: 500, name: 'InternalServerException', message: 'down' }, 3);
    await expect(scheduler.schedule(tick, new Date(NOW + 10 * MINUTE))).rejects.toThrow();
    expect(standIn.schedules(GROUP)).toHaveLength(0);
  });

  it('cancels a pending tick, and a tick already gone is not an error', async () => {
    await scheduler.schedule(tick, new Date(NOW + 10 * MINUTE));
    await scheduler.cancel(tick);
    await scheduler.cancel(tick);

    expect(standIn.schedules(GROUP)).toHaveLength(0);
  });
});

describe('CloudWatchMetricsReader', () => {
  let standIn: CloudWatchStandIn;
  let reader: CloudWatchMetricsReader;
  const window = { start: new Date(NOW - 10 * MINUTE), end: new Date(NOW), periodSeconds: 60 };
  const point = (
    metricName: string,
    version: string,
    value: number,
    at: number,
    resource = 'orders:prod',
  ) => {
    standIn.putDatum({
      namespace: 'AWS/Lambda',
      metricName,
      dimensions: { FunctionName: 'orders', Resource: resource, ExecutedVersion: version },
      value,
      at,
    });
  };

  beforeEach(async () => {
    standIn = await CloudWatchStandIn.start({ clock: () => NOW });
    reader = new CloudWatchMetricsReader(
      new CloudWatchClient({ region: 'us-east-1', endpoint: standIn.url, credentials }),
    );
  });
  afterEach(() => standIn.close());

  it("sums one version's Invocations and Errors through one alias over the window, nothing else", async () => {
    point('Invocations', '4', 30, NOW - 9 * MINUTE);
    point('Invocations', '4', 12, NOW - 2 * MINUTE);
    point('Errors', '4', 3, NOW - 2 * MINUTE);
    point('Invocations', '3', 500, NOW - 2 * MINUTE); // the other version
    point('Invocations', '4', 99, NOW - 2 * MINUTE, 'orders:test'); // another alias
    point('Invocations', '4', 77, NOW - 30 * MINUTE); // before the window

    const metrics = await reader.versionMetrics({
      functionName: 'arn:aws:lambda:us-east-1:123456789012:function:orders',
      alias: 'prod',
      version: '4',
      window,
    });

    expect(metrics).toEqual({ invocations: 42, errors: 3 });
  });

  it('reads no data as zero (Lambda publishes no zero points)', async () => {
    const metrics = await reader.versionMetrics({
      functionName: 'orders',
      alias: 'prod',
      version: '9',
      window,
    });
    expect(metrics).toEqual({ invocations: 0, errors: 0 });
  });

  it('names the alarms in ALARM among those asked for', async () => {
    for (const name of ['a', 'b', 'c']) {
      standIn.putMetricAlarm({ alarmName: name, namespace: 'AWS/Lambda', metricName: 'Errors' });
    }
    standIn.setAlarmState('a', 'ALARM', 'test');
    standIn.setAlarmState('c', 'ALARM', 'test');

    expect(await reader.alarmsInAlarm(['a', 'b'], 'orders-service')).toEqual(['a']);
    expect(await reader.alarmsInAlarm([], 'orders-service')).toEqual([]);
  });

  it('the FunctionName dimension is the name, also for a configured ARN', () => {
    expect(lambdaFunctionName('arn:aws:lambda:eu-west-1:222222222222:function:billing')).toBe('billing');
    expect(lambdaFunctionName('orders')).toBe('orders');
  });
});
