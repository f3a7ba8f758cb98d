// Parses the text after `/lambda` into a command, or a parse error that says what was wrong and
// which usage line applies. Never throws: any text yields one or the other.
//
// Options (`--limit 5`, `--limit=5`, `—canary 10%` as macOS and Slack autocorrect `--`) may stand
// anywhere after the subcommand. `--override` takes every word up to the next option as its
// reason, so reasons keep the words people typed (arrows and all).
import type { RolloutStrategy } from './config-model';
import { DURATION_HINT, parseDuration } from './duration';
import { LINEAR_HINT, linearSteps, parseShare, SHARE_HINT } from './rollout-steps';

/**
 * A rollout the command asks for instead of the target alias's configured one (DESIGN.md 3a):
 * `--canary 10%` is `{strategy: 'canary', steps: [10]}`, `--linear 25%` is
 * `{strategy: 'linear', steps: [25, 50, 75]}`, `--all-at-once` is `{strategy: 'allAtOnce', steps: []}`.
 * `bakeMs` is present only when `--bake`/`--every` is given; absent, the use case takes the
 * alias's configured bake (`rollouts.<alias>.bake`, else the default): see `rolloutPlanFor`.
 */
export interface RequestedRollout {
  strategy: RolloutStrategy;
  steps: number[];
  bakeMs?: number;
}

/** What promote (and rollback, for freezes) may add; each key is present only when given. */
export interface RequestOptions {
  rollout?: RequestedRollout;
  /** `--skip-stages`: past the promotion order under `stageOrder: strict` (DESIGN.md 3b). */
  skipStages?: true;
  /** `--override <reason>`: through a freeze window; the reason as typed (escape it for Slack). */
  override?: string;
}

export type PromoteCommand = { kind: 'promote'; fn: string; to: string } & (
  | { from: string }
  | { version: string }
) &
  RequestOptions;

export type Command =
  | { kind: 'help' }
  | { kind: 'list' }
  | { kind: 'status'; fn?: string }
  | { kind: 'versions'; fn: string; limit: number }
  | PromoteCommand
  | { kind: 'rollback'; fn: string; alias: string; override?: string }
  | { kind: 'history'; fn: string; alias?: string; limit: number }
  | { kind: 'cancel'; requestId: string }
  /** No alias: every alias of the function. `forMs` absent: until unlocked. */
  | { kind: 'lock'; fn: string; alias?: string; forMs?: number; reason?: string }
  | { kind: 'unlock'; fn: string; alias?: string }
  | { kind: 'locks' };

export type CommandKind = Command['kind'];

export type ParseResult = { ok: true; command: Command } | { ok: false; error: string; usage: string };

/**
 * What the parser needs from the configuration. `lock <fn> <word>` reads `<word>` as an alias
 * only when it is one of the function's stages (DESIGN.md 3b), otherwise as the reason's first
 * word: that is grammar, so it is decided here, once, rather than handing raw words to the use
 * case. Without a context no word is a stage, and `lock` covers the whole function (the safe
 * reading); the Slack listener always passes the configuration's.
 */
export interface ParseContext {
  /** The configured stages of a function key; undefined for a key the configuration does not list. */
  stagesOf(fn: string): readonly string[] | undefined;
}

const NO_CONTEXT: ParseContext = { stagesOf: () => undefined };

const PROMOTE_OPTIONS =
  '[--canary 10% [--bake 10m] | --linear 25% [--every 5m] | --all-at-once] [--skip-stages] [--override <reason>]';

export const USAGE: Record<CommandKind, string> = {
  help: '/lambda help',
  list: '/lambda list',
  status: '/lambda status [function]',
  versions: '/lambda versions <function> [--limit N]',
  promote: `/lambda promote <function> <from>→<to>   or   /lambda promote <function> <alias> <version>   ${PROMOTE_OPTIONS}`,
  rollback: '/lambda rollback <function> <alias> [--override <reason>]',
  history: '/lambda history <function> [alias] [--limit N]',
  cancel: '/lambda cancel <request-id>',
  lock: '/lambda lock <function> [alias] [--for 2h] [reason…]',
  unlock: '/lambda unlock <function> [alias]',
  locks: '/lambda locks',
};

