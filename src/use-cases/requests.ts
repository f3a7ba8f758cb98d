// Change requests: make one (promote, rollback), decide on clicks and cancels, and apply an
// approved one exactly once. Every step is one conditional append to the request's events;
// a writer that loses a race reloads and decides again on the new state.
import { createHash } from 'node:crypto';
import type { RolloutPlan } from '../domain/config-model';
import { AliasBusyError, ChatopsError, isChatopsError } from '../domain/errors';
import {
  type AliasInfo,
  isSplit,
  type ManagedFunction,
  percent,
  trafficShares,
  type VersionInfo,
} from '../domain/model';
import type { RequestedRollout } from '../domain/parse-command';
import { mayRequestIn, ruleFor } from '../domain/policy';
import {
  type AuditEvent,
  type ChangeRequest,
  type CiOrigin,
  type Decision,
  decideCancel,
  decideClick,
  eventFor,
  foldRequest,
  holdsAlias,
  needsApply,
  newRequestId,
  type RequestState,
  type StepClaim,
  type VersionSummary,
} from '../domain/request';
import { rolloutPlanFor } from '../domain/rollout-plan';
import { diffVersions } from '../domain/version-diff';
import { templatesFor } from '../domain/version-metadata';
import type { AliasLease, AsyncTask, CardLocation, LockSet, RequestAnnouncer } from '../ports';
import { allSettledOrThrow } from './all-settled-or-throw';
import { type Deps, managedFunction } from './deps';
import { approvalVerdict, checkRequestGuards, prefetchGroupMembers } from './request-guards';

export const MAX_RACES = 8;

/**
 * How long an alias's lease is respected while its request cannot be found: the REQUESTED write
 * of the invocation that took it may still be on its way (longer than the function's timeout).
 */
export const LEASE_GRACE_MS = 60_000;

const LATEST = '$LATEST';

/** The actor of what the bot does by itself (DESIGN.md section 4). */
const SYSTEM_ACTOR = 'system';

export interface Requester {
  user: string;
  team: string;
  channel: string;
  /** A request from CI: `user` is then `ci` (CI_ACTOR), and this says who the pipeline is. */
  origin?: CiOrigin;
  /**
   * Slack's `trigger_id` of the command. A redelivery of the same command (Slack's retry, a replay)
   * carries the same one, so the request id is derived from it: the redelivery finds its request.
   */
  delivery?: string;
}

export interface Requested {
  state: RequestState;
  /**
   * The request existed when this delivery wrote it: the command was delivered before, or this
   * very write's answer was lost and the SDK's retry met its condition.
   */
  redelivered: boolean;
  /**
   * Where the request's card is (posted by this delivery or an earlier one); absent when none is
   * in the channel (the post failed, or no announcer was given): the caller carries the card.
   */
  card?: CardLocation;
}

/** `--skip-stages` and `--override <reason>` (DESIGN.md 3b), as the command gave them. */
export interface GuardOptions {
  skipStages?: boolean | undefined;
  override?: string | undefined;
}

export type PromoteInput = { fn: string; to: string; rollout?: RequestedRollout | undefined } & (
  | { from: string }
  | { version: string }
) &
  GuardOptions;

/** What a request is about, read from AWS; `toInfo` when already read (fresh). */
interface Plan {
  kind: ChangeRequest['kind'];
  target: AliasInfo;
  toVersion: string;
  toInfo?: VersionInfo;
  /** Read the target version again rather than trust this container's cache. */
  freshTo?: boolean;
  sourceAlias?: string;
  options?: GuardOptions;
  /** A canary or linear rollout (promotions only). */
  rollout?: RolloutPlan;
}

