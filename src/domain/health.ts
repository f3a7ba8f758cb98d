// How a rollout step is judged (DESIGN.md section 3a): the new version's own invocations and
// errors over the step's window, and the guard's alarms. Inconclusive is a result, not a pass
// (argo-rollouts): too little traffic to judge never reads as healthy. The adapter reads
// CloudWatch; this decides, and says why with the numbers.
import type { RolloutGuard } from './config-model';

export interface VersionMetrics {
  invocations: number;
  errors: number;
}

export type Health =
  | { kind: 'healthy'; reason: string; metrics: VersionMetrics }
  | { kind: 'unhealthy'; reason: string; metrics: VersionMetrics; alarms: string[] }
  | { kind: 'inconclusive'; reason: string; metrics: VersionMetrics };

/** The error rate in percent, rounded for people to two decimals. */
export const errorRatePercent = (metrics: VersionMetrics) =>
  metrics.invocations === 0 ? 0 : (metrics.errors / metrics.invocations) * 100;

const shown = (rate: number) => `${Math.round(rate * 100) / 100}%`;

/**
 * The verdict for one step. In order: an alarm of the guard in ALARM rolls back whatever the
 * numbers (an alarm is someone's explicit definition of broken); unreadable numbers and fewer
 * than `minInvocations` are inconclusive; then an error rate above `maxErrorRatePercent` is
 * unhealthy and anything else healthy. `alarmsInAlarm` may name alarms outside the guard: only
 * the guard's count.
 */
export function judge(input: {
  metrics: VersionMetrics;
  alarmsInAlarm: string[];
  guard: RolloutGuard;
}): Health {
  const { metrics, guard } = input;
  const alarms = input.alarmsInAlarm.filter((alarm) => guard.alarms.includes(alarm));
  if (alarms.length > 0) {
    return { kind: 'unhealthy', reason: `alarm ${alarms.join(', ')} in ALARM`, metrics, alarms };
  }
  const { invocations, errors } = metrics;
  if (![invocations, errors].every((n) => Number.isFinite(n) && n >= 0)) {
    return { kind: 'inconclusive', reason: 'the metrics could not be read', metrics };
  }
  if (invocations < guard.minInvocations) {
    return {
      kind: 'inconclusive',
      reason: `${invocations} invocations, fewer than the ${guard.minInvocations} needed to judge`,
      metrics,
    };
  }
  // Errors and Invocations arrive separately: a moment's excess of errors is still a 100% rate.
  const rate = Math.min(100, errorRatePercent(metrics));
  const numbers = `${shown(rate)} errors (${errors} of ${invocations} invocations)`;
  if (rate > guard.maxErrorRatePercent) {
    return {
      kind: 'unhealthy',
      reason: `${numbers}, above the ${shown(guard.maxErrorRatePercent)} limit`,
      metrics,
      alarms: [],
    };
  }
  return {
    kind: 'healthy',
    reason: `${numbers}, within the ${shown(guard.maxErrorRatePercent)} limit`,
    metrics,
  };
}

/** CloudWatch's period for Lambda's metrics: one minute, the finest they are published at. */
export const METRIC_PERIOD_MS = 60_000;

/**
 * How late Lambda's `Invocations` and `Errors` reach CloudWatch, with margin. At a step's
 * judgement the last minutes of its window are still incomplete; the next step's window starts
 * this much earlier so those minutes are read then (the same version: more of its own data).
 */
export const METRICS_LAG_MS = 3 * 60_000;

export interface MetricWindow {
  start: Date;
  end: Date;
  periodSeconds: number;
}

/**
 * The `GetMetricData` window of a step judged at `judgeAt`: from the step's start, widened back
 * by the metrics' lag and the function's timeout (a long invocation of the previous step
 * reports late: AWS advises looking back further than the timeout), never before the rollout's first
 * shift (an earlier attempt of the same version must not count), aligned to whole periods as
 * CloudWatch recommends: the start rounded down, the end up.
 */
export function metricWindow(input: {
  rolloutStart: Date;
  stepStart: Date;
  judgeAt: Date;
  functionTimeoutMs?: number;
}): MetricWindow {
  const lookBack = METRICS_LAG_MS + (input.functionTimeoutMs ?? 0);
  const from = Math.max(input.stepStart.getTime() - lookBack, input.rolloutStart.getTime());
  const start = Math.floor(from / METRIC_PERIOD_MS) * METRIC_PERIOD_MS;
  const end = Math.max(
    Math.ceil(input.judgeAt.getTime() / METRIC_PERIOD_MS) * METRIC_PERIOD_MS,
    start + METRIC_PERIOD_MS,
  );
  return { start: new Date(start), end: new Date(end), periodSeconds: METRIC_PERIOD_MS / 1000 };
}
