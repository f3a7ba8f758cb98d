// Deploy locks (DESIGN.md section 3b): the lock in force for an alias, who may request past it,
// who may lift it, and the sentence a refusal shows. A lock is its LOCKED audit event; UNLOCKED
// (same lock id) ends it, and a lock with `until` ends by itself: expiry is computed here from
// the time given, never written. Pure: the caller passes the instant and the approval decision.

import type { AuditEvent } from './request';
import { newRequestId } from './request';
import type { SentencePart } from './sentence';

/** `alias` of a lock covering every alias of its function. */
export const WHOLE_FUNCTION = '*';

export interface Lock {
  /** `L` and nine Crockford base32 characters (the alphabet of request ids). */
  id: string;
  /** The function's configuration key. */
  function: string;
  /** A stage alias, or `*` for every alias of the function. */
  alias: string;
  /** Slack user id of whoever locked it. */
  holder: string;
  reason: string;
  /** ISO-8601: when it was taken. */
  at: string;
  /** ISO-8601: when it ends by itself; absent: until someone unlocks it. */
  until?: string;
}

/** `L` and nine characters from `randomBytes`, like request ids (`R…`), so both can be typed. */
export function newLockId(randomBytes: Uint8Array): string {
  return `L${newRequestId(randomBytes).slice(1)}`;
}

export const isLockId = (id: string) => /^L[0-9A-HJKMNP-TV-Z]{9}$/.test(id);

export function isInForce(lock: Lock, at: Date): boolean {
  return lock.until === undefined || at.getTime() < Date.parse(lock.until);
}

/** The locks in force at `at` covering `alias` of function `fn`: its own and the function-wide one. */
export function locksCovering(locks: Lock[], fn: string, alias: string, at: Date): Lock[] {
  return locks.filter(
    (lock) =>
      lock.function === fn && (lock.alias === alias || lock.alias === WHOLE_FUNCTION) && isInForce(lock, at),
  );
}

/**
 * The lock that keeps `alias` locked at `at`, or undefined. With both an alias lock and a
 * function-wide lock in force, the one ending last (a lock without end first): what a requester
 * has to wait for.
 */
export function lockFor(locks: Lock[], fn: string, alias: string, at: Date): Lock | undefined {
  const end = (lock: Lock) => (lock.until === undefined ? Number.POSITIVE_INFINITY : Date.parse(lock.until));
  return locksCovering(locks, fn, alias, at).reduce<Lock | undefined>(
    (latest, lock) => (!latest || end(lock) > end(latest) ? lock : latest),
    undefined,
  );
}

/** The lock `unlock <fn> [alias]` lifts: exactly that scope (no alias: the function-wide lock). */
export function lockToLift(locks: Lock[], fn: string, alias: string | undefined, at: Date): Lock | undefined {
  const scope = alias ?? WHOLE_FUNCTION;
  return locks.find((lock) => lock.function === fn && lock.alias === scope && isInForce(lock, at));
}

export type LockVerdict = { allowed: true } | { allowed: false; lock: Lock };

/**
 * May `user` make (or have applied) a change to `alias` at `at`? Only a holder passes their own
 * lock; with two locks in force (the alias's and the function's), they must hold both.
 */
export function mayPassLocks(locks: Lock[], fn: string, alias: string, user: string, at: Date): LockVerdict {
  const blocking = locksCovering(locks, fn, alias, at).filter((lock) => lock.holder !== user);
  if (blocking.length === 0) return { allowed: true };
  return { allowed: false, lock: lockFor(blocking, fn, alias, at) as Lock };
}

export type UnlockVerdict = { allowed: true } | { allowed: false; reason: string };

/**
 * May `actor` lift `lock`? Its holder, or anyone allowed to approve for the alias; for a
 * function-wide lock, for the function's last stage. `mayApproveFor` is the approval policy
 * decided by the caller (user groups resolved). A function without stages has no last stage:
 * only the holder may lift its function-wide lock (deny by default).
 */
export function mayUnlock(input: {
  lock: Lock;
  actor: string;
  stages: string[];
  mayApproveFor: (alias: string) => boolean;
}): UnlockVerdict {
  const { lock, actor, stages, mayApproveFor } = input;
  if (actor === lock.holder) return { allowed: true };
  const alias = lock.alias === WHOLE_FUNCTION ? stages[stages.length - 1] : lock.alias;
  if (alias !== undefined && mayApproveFor(alias)) return { allowed: true };
  return {
    allowed: false,
    reason:
      alias === undefined
        ? 'only the holder may lift a lock on a function without stages'
        : `only the holder or an approver for ${alias} may lift this lock`,
  };
}