// Round trips in a row (issue 12 measures them), warm:
// 1. the alias's lease, taken alongside the first reads (the aliases, the function's locks, an
//    explicit version read fresh from AWS, a rollback's last applied change). The lease is taken
//    before the reads have validated the command, so a refused command lets it go again before
//    answering. Then, with no call in a row when warm, the versions' details (from this
//    container's cache) and, only for an explicit version or a `minSoak`, where it ran on the
//    previous stage: the request is now fully validated and its state computed.
// 2. the REQUESTED write (a conditional create) and the card's `chat.postMessage`, at once: the
//    card is drawn from the state computed before the write. A rollback's target version, known
//    to this container, is checked fresh against AWS at the same time (issue 9: a deleted version
//    cannot be requested); cold, it is read before round 2, as its details are needed.
// 3. the card's location (a conditional write: the first card saved stays).
// Why no card and no request is ever an orphan (DESIGN.md section 3), each outcome of round 2:
// - the write fails (throttled past the SDK's retries, 500) and the request is not there: the
//   posted card is replaced by a notice without buttons before answering, the lease is let go
//   and the error answered: nobody can approve what was not recorded;
// - the write's answer was lost (the SDK's retry meets the condition) and the request found is
//   ours (same requester and alias): the posted card is its card, saved in round 3;
// - the id exists because the command was delivered twice: one request, and one visible card:
//   the earlier delivery's card stays and this one is removed (`chat.delete`); if the earlier
//   delivery posted none, this card is the card (if both saved at once, the first save wins and
//   the other removes its own);
// - the post fails (429, 500, not_in_channel): the request is recorded and the command's answer
//   carries the card `in_channel`, as before;
// - the rollback's version is gone (or cannot be checked): the request just made is ended at once,
//   `FAILED` by `system` with the reason, its card replaced to say so, the lease let go (any
//   ending event does that), and the requester told.

export async function requestPromotion(
  deps: Deps,
  input: PromoteInput,
  who: Requester,
  announcer?: RequestAnnouncer,
): Promise<Requested> {
  const fn = managedFunction(deps.config, input.fn);
  checkChannel(deps, who.channel);
  const explicit = 'version' in input ? input.version : undefined;
  const options: GuardOptions = { skipStages: input.skipStages, override: input.override };
  // A rollout's plan is fixed when requested: the card shows what the approvers agree to.
  const plan = rolloutPlanFor(deps.config.rollouts, input.to, input.rollout);
  const rollout = plan.steps.length > 0 ? { rollout: plan } : {};
  if (explicit === LATEST) throw latestRefused(`\`${input.to}\` cannot be pointed at $LATEST`);
  return openRequest(deps, fn, input.to, who, announcer, async (): Promise<Plan> => {
    const [target, source, toInfo] = await allSettledOrThrow([
      deps.registry.getAlias(fn.functionName, input.to),
      'from' in input ? deps.registry.getAlias(fn.functionName, input.from) : undefined,
      // Fresh: a version deleted after this container cached it must not be requestable.
      explicit === undefined
        ? undefined
        : deps.registry.getVersion(fn.functionName, explicit, { fresh: true }),
    ]);
    if (source === undefined || !('from' in input)) {
      return {
        kind: 'promote',
        target,
        toVersion: explicit ?? '',
        ...(toInfo ? { toInfo } : {}),
        options,
        ...rollout,
      };
    }
    if (source.version === LATEST) {
      throw latestRefused(`\`${input.from}\` points at $LATEST`);
    }
    if (isSplit(source)) {
      throw new ChatopsError(
        'INVALID_REQUEST',
        `\`${input.from}\` splits its traffic (${describeSplit(source)}), so there is no single version to promote. ` +
          `Promote an explicit version instead: \`/lambda promote ${fn.key} ${input.to} <version>\`.`,
      );
    }
    return {
      kind: 'promote',
      target,
      toVersion: source.version,
      sourceAlias: input.from,
      options,
      ...rollout,
    };
  });
}

