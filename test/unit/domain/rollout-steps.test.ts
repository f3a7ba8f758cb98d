import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RolloutStrategy } from '../../../src/domain/config-model';
import { LINEAR_SHARES, linearSteps, parseShare, stepsProblem } from '../../../src/domain/rollout-steps';

describe('parseShare', () => {
  it.each<{ text: string; share: number | undefined }>([
    { text: '1', share: 1 },
    { text: '10%', share: 10 },
    { text: '99%', share: 99 },
    { text: '0', share: undefined },
    { text: '0%', share: undefined },
    { text: '100%', share: undefined },
    { text: '05%', share: undefined },
    { text: '10.0%', share: undefined },
    { text: '%', share: undefined },
    { text: '', share: undefined },
  ])('reads $text as $share', ({ text, share }) => {
    expect(parseShare(text)).toBe(share);
  });
});

describe('linearSteps', () => {
  it.each<{ share: number; steps: number[] | undefined }>([
    { share: 25, steps: [25, 50, 75] },
    { share: 50, steps: [50] },
    { share: 20, steps: [20, 40, 60, 80] },
    { share: 30, steps: undefined },
    { share: 75, steps: undefined },
    { share: 0, steps: undefined },
  ])('splits by $share%', ({ share, steps }) => {
    expect(linearSteps(share)).toEqual(steps);
  });

  it('gives equal increasing steps below 100 whose last hop to 100 is one more step', () => {
    for (const share of LINEAR_SHARES) {
      const steps = linearSteps(share) as number[];
      expect(steps.map((step, i) => step - (steps[i - 1] ?? 0))).toEqual(steps.map(() => share));
      expect(100 - (steps.at(-1) as number)).toBe(share);
    }
  });

  it('agrees with the configuration rule for every share', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 99 }), (share) => {
        const steps = linearSteps(share);
        if (steps) expect(stepsProblem('linear', steps)).toBeUndefined();
        else expect(stepsProblem('linear', [share, share * 2])).toBeDefined();
      }),
    );
  });
});

describe('stepsProblem', () => {
  it.each<{ strategy: RolloutStrategy; steps: number[]; fits: boolean }>([
    { strategy: 'allAtOnce', steps: [], fits: true },
    { strategy: 'allAtOnce', steps: [10], fits: false },
    { strategy: 'canary', steps: [10], fits: true },
    { strategy: 'canary', steps: [], fits: false },
    { strategy: 'canary', steps: [10, 20], fits: false },
    { strategy: 'linear', steps: [10, 20, 30, 40, 50, 60, 70, 80, 90], fits: true },
    { strategy: 'linear', steps: [10, 20, 30], fits: false },
    { strategy: 'linear', steps: [], fits: false },
    { strategy: 'linear', steps: [25, 50, 75, 100], fits: false },
  ])('$strategy $steps fits: $fits', ({ strategy, steps, fits }) => {
    expect(stepsProblem(strategy, steps) === undefined).toBe(fits);
  });

  it('names the step that is no share', () => {
    expect(stepsProblem('canary', [0])).toBe('step 1 must be a whole percent from 1 to 99');
    expect(stepsProblem('linear', [25, 50, 100])).toBe('step 3 must be a whole percent from 1 to 99');
  });
});
