// Rollouts as data (DESIGN.md section 3a), like request.ts for approvals: a rollout is the
// request's audit events after its approvals, its state their fold, and each step one pure
// decision giving the next event. The worker loads the events and the metrics, asks here, then:
// - an event with an alias effect (`shift`, `complete`, `rollback`): calls UpdateAlias with the
//   state's `revisionId` (chained from step to step, so a second caller, or anyone who moved the
//   alias, gets 412 and nothing is overwritten), then appends the event with the answer's
//   RevisionId;
// - an event without one (EXTENDED, PAUSED, RESUMED, PROMOTED_NOW): appends it (the conditional
//   append of the next seq makes racing clicks and ticks take one step);
// - `schedule`: creates the one-time schedule for that tick once the event is stored.
// Ticks carry the step and extension they were scheduled for, so a late, repeated or
// out-of-order tick finds the state moved on and appends nothing (flagger's "the revision
// changed mid-analysis, so stop", as a comparison of two numbers).
import type { RolloutPlan } from './config-model';
import { formatDuration } from './duration';
import type { Health } from './health';
import { type AuditAction, type AuditEvent, type ChangeRequest, eventFor } from './request';

/** "10% for 10m, then 100%"; "25% → 50% → 75%, 5m each, then 100%"; "all at once". */
export function describePlan(plan: RolloutPlan): string {
  if (plan.steps.length === 0) return 'all at once';
  const shares = plan.steps.map((step) => `${step}%`).join(' → ');
  const bake = formatDuration(plan.bakeMs);
  return plan.steps.length === 1 ? `${shares} for ${bake}, then 100%` : `${shares}, ${bake} each, then 100%`;
}

/** A rollout's next audit event: `weight` on SHIFTED; the worker adds `revisionId` after acting. */
export type RolloutEvent = Omit<AuditEvent, 'seq'>;

export type RolloutPhase =
  /** Waiting for approvals. */
  | 'pending'
  /** Approved, no traffic shifted yet: the worker starts it. */
  | 'approved'
  | 'progressing'
  | 'paused'
  /** Someone clicked Promote now: the worker moves the alias to 100%. */
  | 'promoting'
  /** Ended: APPLIED, ROLLED_BACK, STALE, FAILED, REJECTED, CANCELLED or EXPIRED. */
  | 'ended';

export interface RolloutState {
  request: ChangeRequest;
  plan: RolloutPlan;
  phase: RolloutPhase;
  /** 1-based index in `plan.steps` of the share in force; 0 before the first shift. */
  step: number;
  /** The new version's share in force, in percent. */
  weight: number;
  /** Extensions of the current step (reset when it is resumed). */
  extensions: number;
  /** The alias's RevisionId as last recorded: the next UpdateAlias passes it. */
  revisionId: string;
  /** When the first share was shifted: metric windows never reach before it. */
  startedAt?: string;
  /** When the current share was shifted. */
  stepStartedAt?: string;
  /** When the current step is judged. */
  dueAt?: string;
  /** The event that ended it. */
  final?: AuditEvent;
  approvals: string[];
}

const ENDING: ReadonlySet<AuditAction> = new Set([
  'APPLIED',
  'ROLLED_BACK',
  'STALE',
  'FAILED',
  'REJECTED',
  'CANCELLED',
  'EXPIRED',
]);

const plus = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

/** Folds a request's events (ordered by seq) into its rollout state. */
export function foldRollout(request: ChangeRequest, plan: RolloutPlan, events: AuditEvent[]): RolloutState {
  const state: RolloutState = {
    request,
    plan,
    phase: 'pending',
    step: 0,
    weight: 0,
    extensions: 0,
    revisionId: request.fromRevisionId,
    approvals: [],
  };
  for (const event of events) {
    if (state.final) break;
    if (ENDING.has(event.action)) {
      state.phase = 'ended';
      state.final = event;
      if (event.action === 'APPLIED') state.weight = 100;
      if (event.action === 'ROLLED_BACK') state.weight = 0;
      if (event.revisionId !== undefined) state.revisionId = event.revisionId;
      continue;
    }
    switch (event.action) {
      case 'APPROVED':
        if (state.phase === 'pending' && !state.approvals.includes(event.actor)) {
          state.approvals.push(event.actor);
          if (state.approvals.length >= request.rule.required) state.phase = 'approved';
        }
        break;
      case 'SHIFTED':
        // A Pause clicked while this shift was under way is recorded before it: the alias did
        // move, and the person's pause still stands until someone resumes.
        state.phase = state.phase === 'paused' ? 'paused' : 'progressing';
        state.step += 1;
        state.weight = event.weight ?? state.weight;
        state.extensions = 0;
        state.startedAt ??= event.at;
        state.stepStartedAt = event.at;
        state.dueAt = plus(event.at, plan.bakeMs);
        if (event.revisionId !== undefined) state.revisionId = event.revisionId;
        break;
      case 'EXTENDED':
        state.extensions += 1;
        state.dueAt = plus(event.at, plan.bakeMs);
        break;
      case 'PAUSED':
        state.phase = 'paused';
        break;
      case 'RESUMED':
        // A resumed step is judged afresh: a full bake from now, with its extensions back.
        state.phase = state.step === 0 ? 'approved' : 'progressing';
        state.extensions = 0;
        state.dueAt = plus(event.at, plan.bakeMs);
        break;
      case 'PROMOTED_NOW':
        state.phase = 'promoting';
        break;
    }
  }
  return state;
}

