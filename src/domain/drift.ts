// Drift (DESIGN.md section 3b): an alias changed outside the bot. The bot knows an alias's state
// from its audit events that carry the RevisionId of a change it made or accepted; the check
// compares the alias as Lambda reports it with the newest of them, and decides here: nothing to
// say, a silent baseline for an alias never seen, or a drift to record once and announce.
import { type AliasInfo, percent, trafficShares } from './model';
import type { AuditAction, AuditEvent } from './request';

/** A drift's id: `D` and nine Crockford base32 characters, like a request's `R…`. */
export const DRIFT_ID = /^D[0-9A-Z]{9}$/;

/** The events whose RevisionId is a state of the alias the bot made or accepted. */
const KNOWN_STATES: ReadonlySet<AuditAction> = new Set(['APPLIED', 'SHIFTED', 'ROLLED_BACK', 'ADOPTED']);

export function isKnownState(event: Pick<AuditEvent, 'action' | 'revisionId'>): boolean {
  return event.revisionId !== undefined && KNOWN_STATES.has(event.action);
}

/** Where a known state sent the alias's traffic; `weights` undefined when the event cannot say. */
export interface KnownRouting {
  version: string;
  weights: Record<string, number> | undefined;
}

/** The alias's routing as the event left it (DESIGN.md sections 3a and 4). */
export function routingOf(event: AuditEvent): KnownRouting {
  switch (event.action) {
    case 'SHIFTED':
      // The old version stays primary; the new one gets `weight` percent.
      return { version: event.fromVersion, weights: { [event.toVersion]: (event.weight ?? 0) / 100 } };
    case 'ROLLED_BACK':
      return { version: event.fromVersion, weights: {} };
    case 'APPLIED':
      return { version: event.toVersion, weights: {} };
    default:
      // ADOPTED records the primary version only.
      return { version: event.toVersion, weights: undefined };
  }
}

export type DriftDecision =
  /** The alias is where the bot knows it (its own change, an adopted one, or only its description changed). */
  | { kind: 'known' }
  /** Never seen: record its state as known (ADOPTED by `system`), and say nothing. */
  | { kind: 'baseline' }
  /** Changed outside the bot: record DRIFTED once and announce it. */
  | { kind: 'drifted'; fromVersion: string; toVersion: string; reason: string };

/**
 * Compares an alias with the newest known state. A different RevisionId alone is not drift: an
 * edited description, or an alias re-created at the same version, still routes as the bot knows.
 */
export function decideDrift(alias: AliasInfo, known: AuditEvent | undefined): DriftDecision {
  if (!known) return { kind: 'baseline' };
  if (known.revisionId === alias.revisionId) return { kind: 'known' };
  const routing = routingOf(known);
  if (routing.version === alias.version && sameWeights(routing.weights, alias.additionalWeights)) {
    return { kind: 'known' };
  }
  return {
    kind: 'drifted',
    fromVersion: routing.version,
    toVersion: alias.version,
    reason: `${alias.name} was changed outside the bot: ${describeRouting(routing)} → ${describeRouting({
      version: alias.version,
      weights: alias.additionalWeights,
    })}`,
  };
}

function sameWeights(known: Record<string, number> | undefined, now: Record<string, number>): boolean {
  if (known === undefined) return true;
  const a = Object.entries(known).filter(([, weight]) => weight > 0);
  const b = Object.entries(now).filter(([, weight]) => weight > 0);
  return (
    a.length === b.length && a.every(([version, weight]) => Math.abs((now[version] ?? -1) - weight) < 1e-9)
  );
}

/** `3`, or `3 (5 gets 10%)` for a split. */
export function describeRouting(routing: KnownRouting): string {
  const extra = Object.entries(routing.weights ?? {}).filter(([, weight]) => weight > 0);
  if (extra.length === 0) return `version ${routing.version}`;
  const shares = trafficShares({
    name: '',
    version: routing.version,
    additionalWeights: Object.fromEntries(extra),
    revisionId: '',
    description: '',
  });
  return `version ${routing.version} (${shares
    .slice(1)
    .map(({ version, weight }) => `${version} gets ${percent(weight)}`)
    .join(', ')})`;
}

/** A drift as its events tell it: the DRIFTED event, and the ADOPTED one once adopted. */
export interface DriftState {
  drifted: AuditEvent;
  adopted?: AuditEvent;
}

/** Folds a drift's events (ordered by seq); undefined when they hold no DRIFTED (a baseline). */
export function foldDrift(events: AuditEvent[]): DriftState | undefined {
  const drifted = events.find((event) => event.action === 'DRIFTED');
  if (!drifted) return undefined;
  const adopted = events.find((event) => event.action === 'ADOPTED' && event.seq > drifted.seq);
  return adopted ? { drifted, adopted } : { drifted };
}

/**
 * The period slot a time falls in: periodic jobs run once per slot, the first heartbeat of the
 * slot taking it (a conditional write), so "has the period elapsed" needs no state to update.
 */
export function periodSlot(now: Date, periodMs: number): number {
  return Math.floor(now.getTime() / periodMs);
}

const ID_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A drift's id from a digest of what identifies it (the alias and the RevisionId observed), so
 * every check that sees the same change names the same drift and its conditional write stores it
 * once.
 */
export function driftIdFrom(digest: Uint8Array): string {
  let id = 'D';
  for (let i = 0; i < 9; i++) id += ID_ALPHABET[(digest[i] ?? 0) % 32];
  return id;
}
