// The change request and its state machine (DESIGN.md section 3). A request is the ordered list
// of its audit events: its state is their fold, and each step appends exactly one event with
// the next sequence number. The store refuses a second event with the same number, so
// concurrent clicks cannot both take a step: the loser reloads and decides again.
import { type ApprovalProgress, countApprovals, givenApprovals, progressOf } from './approvals';
import type { LinkTemplates, RolloutPlan } from './config-model';
import type { ApprovalRule } from './model';
import type { ApprovalRuleName, RequestGuards } from './request-guards';
import type { VersionDiff } from './version-diff';

export type AuditAction =
  | 'REQUESTED'
  | 'APPROVED'
  | 'DENIED'
  | 'REJECTED'
  | 'CANCELLED'
  | 'EXPIRED'
  | 'APPLIED'
  | 'STALE'
  | 'FAILED'
  // Rollouts (DESIGN.md section 3a)
  | 'SHIFTED'
  | 'EXTENDED'
  | 'PAUSED'
  | 'RESUMED'
  | 'PROMOTED_NOW'
  | 'ROLLED_BACK'
  // Guardrails (section 3b)
  | 'LOCKED'
  | 'UNLOCKED'
  | 'DRIFTED'
  | 'ADOPTED';

/** One immutable item of the audit table (DESIGN.md section 4). */
export interface AuditEvent {
  function: string;
  functionName: string;
  alias: string;
  action: AuditAction;
  requestId: string;
  /** Slack user id, or `system`. */
  actor: string;
  team: string;
  channel: string;
  fromVersion: string;
  toVersion: string;
  /** ISO-8601 UTC with milliseconds. */
  at: string;
  reason?: string;
  /** On SHIFTED: the new version's share, a whole percent. */
  weight?: number;
  /** On APPLIED, SHIFTED, ROLLED_BACK: the alias's RevisionId after the change. */
  revisionId?: string;
  /** On LOCKED with `--for`: ISO-8601 end of the lock. */
  until?: string;
  /**
   * On APPROVED of a request made with `--override`: the rules its approver was allowed for when
   * they clicked (see countApprovals). Absent: the alias's rule.
   */
  approvedFor?: ApprovalRuleName[];
  /** Position in the request's event list, from 1. */
  seq: number;
}

/** What a request records when it is made (carried by its REQUESTED event). */
export interface ChangeRequest {
  id: string;
  kind: 'promote' | 'rollback';
  function: string;
  functionName: string;
  alias: string;
  toVersion: string;
  /** The target alias's version and RevisionId at request time. */
  fromVersion: string;
  fromRevisionId: string;
  /** The target alias's traffic split at request time, cleared by the change. */
  fromWeights: Record<string, number>;
  sourceAlias?: string;
  requester: string;
  team: string;
  channel: string;
  createdAt: string;
  expiresAt: string;
  rule: ApprovalRule;
  selfApproval: boolean;
  /** True when the target alias is the function's last stage (the card asks to confirm). */
  lastStage: boolean;
  /** The two versions as they were when requested, and what differs: the card shows these. */
  versions: { from: VersionSummary; to: VersionSummary };
  diff: VersionDiff;
  /** What the guardrails found when it was made (absent on requests made before them). */
  guards?: RequestGuards;
  /** The function's link templates when requested: the card links the versions' tokens with them. */
  links?: LinkTemplates;
  /** Set when the request came from CI (`ci.promote`), not from a Slack user. */
  origin?: CiOrigin;
  /** A canary or linear rollout (DESIGN.md 3a); absent, the alias moves all at once. */
  rollout?: RolloutPlan;
}

/**
 * Who asked, for a request from CI (DESIGN.md section 3c), recorded in the REQUESTED event's
 * `details`. Lambda tells a function nothing about an IAM caller (no principal ARN in the
 * context): `requestedBy` is what the pipeline says it is, and the invocation's own request id
 * is what ties the request to the Invoke call in CloudTrail (data events), where the principal is.
 */
