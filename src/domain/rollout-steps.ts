// The shares a canary or linear rollout sends to the new version (DESIGN.md section 3a), for the
// command's `--canary 10%` / `--linear 25%` and the configuration's `steps` alike: one rule, so a
// configured plan and a typed one are checked the same way.
import type { RolloutStrategy } from './config-model';

/** Whole percents from 1 to 99: 0 sends nothing, 100 is the final step that always follows. */
export const SHARE_HINT = 'a whole percent from 1 to 99';
/** The linear shares that split 100 into equal steps (the last hop to 100 is as big as the others). */
export const LINEAR_SHARES = [1, 2, 4, 5, 10, 20, 25, 50] as const;
export const LINEAR_HINT = `a share that divides 100 into equal steps: ${LINEAR_SHARES.join(', ')}%`;

/** `10%` or `10` as a share, or undefined. */
export function parseShare(text: string): number | undefined {
  const match = /^([1-9][0-9]?)%?$/.exec(text);
  return match ? Number(match[1]) : undefined;
}

/** `--linear 25%` is [25, 50, 75]: the multiples of the share below 100. */
export function linearSteps(share: number): number[] | undefined {
  if (!(LINEAR_SHARES as readonly number[]).includes(share)) return undefined;
  return Array.from({ length: 100 / share - 1 }, (_, index) => share * (index + 1));
}

/** What is wrong with `steps` for `strategy`, or undefined when they fit. */
export function stepsProblem(strategy: RolloutStrategy, steps: number[]): string | undefined {
  const bad = steps.findIndex((share) => !Number.isInteger(share) || share < 1 || share > 99);
  if (bad >= 0) return `step ${bad + 1} must be ${SHARE_HINT}`;
  switch (strategy) {
    case 'allAtOnce':
      return steps.length === 0 ? undefined : 'an allAtOnce rollout has no steps (remove them)';
    case 'canary':
      return steps.length === 1 ? undefined : 'a canary rollout has exactly one step, e.g. [10]';
    case 'linear': {
      const expected = steps[0] === undefined ? undefined : linearSteps(steps[0]);
      if (expected && expected.length === steps.length && expected.every((share, i) => share === steps[i])) {
        return undefined;
      }
      return `a linear rollout's steps are the multiples of ${LINEAR_HINT}, e.g. [25, 50, 75]`;
    }
  }
}