export const GENERAL_USAGE =
  '/lambda help | list | status | versions | promote | rollback | history | cancel | lock | unlock | locks';

export const LIMITS = {
  versions: { default: 10, max: 50 },
  history: { default: 10, max: 50 },
} as const;

/** Reasons are shown on cards and stored in the audit table: a sentence, not an essay. */
export const MAX_REASON_LENGTH = 300;

const FUNCTION_KEY = /^[a-zA-Z0-9_-]{1,64}$/;
/** AWS's alias pattern; a bare number is a version, never an alias. */
const ALIAS = /^(?![0-9]+$)[a-zA-Z0-9_-]{1,128}$/;
const VERSION = /^[1-9][0-9]{0,9}$/;
export const REQUEST_ID = /^R[0-9A-Z]{9}$/;

/** Arrow spellings people type: `→`, `->`, `=>`, `—>`, and Slack's escaped `-&gt;` / `=&gt;`. */
const ARROW = /\s*(?:→|⟶|—>|–>|->|=>)\s*/g;

export function parseCommand(rawText: string, context: ParseContext = NO_CONTEXT): ParseResult {
  const words = decodeSlackEntities(rawText)
    .split(/\s+/)
    .filter((word) => word.length > 0);
  const [sub, ...rest] = words;
  if (sub === undefined) return { ok: true, command: { kind: 'help' } };
  switch (sub.toLowerCase()) {
    case 'help':
      return ok({ kind: 'help' });
    case 'list':
      return rest.length === 0 ? ok({ kind: 'list' }) : error('list', '`list` takes no arguments.');
    case 'status':
      return parseStatus(rest);
    case 'versions':
      return parseVersions(rest);
    case 'promote':
      return parsePromote(rest);
    case 'rollback':
      return parseRollback(rest);
    case 'history':
      return parseHistory(rest);
    case 'cancel':
      return parseCancel(rest);
    case 'lock':
      return parseLock(rest, context);
    case 'unlock':
      return parseUnlock(rest);
    case 'locks':
      return rest.length === 0 ? ok({ kind: 'locks' }) : error('locks', '`locks` takes no arguments.');
    default:
      return {
        ok: false,
        error: `Unknown command \`${clip(sub)}\`.`,
        usage: GENERAL_USAGE,
      };
  }
}

function parseStatus(args: string[]): ParseResult {
  if (args.length > 1) return error('status', 'Too many arguments: give at most one function.');
  const [fn] = args;
  if (fn === undefined) return ok({ kind: 'status' });
  return checkFunction(fn, 'status') ?? ok({ kind: 'status', fn });
}

function parseVersions(args: string[]): ParseResult {
  const options = takeOptions(args, 'versions', { limit: 'value' });
  if (!options.ok) return options;
  const limit = readLimit(options.values, 'versions');
  if (typeof limit !== 'number') return limit;
  const [fn, ...extra] = options.rest;
  if (fn === undefined) return error('versions', 'Which function? Give its name.');
  if (extra.length > 0) return error('versions', `Unexpected \`${clip(extra.join(' '))}\`.`);
  return checkFunction(fn, 'versions') ?? ok({ kind: 'versions', fn, limit });
}