export async function requestRollback(
  deps: Deps,
  input: { fn: string; alias: string; override?: string | undefined },
  who: Requester,
  announcer?: RequestAnnouncer,
): Promise<Requested> {
  const fn = managedFunction(deps.config, input.fn);
  checkChannel(deps, who.channel);
  return openRequest(deps, fn, input.alias, who, announcer, async (): Promise<Plan> => {
    const [target, last] = await allSettledOrThrow([
      deps.registry.getAlias(fn.functionName, input.alias),
      deps.audit.lastApplied(fn.key, input.alias),
    ]);
    if (!last) {
      throw new ChatopsError(
        'INVALID_REQUEST',
        `No applied change of \`${input.alias}\` is recorded, so there is nothing to roll back to. ` +
          `Point it at a version explicitly: \`/lambda promote ${fn.key} ${input.alias} <version>\`.`,
      );
    }
    return {
      kind: 'rollback',
      target,
      toVersion: last.fromVersion,
      freshTo: true,
      options: { override: input.override },
    };
  });
}

/** `$LATEST` is mutable: what was approved would not be what runs (DESIGN.md section 3). */
function latestRefused(subject: string): ChatopsError {
  return new ChatopsError(
    'INVALID_REQUEST',
    `${subject}: $LATEST is never promoted from or to, since it changes with every deployment and what was approved would not be what runs. ` +
      'Publish a version and promote that number.',
  );
}

/**
 * Makes a request for one alias: its lease and the plan's reads at once, then the request and its
 * card. The lease is let go again when this invocation took it and the request is not made.
 */
async function openRequest(
  deps: Deps,
  fn: ManagedFunction,
  alias: string,
  who: Requester,
  announcer: RequestAnnouncer | undefined,
  plan: () => Promise<Plan>,
): Promise<Requested> {
  const id = requestIdFor(deps, who);
  const lease: AliasLease = {
    function: fn.key,
    alias,
    requestId: id,
    requester: who.user,
    at: deps.clock.now().toISOString(),
  };
  // The function's locks are read beside the lease and the plan's reads: the guardrails then
  // cost no round trip of their own (in a row) for a promotion between stages.
  const [planned, held, locks] = await Promise.allSettled([
    plan(),
    holdAlias(deps, lease),
    deps.locks.read(fn.key),
  ]);
  const release = async () => {
    if (held.status === 'fulfilled' && held.value.fresh)
      await deps.requests.releaseAlias(fn.key, alias, id).catch(() => undefined);
  };
  try {
    if (planned.status === 'rejected') throw planned.reason;
    if (held.status === 'rejected') throw held.reason;
    if (locks.status === 'rejected') throw locks.reason;
    const made = await createRequest(deps, { ...planned.value, locks: locks.value, fn, id, who }, announcer);
    if (made.redelivered && !holdsAlias(made.state, deps.clock.now())) await release();
    return made;
  } catch (error) {
    await release();
    throw error;
  }
}

/** Takes the alias's lease for a new request, over a holder that has ended or expired. */
async function holdAlias(deps: Deps, lease: AliasLease): Promise<{ fresh: boolean }> {
  let replacing: string | undefined;
  for (let race = 0; race < MAX_RACES; race++) {
    const result = await deps.requests.takeAlias(lease, replacing);
    if (result.taken) return { fresh: result.fresh };
    const { holder } = result;
    replacing = holder?.requestId;
    if (!holder) continue;
    const stored = await deps.requests.load(holder.requestId);
    const now = deps.clock.now();
    if (!stored) {
      if (now.getTime() - Date.parse(holder.at) < LEASE_GRACE_MS) {
        throw new AliasBusyError({ ...holderInfo(holder), status: 'REQUESTING' });
      }
      continue; // taken by a request that was never made
    }
    const state = foldRequest(stored.request, stored.events);
    if (holdsAlias(state, now)) {
      throw new AliasBusyError({
        ...holderInfo(holder),
        requester: state.request.requester,
        status: state.status,
        toVersion: state.request.toVersion,
      });
    }
  }
  throw new ChatopsError('CONFLICT', 'Too many requests for this alias at once; try again.');
}

