// `rollouts` (DESIGN.md sections 3a and 5): by target alias, `default` for the rest. An alias's
// entry does not inherit from `default` (as with approvals): what it leaves out takes the
// built-in defaults, so one entry reads the same wherever it stands.
import {
  aliasEntries,
  asDuration,
  asObject,
  asWholeNumber,
  checkKeys,
  define,
  type Fail,
} from './config-values';
import {
  ALL_AT_ONCE,
  DEFAULT_BAKE_MS,
  DEFAULT_ROLLOUT_GUARD,
  type GuardrailsConfig,
  type RolloutGuard,
  type RolloutPlan,
  type RolloutStrategy,
} from './domain/config-model';
import { parseShare, SHARE_HINT, stepsProblem } from './domain/rollout-steps';

const ROLLOUT_KEYS = ['strategy', 'steps', 'bake', 'guard'];
const GUARD_KEYS = ['maxErrorRate', 'minInvocations', 'maxExtensions', 'alarms'];
const STRATEGIES: RolloutStrategy[] = ['allAtOnce', 'canary', 'linear'];
/** `1%`, `0.5%`, `0.25%`: a rate needs its `%`, so `1` can never be read as 100%. */
const RATE = /^([0-9]{1,3}(?:\.[0-9]{1,2})?)%$/;
/** DescribeAlarms takes at most 100 names, each 1 to 255 characters. */
const MAX_ALARMS = 100;
const ALARM_NAME = /^[^\p{Cc}]{1,255}$/u;

export function readRollouts(raw: unknown, fail: Fail): GuardrailsConfig['rollouts'] {
  const rollouts: Record<string, RolloutPlan> = {};
  if (raw === undefined) return { default: ALL_AT_ONCE };
  for (const [alias, value, path] of aliasEntries(asObject(raw, 'rollouts', fail), 'rollouts', fail, {
    allowDefault: true,
  })) {
    define(rollouts, alias, readPlan(value, path, fail));
  }
  return {
    ...rollouts,
    default: Object.hasOwn(rollouts, 'default') ? (rollouts.default as RolloutPlan) : ALL_AT_ONCE,
  };
}

function readPlan(raw: unknown, path: string, fail: Fail): RolloutPlan {
  const entry = asObject(raw, path, fail);
  checkKeys(entry, ROLLOUT_KEYS, path, fail);
  const strategy = entry.strategy ?? 'allAtOnce';
  if (!STRATEGIES.includes(strategy as RolloutStrategy)) {
    fail(`${path}.strategy`, `must be one of: ${STRATEGIES.join(', ')}`);
  }
  const steps = readSteps(entry.steps ?? [], `${path}.steps`, fail);
  const problem = stepsProblem(strategy as RolloutStrategy, steps);
  if (problem) fail(`${path}.steps`, problem);
  return {
    strategy: strategy as RolloutStrategy,
    steps,
    bakeMs: entry.bake === undefined ? DEFAULT_BAKE_MS : asDuration(entry.bake, `${path}.bake`, fail),
    guard:
      entry.guard === undefined
        ? { ...DEFAULT_ROLLOUT_GUARD, alarms: [] }
        : readGuard(entry.guard, `${path}.guard`, fail),
  };
}

/** Whole percents, written `10` or `10%`. */
function readSteps(raw: unknown, path: string, fail: Fail): number[] {
  if (!Array.isArray(raw))
    return fail(path, 'must be a list of shares in percent, e.g. [10] or [25, 50, 75]');
  return raw.map((share, index) => {
    const value =
      typeof share === 'number' ? share : typeof share === 'string' ? parseShare(share) : undefined;
    if (value === undefined || !Number.isInteger(value) || value < 1 || value > 99) {
      fail(`${path}[${index}]`, `must be ${SHARE_HINT}`);
    }
    return value as number;
  });
}

function readGuard(raw: unknown, path: string, fail: Fail): RolloutGuard {
  const guard = asObject(raw, path, fail);
  checkKeys(guard, GUARD_KEYS, path, fail);
  return {
    maxErrorRatePercent:
      guard.maxErrorRate === undefined
        ? DEFAULT_ROLLOUT_GUARD.maxErrorRatePercent
        : readRate(guard.maxErrorRate, `${path}.maxErrorRate`, fail),
    // Zero would judge a step with no traffic as healthy: "not enough data" must stay a result.
    minInvocations:
      guard.minInvocations === undefined
        ? DEFAULT_ROLLOUT_GUARD.minInvocations
        : asWholeNumber(guard.minInvocations, `${path}.minInvocations`, fail, 1, 1_000_000),
    maxExtensions:
      guard.maxExtensions === undefined
        ? DEFAULT_ROLLOUT_GUARD.maxExtensions
        : asWholeNumber(guard.maxExtensions, `${path}.maxExtensions`, fail, 0, 10),
    alarms: guard.alarms === undefined ? [] : readAlarms(guard.alarms, `${path}.alarms`, fail),
  };
}

function readRate(raw: unknown, path: string, fail: Fail): number {
  const match = typeof raw === 'string' ? RATE.exec(raw.trim()) : null;
  const rate = match ? Number(match[1]) : Number.NaN;
  if (!(rate >= 0 && rate <= 100)) {
    return fail(path, 'must be a percentage from 0% to 100% with its % sign, e.g. 1% or 0.5%');
  }
  return rate;
}

function readAlarms(raw: unknown, path: string, fail: Fail): string[] {
  if (!Array.isArray(raw)) return fail(path, 'must be a list of CloudWatch alarm names');
  if (raw.length > MAX_ALARMS) fail(path, `may name at most ${MAX_ALARMS} alarms`);
  const seen = new Set<string>();
  return raw.map((name, index) => {
    if (typeof name !== 'string' || !ALARM_NAME.test(name) || name.trim() !== name) {
      fail(
        `${path}[${index}]`,
        'must be a CloudWatch alarm name (1 to 255 characters, no control characters or edge spaces)',
      );
    }
    if (seen.has(name as string)) fail(`${path}[${index}]`, `lists "${name}" twice`);
    seen.add(name as string);
    return name as string;
  });
}
