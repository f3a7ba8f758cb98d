// Parses the text after `/lambda` into a command, or a parse error that says what was wrong and
// which usage line applies. Never throws: any text yields one or the other.

export type Command =
  | { kind: 'help' }
  | { kind: 'list' }
  | { kind: 'status'; fn?: string }
  | { kind: 'versions'; fn: string; limit: number }
  | { kind: 'promote'; fn: string; to: string; from: string }
  | { kind: 'promote'; fn: string; to: string; version: string }
  | { kind: 'rollback'; fn: string; alias: string }
  | { kind: 'history'; fn: string; alias?: string; limit: number }
  | { kind: 'cancel'; requestId: string };

export type CommandKind = Command['kind'];

export type ParseResult = { ok: true; command: Command } | { ok: false; error: string; usage: string };

export const USAGE: Record<CommandKind, string> = {
  help: '/lambda help',
  list: '/lambda list',
  status: '/lambda status [function]',
  versions: '/lambda versions <function> [--limit N]',
  promote: '/lambda promote <function> <from>→<to>   or   /lambda promote <function> <alias> <version>',
  rollback: '/lambda rollback <function> <alias>',
  history: '/lambda history <function> [alias] [--limit N]',
  cancel: '/lambda cancel <request-id>',
};

export const GENERAL_USAGE = `/lambda help | list | status | versions | promote | rollback | history | cancel`;

export const LIMITS = {
  versions: { default: 10, max: 50 },
  history: { default: 10, max: 50 },
} as const;

const FUNCTION_KEY = /^[a-zA-Z0-9_-]{1,64}$/;
/** AWS's alias pattern; a bare number is a version, never an alias. */
const ALIAS = /^(?![0-9]+$)[a-zA-Z0-9_-]{1,128}$/;
const VERSION = /^[1-9][0-9]{0,9}$/;
export const REQUEST_ID = /^R[0-9A-Z]{9}$/;

/** Arrow spellings people type: `→`, `->`, `=>`, `—>`, and Slack's escaped `-&gt;` / `=&gt;`. */
const ARROW = /\s*(?:→|⟶|—>|–>|->|=>)\s*/g;

export function parseCommand(rawText: string): ParseResult {
  const text = decodeSlackEntities(rawText).replace(ARROW, ' → ').trim();
  const words = text.split(/\s+/).filter((word) => word.length > 0);
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
  const flags = takeLimit(args, 'versions');
  if (!flags.ok) return flags;
  const [fn, ...extra] = flags.rest;
  if (fn === undefined) return error('versions', 'Which function? Give its name.');
  if (extra.length > 0) return error('versions', `Unexpected \`${clip(extra.join(' '))}\`.`);
  return checkFunction(fn, 'versions') ?? ok({ kind: 'versions', fn, limit: flags.limit });
}

function parsePromote(args: string[]): ParseResult {
  const [fn, ...rest] = args;
  if (fn === undefined) return error('promote', 'Which function, and from which alias to which?');
  const bad = checkFunction(fn, 'promote');
  if (bad) return bad;
  // `<from> → <to>` and `<from> to <to>` become two words.
  const parts =
    rest.length === 3 && (rest[1] === '→' || rest[1]?.toLowerCase() === 'to') ? [rest[0], rest[2]] : rest;
  if (parts.length !== 2 || parts.some((part) => part === undefined || part === '→')) {
    return error(
      'promote',
      'Give a source and a target, e.g. `test→prod`, or an alias and a version number.',
    );
  }
  const [first, second] = parts as [string, string];
  if (VERSION.test(second)) {
    if (!ALIAS.test(first)) return error('promote', `\`${clip(first)}\` is not a valid alias name.`);
    return ok({ kind: 'promote', fn, to: first, version: second });
  }
  for (const alias of [first, second]) {
    if (!ALIAS.test(alias)) {
      return error('promote', `\`${clip(alias)}\` is not a valid alias name or version number.`);
    }
  }
  if (first === second) return error('promote', `Source and target are both \`${first}\`.`);
  return ok({ kind: 'promote', fn, from: first, to: second });
}

function parseRollback(args: string[]): ParseResult {
  const [fn, alias, ...extra] = args;
  if (fn === undefined || alias === undefined) return error('rollback', 'Give a function and an alias.');
  if (extra.length > 0) return error('rollback', `Unexpected \`${clip(extra.join(' '))}\`.`);
  const bad = checkFunction(fn, 'rollback');
  if (bad) return bad;
  if (!ALIAS.test(alias)) return error('rollback', `\`${clip(alias)}\` is not a valid alias name.`);
  return ok({ kind: 'rollback', fn, alias });
}

function parseHistory(args: string[]): ParseResult {
  const flags = takeLimit(args, 'history');
  if (!flags.ok) return flags;
  const [fn, alias, ...extra] = flags.rest;
  if (fn === undefined) return error('history', 'Which function? Give its name.');
  if (extra.length > 0) return error('history', `Unexpected \`${clip(extra.join(' '))}\`.`);
  const bad = checkFunction(fn, 'history');
  if (bad) return bad;
  if (alias === undefined) return ok({ kind: 'history', fn, limit: flags.limit });
  if (!ALIAS.test(alias)) return error('history', `\`${clip(alias)}\` is not a valid alias name.`);
  return ok({ kind: 'history', fn, alias, limit: flags.limit });
}

function parseCancel(args: string[]): ParseResult {
  const [id, ...extra] = args;
  if (id === undefined) return error('cancel', 'Which request? Give its id, as shown on the card.');
  if (extra.length > 0) return error('cancel', `Unexpected \`${clip(extra.join(' '))}\`.`);
  const requestId = id.toUpperCase();
  if (!REQUEST_ID.test(requestId)) return error('cancel', `\`${clip(id)}\` is not a request id.`);
  return ok({ kind: 'cancel', requestId });
}

type ParseError = Extract<ParseResult, { ok: false }>;
type LimitResult = { ok: true; limit: number; rest: string[] } | ParseError;

function takeLimit(args: string[], kind: 'versions' | 'history'): LimitResult {
  const { default: fallback, max } = LIMITS[kind];
  const rest: string[] = [];
  let limit: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const inline = /^--limit=(.*)$/.exec(arg);
    if (arg !== '--limit' && !inline) {
      if (arg.startsWith('--')) return error(kind, `Unknown option \`${clip(arg)}\`.`);
      rest.push(arg);
      continue;
    }
    if (limit !== undefined) return error(kind, '`--limit` is given twice.');
    const value = inline ? inline[1] : args[++i];
    if (value === undefined || !/^[0-9]{1,4}$/.test(value) || Number(value) < 1 || Number(value) > max) {
      return error(kind, `\`--limit\` takes a number from 1 to ${max}.`);
    }
    limit = Number(value);
  }
  return { ok: true, limit: limit ?? fallback, rest };
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