function parsePromote(args: string[]): ParseResult {
  const options = takeOptions(args, 'promote', {
    canary: 'value',
    bake: 'value',
    linear: 'value',
    every: 'value',
    'all-at-once': 'switch',
    'skip-stages': 'switch',
    override: 'text',
  });
  if (!options.ok) return options;
  const [fn, ...positional] = options.rest;
  if (fn === undefined) return error('promote', 'Which function, and from which alias to which?');
  const bad = checkFunction(fn, 'promote');
  if (bad) return bad;
  // `<from>→<to>`, `<from> → <to>` and `<from> to <to>` become two words.
  const rest = positional
    .join(' ')
    .replace(ARROW, ' → ')
    .split(/\s+/)
    .filter((word) => word.length > 0);
  const parts =
    rest.length === 3 && (rest[1] === '→' || rest[1]?.toLowerCase() === 'to') ? [rest[0], rest[2]] : rest;
  if (parts.length !== 2 || parts.some((part) => part === undefined || part === '→')) {
    return error(
      'promote',
      'Give a source and a target, e.g. `test→prod`, or an alias and a version number.',
    );
  }
  const requested = readRequestOptions(options.values);
  if ('error' in requested) return error('promote', requested.error);
  const [first, second] = parts as [string, string];
  if (parts.some((part) => part?.toUpperCase() === '$LATEST')) {
    // DESIGN.md section 3: what was approved must be what runs.
    return error(
      'promote',
      '`$LATEST` is never promoted from or to: it changes with every deployment, so what was approved would not be what runs. Publish a version and promote its number.',
    );
  }
  if (VERSION.test(second)) {
    if (!ALIAS.test(first)) return error('promote', `\`${clip(first)}\` is not a valid alias name.`);
    return ok({ kind: 'promote', fn, to: first, version: second, ...requested });
  }
  for (const alias of [first, second]) {
    if (!ALIAS.test(alias)) {
      return error('promote', `\`${clip(alias)}\` is not a valid alias name or version number.`);
    }
  }
  if (first === second) return error('promote', `Source and target are both \`${first}\`.`);
  return ok({ kind: 'promote', fn, from: first, to: second, ...requested });
}

/** The rollout, `--skip-stages` and `--override` of a promotion, or what is wrong with them. */
function readRequestOptions(values: OptionValues): RequestOptions | { error: string } {
  const chosen = (['canary', 'linear', 'all-at-once'] as const).filter((name) => has(values, name));
  if (chosen.length > 1) {
    return { error: `Give one rollout: ${chosen.map((name) => `\`--${name}\``).join(' and ')} conflict.` };
  }
  if (has(values, 'bake') && !has(values, 'canary')) {
    return { error: '`--bake` goes with `--canary` (a linear rollout takes `--every`).' };
  }
  if (has(values, 'every') && !has(values, 'linear')) {
    return { error: '`--every` goes with `--linear` (a canary takes `--bake`).' };
  }
  const result: RequestOptions = {};
  if (has(values, 'canary')) {
    const share = parseShare(values.canary ?? '');
    if (share === undefined) return { error: `\`--canary\` takes ${SHARE_HINT}, e.g. \`--canary 10%\`.` };
    const bakeMs = readDuration(values, 'bake');
    if (typeof bakeMs === 'string') return { error: bakeMs };
    result.rollout = { strategy: 'canary', steps: [share], ...(bakeMs === undefined ? {} : { bakeMs }) };
  }
  if (has(values, 'linear')) {
    const share = parseShare(values.linear ?? '');
    const steps = share === undefined ? undefined : linearSteps(share);
    if (steps === undefined) return { error: `\`--linear\` takes ${LINEAR_HINT}, e.g. \`--linear 25%\`.` };
    const bakeMs = readDuration(values, 'every');
    if (typeof bakeMs === 'string') return { error: bakeMs };
    result.rollout = { strategy: 'linear', steps, ...(bakeMs === undefined ? {} : { bakeMs }) };
  }
  if (has(values, 'all-at-once')) result.rollout = { strategy: 'allAtOnce', steps: [] };
  if (has(values, 'skip-stages')) result.skipStages = true;
  if (has(values, 'override')) {
    const reason = readReason(values.override, 'override');
    if (typeof reason !== 'string') return reason;
    result.override = reason;
  }
  return result;
}

