// Applies an approved request, in the worker (DESIGN.md sections 3 and 6). Exactly one invocation
// calls UpdateAlias for a request, however often Lambda delivers the work: before any AWS call
// the invocation takes the claim on the request's next step (a conditional write); one that
// finds the claim held by a live invocation leaves. APPLIED means this request's own
// UpdateAlias moved the alias: the alias's RevisionId must still be the one the request
// recorded, and if it is not, only the change marker this step wrote into the alias's
// description can say that the move was ours (after a lost answer or a dead invocation).
import { ChatopsError } from '../domain/errors';
import type { Lock } from '../domain/lock';
import { type AliasInfo, isSplit } from '../domain/model';
import {
  type AuditAction,
  type AuditEvent,
  type ChangeRequest,
  changeMarker,
  eventFor,
  foldRequest,
  hasMarker,
  nextStep,
  withMarker,
} from '../domain/request';
import type { AliasUpdater, DriftCards, PeriodSlots } from '../ports';
import type { Deps } from './deps';
import { guardsFor } from './request-guards';
import { describeSplit, loadState, MAX_RACES, type StoredState } from './requests';

/**
 * How long a claim holds: longer than the worker's timeout (30 s), so a holder past it is dead.
 * Until then, nobody else may call AWS for the step.
 */
export const CLAIM_LEASE_MS = 60_000;

export interface WorkerDeps extends Deps {
  aliases: AliasUpdater;
  /**
   * Runs `work` on behalf of `user`: AWS calls to other accounts then name that person in the
   * target account's CloudTrail (STS SourceIdentity).
   */
  acting: <T>(who: { user: string; purpose: string }, work: () => Promise<T>) => Promise<T>;
  /** Which periodic job ran in which period (the heartbeat's). */
  slots: PeriodSlots;
  /** Where drift cards were posted (the drift check's). */
  driftCards: DriftCards;
}

export interface ApplyResult extends StoredState {
  /** False when this invocation did nothing: not APPLYING, waiting for a lock, or another one holds the claim. */
  acted: boolean;
  /** The lock the request waits for (DESIGN.md 3b): applied when it ends (applyWaiting). */
  waitingFor?: Lock;
}

/** APPLIED here means "the alias moved as asked"; a rollout step records its own action. */
export interface Outcome {
  action: Extract<AuditAction, 'APPLIED' | 'STALE' | 'FAILED'>;
  reason?: string;
  revisionId?: string;
}

export async function applyRequest(deps: WorkerDeps, requestId: string, owner: string): Promise<ApplyResult> {
  for (let race = 0; race < MAX_RACES; race++) {
    const loaded = await loadState(deps, requestId);
    const { state } = loaded;
    if (state.status !== 'APPLYING') return { ...loaded, acted: false };
    const step = nextStep(state);
    // Before the claim: a request kept waiting holds no claim, so the start at the unlock is free
    // to take it. Only a step never claimed can wait or expire: once claimed, UpdateAlias may have
    // been called, and only the alias can say what happened (moveAlias).
    if (loaded.claim?.step !== step) {
      const now = deps.clock.now();
      if (now.getTime() >= Date.parse(state.request.expiresAt)) {
        const expired: AuditEvent = {
          ...eventFor(state.request, 'EXPIRED', 'system', now, 'approved, but not applied before it expired'),
          seq: step,
        };
        if (await deps.requests.append(expired)) {
          return { ...loaded, state: foldRequest(state.request, [...state.events, expired]), acted: true };
        }
        continue;
      }
      const { lock } = await guardsFor(deps, state.request, now);
      if (lock) return { ...loaded, acted: false, waitingFor: lock };
    }
    const claim = await deps.requests.claim(requestId, step, {
      owner,
      now: deps.clock.now(),
      leaseMs: CLAIM_LEASE_MS,
    });
    if (!claim.taken) return { ...loaded, acted: false };
    // Without an earlier claim on this step, nobody of this request can have called AWS for it
    // yet: an alias that moved was moved by someone else.
    // Who made the change happen: the approver whose click completed the request, or, where the
    // rule needs no approval, whoever asked.
    const lastApprover = state.approvals[state.approvals.length - 1] ?? state.request.requester;
    // The approver whose click completed the request is the person who moved the alias.
    const outcome = await deps.acting({ user: lastApprover, purpose: requestId }, () =>
      moveAlias(
        deps,
        state.request,
        {
          step,
          expectedRevisionId: state.request.fromRevisionId,
          version: state.request.toVersion,
          weights: {},
        },
        claim.previous !== undefined,
      ),
    );
    const event: AuditEvent = {
      ...eventFor(
        state.request,
        outcome.action,
        outcome.action === 'APPLIED' ? lastApprover : 'system',
        deps.clock.now(),
        outcome.reason,
      ),
      ...(outcome.revisionId === undefined ? {} : { revisionId: outcome.revisionId }),
      seq: step,
    };
    if (await deps.requests.append(event)) {
      return { ...loaded, state: foldRequest(state.request, [...state.events, event]), acted: true };
    }
  }
  throw new ChatopsError('CONFLICT', `Request ${requestId} kept changing while being applied.`);
}

