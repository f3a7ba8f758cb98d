// Ports: what the use cases need from the outside world, named for what they do. Adapters in
// src/adapters implement them for AWS; tests and the sandbox reach those adapters over HTTP.
import type { AliasInfo, VersionInfo } from './domain/model';
import type { AuditEvent, ChangeRequest } from './domain/request';

export interface LambdaRegistry {
  /** Every alias of a function. */
  listAliases(functionName: string): Promise<AliasInfo[]>;
  getAlias(functionName: string, alias: string): Promise<AliasInfo>;
  /** Every published version (not `$LATEST`), oldest first. */
  listVersions(functionName: string): Promise<VersionInfo[]>;
  getVersion(functionName: string, version: string): Promise<VersionInfo>;
  /**
   * Points an alias at a version, only if the alias's RevisionId is still `revisionId`
   * (`ALIAS_MOVED` otherwise). `clearWeights` removes a traffic split.
   */
  updateAlias(
    functionName: string,
    alias: string,
    change: { version: string; revisionId: string; clearWeights: boolean },
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
  /** Apply an approved request: UpdateAlias, record the outcome, replace the card. */
  | { kind: 'apply'; requestId: string; responseUrl?: string };

/** Where an approval card was posted, when Slack told us (chat.postMessage). */
export interface CardLocation {
  channel: string;
  ts: string;
}

/** Pending requests and their events (the conditional writes of the state machine). */
export interface RequestStore {
  /** Stores a new request: its REQUESTED event (seq 1), which carries the request itself. */
  create(request: ChangeRequest, requested: AuditEvent): Promise<void>;
  /** The request, its events in order and its card, or undefined when there is no such request. */
  load(requestId: string): Promise<StoredRequest | undefined>;
  /**
   * Appends the event with `seq` = the request's next number. False when another writer took
   * that number first (reload and decide again). A retry of our own write counts as success.
   */
  append(event: AuditEvent): Promise<boolean>;
  /** Remembers where the request's card is, while the request can still change. */
  saveCard(request: ChangeRequest, card: CardLocation): Promise<void>;
  /** The function's requests made since `since`, newest first, with their events (no cards). */
  recentRequests(fn: string, since: Date): Promise<StoredRequest[]>;
}

export interface StoredRequest {
  request: ChangeRequest;
  events: AuditEvent[];
  card?: CardLocation;
}

export interface AuditLog {
  /** A function's events (or one alias's), newest first. */
  history(fn: string, options: { alias?: string; limit: number }): Promise<AuditEvent[]>;
  /** The newest APPLIED event of an alias. */
  lastApplied(fn: string, alias: string): Promise<AuditEvent | undefined>;
}

/** Slack user groups, for approval rules that name one. */
export interface Directory {
  membersOf(groupId: string): Promise<string[]>;
}
