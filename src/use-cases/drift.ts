// Drift (DESIGN.md section 3b): notice an alias changed outside the bot, record it once, and let
// people adopt the new state or roll back to the known one. The worker checks every configured
// stage alias from the heartbeat, and handles CloudTrail's alias calls as they come; the
// Slack-facing function adopts and opens rollback requests, and never moves an alias itself.
import { createHash } from 'node:crypto';
import { type AliasApiCall, functionOfCall } from '../domain/alias-call';
import { type DriftState, decideDrift, driftIdFrom, foldDrift } from '../domain/drift';
import { ChatopsError, isChatopsError } from '../domain/errors';
import type { AliasInfo, ManagedFunction } from '../domain/model';
import { groupsIn, mayApprove, ruleFor } from '../domain/policy';
import { type AuditEvent, foldRequest, needsApply, readMarker } from '../domain/request';
import type { RequestAnnouncer } from '../ports';
import { allSettledOrThrow } from './all-settled-or-throw';
import { type Deps, managedFunction } from './deps';
import { MAX_RACES, type Requested, type Requester, requestPromotion } from './requests';

/** What one look at an alias found. */
export type Noticed =
  | { kind: 'known' | 'baseline' | 'ignored' }
  /** Recorded by an earlier look, not adopted: announced then, unless Slack failed it. */
  | { kind: 'recorded-before'; state: DriftState }
  /** The bot itself is moving the alias right now (its change marker, its step not recorded yet). */
  | { kind: 'busy' }
  /** A new drift, recorded by this look: announce it. */
  | { kind: 'drifted'; state: DriftState };

export interface DriftCheck {
  /** The drifts this check recorded, to announce. */
  drifts: DriftState[];
  /** Drifts recorded before and not adopted: announced already, unless Slack failed then. */
  recorded: DriftState[];
  /** Aliases that could not be read, with why (the check goes on with the others). */
  failures: string[];
}

/** The drift's id: the same for every look at the same change of the same alias. */
export function driftId(fn: string, alias: string, revision: string): string {
  return driftIdFrom(createHash('sha256').update(`${fn}\n${alias}\n${revision}`).digest());
}

/** Compares every configured stage alias with what the bot last knew (the heartbeat's drift job). */
export async function checkDrift(deps: Deps): Promise<DriftCheck> {
  const check: DriftCheck = { drifts: [], recorded: [], failures: [] };
  if (!deps.config.drift) return check;
  const aliases = Object.values(deps.config.functions).flatMap((fn) =>
    fn.stages.map((alias) => ({ fn, alias })),
  );
  // A few aliases at a time: Lambda's control-plane API allows a few requests a second.
  await inBatches(aliases, CHECK_CONCURRENCY, async ({ fn, alias }) => {
    try {
      const [current, known] = await allSettledOrThrow([
        deps.registry.getAlias(fn.functionName, alias),
        deps.audit.lastKnown(fn.key, alias),
      ]);
      const noticed = await notice(deps, fn, current, known, 'system');
      if (noticed.kind === 'drifted') check.drifts.push(noticed.state);
      if (noticed.kind === 'recorded-before') check.recorded.push(noticed.state);
    } catch (error) {
      if (!isChatopsError(error)) throw error;
      check.failures.push(`${fn.key} ${alias}: ${error.message}`);
    }
  });
  return check;
}

const CHECK_CONCURRENCY = 4;

async function inBatches<T>(items: T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  for (let start = 0; start < items.length; start += size) {
    await allSettledOrThrow(items.slice(start, start + size).map(work));
  }
}

/**
 * An alias call CloudTrail reported. A call whose resulting state is no longer the alias's is old
 * news (the bot's own change reported late, or one already superseded): the current state is what
 * counts, and the next call or check reports it.
 */