/** One alias move of a request's step: where to, and from which RevisionId only. */
export interface AliasMove {
  step: number;
  expectedRevisionId: string;
  version: string;
  weights: Record<string, number>;
}

/**
 * Moves the alias for one claimed step, only from `expectedRevisionId`. `mayHaveCalled`: an
 * earlier holder of this step's claim may already have made the call (its answer lost); then
 * the step's marker in the alias's description tells whether the move that happened was ours.
 */
export async function moveAlias(
  deps: WorkerDeps,
  request: ChangeRequest,
  move: AliasMove,
  mayHaveCalled: boolean,
): Promise<Outcome> {
  const marker = changeMarker(request.id, move.step);
  const expected = move.expectedRevisionId;
  // The step's marker, and the alias where this move puts it: a marker alone could be an earlier
  // attempt of the same step that decided otherwise.
  const ours = (alias: AliasInfo) =>
    mayHaveCalled &&
    alias.revisionId !== expected &&
    hasMarker(alias.description, marker) &&
    movedAsAsked(alias, move);
  const before = await deps.registry.getAlias(request.functionName, request.alias);
  if (before.revisionId !== expected) {
    return ours(before) ? { action: 'APPLIED', revisionId: before.revisionId } : stale(request, before);
  }
  try {
    const after = await deps.aliases.updateAlias(request.functionName, request.alias, {
      version: move.version,
      revisionId: expected,
      weights: move.weights,
      description: withMarker(before.description, marker),
    });
    return { action: 'APPLIED', revisionId: after.revisionId };
  } catch (error) {
    if (!(error instanceof ChatopsError)) throw error;
    // The call may have gone through with its answer lost (the SDK's retry then meets 412, or
    // gives up): the alias says whether it did.
    const now = await deps.registry.getAlias(request.functionName, request.alias).catch(() => undefined);
    if (now && now.revisionId !== expected && hasMarker(now.description, marker) && movedAsAsked(now, move)) {
      return { action: 'APPLIED', revisionId: now.revisionId };
    }
    const moved = error.code === 'ALIAS_MOVED' || (now && now.revisionId !== expected);
    return moved ? stale(request, now) : { action: 'FAILED', reason: error.message };
  }
}

function movedAsAsked(alias: AliasInfo, move: AliasMove): boolean {
  const weights = Object.entries(alias.additionalWeights);
  const asked = Object.entries(move.weights);
  return (
    alias.version === move.version &&
    weights.length === asked.length &&
    asked.every(([version, weight]) => Math.abs((alias.additionalWeights[version] ?? -1) - weight) < 1e-9)
  );
}

/** STALE, saying where the alias is now. */
export function stale(request: ChangeRequest, alias: AliasInfo | undefined): Outcome {
  const where = alias
    ? ` (now at version ${alias.version}${isSplit(alias) ? `, ${describeSplit(alias)}` : ''})`
    : '';
  return {
    action: 'STALE',
    reason: `${request.alias} was changed outside this request${where}; nothing was overwritten`,
  };
}
