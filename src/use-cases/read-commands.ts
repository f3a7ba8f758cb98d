// The read-only commands: list, status, versions, history. They return view models; the Slack
// layer turns them into Block Kit.

import type { LinkTemplates } from '../domain/config-model';
import { type ChatopsError, isChatopsError } from '../domain/errors';
import { type FreezeOccurrence, freezesInForce, nextFreeze } from '../domain/freeze';
import type { Lock } from '../domain/lock';
import { type AliasInfo, type ManagedFunction, trafficShares, type VersionInfo } from '../domain/model';
import { type AuditEvent, applyOverdue, foldRequest, holdsAlias, type RequestState } from '../domain/request';
import { templatesFor } from '../domain/version-metadata';
import { allSettledOrThrow } from './all-settled-or-throw';
import { CLAIM_LEASE_MS } from './apply-request';
import { type Deps, managedFunction, stageOrder } from './deps';
import { functionLocks } from './locks';

export interface FunctionAliases {
  fn: ManagedFunction;
  aliases: AliasInfo[];
  /** Stages named in the configuration that Lambda does not have. */
  missingStages: string[];
  error?: ChatopsError;
}

export async function listFunctions(deps: Deps): Promise<FunctionAliases[]> {
  const functions = Object.values(deps.config.functions);
  return allSettledOrThrow(functions.map((fn) => aliasesOf(deps, fn)));
}

export interface AliasStatus {
  alias: AliasInfo;
  version: VersionInfo | undefined;
  lastChange: AuditEvent | undefined;
  /** The alias's open request (pending, or approved and not yet applied). */
  pending: RequestState[];
  /** Of those, the ids of approved ones whose update is overdue: never started, or died. */
  waiting: string[];
}

export interface FunctionStatus {
  fn: ManagedFunction;
  aliases: AliasStatus[];
  missingStages: string[];
  /** The function's link templates for its versions' tokens (DESIGN.md section 3c); none: no links. */
  links?: LinkTemplates;
  /** Set when the function could not be read (status of every function shows it inline). */
  error?: ChatopsError;
  /** Locks and freeze windows (DESIGN.md 3b) of the function's aliases. */
  guardrails?: StatusGuardrails;
}

export interface StatusGuardrails {
  locks: Lock[];
  /** Freezes in force now covering one of its aliases, and the next one to start. */
  freezes: FreezeOccurrence[];
  nextFreeze?: FreezeOccurrence;
}

export async function functionStatus(deps: Deps, key: string): Promise<FunctionStatus> {
  const fn = managedFunction(deps.config, key);
  // The configured stages' last changes are asked for at once, beside the aliases themselves:
  // one round trip fewer before the answer.
  const lastChanges = new Map(fn.stages.map((stage) => [stage, deps.audit.lastApplied(fn.key, stage)]));
  // Every call started is awaited, even when one fails first (allSettledOrThrow).
  const [listed, pending, locks] = await allSettledOrThrow([
    aliasesOf(deps, fn, { rethrow: true }),
    openRequests(deps, fn.key),
    functionLocks(deps, fn.key),
    ...lastChanges.values(),
  ]);
  const now = deps.clock.now();
  const aliases = await allSettledOrThrow(
    listed.aliases.map(async (alias): Promise<AliasStatus> => {
      const [version, lastChange] = await allSettledOrThrow([
        deps.registry.getVersion(fn.functionName, alias.version).catch(() => undefined),
        lastChanges.get(alias.name) ?? deps.audit.lastApplied(fn.key, alias.name),
      ]);
      return {
        alias,
        version,
        lastChange,
        pending: pending.filter((state) => state.request.alias === alias.name),
        waiting: pending
          .filter((state) => state.request.alias === alias.name && applyOverdue(state, now, CLAIM_LEASE_MS))
          .map((state) => state.request.id),
      };
    }),
  );
  const names = new Set([...fn.stages, ...listed.aliases.map((alias) => alias.name)]);
  const windows = deps.config.freezes.filter((window) => window.aliases.some((alias) => names.has(alias)));
  const next = nextFreeze(windows, now);
  return {
    fn,
    aliases,
    missingStages: listed.missingStages,
    links: linksOf(deps, fn),
    guardrails: { locks, freezes: freezesInForce(windows, now), ...(next ? { nextFreeze: next } : {}) },
  };
}

/** Every managed function's status, each failing on its own. */
export async function allStatuses(deps: Deps): Promise<FunctionStatus[]> {
  return allSettledOrThrow(
    Object.values(deps.config.functions).map((fn) =>
      functionStatus(deps, fn.key).catch((error: unknown) => {
        if (!isChatopsError(error)) throw error;
        return { fn, aliases: [], missingStages: [], links: linksOf(deps, fn), error };
      }),
    ),
  );
}

