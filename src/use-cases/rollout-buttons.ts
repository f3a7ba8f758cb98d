// The rollout card's buttons, in the Slack-facing function (DESIGN.md section 3a): Promote now
// (one user allowed by the alias's approval rule), Pause, Resume and Roll back (the requester or
// any such user). One click decides, never N-of-M. The decision is an audit event appended here;
// what needs AWS (the alias, the timer) is handed to the worker, which alone may touch them. A
// roll back is the exception: its event records the alias's RevisionId after the move, so the
// worker appends it once the alias is back.
import { ALL_AT_ONCE } from '../domain/config-model';
import { ChatopsError } from '../domain/errors';
import { type AuditEvent, type ChangeRequest, eventFor } from '../domain/request';
import {
  decideButton,
  foldRollout,
  mayClick,
  type RolloutButton,
  type RolloutNoop,
  type RolloutState,
} from '../domain/rollout';
import type { CardLocation } from '../ports';
import type { Deps } from './deps';
import { approvalVerdict } from './request-guards';
import { MAX_RACES } from './requests';

export type RolloutClickOutcome =
  /** The click's event is stored (and the worker told, when it has something to do). */
  | 'recorded'
  /** Roll back: the worker moves the alias back and records it. */
  | 'rolling-back'
  | 'not-a-rollout'
  | RolloutNoop;

export interface RolloutClickResult {
  state: RolloutState;
  events: AuditEvent[];
  outcome: RolloutClickOutcome;
  event?: AuditEvent;
  /** Why a refused click was refused. */
  refusal?: string;
  card?: CardLocation;
}

export async function rolloutClick(
  deps: Deps,
  input: { requestId: string; actor: string; button: RolloutButton; responseUrl?: string },
): Promise<RolloutClickResult> {
  const { requestId, actor, button } = input;
  for (let race = 0; race < MAX_RACES; race++) {
    const stored = await deps.requests.load(requestId);
    if (!stored) throw new ChatopsError('REQUEST_NOT_FOUND', `There is no request ${requestId}.`);
    const { request, events } = stored;
    const state = foldRollout(request, request.rollout ?? ALL_AT_ONCE, events);
    const base = { state, events, ...(stored.card ? { card: stored.card } : {}) };
    if (!request.rollout || request.rollout.steps.length === 0) return { ...base, outcome: 'not-a-rollout' };
    const now = deps.clock.now();
    const verdict = await mayPress(deps, request, button, actor);
    const decision = decideButton(state, { button, actor, allowed: verdict.allowed }, now);
    if (decision.kind === 'noop') {
      if (decision.reason === 'not-allowed') {
        const refusal = verdict.allowed ? '' : verdict.reason;
        const denied: AuditEvent = {
          ...eventFor(request, 'DENIED', actor, now, refusal),
          seq: events.length + 1,
        };
        if (!(await deps.requests.append(denied))) continue;
        return { ...base, events: [...events, denied], outcome: 'not-allowed', event: denied, refusal };
      }
      // A hand-off to the worker that was lost (Invoke failed after Promote now or Resume): any
      // click starts it again; the worker's claim and its schedules' names keep a duplicate harmless.
      if (state.phase === 'promoting' || state.phase === 'approved' || state.phase === 'progressing') {
        await deps.queue.enqueue({ kind: 'rollout.continue', requestId });
      }
      return { ...base, outcome: decision.reason };
    }
    if (decision.effect.type === 'rollback') {
      await deps.queue.enqueue({
        kind: 'rollout.rollback',
        requestId,
        actor,
        ...(input.responseUrl ? { responseUrl: input.responseUrl } : {}),
      });
      return { ...base, outcome: 'rolling-back' };
    }
    const event: AuditEvent = { ...decision.event, seq: events.length + 1 };
    if (!(await deps.requests.append(event))) continue;
    const after = [...events, event];
    // Promote now moves the alias; Resume needs the step's timer again: both are the worker's.
    if (event.action === 'PROMOTED_NOW' || event.action === 'RESUMED') {
      await deps.queue.enqueue({ kind: 'rollout.continue', requestId });
    }
    return {
      ...base,
      state: foldRollout(request, state.plan, after),
      events: after,
      outcome: 'recorded',
      event,
    };
  }
  throw new ChatopsError('CONFLICT', 'Too many people acted on this rollout at once; try again.');
}

/**
 * Who may press which button is the domain's (mayClick), from the alias's approval rule (not a
 * freeze override's: that one approves a request, not a rollout's pace).
 */
async function mayPress(deps: Deps, request: ChangeRequest, button: RolloutButton, actor: string) {
  const verdict = await approvalVerdict(deps, request, actor);
  const byAliasRule = verdict.allowed && (verdict.approvedFor?.includes('approvals') ?? true);
  if (mayClick(button, { actor, requester: request.requester, mayApprove: byAliasRule })) {
    return { allowed: true as const };
  }
  const who =
    button === 'promote'
      ? 'only an approver of this alias may promote a rollout now'
      : 'only the requester or an approver of this alias may';
  return {
    allowed: false as const,
    reason: `${who} (${verdict.allowed ? 'not an approver for this alias' : verdict.reason})`,
  };
}
