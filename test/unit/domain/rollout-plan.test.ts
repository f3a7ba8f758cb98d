import { describe, expect, it } from 'vitest';
import { ALL_AT_ONCE, type GuardrailsConfig, type RolloutPlan } from '../../../src/domain/config-model';
import { rolloutPlanFor } from '../../../src/domain/rollout-plan';

const PROD: RolloutPlan = {
  strategy: 'canary',
  steps: [10],
  bakeMs: 30 * 60_000,
  guard: { maxErrorRatePercent: 0.5, minInvocations: 100, maxExtensions: 1, alarms: ['orders-5xx'] },
};
const ROLLOUTS: GuardrailsConfig['rollouts'] = { default: ALL_AT_ONCE, prod: PROD };

describe('rolloutPlanFor', () => {
  it('takes the alias’s configured rollout, else the default', () => {
    expect(rolloutPlanFor(ROLLOUTS, 'prod')).toEqual(PROD);
    expect(rolloutPlanFor(ROLLOUTS, 'test')).toEqual(ALL_AT_ONCE);
    expect(rolloutPlanFor(ROLLOUTS, 'constructor')).toEqual(ALL_AT_ONCE);
  });

  it('takes the command’s strategy and steps, with the configured guard and, unless given, bake', () => {
    expect(rolloutPlanFor(ROLLOUTS, 'prod', { strategy: 'linear', steps: [25, 50, 75] })).toEqual({
      ...PROD,
      strategy: 'linear',
      steps: [25, 50, 75],
    });
    expect(rolloutPlanFor(ROLLOUTS, 'prod', { strategy: 'canary', steps: [5], bakeMs: 60_000 })).toEqual({
      ...PROD,
      steps: [5],
      bakeMs: 60_000,
    });
    expect(rolloutPlanFor(ROLLOUTS, 'test', { strategy: 'allAtOnce', steps: [] })).toEqual(ALL_AT_ONCE);
  });
});