export async function noticeAliasCall(deps: Deps, call: AliasApiCall): Promise<Noticed> {
  const fn = deps.config.drift ? functionOfCall(deps.config, call) : undefined;
  if (!fn?.stages.includes(call.alias)) return { kind: 'ignored' };
  const current = await deps.registry.getAlias(fn.functionName, call.alias).catch((error: unknown) => {
    if (isChatopsError(error, 'ALIAS_NOT_FOUND')) return undefined;
    throw error;
  });
  const known = await deps.audit.lastKnown(fn.key, call.alias);
  if (call.change === 'delete') {
    if (current) return { kind: 'ignored' }; // created again since
    return recordDeletion(deps, fn, call, known);
  }
  if (!current || current.revisionId !== call.revisionId) return { kind: 'ignored' };
  return notice(deps, fn, current, known, call.actor);
}

async function notice(
  deps: Deps,
  fn: ManagedFunction,
  current: AliasInfo,
  known: AuditEvent | undefined,
  actor: string,
): Promise<Noticed> {
  const decision = decideDrift(current, known);
  if (decision.kind === 'known') return { kind: 'known' };
  const id = driftId(fn.key, current.name, current.revisionId);
  const base = {
    function: fn.key,
    functionName: fn.functionName,
    alias: current.name,
    requestId: id,
    team: deps.config.team ?? '',
    channel: deps.config.drift?.channel ?? '',
    revisionId: current.revisionId,
    at: deps.clock.now().toISOString(),
    seq: 1,
  };
  if (decision.kind === 'baseline') {
    // What the alias is when the bot first looks is what it knows from then on.
    await deps.requests.append({
      ...base,
      action: 'ADOPTED',
      actor: 'system',
      fromVersion: current.version,
      toVersion: current.version,
    });
    return { kind: 'baseline' };
  }
  // Recorded by an earlier look (the usual case after the first): one item, not the function's requests.
  const before = await recordedBefore(deps, id);
  if (before) return before;
  if (await changingNow(deps, current)) return { kind: 'busy' };
  const drifted: AuditEvent = {
    ...base,
    action: 'DRIFTED',
    actor,
    fromVersion: decision.fromVersion,
    toVersion: decision.toVersion,
    reason: decision.reason,
  };
  // The id is the alias and its RevisionId: a second check, a concurrent one or a retried write
  // finds the drift recorded and announces nothing.
  if (!(await deps.requests.append(drifted))) return (await recordedBefore(deps, id)) ?? { kind: 'known' };
  return { kind: 'drifted', state: { drifted } };
}

/** The drift recorded under this id, if any: `known` once adopted. */
async function recordedBefore(deps: Deps, id: string): Promise<Noticed | undefined> {
  const events = await deps.audit.eventsOf(id);
  if (events.length === 0) return undefined;
  const state = foldDrift(events);
  return state && !state.adopted ? { kind: 'recorded-before', state } : { kind: 'known' };
}

async function recordDeletion(
  deps: Deps,
  fn: ManagedFunction,
  call: AliasApiCall,
  known: AuditEvent | undefined,
): Promise<Noticed> {
  const drifted: AuditEvent = {
    function: fn.key,
    functionName: fn.functionName,
    alias: call.alias,
    action: 'DRIFTED',
    requestId: driftId(fn.key, call.alias, `deleted ${call.eventId}`),
    actor: call.actor,
    team: deps.config.team ?? '',
    channel: deps.config.drift?.channel ?? '',
    fromVersion: known?.toVersion ?? '',
    toVersion: '',
    at: deps.clock.now().toISOString(),
    reason: `${call.alias} was deleted outside the bot (${call.at})`,
    seq: 1,
  };
  if (!(await deps.requests.append(drifted)))
    return (await recordedBefore(deps, drifted.requestId)) ?? { kind: 'known' };
  return { kind: 'drifted', state: { drifted } };
}

/**
 * Is the bot itself moving this alias right now? Each of its UpdateAlias calls writes the change
 * marker of its request's step into the alias's description, and records the step's event (with
 * the RevisionId) just after: an alias carrying the marker of a step not yet recorded is the bot's
 * own change in flight, not drift. If the invocation making it died, the request is handed to the
 * worker again, as a click on its card would, so that its outcome gets recorded.
 */
async function changingNow(deps: Deps, alias: AliasInfo): Promise<boolean> {
  const marker = readMarker(alias.description);
  if (!marker) return false;
  const stored = await deps.requests.load(marker.requestId);
  if (!stored || stored.events.some((event) => event.seq >= marker.step)) return false;
  const state = foldRequest(stored.request, stored.events);
  if (needsApply(state, stored.claim, deps.clock.now())) {
    await deps.queue.enqueue({ kind: 'apply', requestId: marker.requestId });
  }
  return true;
}

