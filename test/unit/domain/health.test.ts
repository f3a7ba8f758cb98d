import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ROLLOUT_GUARD, type RolloutGuard } from '../../../src/domain/config-model';
import { judge, METRIC_PERIOD_MS, METRICS_LAG_MS, metricWindow } from '../../../src/domain/health';

const guard: RolloutGuard = {
  maxErrorRatePercent: 1,
  minInvocations: 50,
  maxExtensions: 2,
  alarms: ['orders-prod-5xx', 'orders-p99'],
};

describe('judge', () => {
  it.each<[string, number, number, string[], string, string]>([
    [
      'no errors with enough traffic',
      500,
      0,
      [],
      'healthy',
      '0% errors (0 of 500 invocations), within the 1% limit',
    ],
    ['exactly at the limit', 500, 5, [], 'healthy', '1% errors (5 of 500 invocations), within the 1% limit'],
    [
      'just above the limit',
      500,
      6,
      [],
      'unhealthy',
      '1.2% errors (6 of 500 invocations), above the 1% limit',
    ],
    [
      'exactly minInvocations, all failing',
      50,
      50,
      [],
      'unhealthy',
      '100% errors (50 of 50 invocations), above the 1% limit',
    ],
    [
      'one invocation short of minInvocations',
      49,
      0,
      [],
      'inconclusive',
      '49 invocations, fewer than the 50 needed to judge',
    ],
    ['no traffic at all', 0, 0, [], 'inconclusive', '0 invocations, fewer than the 50 needed to judge'],
    [
      'few invocations, all failing: still not enough to judge',
      10,
      10,
      [],
      'inconclusive',
      '10 invocations, fewer than the 50 needed to judge',
    ],
    [
      'a guard alarm in ALARM, numbers fine',
      500,
      0,
      ['orders-p99'],
      'unhealthy',
      'alarm orders-p99 in ALARM',
    ],
    [
      'a guard alarm in ALARM with no traffic',
      0,
      0,
      ['orders-prod-5xx'],
      'unhealthy',
      'alarm orders-prod-5xx in ALARM',
    ],
    [
      'an alarm outside the guard',
      500,
      0,
      ['someone-elses'],
      'healthy',
      '0% errors (0 of 500 invocations), within the 1% limit',
    ],
    [
      'more errors than invocations (metrics arriving apart)',
      60,
      70,
      [],
      'unhealthy',
      '100% errors (70 of 60 invocations), above the 1% limit',
    ],
    ['unreadable numbers', Number.NaN, 0, [], 'inconclusive', 'the metrics could not be read'],
    ['negative numbers', 500, -1, [], 'inconclusive', 'the metrics could not be read'],
  ])('%s → %s', (_name, invocations, errors, alarmsInAlarm, kind, reason) => {
    const health = judge({ metrics: { invocations, errors }, alarmsInAlarm, guard });

    expect(health.kind).toBe(kind);
    expect(health.reason).toBe(reason);
  });

  it('names every guard alarm in ALARM', () => {
    const health = judge({
      metrics: { invocations: 0, errors: 0 },
      alarmsInAlarm: ['orders-prod-5xx', 'x', 'orders-p99'],
      guard,
    });

    expect(health).toMatchObject({ kind: 'unhealthy', alarms: ['orders-prod-5xx', 'orders-p99'] });
  });

  it('with half-percent limits', () => {
    const half = { ...DEFAULT_ROLLOUT_GUARD, maxErrorRatePercent: 0.5, minInvocations: 20 };

    expect(judge({ metrics: { invocations: 1000, errors: 5 }, alarmsInAlarm: [], guard: half }).kind).toBe(
      'healthy',
    );
    expect(judge({ metrics: { invocations: 1000, errors: 6 }, alarmsInAlarm: [], guard: half }).reason).toBe(
      '0.6% errors (6 of 1000 invocations), above the 0.5% limit',
    );
  });

  it('is never healthy below minInvocations nor above the limit (property)', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 10_000 }),
        fc.nat({ max: 10_000 }),
        fc.nat({ max: 200 }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (invocations, errors, minInvocations, maxErrorRatePercent) => {
          const health = judge({
            metrics: { invocations, errors },
            alarmsInAlarm: [],
            guard: { ...guard, minInvocations, maxErrorRatePercent },
          });
          if (invocations < minInvocations) expect(health.kind).toBe('inconclusive');
          else if (
            invocations > 0 &&
            (errors / invocations) * 100 > maxErrorRatePercent &&
            errors <= invocations
          )
            expect(health.kind).toBe('unhealthy');
          if (health.kind === 'healthy') {
            expect(invocations).toBeGreaterThanOrEqual(minInvocations);
            // A rate above 100% (errors arriving before their invocations) counts as 100%.
            const rate = invocations === 0 ? 0 : Math.min(100, (errors / invocations) * 100);
            expect(rate).toBeLessThanOrEqual(maxErrorRatePercent);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('metricWindow', () => {
  const t = (iso: string) => new Date(`2030-05-06T${iso}Z`);

  it.each<[string, string, string, string, number | undefined, string, string]>([
    [
      'the first step: from the rollout start, rounded down',
      '10:00:40',
      '10:00:40',
      '10:10:41',
      undefined,
      '10:00:00',
      '10:11:00',
    ],
    [
      'a later step: widened back by the lag',
      '10:00:40',
      '10:10:45',
      '10:20:50',
      undefined,
      '10:07:00',
      '10:21:00',
    ],
    [
      'a later step of a slow function: by the lag and the timeout',
      '10:00:40',
      '10:10:45',
      '10:20:50',
      900_000,
      '10:00:00',
      '10:21:00',
    ],
    ['never before the rollout start', '10:05:30', '10:06:00', '10:16:00', 900_000, '10:05:00', '10:16:00'],
    [
      'a judgement at the step start still spans a period',
      '10:00:00',
      '10:00:00',
      '10:00:00',
      undefined,
      '10:00:00',
      '10:01:00',
    ],
  ])('%s', (_name, rolloutStart, stepStart, judgeAt, functionTimeoutMs, start, end) => {
    const window = metricWindow({
      rolloutStart: t(rolloutStart),
      stepStart: t(stepStart),
      judgeAt: t(judgeAt),
      ...(functionTimeoutMs === undefined ? {} : { functionTimeoutMs }),
    });

    expect(window).toEqual({ start: t(`${start}.000`), end: t(`${end}.000`), periodSeconds: 60 });
  });

  it('covers the whole step, aligned to periods (property)', () => {
    const base = Date.parse('2030-05-06T10:00:00Z');
    fc.assert(
      fc.property(
        fc.nat({ max: 3_600_000 }),
        fc.nat({ max: 3_600_000 }),
        fc.nat({ max: 3_600_000 }),
        (a, b, c) => {
          const [rolloutStart, stepStart, judgeAt] = [base + a, base + a + b, base + a + b + c];
          const window = metricWindow({
            rolloutStart: new Date(rolloutStart),
            stepStart: new Date(stepStart),
            judgeAt: new Date(judgeAt),
          });
          expect(window.start.getTime() % METRIC_PERIOD_MS).toBe(0);
          expect(window.end.getTime() % METRIC_PERIOD_MS).toBe(0);
          expect(window.start.getTime()).toBeLessThanOrEqual(
            stepStart - Math.min(METRICS_LAG_MS, stepStart - rolloutStart),
          );
          expect(window.start.getTime()).toBeGreaterThan(rolloutStart - METRIC_PERIOD_MS);
          expect(window.end.getTime()).toBeGreaterThanOrEqual(judgeAt);
        },
      ),
    );
  });
});
