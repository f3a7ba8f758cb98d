// The `ci.promote` event (DESIGN.md section 3c): a pipeline asks for a promotion by invoking the
// worker with IAM credentials. The payload is checked strictly before anything is read or written:
// every key known, every value in the shape Slack and Lambda give it, so a typo in a pipeline is
// a clear answer rather than a request for something else.

export const CI_PROMOTE_KIND = 'ci.promote';

export type CiPromote = {
  function: string;
  to: string;
  channel: string;
  requestedBy: string;
} & ({ version: string } | { from: string });

export type CiPromoteParse = { ok: true; value: CiPromote } | { ok: false; problems: string[] };

const KEYS = ['kind', 'function', 'to', 'version', 'from', 'channel', 'requestedBy'];
const MAX_REQUESTED_BY = 200;

/** Lambda's alias names: letters, digits, `-` and `_`, not all digits. */
const ALIAS = /^(?![0-9]+$)[A-Za-z0-9_-]{1,128}$/;
/** A configuration key (what people type in Slack). */
const FUNCTION_KEY = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,139}$/;
/** A published version: never `$LATEST`, which is mutable. */
const VERSION = /^[1-9][0-9]{0,9}$/;
/** A public (`C…`) or private (`G…`) channel id. */
const CHANNEL = /^[CG][A-Z0-9]{2,20}$/;

/** Whether an event asks for `ci.promote` at all (the worker routes on this, then parses). */
export function isCiPromoteEvent(event: unknown): boolean {
  return isRecord(event) && event.kind === CI_PROMOTE_KIND;
}

export function parseCiPromote(event: unknown): CiPromoteParse {
  if (!isRecord(event)) return { ok: false, problems: ['the event must be a JSON object'] };
  const problems: string[] = [];
  const unknown = Object.keys(event).filter((key) => !KEYS.includes(key));
  if (unknown.length > 0) {
    problems.push(
      `unknown key${unknown.length > 1 ? 's' : ''} ${unknown.map(quote).join(', ')} (allowed: ${KEYS.join(', ')})`,
    );
  }
  if (event.kind !== CI_PROMOTE_KIND) problems.push(`"kind" must be "${CI_PROMOTE_KIND}"`);
  const text = (key: string, pattern: RegExp, what: string): string | undefined => {
    const value = event[key];
    if (value === undefined) return undefined;
    if (typeof value === 'string' && pattern.test(value)) return value;
    problems.push(`"${key}" must be ${what}, got ${describe(value)}`);
    return undefined;
  };
  const fn = text('function', FUNCTION_KEY, 'a function name from chatops.config.yml');
  const to = text('to', ALIAS, 'an alias name');
  const version = text('version', VERSION, 'a published version number as a string, e.g. "42"');
  const from = text('from', ALIAS, 'an alias name');
  const channel = text('channel', CHANNEL, 'a Slack channel id (C… or G…)');
  const requestedBy = readRequestedBy(event.requestedBy, problems);
  if (event.function === undefined) problems.push('"function" is required');
  if (event.to === undefined) problems.push('"to" is required');
  if (event.channel === undefined) problems.push('"channel" is required: where the approval card is posted');
  if (event.version === undefined && event.from === undefined) {
    problems.push('one of "version" (a version number) and "from" (an alias) is required');
  }
  if (event.version !== undefined && event.from !== undefined) {
    problems.push('give "version" or "from", not both');
  }
  const source = version !== undefined ? { version } : from !== undefined ? { from } : undefined;
  if (problems.length > 0 || !fn || !to || !channel || !requestedBy || !source)
    return { ok: false, problems };
  return { ok: true, value: { function: fn, to, channel, requestedBy, ...source } };
}

function readRequestedBy(value: unknown, problems: string[]): string | undefined {
  if (value === undefined) {
    problems.push('"requestedBy" is required: who asks, e.g. "github-actions: acme/orders run 991"');
    return undefined;
  }
  if (typeof value !== 'string' || value.trim() === '') {
    problems.push(`"requestedBy" must be a non-empty string, got ${describe(value)}`);
    return undefined;
  }
  if (value.length > MAX_REQUESTED_BY) {
    problems.push(`"requestedBy" must be at most ${MAX_REQUESTED_BY} characters`);
    return undefined;
  }
  if (/\p{Cc}/u.test(value)) {
    problems.push('"requestedBy" may not contain control characters (line breaks included)');
    return undefined;
  }
  return value.trim();
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const quote = (key: string) => JSON.stringify(key.slice(0, 40));

/** A value for an error message: its type, and a short form of it (the caller sees its own input). */
function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}