/** The timer's event: which judgement of which step it was scheduled for. */
export interface Tick {
  requestId: string;
  step: number;
  extension: number;
}

/** What UpdateAlias the worker performs before appending the event. */
export type RolloutEffect =
  | { type: 'none' }
  /** FunctionVersion = the old version, AdditionalVersionWeights = {new: weight/100}. */
  | { type: 'shift'; weight: number }
  /** FunctionVersion = the new version, routing cleared. */
  | { type: 'complete' }
  /** FunctionVersion = the old version, routing cleared. */
  | { type: 'rollback' };

export type RolloutDecision =
  | { kind: 'append'; event: RolloutEvent; effect: RolloutEffect; schedule?: { at: string; tick: Tick } }
  | { kind: 'noop'; reason: RolloutNoop; retryAt?: string };

export type RolloutNoop =
  /** The tick was for a step or extension the rollout has left (late, repeated, out of order). */
  | 'stale-tick'
  /** Fired before its time (more than the Scheduler's minute early): schedule it again at `retryAt`. */
  | 'early-tick'
  | 'not-progressing'
  | 'paused'
  | 'not-paused'
  | 'ended'
  | 'not-allowed';

/** Scheduler fires within the minute of the schedule; a tick earlier than this is not ours. */
export const TICK_TOLERANCE_MS = 60_000;

/**
 * Is `tick` the one the rollout waits for? The worker asks before reading metrics, then passes
 * the health to `decideTick`.
 */
export function checkTick(
  state: RolloutState,
  tick: Tick,
  now: Date,
): { current: true } | Extract<RolloutDecision, { kind: 'noop' }> {
  if (state.phase === 'ended') return { kind: 'noop', reason: 'ended' };
  if (state.phase === 'paused') return { kind: 'noop', reason: 'paused' };
  if (state.phase !== 'progressing') return { kind: 'noop', reason: 'not-progressing' };
  if (
    tick.requestId !== state.request.id ||
    tick.step !== state.step ||
    tick.extension !== state.extensions
  ) {
    return { kind: 'noop', reason: 'stale-tick' };
  }
  if (state.dueAt && now.getTime() < Date.parse(state.dueAt) - TICK_TOLERANCE_MS) {
    return { kind: 'noop', reason: 'early-tick', retryAt: state.dueAt };
  }
  return { current: true };
}

/**
 * What a tick does, given the step's health and anything that blocks changes now (a freeze
 * window or another person's lock, as a sentence: the step pauses, DESIGN 3b). Unhealthy rolls
 * back even when blocked: taking a bad version away is never what a freeze prevents.
 */
export function decideTick(
  state: RolloutState,
  tick: Tick,
  health: Health,
  now: Date,
  blockedBy?: string,
): RolloutDecision {
  const check = checkTick(state, tick, now);
  if (!('current' in check)) return check;
  const { plan } = state;
  if (health.kind === 'unhealthy') {
    return {
      kind: 'append',
      event: event(state, 'ROLLED_BACK', 'system', now, health.reason),
      effect: { type: 'rollback' },
    };
  }
  if (blockedBy !== undefined) {
    return {
      kind: 'append',
      event: event(state, 'PAUSED', 'system', now, blockedBy),
      effect: { type: 'none' },
    };
  }
  if (health.kind === 'inconclusive') {
    if (state.extensions >= plan.guard.maxExtensions) {
      const reason = `${health.reason} after ${state.extensions} extension${state.extensions === 1 ? '' : 's'}: paused for a person to decide`;
      return {
        kind: 'append',
        event: event(state, 'PAUSED', 'system', now, reason),
        effect: { type: 'none' },
      };
    }
    return {
      kind: 'append',
      event: event(state, 'EXTENDED', 'system', now, health.reason),
      effect: { type: 'none' },
      schedule: scheduleAfter(state, now, state.step, state.extensions + 1),
    };
  }
  const next = plan.steps[state.step];
  if (next === undefined) {
    return { kind: 'append', event: event(state, 'APPLIED', 'system', now), effect: { type: 'complete' } };
  }
  return {
    kind: 'append',
    event: { ...event(state, 'SHIFTED', 'system', now), weight: next },
    effect: { type: 'shift', weight: next },
    schedule: scheduleAfter(state, now, state.step + 1, 0),
  };
}