function parseRollback(args: string[]): ParseResult {
  const options = takeOptions(args, 'rollback', { override: 'text' });
  if (!options.ok) return options;
  const [fn, alias, ...extra] = options.rest;
  if (fn === undefined || alias === undefined) return error('rollback', 'Give a function and an alias.');
  if (extra.length > 0) return error('rollback', `Unexpected \`${clip(extra.join(' '))}\`.`);
  const bad = checkFunction(fn, 'rollback');
  if (bad) return bad;
  if (!ALIAS.test(alias)) return error('rollback', `\`${clip(alias)}\` is not a valid alias name.`);
  if (!has(options.values, 'override')) return ok({ kind: 'rollback', fn, alias });
  const override = readReason(options.values.override, 'override');
  if (typeof override !== 'string') return error('rollback', override.error);
  return ok({ kind: 'rollback', fn, alias, override });
}

function parseHistory(args: string[]): ParseResult {
  const options = takeOptions(args, 'history', { limit: 'value' });
  if (!options.ok) return options;
  const limit = readLimit(options.values, 'history');
  if (typeof limit !== 'number') return limit;
  const [fn, alias, ...extra] = options.rest;
  if (fn === undefined) return error('history', 'Which function? Give its name.');
  if (extra.length > 0) return error('history', `Unexpected \`${clip(extra.join(' '))}\`.`);
  const bad = checkFunction(fn, 'history');
  if (bad) return bad;
  if (alias === undefined) return ok({ kind: 'history', fn, limit });
  if (!ALIAS.test(alias)) return error('history', `\`${clip(alias)}\` is not a valid alias name.`);
  return ok({ kind: 'history', fn, alias, limit });
}

function parseCancel(args: string[]): ParseResult {
  const [id, ...extra] = args;
  if (id === undefined) return error('cancel', 'Which request? Give its id, as shown on the card.');
  if (extra.length > 0) return error('cancel', `Unexpected \`${clip(extra.join(' '))}\`.`);
  const requestId = id.toUpperCase();
  if (!REQUEST_ID.test(requestId)) return error('cancel', `\`${clip(id)}\` is not a request id.`);
  return ok({ kind: 'cancel', requestId });
}

function parseLock(args: string[], context: ParseContext): ParseResult {
  const options = takeOptions(args, 'lock', { for: 'value' });
  if (!options.ok) return options;
  const [fn, ...words] = options.rest;
  if (fn === undefined)
    return error('lock', 'Which function? Give its name (and an alias, or none for all).');
  const bad = checkFunction(fn, 'lock');
  if (bad) return bad;
  const forMs = readDuration(options.values, 'for');
  if (typeof forMs === 'string') return error('lock', forMs);
  const [first] = words;
  const alias = first !== undefined && (context.stagesOf(fn) ?? []).includes(first) ? first : undefined;
  const reasonWords = alias === undefined ? words : words.slice(1);
  const reason = reasonWords.length === 0 ? undefined : readReason(reasonWords.join(' '), 'lock');
  if (typeof reason === 'object') return error('lock', reason.error);
  return ok({
    kind: 'lock',
    fn,
    ...(alias === undefined ? {} : { alias }),
    ...(forMs === undefined ? {} : { forMs }),
    ...(reason === undefined ? {} : { reason }),
  });
}

function parseUnlock(args: string[]): ParseResult {
  const [fn, alias, ...extra] = args;
  if (fn === undefined) return error('unlock', 'Which function? Give its name (and the alias, if one).');
  if (extra.length > 0) return error('unlock', `Unexpected \`${clip(extra.join(' '))}\`.`);
  const bad = checkFunction(fn, 'unlock');
  if (bad) return bad;
  if (alias === undefined) return ok({ kind: 'unlock', fn });
  if (!ALIAS.test(alias)) return error('unlock', `\`${clip(alias)}\` is not a valid alias name.`);
  return ok({ kind: 'unlock', fn, alias });
}

type ParseError = Extract<ParseResult, { ok: false }>;

/** `value` takes the next word (or `=value`), `switch` none, `text` every word up to the next option. */
type OptionKind = 'value' | 'switch' | 'text';
/** By option name without dashes; a key is present when the option was given (value undefined: none followed). */
type OptionValues = Partial<Record<string, string | undefined>>;
type Options = { ok: true; values: OptionValues; rest: string[] } | ParseError;

