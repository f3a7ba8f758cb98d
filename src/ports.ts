// Ports: what the use cases need from the outside world, named for what they do. Adapters in
// src/adapters implement them for AWS; tests and the sandbox reach those adapters over HTTP.

import type { MetricWindow, VersionMetrics } from './domain/health';
import type { Lock } from './domain/lock';
import type { AliasInfo, VersionInfo } from './domain/model';
import type { AuditEvent, ChangeRequest, RequestState, StepClaim } from './domain/request';
import type { Tick } from './domain/rollout';

export interface LambdaRegistry {
  /** Every alias of a function. */
  listAliases(functionName: string): Promise<AliasInfo[]>;
  getAlias(functionName: string, alias: string): Promise<AliasInfo>;
  /** Every published version (not `$LATEST`), oldest first. */
  listVersions(functionName: string): Promise<VersionInfo[]>;
  /**
   * One published version. Versions are immutable, so a version read before may come from this
   * container's cache; `fresh` asks AWS again (a version can be deleted after it was cached).
   */
  getVersion(functionName: string, version: string, options?: { fresh?: boolean }): Promise<VersionInfo>;
  /**
   * A version this container has read before, without asking AWS (undefined when it has not).
   * Its details are immutable; only whether it still exists needs AWS (`getVersion` fresh).
   */
  knownVersion(functionName: string, version: string): VersionInfo | undefined;
}