export interface CiOrigin {
  kind: 'ci';
  /** The payload's free text, e.g. `github-actions: acme/orders run 991`: declared, not proven. */
  requestedBy: string;
  /** Lambda's request id of the invocation (`context.awsRequestId`). */
  invocationId?: string;
  /** The ARN the caller invoked (`context.invokedFunctionArn`): which function, version or alias. */
  invokedFunctionArn?: string;
}

/** The requester recorded for requests from CI (`actor` of their REQUESTED event). */
export const CI_ACTOR = 'ci';

export interface VersionSummary {
  version: string;
  description: string;
  lastModified: string;
  codeSha256: string;
}

export type RequestStatus =
  | 'PENDING'
  /** Enough approvals: the alias update is under way (or its invocation died; see `needsRecovery`). */
  | 'APPLYING'
  /** A rollout under way: traffic shifted to the new version, or paused (see rollout.ts). */
  | 'ROLLING_OUT'
  | 'APPLIED'
  | 'ROLLED_BACK'
  | 'REJECTED'
  | 'CANCELLED'
  | 'EXPIRED'
  | 'STALE'
  | 'FAILED';

export interface RequestState {
  request: ChangeRequest;
  status: RequestStatus;
  /** Every distinct approver, in order. */
  approvals: string[];
  /** The approvals shared out over the request's rules (see countApprovals; `progressOf` when absent). */
  progress?: ApprovalProgress;
  events: AuditEvent[];
  /** The event that ended the request, when it has ended. */
  final?: AuditEvent;
}

const TERMINAL: Partial<Record<AuditAction, RequestStatus>> = {
  REJECTED: 'REJECTED',
  CANCELLED: 'CANCELLED',
  EXPIRED: 'EXPIRED',
  APPLIED: 'APPLIED',
  STALE: 'STALE',
  FAILED: 'FAILED',
  ROLLED_BACK: 'ROLLED_BACK',
};

export function isOpen(status: RequestStatus): boolean {
  return status === 'PENDING' || status === 'APPLYING' || status === 'ROLLING_OUT';
}

/** Folds a request's events (ordered by seq) into its state. */
export function foldRequest(request: ChangeRequest, events: AuditEvent[]): RequestState {
  const progress = countApprovals(request, []);
  const state: RequestState = {
    request,
    // A rule of `required: 0` needs no approval: the request is to be applied as soon as it is made.
    status: progress.complete ? 'APPLYING' : 'PENDING',
    approvals: [],
    progress,
    events,
  };
  for (const event of events) {
    if (state.final) break;
    const terminal = TERMINAL[event.action];
    if (terminal) {
      state.status = terminal;
      state.final = event;
    } else if (event.action === 'APPROVED' && !state.approvals.includes(event.actor)) {
      state.approvals.push(event.actor);
      state.progress = countApprovals(request, givenApprovals(events.slice(0, events.indexOf(event) + 1)));
      if (state.progress.complete) state.status = 'APPLYING';
    } else if (event.action === 'SHIFTED' || event.action === 'PAUSED') {
      // The rollout's first move (or a pause before it) settles the APPLYING step: the rollout's
      // own fold (rollout.ts) says the rest.
      state.status = 'ROLLING_OUT';
    }
  }
  return state;
}

export type Decision =
  /** Append this event; `next` says what follows once it is stored. */
  | { kind: 'append'; event: Omit<AuditEvent, 'seq'>; next: 'wait' | 'apply' | 'closed' | 'refused' }
  /** Nothing to store: tell the actor why. */
  | { kind: 'noop'; reason: NoopReason };

export type NoopReason = 'already-approved' | 'closed' | 'applying' | 'not-requester' | 'denied-again';

export type Click = {
  type: 'approve' | 'reject';
  actor: string;
  allowed: boolean;
  deniedReason?: string;
  /** For a request made with `--override`: the rules the actor is allowed for (see countApprovals). */
  approvedFor?: ApprovalRuleName[];
};