export function newLock(input: {
  id: string;
  function: string;
  alias?: string;
  holder: string;
  reason: string;
  at: Date;
  forMs?: number;
}): Lock {
  if (input.forMs !== undefined && !(input.forMs > 0)) throw new RangeError('a lock lasts a positive time');
  return {
    id: input.id,
    function: input.function,
    alias: input.alias ?? WHOLE_FUNCTION,
    holder: input.holder,
    reason: input.reason,
    at: input.at.toISOString(),
    ...(input.forMs === undefined ? {} : { until: new Date(input.at.getTime() + input.forMs).toISOString() }),
  };
}

/**
 * The locks the events describe (LOCKED, minus those an UNLOCKED with the same id ended), in the
 * order taken. Expired locks are kept: `isInForce` decides at the instant asked.
 */
export function locksFromEvents(events: AuditEvent[]): Lock[] {
  const open = new Map<string, Lock>();
  for (const event of events) {
    if (event.action === 'LOCKED') {
      open.set(event.requestId, {
        id: event.requestId,
        function: event.function,
        alias: event.alias,
        holder: event.actor,
        reason: event.reason ?? '',
        at: event.at,
        ...(event.until === undefined ? {} : { until: event.until }),
      });
    } else if (event.action === 'UNLOCKED') {
      open.delete(event.requestId);
    }
  }
  return [...open.values()];
}

/** "orders prod is locked by @holder since <at> until <until>: <reason>" (parts absent when unknown). */
export function describeLock(lock: Lock): SentencePart[] {
  const scope =
    lock.alias === WHOLE_FUNCTION ? `${lock.function} (every alias)` : `${lock.function} ${lock.alias}`;
  const parts: SentencePart[] = [
    { kind: 'text', text: `${scope} is locked by ` },
    { kind: 'user', id: lock.holder },
    { kind: 'text', text: ' since ' },
    { kind: 'date', iso: lock.at },
  ];
  if (lock.until === undefined) parts.push({ kind: 'text', text: ' until unlocked' });
  else parts.push({ kind: 'text', text: ' until ' }, { kind: 'date', iso: lock.until });
  if (lock.reason.trim() !== '')
    parts.push({ kind: 'text', text: ': ' }, { kind: 'reason', text: lock.reason });
  parts.push({ kind: 'text', text: '.' });
  return parts;
}

export type LockTakeVerdict = { allowed: true } | { allowed: false; lock: Lock };

/**
 * May `candidate` be taken next to `locks`? Not while a lock in force overlaps its scope: the
 * same alias, or any alias of the function when either of them is function-wide. The holder of
 * an overlapping lock may add another (a function lock and a longer one on prod), but not the
 * same scope twice: unlock first to change it. This is what makes "a function lock and an alias
 * lock taken at once" a conflict: whichever is written second sees the first and is refused.
 */
export function mayLock(locks: Lock[], candidate: Lock, at: Date): LockTakeVerdict {
  const overlapping = locks.filter(
    (lock) =>
      lock.function === candidate.function &&
      isInForce(lock, at) &&
      (lock.alias === candidate.alias || lock.alias === WHOLE_FUNCTION || candidate.alias === WHOLE_FUNCTION),
  );
  const blocking = overlapping.find(
    (lock) => lock.holder !== candidate.holder || lock.alias === candidate.alias,
  );
  return blocking ? { allowed: false, lock: blocking } : { allowed: true };
}

/** The locks still in force at `at`: what a lock item keeps when it is written again. */
export function locksInForce(locks: Lock[], at: Date): Lock[] {
  return locks.filter((lock) => isInForce(lock, at));
}

/** The LOCKED audit event of a lock (seq 1 of its id); `functionName` is the Lambda name. */
export function lockedEvent(lock: Lock, where: { functionName: string; team: string; channel: string }) {
  return {
    ...lockEventBase(lock, where),
    action: 'LOCKED' as const,
    actor: lock.holder,
    at: lock.at,
    ...(lock.reason.trim() === '' ? {} : { reason: lock.reason }),
    ...(lock.until === undefined ? {} : { until: lock.until }),
    seq: 1,
  } satisfies AuditEvent;
}

/** The UNLOCKED audit event of a lock (seq 2 of its id), by whoever lifted it. */
export function unlockedEvent(
  lock: Lock,
  where: { functionName: string; team: string; channel: string },
  actor: string,
  at: Date,
): AuditEvent {
  return { ...lockEventBase(lock, where), action: 'UNLOCKED', actor, at: at.toISOString(), seq: 2 };
}

function lockEventBase(lock: Lock, where: { functionName: string; team: string; channel: string }) {
  return {
    function: lock.function,
    functionName: where.functionName,
    alias: lock.alias,
    requestId: lock.id,
    team: where.team,
    channel: where.channel,
    fromVersion: '',
    toVersion: '',
  };
}
