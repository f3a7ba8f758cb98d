// Runs a rollout in the worker (DESIGN.md section 3a): the first share after the approvals, the
// step judged at each tick, the move to 100% after Promote now, and Roll back. Each move loads
// the request's events, asks the pure domain (rollout.ts, health.ts) for the next event, and:
// - for a move of the alias: takes the claim on the step first (one invocation calls AWS for it,
//   however often the event is delivered), calls UpdateAlias from the RevisionId the previous
//   step recorded (chained: anyone who moved the alias meanwhile gets 412 and the rollout ends
//   STALE, nothing overwritten), then appends the event with the answer's RevisionId;
// - for anything else (EXTENDED, PAUSED): appends the event (the conditional append of the next
//   seq makes racing ticks and clicks take one step);
// and only once the event is stored, schedules the next tick. A late, repeated or out-of-order
// tick finds the rollout moved on and appends nothing; it only makes sure the tick the rollout
// waits for is scheduled, so a schedule lost after its event was stored is made again.
import { ALL_AT_ONCE } from '../domain/config-model';
import { ChatopsError } from '../domain/errors';
import { describeFreeze } from '../domain/freeze';
import { type Health, judge, metricWindow, type VersionMetrics } from '../domain/health';
import { describeLock } from '../domain/lock';
import { type AuditEvent, changeMarker, eventFor, foldRequest, hasMarker } from '../domain/request';
import {
  checkTick,
  decideButton,
  decideContinue,
  decideTick,
  foldRollout,
  type RolloutDecision,
  type RolloutEffect,
  type RolloutState,
  type Tick,
} from '../domain/rollout';
import { sentenceText } from '../domain/sentence';
import type { CardLocation, MetricsReader, RolloutScheduler, StoredRequest } from '../ports';
import { type AliasMove, CLAIM_LEASE_MS, moveAlias, stale, type WorkerDeps } from './apply-request';
import { guardsFor } from './request-guards';
import { MAX_RACES } from './requests';

export interface RolloutDeps extends WorkerDeps {
  scheduler: RolloutScheduler;
  metrics: MetricsReader;
}

export type RolloutTrigger =
  /** Approved (start), Promote now (finish), Resume (re-arm the timer). */
  | { kind: 'continue' }
  | { kind: 'tick'; tick: Tick }
  /** Roll back, clicked by `actor` (already found allowed by the Slack-facing function). */
  | { kind: 'rollback'; actor: string };

/** What the step saw of the two versions: the card shows it. */
export interface Observed {
  health: Health;
  newer: VersionMetrics;
  older: VersionMetrics;
}

export interface RolloutResult {
  state: RolloutState;
  card?: CardLocation;
  /** The event this invocation stored, if any. */
  event?: AuditEvent;
  observed?: Observed;
}

/** True when the request is a canary or linear rollout (the worker runs it here, not in applyRequest). */
export const isRollout = (stored: Pick<StoredRequest, 'request'>) =>
  (stored.request.rollout?.steps.length ?? 0) > 0;