/**
 * What the worker does with an approved request that is not waiting for a tick: the first share
 * (or, for a plan without steps, 100% at once), or the move to 100% after Promote now.
 */
export function decideContinue(state: RolloutState, now: Date, blockedBy?: string): RolloutDecision {
  if (state.phase === 'promoting') {
    return { kind: 'append', event: event(state, 'APPLIED', 'system', now), effect: { type: 'complete' } };
  }
  if (state.phase !== 'approved') {
    return { kind: 'noop', reason: state.phase === 'ended' ? 'ended' : 'not-progressing' };
  }
  if (blockedBy !== undefined) {
    return {
      kind: 'append',
      event: event(state, 'PAUSED', 'system', now, blockedBy),
      effect: { type: 'none' },
    };
  }
  const first = state.plan.steps[0];
  if (first === undefined) {
    return { kind: 'append', event: event(state, 'APPLIED', 'system', now), effect: { type: 'complete' } };
  }
  return {
    kind: 'append',
    event: { ...event(state, 'SHIFTED', 'system', now), weight: first },
    effect: { type: 'shift', weight: first },
    schedule: scheduleAfter(state, now, 1, 0),
  };
}

export type RolloutButton = 'promote' | 'pause' | 'resume' | 'rollback';

/**
 * Who may click (DESIGN 3a): Promote now, a user the alias's approval rule allows (`mayApprove`:
 * policy.mayApprove's verdict for this actor, self-approval rule included, since promoting now
 * approves what the remaining steps would have judged); Pause, Resume and Roll back, also the
 * requester, since stopping one's own change must never need someone else.
 */
export function mayClick(
  button: RolloutButton,
  input: { actor: string; requester: string; mayApprove: boolean },
): boolean {
  if (input.mayApprove) return true;
  return button !== 'promote' && input.actor === input.requester;
}

/**
 * A click on the rollout card. Who may click is decided by the caller from the alias's approval
 * rule (DESIGN 3a: Promote now, one allowed approver; Pause, Resume, Roll back, the requester
 * too): `allowed` carries that. One click, never N-of-M.
 */
export function decideButton(
  state: RolloutState,
  click: { button: RolloutButton; actor: string; allowed: boolean },
  now: Date,
): RolloutDecision {
  if (state.phase === 'ended') return { kind: 'noop', reason: 'ended' };
  if (!click.allowed) return { kind: 'noop', reason: 'not-allowed' };
  const live = state.phase === 'progressing' || state.phase === 'paused';
  switch (click.button) {
    case 'promote':
      if (!live) return { kind: 'noop', reason: 'not-progressing' };
      return {
        kind: 'append',
        event: event(state, 'PROMOTED_NOW', click.actor, now),
        effect: { type: 'none' },
      };
    case 'pause':
      if (state.phase === 'paused') return { kind: 'noop', reason: 'paused' };
      if (state.phase !== 'progressing') return { kind: 'noop', reason: 'not-progressing' };
      return { kind: 'append', event: event(state, 'PAUSED', click.actor, now), effect: { type: 'none' } };
    case 'resume':
      if (state.phase !== 'paused') return { kind: 'noop', reason: 'not-paused' };
      return {
        kind: 'append',
        event: event(state, 'RESUMED', click.actor, now),
        effect: { type: 'none' },
        // Before the first share (paused by a lock or freeze at the start), the worker continues.
        ...(state.step === 0 ? {} : { schedule: scheduleAfter(state, now, state.step, 0) }),
      };
    case 'rollback':
      if (!live && state.phase !== 'promoting') return { kind: 'noop', reason: 'not-progressing' };
      return {
        kind: 'append',
        event: event(state, 'ROLLED_BACK', click.actor, now),
        effect: { type: 'rollback' },
      };
  }
}

function scheduleAfter(state: RolloutState, now: Date, step: number, extension: number) {
  return {
    at: new Date(now.getTime() + state.plan.bakeMs).toISOString(),
    tick: { requestId: state.request.id, step, extension },
  };
}

function event(
  state: RolloutState,
  action: AuditAction,
  actor: string,
  now: Date,
  reason?: string,
): RolloutEvent {
  return eventFor(state.request, action, actor, now, reason);
}