const holderInfo = (holder: AliasLease) => ({
  requestId: holder.requestId,
  function: holder.function,
  alias: holder.alias,
  requester: holder.requester,
});

/** From the command's delivery when known (a redelivery finds its request), else random. */
function requestIdFor(deps: Deps, who: Requester): string {
  if (!who.delivery) return newRequestId(deps.random(9));
  return newRequestId(createHash('sha256').update(`${who.team}:${who.delivery}`).digest());
}

async function createRequest(
  deps: Deps,
  input: Plan & { fn: ManagedFunction; id: string; who: Requester; locks?: LockSet },
  announcer: RequestAnnouncer | undefined,
): Promise<Requested> {
  const { config, registry, clock } = deps;
  const { fn, target, toVersion, who } = input;
  if (toVersion === LATEST) throw latestRefused(`This would point \`${target.name}\` back at $LATEST`);
  if (target.version === toVersion && !isSplit(target)) {
    throw new ChatopsError(
      'INVALID_REQUEST',
      `\`${target.name}\` already points at version ${toVersion}: nothing to change.`,
    );
  }
  // A version to check fresh whose details this container knows (versions are immutable) is
  // checked beside the write instead of before it; unknown (cold), it is read first.
  const known =
    input.freshTo === true && input.toInfo === undefined
      ? registry.knownVersion(fn.functionName, toVersion)
      : undefined;
  const [fromInfo, toInfo, guards] = await allSettledOrThrow([
    registry.getVersion(fn.functionName, target.version),
    input.toInfo ??
      known ??
      registry.getVersion(fn.functionName, toVersion, { fresh: input.freshTo === true }),
    checkRequestGuards(deps, {
      kind: input.kind,
      fn,
      alias: target.name,
      toVersion,
      sourceAlias: input.sourceAlias,
      requester: who.user,
      ...input.options,
      ...(input.locks ? { locks: input.locks } : {}),
    }),
  ]);
  const now = clock.now();
  const rule = ruleFor(config, target.name);
  const request: ChangeRequest = {
    id: input.id,
    kind: input.kind,
    function: fn.key,
    functionName: fn.functionName,
    alias: target.name,
    toVersion,
    fromVersion: target.version,
    fromRevisionId: target.revisionId,
    fromWeights: target.additionalWeights,
    ...(input.sourceAlias === undefined ? {} : { sourceAlias: input.sourceAlias }),
    requester: who.user,
    team: who.team,
    channel: who.channel,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + config.requestTtlMinutes * 60_000).toISOString(),
    rule,
    selfApproval: config.selfApproval,
    lastStage: fn.stages.length > 0 && fn.stages[fn.stages.length - 1] === target.name,
    versions: { from: summary(fromInfo), to: summary(toInfo) },
    diff: diffVersions(fromInfo, toInfo),
    guards,
    links: templatesFor(config.links, fn.links),
    ...(who.origin === undefined ? {} : { origin: who.origin }),
    ...(input.rollout ? { rollout: input.rollout } : {}),
  };
  const requested: AuditEvent = { ...eventFor(request, 'REQUESTED', who.user, now), seq: 1 };
  // Round 2: everything is validated, so the card is drawn from the state the write will store.
  const [created, posted, stillThere] = await Promise.allSettled([
    deps.requests.create(request, requested),
    announcer?.post(foldRequest(request, [requested])),
    known === undefined ? undefined : registry.getVersion(fn.functionName, toVersion, { fresh: true }),
  ]);
  const card = posted.status === 'fulfilled' ? posted.value : undefined;
  const made = await settleRequest(deps, { request, requested, created, card }, announcer);
  if (stillThere.status === 'rejected') return endVanished(deps, made, stillThere.reason, announcer);
  return made;
}

/** What round 2 left: the write's outcome and the card posted beside it, if any. */
interface RoundTwo {
  request: ChangeRequest;
  requested: AuditEvent;
  created: PromiseSettledResult<boolean>;
  card: CardLocation | undefined;
}

