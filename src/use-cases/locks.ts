// Deploy locks (DESIGN.md section 3b): take one, lift one, list them, and start the approved
// requests a lock kept waiting. A function's locks are one item (LockStore), changed by a
// conditional write on the version read: a writer that loses a race reads again and is judged
// against the winner, so a function lock and an alias lock taken at once never both hold. Each
// change is also an immutable audit event (LOCKED / UNLOCKED, requestId = the lock's id).
import { ChatopsError } from '../domain/errors';
import { GuardRefusal } from '../domain/guard-refusal';
import {
  describeLock,
  isInForce,
  type Lock,
  lockedEvent,
  locksInForce,
  lockToLift,
  mayLock,
  mayPassLocks,
  mayUnlock,
  newLock,
  newLockId,
  unlockedEvent,
  WHOLE_FUNCTION,
} from '../domain/lock';
import type { ManagedFunction } from '../domain/model';
import { groupsIn, mayApprove, ruleFor } from '../domain/policy';
import type { AuditEvent } from '../domain/request';
import { foldRequest } from '../domain/request';
import { allSettledOrThrow } from './all-settled-or-throw';
import { type Deps, managedFunction } from './deps';
import { MAX_RACES, type Requester } from './requests';

export interface LockInput {
  fn: string;
  alias?: string | undefined;
  forMs?: number | undefined;
  reason?: string | undefined;
}

/** `/lambda lock <fn> [alias] [--for 2h] [reason…]`. */
export async function lock(deps: Deps, input: LockInput, who: Requester): Promise<Lock> {
  const fn = managedFunction(deps.config, input.fn);
  const id = newLockId(deps.random(9));
  for (let race = 0; race < MAX_RACES; race++) {
    const current = await deps.locks.read(fn.key);
    const now = deps.clock.now();
    const candidate = newLock({
      id,
      function: fn.key,
      ...(input.alias === undefined ? {} : { alias: input.alias }),
      holder: who.user,
      reason: input.reason ?? '',
      at: now,
      ...(input.forMs === undefined ? {} : { forMs: input.forMs }),
    });
    const verdict = mayLock(current.locks, candidate, now);
    if (!verdict.allowed) {
      const same = verdict.lock.holder === who.user && verdict.lock.alias === candidate.alias;
      throw new GuardRefusal([
        ...describeLock(verdict.lock),
        {
          kind: 'text',
          text: same
            ? ` To change it, \`/lambda unlock ${unlockArgs(verdict.lock)}\` first.`
            : ' One lock at a time: ask its holder, or an approver, to unlock it.',
        },
      ]);
    }
    const next = [...locksInForce(current.locks, now), candidate];
    if (!(await deps.locks.replace(fn.key, next, current.version))) continue;
    await record(deps, lockedEvent(candidate, where(fn, who)), async () => {
      // The audit event could not be written: a lock nobody can see in the history must not hold.
      await deps.locks.replace(fn.key, locksInForce(current.locks, now), current.version + 1);
    });
    return candidate;
  }
  throw new ChatopsError('CONFLICT', 'Too many lock changes at once; try again.');
}

export interface Unlocked {
  lock: Lock;
  /** Approved requests it kept waiting, now handed to the worker. */
  released: string[];
}

/** `/lambda unlock <fn> [alias]`: the holder, or an approver for the alias (DESIGN.md 3b). */
export async function unlock(
  deps: Deps,
  input: { fn: string; alias?: string | undefined },
  who: Requester,
): Promise<Unlocked> {
  const fn = managedFunction(deps.config, input.fn);
  for (let race = 0; race < MAX_RACES; race++) {
    const current = await deps.locks.read(fn.key);
    const now = deps.clock.now();
    const target = lockToLift(current.locks, fn.key, input.alias, now);
    if (!target) throw notLocked(fn, input.alias, current.locks, now);
    const lastStage = fn.stages[fn.stages.length - 1];
    const alias = target.alias === WHOLE_FUNCTION ? lastStage : target.alias;
    const approver = alias === undefined ? false : await mayApproveFor(deps, alias, who.user);
    const verdict = mayUnlock({
      lock: target,
      actor: who.user,
      stages: fn.stages,
      mayApproveFor: () => approver,
    });
    if (!verdict.allowed) {
      throw new GuardRefusal([
        ...describeLock(target),
        { kind: 'text', text: ` You cannot lift it: ${verdict.reason}.` },
      ]);
    }
    const rest = locksInForce(current.locks, now).filter((lock) => lock.id !== target.id);
    if (!(await deps.locks.replace(fn.key, rest, current.version))) continue;
    await record(deps, unlockedEvent(target, where(fn, who), who.user, now));
    return { lock: target, released: await applyWaiting(deps, fn.key) };
  }
  throw new ChatopsError('CONFLICT', 'Too many lock changes at once; try again.');
}