/** Decides what a click does to a request, at `now`. Pure: the caller stores the event. */
export function decideClick(state: RequestState, click: Click, now: Date): Decision {
  if (state.status === 'APPLYING' || state.status === 'ROLLING_OUT')
    return { kind: 'noop', reason: 'applying' };
  if (!isOpen(state.status)) return { kind: 'noop', reason: 'closed' };
  if (now.getTime() >= Date.parse(state.request.expiresAt)) {
    return { kind: 'append', event: eventFor(state.request, 'EXPIRED', 'system', now), next: 'closed' };
  }
  const { request } = state;
  if (click.type === 'reject' && click.actor === request.requester) {
    return { kind: 'append', event: eventFor(request, 'CANCELLED', click.actor, now), next: 'closed' };
  }
  if (!click.allowed) {
    // A repeated refused click (or the same one replayed) is recorded once.
    const last = state.events[state.events.length - 1];
    if (last?.action === 'DENIED' && last.actor === click.actor)
      return { kind: 'noop', reason: 'denied-again' };
    return {
      kind: 'append',
      event: {
        ...eventFor(request, 'DENIED', click.actor, now),
        reason: click.deniedReason ?? 'not an approver',
      },
      next: 'refused',
    };
  }
  if (click.type === 'reject') {
    return { kind: 'append', event: eventFor(request, 'REJECTED', click.actor, now), next: 'closed' };
  }
  if (state.approvals.includes(click.actor)) return { kind: 'noop', reason: 'already-approved' };
  const approval = request.guards?.override
    ? { approvedFor: click.approvedFor ?? ['approvals' as const] }
    : {};
  const given = [...givenApprovals(state.events), { actor: click.actor, for: approval.approvedFor ?? [] }];
  const after = countApprovals(request, given);
  const counted = after.approvals.length + after.freezeOverride.length;
  const before = progressOf(state);
  if (request.guards?.override && counted <= before.approvals.length + before.freezeOverride.length) {
    // Allowed, but only for a rule that has all its approvals: it would count for nothing.
    return decideClick(state, { ...click, allowed: false, deniedReason: uselessApprovalReason(state) }, now);
  }
  return {
    kind: 'append',
    event: { ...eventFor(request, 'APPROVED', click.actor, now), ...approval },
    next: after.complete ? 'apply' : 'wait',
  };
}

function uselessApprovalReason(state: RequestState): string {
  const override = state.request.guards?.override;
  const missing = override ? override.rule.required - progressOf(state).freezeOverride.length : 0;
  return missing > 0
    ? `the approvals for ${state.request.alias} are complete; it still needs ${missing === 1 ? 'an approval' : `${missing} approvals`} from the freeze override rule`
    : `the freeze override is approved; it still needs approvals for ${state.request.alias}`;
}

/** The requester withdraws a pending request. */
export function decideCancel(state: RequestState, actor: string, now: Date): Decision {
  if (state.status === 'APPLYING' || state.status === 'ROLLING_OUT')
    return { kind: 'noop', reason: 'applying' };
  if (!isOpen(state.status)) return { kind: 'noop', reason: 'closed' };
  if (actor !== state.request.requester) return { kind: 'noop', reason: 'not-requester' };
  if (now.getTime() >= Date.parse(state.request.expiresAt)) {
    return { kind: 'append', event: eventFor(state.request, 'EXPIRED', 'system', now), next: 'closed' };
  }
  return { kind: 'append', event: eventFor(state.request, 'CANCELLED', actor, now), next: 'closed' };
}

/**
 * An invocation's claim on one step of a request: the right to call AWS for it (DESIGN.md section
 * 3, exactly once). A step is the sequence number its outcome event will take. Taken with a
 * conditional write before any AWS call, so that of many deliveries of the same work only one
 * calls AWS; a claim whose holder died (past `until`) can be taken over.
 */
export interface StepClaim {
  step: number;
  /** The invocation that holds it (Lambda's request id: the same on Lambda's own retries). */
  owner: string;
  at: string;
  until: string;
}

/** The step an APPLYING request's outcome will take: the next sequence number. */
export function nextStep(state: RequestState): number {
  return state.events.length + 1;
}