export async function advanceRollout(
  deps: RolloutDeps,
  requestId: string,
  trigger: RolloutTrigger,
  owner: string,
): Promise<RolloutResult> {
  for (let race = 0; race < MAX_RACES; race++) {
    const stored = await deps.requests.load(requestId);
    if (!stored) throw new ChatopsError('REQUEST_NOT_FOUND', `There is no request ${requestId}.`);
    const state = foldRollout(stored.request, stored.request.rollout ?? ALL_AT_ONCE, stored.events);
    const located = stored.card ? { card: stored.card } : {};
    const now = deps.clock.now();
    let observed: Observed | undefined;
    let decision: RolloutDecision;
    if (trigger.kind === 'tick') {
      const check = checkTick(state, trigger.tick, now);
      if (!('current' in check) && state.phase === 'promoting') {
        // Promote now was clicked, but its hand-off to the worker was lost: the timer finishes it.
        decision = decideContinue(state, now);
      } else if (!('current' in check)) {
        if (check.reason === 'early-tick' && check.retryAt) {
          // Fired too early (a clock skew, or the timer of a step resumed since): fire again when due.
          await deps.scheduler.schedule(
            trigger.tick,
            new Date(check.retryAt),
            `r${Date.parse(check.retryAt)}`,
          );
        } else {
          await rearm(deps, state);
        }
        return { state, ...located };
      } else {
        // Anyone who moved the alias since the last step ends the rollout now (flagger's "the
        // revision changed mid-analysis"), rather than at the next UpdateAlias, or never (a step
        // without traffic is only extended).
        const alias = await deps.registry.getAlias(state.request.functionName, state.request.alias);
        // This step's own marker: an earlier attempt of this very tick moved it and died before
        // recording; the claim and the marker sort that out below.
        const ownMove = hasMarker(alias.description, changeMarker(requestId, stored.events.length + 1));
        if (alias.revisionId !== state.revisionId && !ownMove) {
          const moved = stale(state.request, alias);
          decision = {
            kind: 'append',
            event: eventFor(state.request, 'STALE', 'system', now, moved.reason),
            effect: { type: 'none' },
          };
        } else {
          observed = await observe(deps, state, now);
          decision = decideTick(state, trigger.tick, observed.health, now, await blockedBy(deps, state, now));
        }
      }
    } else if (trigger.kind === 'rollback') {
      decision = decideButton(state, { button: 'rollback', actor: trigger.actor, allowed: true }, now);
    } else if (
      state.phase === 'approved' &&
      foldRequest(stored.request, stored.events).status === 'PENDING'
    ) {
      // The request's own count of approvals (a freeze override's included) is the one that
      // starts a rollout.
      return { state, ...located };
    } else {
      // Promote now is a person's decision and goes through; starting (or resuming before the
      // first share) waits for a lock or a freeze like any change.
      decision = decideContinue(
        state,
        now,
        state.phase === 'approved' ? await blockedBy(deps, state, now) : undefined,
      );
    }
    if (decision.kind === 'noop') {
      if (trigger.kind === 'continue') await rearm(deps, state);
      return { state, ...located };
    }
    const step = stored.events.length + 1;
    let event: AuditEvent = { ...decision.event, seq: step };
    if (decision.effect.type !== 'none') {
      const claim = await deps.requests.claim(requestId, step, { owner, now, leaseMs: CLAIM_LEASE_MS });
      if (!claim.taken) return { state, ...located };
      event = await moveForStep(deps, state, event, decision.effect, claim.previous !== undefined);
    }
    let events = [...stored.events, event];
    if (!(await deps.requests.append(event))) {
      if (decision.effect.type === 'none') continue;
      // The alias has moved (or the rollout ended STALE): that is a fact to record, whoever
      // appended meanwhile (a Pause click): at the next free seq.
      event = await appendFact(deps, requestId, event);
      events = (await deps.requests.load(requestId))?.events ?? events;
    }
    let next = foldRollout(stored.request, state.plan, events);
    if (event.action === decision.event.action && decision.schedule) {
      const paused = await scheduleOrPause(deps, next, decision.schedule);
      if (paused) {
        event = paused;
        events = [...events, paused];
        next = foldRollout(stored.request, state.plan, events);
      }
    }
    if (next.phase === 'ended' && trigger.kind !== 'tick' && state.step > 0) {
      // The timer of the step it ended in is no longer wanted (Roll back, or Promote now mid-step).
      await deps.scheduler
        .cancel({ requestId, step: state.step, extension: state.extensions })
        .catch(() => undefined);
    }
    return { state: next, event, ...located, ...(observed ? { observed } : {}) };
  }
  throw new ChatopsError('CONFLICT', `Rollout ${requestId} kept changing while being advanced.`);
}

/**
 * UpdateAlias for the step, from the RevisionId the rollout last recorded. Moved: the event with
 * the new RevisionId. Moved by someone else: STALE. Failed otherwise: PAUSED with the reason, for
 * a person to resume or roll back (the alias is as it was, so nothing is half-done).
 */