/** Puts the card right for what became of the request's write (see the rounds above). */
async function settleRequest(
  deps: Deps,
  { request, requested, created, card }: RoundTwo,
  announcer: RequestAnnouncer | undefined,
): Promise<Requested> {
  if (created.status === 'fulfilled' && created.value) {
    const saved = card && announcer ? await keepCard(deps, request, card, announcer) : undefined;
    return {
      state: foldRequest(request, [requested]),
      redelivered: false,
      ...(saved ? { card: saved } : {}),
    };
  }
  // The id exists (this command delivered before, or this very write with its answer lost), or
  // the write failed: is the request there, and ours?
  const earlier =
    created.status === 'fulfilled'
      ? await deps.requests.load(request.id)
      : await deps.requests.load(request.id).catch(() => undefined);
  if (
    !earlier ||
    earlier.request.requester !== request.requester ||
    earlier.request.alias !== request.alias
  ) {
    if (created.status === 'rejected') {
      // Nobody may approve a request that was not recorded: its card loses its buttons first.
      const why = created.reason instanceof Error ? created.reason.message : String(created.reason);
      if (card && announcer) await announcer.unrecorded(card, request, why).catch(() => undefined);
      throw created.reason;
    }
    // Someone else's request has this id: this card's buttons would act on it, so it goes.
    if (card && announcer) await announcer.remove(card).catch(() => undefined);
    throw new ChatopsError('CONFLICT', `Request ${request.id} already exists.`);
  }
  const state = foldRequest(earlier.request, earlier.events);
  let kept = earlier.card;
  if (card && announcer) {
    if (kept) {
      // The earlier delivery's card is the card: this one goes.
      if (!sameCard(kept, card)) await announcer.remove(card).catch(() => undefined);
    } else {
      kept = await keepCard(deps, earlier.request, card, announcer);
      // Drawn from the REQUESTED state: redrawn if the request moved on meanwhile.
      if (kept === card && state.events.length > 1)
        await announcer.update(card, state).catch(() => undefined);
    }
  }
  return { state, redelivered: true, ...(kept ? { card: kept } : {}) };
}

/**
 * Saves the card's location (round 3). The first card saved for a request stays: a card that
 * lost to another delivery's is removed. Unsaved, the card still is the card (its buttons carry
 * the request's id; clicks answer through their response_url).
 */
async function keepCard(
  deps: Deps,
  request: ChangeRequest,
  card: CardLocation,
  announcer: RequestAnnouncer,
): Promise<CardLocation> {
  let stored: CardLocation;
  try {
    stored = await deps.requests.saveCard(request, card);
  } catch (error) {
    announcer.locationNotSaved(request, error);
    return card;
  }
  if (sameCard(stored, card)) return card;
  await announcer.remove(card).catch(() => undefined);
  return stored;
}

const sameCard = (a: CardLocation, b: CardLocation) => a.channel === b.channel && a.ts === b.ts;

/**
 * The rollback's target version was deleted (or whether it exists could not be checked) while
 * the request was being written: a request just made for it ends at once, `FAILED` by `system`
 * (an ending event: its alias is let go), its card says so, and the requester is told. A request
 * that moved on meanwhile (a redelivery's, approved since), or that could not be ended, stands as
 * it is, holding its alias: once approved, its UpdateAlias on a missing version fails, recorded
 * FAILED.
 */
