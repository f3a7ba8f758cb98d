// The configuration keys of DESIGN.md section 5 beyond functions and approvals, as the domain sees
// them once validated (src/config.ts produces these; defaults applied, durations in milliseconds,
// shares and rates as whole percents). Pure types: one contract for the config loader, the
// guardrails, rollouts, links and accounts.
import type { ApprovalRule } from './model';

export type RolloutStrategy = 'allAtOnce' | 'canary' | 'linear';

/** The health guard a rollout step is judged by (DESIGN.md section 3a). */
export interface RolloutGuard {
  /** Highest tolerated error rate of the new version, in percent (0 to 100, e.g. 1 or 0.5). */
  maxErrorRatePercent: number;
  /** Fewer invocations of the new version in a step's window: not enough data to judge. */
  minInvocations: number;
  /** How many times a step with too little traffic is extended (each by `bakeMs`) before pausing. */
  maxExtensions: number;
  /** CloudWatch alarm names: any in ALARM rolls back. */
  alarms: string[];
}

export interface RolloutPlan {
  strategy: RolloutStrategy;
  /** The new version's shares in percent (1..99), in order; 100 follows the last. Empty for allAtOnce. */
  steps: number[];
  /** Time at each share before it is judged. */
  bakeMs: number;
  guard: RolloutGuard;
}

/** Defaults where nothing is configured (DESIGN.md section 3a). */
export const DEFAULT_ROLLOUT_GUARD: RolloutGuard = {
  maxErrorRatePercent: 1,
  minInvocations: 20,
  maxExtensions: 2,
  alarms: [],
};
export const DEFAULT_BAKE_MS = 10 * 60_000;
export const ALL_AT_ONCE: RolloutPlan = {
  strategy: 'allAtOnce',
  steps: [],
  bakeMs: DEFAULT_BAKE_MS,
  guard: DEFAULT_ROLLOUT_GUARD,
};

/** A wall-clock time in a week, in the freeze's own time zone. */
export interface WeeklyTime {
  /** 0 = Sunday … 6 = Saturday (as Date.getDay). */
  day: number;
  hour: number;
  minute: number;
}

export type FreezeWindow =
  | { name: string; aliases: string[]; timezone: string; weekly: { from: WeeklyTime; to: WeeklyTime } }
  /** Whole days, both included, `YYYY-MM-DD` in the freeze's time zone. */
  | { name: string; aliases: string[]; timezone: string; dates: { from: string; to: string } };

export type StageOrderMode = 'warn' | 'strict';

export interface DriftSettings {
  everyMs: number;
  channel: string;
}

/** URL templates with `{sha}`, `{pr}`, `{from}`, `{to}` placeholders; https only. */
export interface LinkTemplates {
  commit?: string;
  pr?: string;
  compare?: string;
}

export interface AutoPromoteRule {
  /** The source alias whose soaked version is promoted to the rule's target alias. */
  from: string;
  afterMs: number;
  /** Where the card goes; defaults to the drift channel. */
  channel?: string;
}

export interface AccountSettings {
  accountId: string;
  externalId?: string;
  readerRoleArn: string;
  promoterRoleArn: string;
}

/** Everything of section 5 that is not functions/approvals/selfApproval/TTL/channels/team. */
export interface GuardrailsConfig {
  /** By target alias; `default` covers the rest (itself defaulting to ALL_AT_ONCE). */
  rollouts: Record<string, RolloutPlan> & { default: RolloutPlan };
  freezes: FreezeWindow[];
  /** The extra approval a request made with `--override` needs; undefined: overrides impossible. */
  freezeOverride?: ApprovalRule;
  stageOrder: StageOrderMode;
  /** By target alias, in milliseconds. */
  minSoakMs: Record<string, number>;
  /** Undefined: drift checks off. */
  drift?: DriftSettings;
  /** Top-level default link templates (functions may override: ManagedFunction.links). */
  links: LinkTemplates;
  /** By target alias. */
  autoPromote: Record<string, AutoPromoteRule>;
  /** By 12-digit account id; only accounts other than the bot's own. */
  accounts: Record<string, AccountSettings>;
}

/** What a configuration that sets none of these keys means. */
export function defaultGuardrails(): GuardrailsConfig {
  return {
    rollouts: { default: ALL_AT_ONCE },
    freezes: [],
    stageOrder: 'warn',
    minSoakMs: {},
    links: {},
    autoPromote: {},
    accounts: {},
  };
}
