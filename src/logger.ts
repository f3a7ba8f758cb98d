// The bot's logger: one JSON object per line on stdout, the form Lambda's JSON log format reads
// as it is (a `level` key for its application log-level filtering, an RFC 3339 `timestamp`), so
// CloudWatch Logs Insights can filter on any field. It implements @slack/logger's Logger, so Bolt
// and the Web API client write through it too.
//
// Each line carries the fields of the invocation it belongs to (Lambda's request id, and what the
// handler learnt of the Slack request: command, user, function, alias, the bot's request id),
// kept in an AsyncLocalStorage so that no call site has to pass them along. Errors are written
// with their name, message, AWS status and cause chain. Secret values the logger was told about,
// and anything shaped like a Slack token, are replaced before a line is written.
import { AsyncLocalStorage } from 'node:async_hooks';
import { type Logger, LogLevel } from '@slack/logger';

export type LogFields = Record<string, unknown>;

const SEVERITY: Record<LogLevel, number> = {
  [LogLevel.DEBUG]: 10,
  [LogLevel.INFO]: 20,
  [LogLevel.WARN]: 30,
  [LogLevel.ERROR]: 40,
};
const LEVEL_NAMES: Record<LogLevel, string> = {
  [LogLevel.DEBUG]: 'DEBUG',
  [LogLevel.INFO]: 'INFO',
  [LogLevel.WARN]: 'WARN',
  [LogLevel.ERROR]: 'ERROR',
};

export const REDACTED = '[REDACTED]';
/** Slack tokens (bot, user, app, refresh, configuration): never worth a log line, whoever's they are. */
const SLACK_TOKEN = /\bx(?:ox[abeposr]|app)-[A-Za-z0-9-]{6,}/g;
/** How deep a cause chain is followed: AWS errors nest two or three levels at most. */
const MAX_CAUSE_DEPTH = 4;

const context = new AsyncLocalStorage<LogFields>();

/**
 * Runs `work` with `fields` on every line it logs (added to the enclosing invocation's fields).
 * The handlers call it once per invocation with Lambda's request id.
 */
export function withLogFields<T>(fields: LogFields, work: () => T): T {
  return context.run({ ...context.getStore(), ...fields }, work);
}

/** Adds fields to the current invocation's lines, from here on (e.g. once the request is parsed). */
export function addLogFields(fields: LogFields): void {
  const store = context.getStore();
  if (store) Object.assign(store, withoutUndefined(fields));
}

/**
 * Lambda's `AWS_LAMBDA_LOG_LEVEL` (set from the function's `applicationLogLevel`) as a LogLevel;
 * INFO when unset. Lambda's TRACE and FATAL map to the nearest level Slack's interface knows.
 */
export function logLevelFrom(value: string | undefined): LogLevel {
  switch (value?.trim().toUpperCase()) {
    case 'TRACE':
    case 'DEBUG':
      return LogLevel.DEBUG;
    case 'WARN':
      return LogLevel.WARN;
    case 'ERROR':
    case 'FATAL':
      return LogLevel.ERROR;
    default:
      return LogLevel.INFO;
  }
}

export interface JsonLoggerOptions {
  level?: LogLevel;
  /** Where each line goes (without its newline); stdout by default. */
  write?: (line: string) => void;
  now?: () => Date;
}

export class JsonLogger implements Logger {
  private level: LogLevel;
  private name: string | undefined;
  private readonly secrets = new Set<string>();
  private readonly write: (line: string) => void;
  private readonly now: () => Date;

  constructor(options: JsonLoggerOptions = {}) {
    this.level = options.level ?? LogLevel.INFO;
    this.write = options.write ?? ((line) => process.stdout.write(`${line}\n`));
    this.now = options.now ?? (() => new Date());
  }

  /** Values that must never appear in a line (the signing secret, the bot token). */
  redact(...values: string[]): void {
    // A very short value would blank out ordinary words; real secrets are long.
    for (const value of values) if (value.length >= 8) this.secrets.add(value);
  }

  debug(...message: unknown[]): void {
    this.log(LogLevel.DEBUG, message);
  }
  info(...message: unknown[]): void {
    this.log(LogLevel.INFO, message);
  }
  warn(...message: unknown[]): void {
    this.log(LogLevel.WARN, message);
  }
  error(...message: unknown[]): void {
    this.log(LogLevel.ERROR, message);
  }
  setLevel(level: LogLevel): void {
    this.level = level;
  }
  getLevel(): LogLevel {
    return this.level;
  }
  /** Bolt and the Web API client name their loggers; the name becomes the `logger` field. */
  setName(name: string): void {
    this.name = name;
  }

  private log(level: LogLevel, parts: unknown[]): void {
    if (SEVERITY[level] < SEVERITY[this.level]) return;
    const words: string[] = [];
    const fields: LogFields = {};
    for (const part of parts) {
      if (part instanceof Error) fields.error = describeError(part);
      else if (isPlainObject(part)) Object.assign(fields, part);
      else words.push(typeof part === 'string' ? part : safeStringify(part));
    }
    const head = {
      level: LEVEL_NAMES[level],
      timestamp: this.now().toISOString(),
      message: words.join(' '),
      ...(this.name ? { logger: this.name } : {}),
      ...context.getStore(),
    };
    let line: string;
    try {
      line = JSON.stringify({ ...head, ...withoutUndefined(fields) }, bigintAsString);
    } catch {
      // A cycle in the fields: the line is still written, and still JSON.
      line = JSON.stringify({ ...head, fieldsLeftOut: 'not serialisable' }, bigintAsString);
    }
    this.write(this.scrub(line));
  }

  private scrub(line: string): string {
    let clean = line.replace(SLACK_TOKEN, REDACTED);
    for (const secret of this.secrets) {
      // The secret as it appears inside a JSON string, escapes included.
      clean = clean.split(JSON.stringify(secret).slice(1, -1)).join(REDACTED);
    }
    return clean;
  }
}

export interface DescribedError {
  name: string;
  message: string;
  /** AWS SDK errors: the HTTP status and whether the fault was the client's or the server's. */
  httpStatusCode?: number;
  fault?: string;
  code?: string;
  stack?: string;
  cause?: DescribedError | string;
}

/** An error as a log field: name, message, AWS's status, and its causes, outermost first. */
export function describeError(error: unknown, depth = 0): DescribedError {
  if (!(error instanceof Error)) return { name: typeof error, message: safeStringify(error) };
  const described: DescribedError = { name: error.name, message: error.message };
  const aws = error as Error & { $metadata?: { httpStatusCode?: number }; $fault?: string; code?: unknown };
  if (typeof aws.$metadata?.httpStatusCode === 'number')
    described.httpStatusCode = aws.$metadata.httpStatusCode;
  if (typeof aws.$fault === 'string') described.fault = aws.$fault;
  if (typeof aws.code === 'string') described.code = aws.code;
  if (error.stack) described.stack = error.stack;
  if (error.cause !== undefined) {
    described.cause =
      depth < MAX_CAUSE_DEPTH ? describeError(error.cause, depth + 1) : '(further causes left out)';
  }
  return described;
}

function isPlainObject(value: unknown): value is LogFields {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function withoutUndefined(fields: LogFields): LogFields {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

function bigintAsString(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/** A value as text, never throwing (cycles, BigInt): a log call must not fail the request. */
function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value, bigintAsString) ?? String(value);
  } catch {
    return String(value);
  }
}