async function endVanished(
  deps: Deps,
  made: Requested,
  problem: unknown,
  announcer: RequestAnnouncer | undefined,
): Promise<Requested> {
  if (made.state.events.length !== 1) return made;
  const { request } = made.state;
  const version = `version ${request.toVersion} of ${request.functionName}`;
  const gone = isChatopsError(problem, 'VERSION_NOT_FOUND');
  const reason = gone
    ? `${version} no longer exists`
    : `whether ${version} still exists could not be checked (${problem instanceof Error ? problem.message : String(problem)})`;
  const failed: AuditEvent = {
    ...eventFor(request, 'FAILED', SYSTEM_ACTOR, deps.clock.now(), reason),
    seq: 2,
  };
  if (!(await deps.requests.append(failed).catch(() => false))) return made;
  if (made.card && announcer) {
    const state = foldRequest(request, [...made.state.events, failed]);
    await announcer.update(made.card, state).catch(() => undefined);
  }
  const code = gone ? 'VERSION_NOT_FOUND' : isChatopsError(problem) ? problem.code : 'UPSTREAM_FAILURE';
  throw new ChatopsError(
    code,
    `${capitalize(reason)}: request ${request.id} was ended (failed), nothing will change.`,
    { cause: problem },
  );
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

export type ClickOutcome =
  | Extract<Decision, { kind: 'append' }>['next']
  | Extract<Decision, { kind: 'noop' }>['reason']
  /** Approved, but the worker could not be started (its Invoke throttled or failing). */
  | 'apply-not-started';

export interface StepResult {
  state: RequestState;
  outcome: ClickOutcome;
  /** The event this step stored, if any. */
  event?: AuditEvent;
  /** Where the request's card was posted, when known. */
  card?: CardLocation;
  /** Why the apply could not be started (outcome `apply-not-started`). */
  problem?: string;
  /** This step handed the apply to the worker: its task draws the card from here on. */
  applyStarted?: true;
}

/** Where the worker reports on a click: its response_url, and the card it was made on (its payload's). */
export interface ClickReply {
  responseUrl?: string | undefined;
  card?: CardLocation | undefined;
}

/**
 * Leaves the request's card to the worker (its `request.card` task draws it as the request is then,
 * and reads again after the update). Returns why the worker could not be started, for whatever
 * reason (no worker configured included), or undefined: the caller can draw the card itself instead.
 */
export async function queueCard(
  deps: Deps,
  requestId: string,
  { responseUrl, card }: ClickReply,
): Promise<string | undefined> {
  try {
    await deps.queue.enqueue(clickTask('request.card', requestId, { responseUrl, card }));
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** A task the worker does for a click: it reports through the click's response_url and card. */
function clickTask(
  kind: 'apply' | 'request.card',
  requestId: string,
  { responseUrl, card }: ClickReply,
): AsyncTask {
  return { kind, requestId, ...(responseUrl ? { responseUrl } : {}), ...(card ? { card } : {}) };
}

/**
 * An Approve or Reject click on a request's card. Round trips in a row (issue 12): 1. the request's
 * events, and beside them the approval rules' user groups (when not cached); 2. the decision's
 * conditional append; 3. when the click completes the approvals, the Invokes that hand the apply
 * and the card to the worker, at once. The rest of what the click shows is the listener's
 * (request-buttons.ts).
 */
export async function click(
  deps: Deps,
  input: { requestId: string; actor: string; type: 'approve' | 'reject' } & ClickReply,
): Promise<StepResult> {
  const prefetched = prefetchGroupMembers(deps, input.actor);
  try {
    return await step(deps, input.requestId, { ...input, withCard: true }, (state, now) =>
      decideOnClick(deps, input, state, now),
    );
  } finally {
    // Never rejects; waited for so that no call outlives the answer (Lambda freezes the container).
    await prefetched;
  }
}

async function decideOnClick(
  deps: Deps,
  input: { actor: string; type: 'approve' | 'reject' },
  state: RequestState,
  now: Date,
): Promise<Decision> {
  const verdict = await approvalVerdict(deps, state.request, input.actor);
  return decideClick(
    state,
    {
      type: input.type,
      actor: input.actor,
      allowed: verdict.allowed,
      ...(verdict.allowed
        ? verdict.approvedFor
          ? { approvedFor: verdict.approvedFor }
          : {}
        : { deniedReason: verdict.reason }),
    },
    now,
  );
}

/** `/lambda cancel <id>`: the requester withdraws the request. */
export async function cancel(deps: Deps, input: { requestId: string; actor: string }): Promise<StepResult> {
  return step(deps, input.requestId, {}, async (state, now) => decideCancel(state, input.actor, now));
}

async function step(
  deps: Deps,
  requestId: string,
  /** `withCard`: a completing step leaves the card to the worker too (clicks; see click). */
  reply: ClickReply & { withCard?: boolean },
  decide: (state: RequestState, now: Date) => Promise<Decision>,
): Promise<StepResult> {
  for (let race = 0; race < MAX_RACES; race++) {
    const { state, card, claim } = await loadState(deps, requestId);
    const located = card ? { card } : {};
    const now = deps.clock.now();
    if (needsApply(state, claim, now)) {
      // Approved, but no live invocation is applying it (its start failed or was lost, or it
      // died): start it again now. A duplicate start is harmless: only the claim's holder calls AWS.
      const problem = await startApply(deps, requestId, reply);
      return problem === undefined
        ? { state, outcome: 'applying', applyStarted: true, ...located }
        : { state, outcome: 'apply-not-started', problem, ...located };
    }
    const decision = await decide(state, now);
    if (decision.kind === 'noop') return { state, outcome: decision.reason, ...located };
    const event: AuditEvent = { ...decision.event, seq: state.events.length + 1 };
    if (!(await deps.requests.append(event))) continue;
    const next = foldRequest(state.request, [...state.events, event]);
    if (decision.next === 'apply') {
      // The card is a task of its own beside the apply's: it shows the approval (and Retry) even
      // when the apply's invocation is lost, and the apply's task draws it again when done. Its
      // own failure needs nothing more: the apply's task draws the card, or, when the apply did
      // not start either, the click does.
      const [problem] = await allSettledOrThrow([
        startApply(deps, requestId, reply),
        reply.withCard ? queueCard(deps, requestId, reply) : undefined,
      ]);
      if (problem !== undefined)
        return { state: next, outcome: 'apply-not-started', event, problem, ...located };
      return { state: next, outcome: decision.next, event, applyStarted: true, ...located };
    }
    return { state: next, outcome: decision.next, event, ...located };
  }
  throw new ChatopsError('CONFLICT', 'Too many people acted on this request at once; try again.');
}

/**
 * Hands the apply to the worker. The approval is stored already: a failed start leaves the request
 * approved with nobody applying it, which the next click (or look) starts again (`needsApply`).
 * Returns why it could not be started, or undefined.
 */
async function startApply(deps: Deps, requestId: string, reply: ClickReply) {
  try {
    await deps.queue.enqueue(clickTask('apply', requestId, reply));
    return undefined;
  } catch (error) {
    if (!(error instanceof ChatopsError)) throw error;
    return error.message;
  }
}

export interface StoredState {
  state: RequestState;
  card?: CardLocation;
  claim?: StepClaim;
}

export async function loadState(deps: Pick<Deps, 'requests'>, requestId: string): Promise<StoredState> {
  const stored = await deps.requests.load(requestId);
  if (!stored) throw new ChatopsError('REQUEST_NOT_FOUND', `There is no request ${requestId}.`);
  return {
    state: foldRequest(stored.request, stored.events),
    ...(stored.card ? { card: stored.card } : {}),
    ...(stored.claim ? { claim: stored.claim } : {}),
  };
}

function checkChannel(deps: Deps, channel: string) {
  if (!mayRequestIn(deps.config, channel)) {
    const allowed = deps.config.channels.map((id) => `<#${id}>`).join(', ');
    throw new ChatopsError('NOT_ALLOWED', `Changes can be requested only in ${allowed}.`);
  }
}

export function describeSplit(alias: AliasInfo): string {
  return trafficShares(alias)
    .map(({ version, weight }) => `${version} ${percent(weight)}`)
    .join(', ');
}

function summary(version: VersionInfo): VersionSummary {
  return {
    version: version.version,
    description: version.description,
    lastModified: version.lastModified,
    codeSha256: version.codeSha256,
  };
}