/** The one change the bot makes in AWS: only the worker holds it (DESIGN.md section 6). */
export interface AliasUpdater {
  /**
   * Points an alias at `version`, sending `weights` (version → 0..1; empty clears a split) to
   * others, only if the alias's RevisionId is still `revisionId` (`ALIAS_MOVED` otherwise).
   * `description` carries the change's marker (see `changeMarker`).
   */
  updateAlias(
    functionName: string,
    alias: string,
    change: { version: string; revisionId: string; weights: Record<string, number>; description: string },
  ): Promise<AliasInfo>;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Work that may take longer than Slack's 3 seconds, done in another invocation. */
export interface WorkQueue {
  enqueue(task: AsyncTask): Promise<void>;
}

/** A task run by the bot's own asynchronous invocation; it reports through Slack. */
export type AsyncTask =
  | { kind: 'versions'; fn: string; limit: number; responseUrl: string }
  /**
   * Apply an approved request: UpdateAlias, record the outcome, replace the card. `card`: where
   * the click that asked for it saw the card, used when the request has no stored location.
   */
  | { kind: 'apply'; requestId: string; responseUrl?: string; card?: CardLocation }
  /**
   * Draw a request's card as the request is now (after a click that did not complete it), and
   * keep it so: card-sync's read after the update, off the click's answer. `card` as for `apply`.
   */
  | { kind: 'request.card'; requestId: string; responseUrl?: string; card?: CardLocation }
  /** A rollout step's timer (EventBridge Scheduler's Input): judge the step and take the next. */
  | ({ kind: 'rollout.tick' } & Tick)
  /** After Promote now or Resume: the worker takes the rollout's next move (or re-arms its timer). */
  | { kind: 'rollout.continue'; requestId: string }
  /** Roll back clicked by an allowed user: the worker moves the alias back and records it. */
  | { kind: 'rollout.rollback'; requestId: string; actor: string; responseUrl?: string };

/** The rollout's timer: one one-time schedule per step (worker only, DESIGN.md 3a). */
export interface RolloutScheduler {
  /**
   * Makes sure `tick` is delivered to the worker at `at`. Idempotent: the schedule's name is the
   * tick's, so a retried or repeated call for the same tick schedules it once.
   */
  schedule(tick: Tick, at: Date, variant?: string): Promise<void>;
  /** Removes the tick's schedule if it has not fired (a rollout that ended early); none is fine. */
  cancel(tick: Tick): Promise<void>;
}

/** What a rollout step is judged by (worker only). */
export interface MetricsReader {
  /** One version's Invocations and Errors through one alias over `window` (sums; no data is 0). */
  versionMetrics(query: {
    functionName: string;
    alias: string;
    version: string;
    window: MetricWindow;
  }): Promise<VersionMetrics>;
  /** Of `names`, the alarms now in ALARM, where `functionName` lives (its account and region). */
  alarmsInAlarm(names: string[], functionName: string): Promise<string[]>;
}

/** The outcome of asking for a step's claim (see StepClaim). */
export type ClaimResult =
  /** Ours; `previous` is the claim we took over (a dead holder's, or our own earlier attempt's). */
  | { taken: true; previous?: StepClaim }
  /** Another live invocation holds it. */
  | { taken: false; holder: StepClaim };

/** Where an approval card was posted, when Slack told us (chat.postMessage). */
export interface CardLocation {
  channel: string;
  ts: string;
}

/**
 * The card of a request being made (issue 12): posted at the same time as its REQUESTED write, so
 * the use case says what became of the request and the announcer puts the card right.
 */
export interface RequestAnnouncer {
  /** Posts the request's card; undefined when it could not be posted (the caller carries it). */
  post(state: RequestState): Promise<CardLocation | undefined>;
  /** The card again, for a request that moved on (ended at once, or approved meanwhile). */
  update(card: CardLocation, state: RequestState): Promise<void>;
  /** Replaces the card with a notice without buttons: the request was not recorded. */
  unrecorded(card: CardLocation, request: ChangeRequest, why: string): Promise<void>;
  /** Removes a card posted twice: the request's card is the earlier one. */
  remove(card: CardLocation): Promise<void>;
  /** The card is out but its location could not be saved (clicks still reach it). */
  locationNotSaved(request: ChangeRequest, error: unknown): void;
}

/** Pending requests and their events (the conditional writes of the state machine). */
export interface RequestStore {
  /**
   * Stores a new request: its REQUESTED event (seq 1), which carries the request itself. False
   * when a request with this id exists already (a redelivery of the same command).
   */
  create(request: ChangeRequest, requested: AuditEvent): Promise<boolean>;
  /** The request, its events in order and its card, or undefined when there is no such request. */
  load(requestId: string): Promise<StoredRequest | undefined>;
  /**
   * Appends the event with `seq` = the request's next number. False when another writer took
   * that number first (reload and decide again). A retry of our own write counts as success.
   */
  append(event: AuditEvent): Promise<boolean>;
  /**
   * Remembers where the request's card is, while the request can still change. The first card
   * saved stays: returns the location now stored, `card` or one saved before by another delivery
   * of the same command (whose caller then removes its own card: one visible card).
   */
  saveCard(request: ChangeRequest, card: CardLocation): Promise<CardLocation>;
  /** The function's requests made since `since`, newest first, with their events (no cards). */
  recentRequests(fn: string, since: Date): Promise<StoredRequest[]>;
  /**
   * Takes the claim on one step of a request before calling AWS for it: a conditional write that
   * only one invocation wins, unless the holder's claim ran out (it died) or the holder is `owner`
   * itself (Lambda retrying the same event).
   */
  claim(
    requestId: string,
    step: number,
    claim: { owner: string; now: Date; leaseMs: number },
  ): Promise<ClaimResult>;
  /**
   * Takes the alias for a new request: a conditional write that only one request wins (a
   * redelivery of the same request wins again). `replacing` takes it over from that holder
   * only, found ended or expired: of two requests doing so at once, one wins.
   */
  takeAlias(lease: AliasLease, replacing?: string): Promise<AliasLeaseResult>;
  /** The function's alias leases that have a holder (one Query). */
  aliasLeases(fn: string): Promise<AliasLease[]>;
  /** Lets the alias go, if `requestId` still holds it. `append` does so for a request's ending event. */
  releaseAlias(fn: string, alias: string, requestId: string): Promise<void>;
}

/**
 * The hold a request has on its alias (one open request per alias, DESIGN.md section 3): not an
 * audit event, one item per alias, taken with a conditional write when a request is made.
 */
export interface AliasLease {
  function: string;
  alias: string;
  requestId: string;
  requester: string;
  /** When it was taken (ISO-8601). */
  at: string;
}

/** The outcome of asking for an alias's lease (see AliasLease). */
export type AliasLeaseResult =
  /** Ours; `fresh` when nobody held it before (not even an earlier delivery of this request). */
  | { taken: true; fresh: boolean }
  /** Another request holds it (undefined: it was let go meanwhile; ask again). */
  | { taken: false; holder: AliasLease | undefined };

export interface StoredRequest {
  request: ChangeRequest;
  events: AuditEvent[];
  card?: CardLocation;
  /** The newest step claim, if any step was ever claimed. */
  claim?: StepClaim;
}

export interface AuditLog {
  /** A function's events (or one alias's), newest first. */
  history(fn: string, options: { alias?: string; limit: number }): Promise<AuditEvent[]>;
  /** The newest APPLIED event of an alias. */
  lastApplied(fn: string, alias: string): Promise<AuditEvent | undefined>;
  /**
   * When `version` was last APPLIED to the alias, and when the next APPLIED there took it away
   * (both absent: it was never applied there). For the promotion order and `minSoak`.
   */
  appliedSpan(fn: string, alias: string, version: string): Promise<{ appliedAt?: string; leftAt?: string }>;
  /** The newest event of an alias that records a state the bot knows (see `isKnownState`). */
  lastKnown(fn: string, alias: string): Promise<AuditEvent | undefined>;
  /** Every event stored under one id (a request's or a drift's), in order. */
  eventsOf(requestId: string): Promise<AuditEvent[]>;
}

/** A function's locks as stored: one item, replaced whole, `version` counting its writes. */
export interface LockSet {
  locks: Lock[];
  /** 0 when the function was never locked. */
  version: number;
}

/**
 * Deploy locks (DESIGN.md section 3b): the current locks of a function are one read, and a change
 * is a conditional write on the version read, so of two lock commands racing (a function lock and
 * an alias lock) exactly one is written; the other reads again and is judged against the winner.
 */
export interface LockStore {
  read(fn: string): Promise<LockSet>;
  /** Writes `locks` if the item is still at `version`; false when another writer got there first. */
  replace(fn: string, locks: Lock[], version: number): Promise<boolean>;
}

/**
 * Where each drift's card was posted: a drift recorded but never announced (Slack failed) is
 * announced by a later look.
 */
export interface DriftCards {
  find(driftId: string): Promise<CardLocation | undefined>;
  save(driftId: string, card: CardLocation, now: Date): Promise<void>;
}

/**
 * The heartbeat's record of which periodic job ran in which period: a job runs in a period slot
 * only for the invocation that took it (a conditional write), or for that same invocation again
 * (Lambda's retry of the same event).
 */
export interface PeriodSlots {
  take(job: string, slot: number, claim: { owner: string; now: Date; keepMs: number }): Promise<boolean>;
}

/** Slack user groups, for approval rules that name one. */
export interface Directory {
  /** Concurrent asks for the same group share one lookup (a click prefetches, then asks). */
  membersOf(groupId: string): Promise<string[]>;
}