const OPTION = /^--([^=]+)(?:=(.*))?$/;
/** An em or en dash where `--` was typed: what autocorrect does to `--canary`. */
const DASHED_OPTION = /^[—–]([a-zA-Z][a-zA-Z-]*)(?:=(.*))?$/;

function takeOptions(args: string[], kind: CommandKind, known: Record<string, OptionKind>): Options {
  const option = (word: string | undefined): { name: string; inline?: string } | undefined => {
    if (word === undefined) return undefined;
    const match = OPTION.exec(word) ?? DASHED_OPTION.exec(word);
    if (!match) return undefined;
    const name = (match[1] as string).toLowerCase();
    // A dashed word that is no option of this command is text (`—well`), not a typo of one.
    if (!word.startsWith('--') && !Object.hasOwn(known, name)) return undefined;
    return match[2] === undefined ? { name } : { name, inline: match[2] };
  };
  const values: OptionValues = {};
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const found = option(args[i]);
    if (!found) {
      rest.push(args[i] as string);
      continue;
    }
    const { name, inline } = found;
    if (!Object.hasOwn(known, name)) return error(kind, `Unknown option \`${clip(args[i] as string)}\`.`);
    if (has(values, name)) return error(kind, `\`--${name}\` is given twice.`);
    switch (known[name]) {
      case 'switch':
        if (inline !== undefined) return error(kind, `\`--${name}\` takes no value.`);
        values[name] = '';
        break;
      case 'value':
        if (inline !== undefined) values[name] = inline;
        else if (args[i + 1] !== undefined && !option(args[i + 1])) values[name] = args[++i];
        else values[name] = undefined;
        break;
      case 'text': {
        const words = inline === undefined || inline === '' ? [] : [inline];
        while (args[i + 1] !== undefined && !option(args[i + 1])) words.push(args[++i] as string);
        values[name] = words.join(' ');
        break;
      }
    }
  }
  return { ok: true, values, rest };
}

function readLimit(values: OptionValues, kind: 'versions' | 'history'): number | ParseError {
  const { default: fallback, max } = LIMITS[kind];
  if (!has(values, 'limit')) return fallback;
  const value = values.limit;
  if (value === undefined || !/^[0-9]{1,4}$/.test(value) || Number(value) < 1 || Number(value) > max) {
    return error(kind, `\`--limit\` takes a number from 1 to ${max}.`);
  }
  return Number(value);
}

const has = (values: OptionValues, name: string): boolean => Object.hasOwn(values, name);

/** The option's duration in ms, undefined when not given, or the problem as a sentence. */
function readDuration(values: OptionValues, name: string): number | undefined | string {
  if (!has(values, name)) return undefined;
  const value = values[name];
  if (value === undefined) return `\`--${name}\` needs a duration: ${DURATION_HINT}.`;
  const parsed = parseDuration(value);
  return parsed.ok ? parsed.ms : `\`--${name} ${clip(value)}\` ${parsed.problem}.`;
}

function readReason(text: string | undefined, kind: 'override' | 'lock'): string | { error: string } {
  const reason = (text ?? '').trim();
  if (kind === 'override' && reason.length === 0) {
    return { error: '`--override` needs a reason, e.g. `--override hotfix for INC-42`.' };
  }
  if (reason.length > MAX_REASON_LENGTH) {
    return { error: `The reason is too long: keep it within ${MAX_REASON_LENGTH} characters.` };
  }
  return reason;
}

function checkFunction(fn: string, kind: CommandKind): ParseError | undefined {
  return FUNCTION_KEY.test(fn) ? undefined : error(kind, `\`${clip(fn)}\` is not a valid function name.`);
}

function ok(command: Command): ParseResult {
  return { ok: true, command };
}

function error(kind: CommandKind, message: string): ParseError {
  return { ok: false, error: message, usage: USAGE[kind] };
}

/** Keeps user text in error messages short; the Slack layer escapes it. */
function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

function decodeSlackEntities(text: string): string {
  return text.replace(/&gt;/g, '>').replace(/&lt;/g, '<').replace(/&amp;/g, '&');
}
