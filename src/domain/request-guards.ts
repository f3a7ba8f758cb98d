// What the guardrails (DESIGN.md section 3b) found when a request was made, carried by the
// request itself (its REQUESTED event's details), so that its card, its approvals and the audit
// table say the same thing for as long as the request lives: a freeze passed with `--override`
// (which adds the `freezeOverride` rule's approval), promotion-order problems shown in bold, how
// long the version has soaked on the previous stage, and the requester's own lock.
import type { Lock } from './lock';
import type { ApprovalRule } from './model';
import type { Soak, StageReason } from './stage-order';

export interface FreezeOverride {
  /** The reason given with `--override`, as typed (escape it for Slack). */
  reason: string;
  /** The freeze passed: its name, time zone and the end of the occurrence in force. */
  freeze: string;
  timezone: string;
  until: string;
  /** The extra approval it needs (the configuration's `freezeOverride`, as it was then). */
  rule: ApprovalRule;
}

export interface RequestGuards {
  override?: FreezeOverride;
  /** Promotion-order problems flagged on the card (`warn`, or `strict` passed with `--skip-stages`). */
  stageWarnings?: StageReason[];
  /** `--skip-stages` was given. */
  skipStages?: true;
  /** How long the version has run on the previous stage, when the target alias has a `minSoak`. */
  soak?: Soak;
  /** The requester's own lock on the alias, in force when the request was made. */
  lock?: Lock;
}

/** The approval rules a request can need: the target alias's, and the freeze override's. */
export type ApprovalRuleName = 'approvals' | 'freezeOverride';