/** `/lambda locks`: every lock in force, function by function (one read each, at once). */
export async function locksInForceEverywhere(deps: Deps): Promise<Lock[]> {
  const now = deps.clock.now();
  const sets = await allSettledOrThrow(Object.keys(deps.config.functions).map((key) => deps.locks.read(key)));
  return sets.flatMap((set) => locksInForce(set.locks, now));
}

/** The locks in force on one function (for `status`). */
export async function functionLocks(deps: Pick<Deps, 'locks' | 'clock'>, fnKey: string): Promise<Lock[]> {
  return locksInForce((await deps.locks.read(fnKey)).locks, deps.clock.now());
}

/**
 * Hands the worker the approved requests of a function that a lock kept waiting and that no lock
 * holds any more: at an unlock, and from the worker's heartbeat for locks that ended by
 * themselves. Also those that expired meanwhile, which the worker then ends (EXPIRED). Returns
 * their ids. Safe to call any time: the worker's claim keeps a duplicate start harmless.
 */
export async function applyWaiting(deps: Deps, fnKey: string): Promise<string[]> {
  // Twice the request lifetime: a request approved at the end of its life and kept waiting past
  // its expiry is still found (and ended) by the next heartbeat.
  const now = deps.clock.now();
  const since = new Date(now.getTime() - 2 * deps.config.requestTtlMinutes * 60_000);
  const [recent, current] = await allSettledOrThrow([
    deps.requests.recentRequests(fnKey, since),
    deps.locks.read(fnKey),
  ]);
  const started: string[] = [];
  for (const stored of recent) {
    const state = foldRequest(stored.request, stored.events);
    if (state.status !== 'APPLYING') continue;
    const { request } = state;
    const expired = now.getTime() >= Date.parse(request.expiresAt);
    const held = !mayPassLocks(current.locks, fnKey, request.alias, request.requester, now).allowed;
    if (held && !expired) continue;
    await deps.queue.enqueue({ kind: 'apply', requestId: request.id });
    started.push(request.id);
  }
  return started;
}

async function mayApproveFor(deps: Deps, alias: string, actor: string): Promise<boolean> {
  const rule = ruleFor(deps.config, alias);
  const groups = rule.approvers === 'anyone' || rule.approvers.includes(actor) ? [] : groupsIn(rule);
  const members = await allSettledOrThrow(groups.map((group) => deps.directory.membersOf(group)));
  return mayApprove({
    rule,
    // Lifting a lock is not approving one's own request: the holder case is decided by mayUnlock.
    selfApproval: true,
    requester: actor,
    actor,
    groupMembers: Object.fromEntries(groups.map((group, index) => [group, members[index] ?? []])),
  }).allowed;
}

function notLocked(fn: ManagedFunction, alias: string | undefined, locks: Lock[], now: Date): ChatopsError {
  const inForce = locks.filter((lock) => isInForce(lock, now));
  const scopes = inForce.map((lock) => `\`/lambda unlock ${unlockArgs(lock)}\``);
  const what =
    alias === undefined
      ? `${fn.key} has no lock on the whole function`
      : `${fn.key} ${alias} has no lock of its own`;
  return new ChatopsError(
    'INVALID_REQUEST',
    scopes.length === 0 ? `${fn.key} is not locked.` : `${what}; its locks in force: ${scopes.join(', ')}.`,
  );
}

const unlockArgs = (lock: Lock) =>
  lock.alias === WHOLE_FUNCTION ? lock.function : `${lock.function} ${lock.alias}`;

const where = (fn: ManagedFunction, who: Requester) => ({
  functionName: fn.functionName,
  team: who.team,
  channel: who.channel,
});

/** Appends a lock's audit event; `undo` runs when it cannot be stored. */
async function record(deps: Deps, event: AuditEvent, undo?: () => Promise<void>): Promise<void> {
  let stored = false;
  try {
    stored = await deps.requests.append(event);
  } catch (error) {
    await undo?.().catch(() => undefined);
    throw error;
  }
  if (!stored) {
    await undo?.().catch(() => undefined);
    throw new ChatopsError('CONFLICT', `The audit event of lock ${event.requestId} could not be stored.`);
  }
}