export interface DriftView {
  state: DriftState;
  outcome: 'adopted' | 'already-adopted' | 'moved-since';
}

/** A drift, or a clear error when the id names none. */
export async function loadDrift(deps: Pick<Deps, 'audit'>, id: string): Promise<DriftState> {
  const state = foldDrift(await deps.audit.eventsOf(id));
  if (!state) throw new ChatopsError('REQUEST_NOT_FOUND', `There is no drift ${id}.`);
  return state;
}

/**
 * Adopt: the drifted state becomes what the bot knows (ADOPTED, with the drifted RevisionId), if
 * the alias is still there; by anyone allowed to approve changes of the alias.
 */
export async function adoptDrift(deps: Deps, input: { driftId: string; actor: string }): Promise<DriftView> {
  for (let race = 0; race < MAX_RACES; race++) {
    const events = await deps.audit.eventsOf(input.driftId);
    const state = foldDrift(events);
    if (!state) throw new ChatopsError('REQUEST_NOT_FOUND', `There is no drift ${input.driftId}.`);
    if (state.adopted) return { state, outcome: 'already-adopted' };
    const { drifted } = state;
    await checkApprover(deps, drifted.alias, input.actor);
    const fn = managedFunction(deps.config, drifted.function);
    const current = await deps.registry.getAlias(fn.functionName, drifted.alias).catch((error: unknown) => {
      if (isChatopsError(error, 'ALIAS_NOT_FOUND')) return undefined;
      throw error;
    });
    // Adopting a state the alias has left would make the bot "know" a state that is not there.
    if (!current || current.revisionId !== drifted.revisionId) return { state, outcome: 'moved-since' };
    const adopted: AuditEvent = {
      ...drifted,
      action: 'ADOPTED',
      actor: input.actor,
      at: deps.clock.now().toISOString(),
      seq: Math.max(...events.map((event) => event.seq)) + 1,
    };
    delete adopted.reason;
    if (await deps.requests.append(adopted)) return { state: { drifted, adopted }, outcome: 'adopted' };
  }
  throw new ChatopsError('CONFLICT', 'Too many people acted on this drift at once; try again.');
}

/** Roll back: a normal request back to the version the bot knew, through the usual approvals. */
export async function rollBackDrift(
  deps: Deps,
  input: { driftId: string; who: Requester },
  announcer?: RequestAnnouncer,
): Promise<Requested> {
  const { drifted, adopted } = await loadDrift(deps, input.driftId);
  if (adopted) {
    throw new ChatopsError(
      'INVALID_REQUEST',
      `Drift ${input.driftId} was adopted: ${drifted.alias} at ${drifted.toVersion} is what the bot knows now. ` +
        `To change it, request it: \`/lambda promote ${drifted.function} ${drifted.alias} <version>\`.`,
    );
  }
  if (!drifted.fromVersion) {
    throw new ChatopsError('INVALID_REQUEST', `The bot knew no version of ${drifted.alias} to roll back to.`);
  }
  return requestPromotion(
    deps,
    { fn: drifted.function, to: drifted.alias, version: drifted.fromVersion },
    input.who,
    announcer,
  );
}

async function checkApprover(deps: Deps, alias: string, actor: string): Promise<void> {
  const rule = ruleFor(deps.config, alias);
  const groups = rule.approvers === 'anyone' || rule.approvers.includes(actor) ? [] : groupsIn(rule);
  const members = await allSettledOrThrow(groups.map((group) => deps.directory.membersOf(group)));
  const verdict = mayApprove({
    rule,
    // Nobody asked for a drift: the rule alone says who may accept it.
    selfApproval: true,
    requester: 'system',
    actor,
    groupMembers: Object.fromEntries(groups.map((group, index) => [group, members[index] ?? []])),
  });
  if (!verdict.allowed) {
    throw new ChatopsError(
      'NOT_ALLOWED',
      `You can't adopt a change of ${alias}: ${verdict.reason}. Nothing was recorded.`,
    );
  }
}