export interface VersionRow {
  version: VersionInfo;
  /** Aliases pointing at this version, with the weight of traffic they send it (1 when whole). */
  aliases: { name: string; weight: number }[];
}

export interface VersionsView {
  fn: ManagedFunction;
  rows: VersionRow[];
  total: number;
  /** The function's link templates (DESIGN.md section 3c); none: no links. */
  links?: LinkTemplates;
}

export async function listVersions(deps: Deps, key: string, limit: number): Promise<VersionsView> {
  const fn = managedFunction(deps.config, key);
  const [versions, aliases] = await allSettledOrThrow([
    deps.registry.listVersions(fn.functionName),
    deps.registry.listAliases(fn.functionName),
  ]);
  const newestFirst = [...versions].sort((a, b) => Number(b.version) - Number(a.version));
  const rows = newestFirst.slice(0, limit).map((version) => ({
    version,
    aliases: stageOrder(fn, aliases).flatMap((alias) =>
      trafficShares(alias)
        .filter((share) => share.version === version.version)
        .map(({ weight }) => ({ name: alias.name, weight })),
    ),
  }));
  return { fn, rows, total: versions.length, links: linksOf(deps, fn) };
}

export interface HistoryView {
  fn: ManagedFunction;
  alias?: string;
  events: AuditEvent[];
  /** The function's link templates (DESIGN.md section 3c); none: no links. */
  links?: LinkTemplates;
  /** The descriptions of the versions the events name, by version (those Lambda still has). */
  descriptions?: Record<string, string>;
}

/** At most this many versions are looked up for one history page (in parallel, cached once seen). */
const HISTORY_VERSION_LOOKUPS = 25;

export async function history(
  deps: Deps,
  key: string,
  alias: string | undefined,
  limit: number,
): Promise<HistoryView> {
  const fn = managedFunction(deps.config, key);
  const events = await deps.audit.history(fn.key, { ...(alias === undefined ? {} : { alias }), limit });
  const versions = [
    ...new Set(events.flatMap((event) => [event.toVersion, event.fromVersion]).filter(isPublished)),
  ].slice(0, HISTORY_VERSION_LOOKUPS);
  // A deleted version, or one Lambda cannot show now, just has no links: the history is still shown.
  const found = await allSettledOrThrow(
    versions.map((version) => deps.registry.getVersion(fn.functionName, version).catch(() => undefined)),
  );
  const descriptions = Object.fromEntries(
    found.flatMap((info) => (info === undefined ? [] : [[info.version, info.description]])),
  );
  return { fn, ...(alias === undefined ? {} : { alias }), events, links: linksOf(deps, fn), descriptions };
}

const isPublished = (version: string) => /^[1-9][0-9]*$/.test(version);

const linksOf = (deps: Deps, fn: ManagedFunction): LinkTemplates => templatesFor(deps.config.links, fn.links);

/**
 * Open requests of a function: pending ones not expired, and approved ones not yet applied,
 * whatever their age (they still hold their alias). Those made within the request lifetime come
 * with one Query of the function's events; the aliases' leases, read beside it, name any older
 * request still holding its alias, read on its own (rare: an apply stuck for longer than that).
 */
export async function openRequests(deps: Deps, fnKey: string): Promise<RequestState[]> {
  const since = new Date(deps.clock.now().getTime() - deps.config.requestTtlMinutes * 60_000);
  const [recent, leases] = await allSettledOrThrow([
    deps.requests.recentRequests(fnKey, since),
    deps.requests.aliasLeases(fnKey),
  ]);
  const known = new Set(recent.map((stored) => stored.request.id));
  const older = await allSettledOrThrow(
    leases.filter((lease) => !known.has(lease.requestId)).map((lease) => deps.requests.load(lease.requestId)),
  );
  const now = deps.clock.now();
  return [...recent, ...older.flatMap((stored) => (stored ? [stored] : []))]
    .map((stored) => foldRequest(stored.request, stored.events))
    .filter((state) => holdsAlias(state, now));
}

async function aliasesOf(
  deps: Deps,
  fn: ManagedFunction,
  options: { rethrow?: boolean } = {},
): Promise<FunctionAliases> {
  try {
    const aliases = stageOrder(fn, await deps.registry.listAliases(fn.functionName));
    const names = new Set(aliases.map((alias) => alias.name));
    return { fn, aliases, missingStages: fn.stages.filter((stage) => !names.has(stage)) };
  } catch (error) {
    if (options.rethrow || !isChatopsError(error)) throw error;
    return { fn, aliases: [], missingStages: [], error };
  }
}
