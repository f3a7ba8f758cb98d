// Synthetic traffic to a function's alias for the sandbox and the rollout tests: each invocation is
// routed by the alias's weights (RoutingConfig) as the Lambda stand-in routes Invoke, fails or not by
// its executed version's error rate, and is counted in the CloudWatch stand-in's AWS/Lambda metrics
// exactly as Lambda publishes them for an alias invocation: `Invocations` (always) and `Errors`
// (only when the invocation failed: no zero data points) under three dimension sets,
//   {FunctionName}, {FunctionName, Resource: '<fn>:<alias>'} and
//   {FunctionName, Resource: '<fn>:<alias>', ExecutedVersion: '<version>'}.
// Deterministic: the routing draws and the failure draws come from a seeded generator.
//
// Public API:
//   const summary = sendTraffic({ lambda, cloudwatch, functionName: 'orders', alias: 'prod',
//     count: 200, errorRate: { '8': 0.2 } /* or (version) => rate; default 0 */, at: Date.now(),
//     spreadMs: 60_000 /* optional: spread evenly over [at, at + spreadMs) */, seed: 42 })
//   summary.byVersion['8'] -> { invocations, errors }
//   seededRandom(seed) -> () => number in [0, 1)   (mulberry32)
// Nothing goes over HTTP and nothing is recorded in the Lambda stand-in's calls or invocations: the
// bot's tests keep asserting on the bot's own calls.

import type { CloudWatchStandIn } from './cloudwatch';
import type { LambdaApiStandIn } from './lambda-api';

export interface TrafficOptions {
  lambda: LambdaApiStandIn;
  cloudwatch: CloudWatchStandIn;
  functionName: string;
  alias: string;
  count: number;
  /** Share of failing invocations per executed version, in [0, 1]; 0 for versions not listed. */
  errorRate?: Record<string, number> | ((version: string) => number);
  /** Epoch ms of the first invocation. */
  at: number;
  /** Invocations are spread evenly over [at, at + spreadMs). Default 0: all at `at`. */
  spreadMs?: number;
  /** Seed of the routing and failure draws. Default 1. */
  seed?: number;
}

export interface VersionTraffic {
  invocations: number;
  errors: number;
}

export interface TrafficSummary {
  byVersion: Record<string, VersionTraffic>;
  invocations: number;
  errors: number;
}

export function sendTraffic(options: TrafficOptions): TrafficSummary {
  const { lambda, cloudwatch, functionName, alias, count, at } = options;
  if (!Number.isInteger(count) || count < 0)
    throw new TypeError('sendTraffic: count must be an integer >= 0');
  const spreadMs = options.spreadMs ?? 0;
  const random = seededRandom(options.seed ?? 1);
  const rateOf = errorRateOf(options.errorRate);
  // Fails now, before any metric is written, if the alias does not exist.
  lambda.alias(functionName, alias);
  const resource = `${functionName}:${alias}`;
  const summary: TrafficSummary = { byVersion: {}, invocations: 0, errors: 0 };

  for (let index = 0; index < count; index += 1) {
    const version = lambda.executedVersion(functionName, alias, random);
    const failed = random() < rateOf(version);
    const when = at + Math.floor((index * spreadMs) / Math.max(count, 1));
    const dimensionSets: Record<string, string>[] = [
      { FunctionName: functionName },
      { FunctionName: functionName, Resource: resource },
      { FunctionName: functionName, Resource: resource, ExecutedVersion: version },
    ];
    for (const dimensions of dimensionSets) {
      const base = { namespace: 'AWS/Lambda', dimensions, at: when, value: 1 };
      cloudwatch.putDatum({ ...base, metricName: 'Invocations' });
      if (failed) cloudwatch.putDatum({ ...base, metricName: 'Errors' });
    }
    const counts = summary.byVersion[version] ?? { invocations: 0, errors: 0 };
    counts.invocations += 1;
    if (failed) counts.errors += 1;
    summary.byVersion[version] = counts;
    summary.invocations += 1;
    if (failed) summary.errors += 1;
  }
  return summary;
}

/** mulberry32: a small, fast, seeded generator of numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function errorRateOf(rate: TrafficOptions['errorRate']): (version: string) => number {
  const lookup = typeof rate === 'function' ? rate : (version: string) => rate?.[version] ?? 0;
  return (version) => {
    const value = lookup(version);
    if (!(value >= 0 && value <= 1)) {
      throw new RangeError(
        `sendTraffic: the error rate of version ${version} must be in [0, 1], got ${value}`,
      );
    }
    return value;
  };
}