/**
 * An APPLYING request that no live invocation is working on: nobody has claimed its step (the
 * work was never started, or its start was lost), or the claim's holder died. The next look
 * starts the work again; the claim keeps a duplicate start harmless.
 */
export function needsApply(state: RequestState, claim: StepClaim | undefined, now: Date): boolean {
  if (state.status !== 'APPLYING') return false;
  if (claim === undefined || claim.step !== nextStep(state)) return true;
  return now.getTime() > Date.parse(claim.until);
}

/**
 * What the bot writes into an alias's description with each change it makes: the request and its
 * step. After a lost answer or a dead invocation, the alias itself then tells whether this step's
 * own UpdateAlias went through, whoever else moved the alias meanwhile.
 */
export function changeMarker(requestId: string, step: number): string {
  return `[lambda-chatops ${requestId}#${step}]`;
}

const MARKER = /\s*\[lambda-chatops R[0-9A-Z]{9}#\d+\]/g;
const DESCRIPTION_LIMIT = 256;

/** The alias's description with this change's marker in place of any earlier one. */
export function withMarker(description: string, marker: string): string {
  const own = description.replace(MARKER, '').trim();
  const room = DESCRIPTION_LIMIT - marker.length - 1;
  const kept = Array.from(own).slice(0, Math.max(0, room)).join('');
  return kept ? `${kept} ${marker}` : marker;
}

export function hasMarker(description: string, marker: string): boolean {
  return description.includes(marker);
}

/** The request and step whose change marker an alias's description carries, if any. */
export function readMarker(description: string): { requestId: string; step: number } | undefined {
  const match = /\[lambda-chatops (R[0-9A-Z]{9})#(\d+)\]/.exec(description);
  return match ? { requestId: match[1] as string, step: Number(match[2]) } : undefined;
}

export function eventFor(
  request: ChangeRequest,
  action: AuditAction,
  actor: string,
  now: Date,
  reason?: string,
): Omit<AuditEvent, 'seq'> {
  return {
    function: request.function,
    functionName: request.functionName,
    alias: request.alias,
    action,
    requestId: request.id,
    actor,
    team: request.team,
    channel: request.channel,
    fromVersion: request.fromVersion,
    toVersion: request.toVersion,
    at: now.toISOString(),
    ...(reason === undefined ? {} : { reason }),
  };
}

const ID_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** `R` and nine Crockford base32 characters: short enough to type in `/lambda cancel`. */
export function newRequestId(randomBytes: Uint8Array): string {
  let id = 'R';
  for (let i = 0; i < 9; i++) id += ID_ALPHABET[(randomBytes[i] ?? 0) % 32];
  return id;
}

/**
 * The actions that end a request. After one, the request no longer holds its alias (one open
 * request per alias, DESIGN.md section 3); ROLLED_BACK ends a rollout.
 */
export const ENDING_ACTIONS: ReadonlySet<AuditAction> = new Set<AuditAction>([
  ...(Object.keys(TERMINAL) as AuditAction[]),
  'ROLLED_BACK',
]);

/**
 * Whether a request still holds its alias against new requests: until it ends. A pending one
 * also lets go when it expires (nobody can approve it any more); an approved one (applying, or
 * rolling out) holds it whatever its age, since it may still move the alias.
 */
export function holdsAlias(state: RequestState, now: Date): boolean {
  if (state.final || state.events.some((event) => ENDING_ACTIONS.has(event.action))) return false;
  return !(state.status === 'PENDING' && now.getTime() >= Date.parse(state.request.expiresAt));
}

/**
 * An approved request whose outcome is overdue: approved more than `afterMs` ago and still not
 * applied. Its apply was never started, or died: a click on its card starts it again.
 */
export function applyOverdue(state: RequestState, now: Date, afterMs: number): boolean {
  if (state.status !== 'APPLYING') return false;
  const last = state.events[state.events.length - 1];
  return last !== undefined && now.getTime() - Date.parse(last.at) > afterMs;
}