async function moveForStep(
  deps: RolloutDeps,
  state: RolloutState,
  event: AuditEvent,
  effect: Exclude<RolloutEffect, { type: 'none' }>,
  mayHaveCalled: boolean,
): Promise<AuditEvent> {
  const { request } = state;
  const move: AliasMove = {
    step: event.seq,
    expectedRevisionId: state.revisionId,
    version: effect.type === 'complete' ? request.toVersion : request.fromVersion,
    weights: effect.type === 'shift' ? { [request.toVersion]: effect.weight / 100 } : {},
  };
  // The person whose click this move is (Roll back), else the bot: named in other accounts' CloudTrail.
  const outcome = await deps.acting({ user: event.actor, purpose: request.id }, () =>
    moveAlias(deps, request, move, mayHaveCalled),
  );
  if (outcome.action === 'APPLIED') return { ...event, revisionId: outcome.revisionId as string };
  const base = { ...event, actor: 'system', reason: outcome.reason ?? '' };
  delete base.weight;
  if (outcome.action === 'STALE') return { ...base, action: 'STALE' };
  const what =
    effect.type === 'rollback' ? 'roll back' : effect.type === 'complete' ? 'move to 100%' : 'shift';
  return { ...base, action: 'PAUSED', reason: `could not ${what}: ${outcome.reason}` };
}

async function appendFact(deps: RolloutDeps, requestId: string, event: AuditEvent): Promise<AuditEvent> {
  for (let race = 0; race < MAX_RACES; race++) {
    const stored = await deps.requests.load(requestId);
    const seq = (stored?.events.length ?? 0) + 1;
    const fact = { ...event, seq };
    if (await deps.requests.append(fact)) return fact;
  }
  throw new ChatopsError('CONFLICT', `Rollout ${requestId}: could not record ${event.action}.`);
}

/**
 * Schedules the next tick. Scheduler unreachable (after the SDK's retries): the rollout pauses,
 * visibly, instead of waiting for a tick that will never come; Resume schedules it again.
 */
async function scheduleOrPause(
  deps: RolloutDeps,
  state: RolloutState,
  schedule: NonNullable<Extract<RolloutDecision, { kind: 'append' }>['schedule']>,
): Promise<AuditEvent | undefined> {
  try {
    await deps.scheduler.schedule(schedule.tick, new Date(schedule.at));
    return undefined;
  } catch (error) {
    const reason = `the next step could not be scheduled (${(error as Error).name}): paused; Resume to go on`;
    const paused = eventFor(state.request, 'PAUSED', 'system', deps.clock.now(), reason);
    // seq: the next free one, whatever was appended since.
    return appendFact(deps, state.request.id, { ...paused, seq: 0 });
  }
}

/** A progressing rollout's current tick, scheduled again if its schedule was lost (idempotent). */
async function rearm(deps: RolloutDeps, state: RolloutState): Promise<void> {
  if (state.phase !== 'progressing' || !state.dueAt) return;
  const due = new Date(Math.max(Date.parse(state.dueAt), deps.clock.now().getTime()));
  await deps.scheduler.schedule(
    { requestId: state.request.id, step: state.step, extension: state.extensions },
    due,
  );
}

/** The step's numbers: the new version judged alone, the old one read as the card's baseline. */
async function observe(deps: RolloutDeps, state: RolloutState, now: Date): Promise<Observed> {
  const { request, plan } = state;
  const window = metricWindow({
    rolloutStart: new Date(state.startedAt ?? now.toISOString()),
    stepStart: new Date(state.stepStartedAt ?? now.toISOString()),
    judgeAt: now,
  });
  const unreadable: VersionMetrics = { invocations: Number.NaN, errors: Number.NaN };
  const read = (version: string) =>
    deps.metrics
      .versionMetrics({ functionName: request.functionName, alias: request.alias, version, window })
      .catch(() => unreadable);
  const [newer, older, alarms] = await Promise.all([
    read(request.toVersion),
    read(request.fromVersion),
    plan.guard.alarms.length > 0
      ? deps.metrics.alarmsInAlarm(plan.guard.alarms, request.functionName).catch(() => undefined)
      : Promise.resolve([]),
  ]);
  // Alarms that could not be read leave the step unjudged: never healthy by default.
  const judged = alarms === undefined ? unreadable : newer;
  return {
    health: judge({ metrics: judged, alarmsInAlarm: alarms ?? [], guard: plan.guard }),
    newer,
    older,
  };
}

/**
 * Someone else's lock, or a freeze the request did not override, in force now (DESIGN.md 3b): the
 * rollout pauses, saying why, instead of taking its next share. A rollback never waits for one.
 */
async function blockedBy(deps: RolloutDeps, state: RolloutState, now: Date): Promise<string | undefined> {
  const { lock, freeze } = await guardsFor(deps, state.request, now);
  if (lock) return sentenceText(describeLock(lock));
  if (freeze) return sentenceText(describeFreeze(state.request.alias, freeze));
  return undefined;
}
