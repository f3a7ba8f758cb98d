// The small readers src/config.ts and its sections share: each checks one kind of value at one
// path and either returns it typed or fails with a sentence naming that path. `fail` throws the
// loader's ConfigError, so the first problem stops the load.
import { parseDuration } from './domain/duration';
import type { ApprovalRule } from './domain/model';

export type Fail = (path: string, problem: string) => never;

/** Lambda alias names: AWS's own pattern, and not a bare version number. */
export const ALIAS_NAME = /^(?!^[0-9]+$)[a-zA-Z0-9-_]{1,128}$/;
export const SLACK_PRINCIPAL = /^[UWS][A-Z0-9]{2,}$/;
export const SLACK_CHANNEL = /^[CGD][A-Z0-9]{2,}$/;
export const SLACK_TEAM = /^[TE][A-Z0-9]{2,}$/;
export const ACCOUNT_ID = /^[0-9]{12}$/;
/** Commercial, China and GovCloud regions, as the function ARN pattern accepts them. */
export const REGION = /^[a-z]{2}(-gov)?-[a-z]+-[0-9]$/;
const APPROVAL_KEYS = ['approvers', 'required'];

/** An own property even for keys such as `__proto__`, which plain assignment would not create. */
export function define<T>(object: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

export function asObject(value: unknown, path: string, fail: Fail): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Date) {
    return fail(path, 'must be a mapping of keys to values');
  }
  return value as Record<string, unknown>;
}

export function checkKeys(
  object: Record<string, unknown>,
  allowed: string[],
  path: string,
  fail: Fail,
): void {
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key)) {
      fail(path ? `${path}.${key}` : key, `is not a known key (expected one of: ${allowed.join(', ')})`);
    }
  }
}

export function asAliasList(value: unknown, path: string, fail: Fail): string[] {
  if (!Array.isArray(value)) return fail(path, 'must be a list of alias names, e.g. [dev, test, prod]');
  const seen = new Set<string>();
  return value.map((alias, index) => {
    if (typeof alias !== 'string' || !ALIAS_NAME.test(alias)) {
      fail(`${path}[${index}]`, 'is not a valid Lambda alias name');
    }
    if (seen.has(alias as string)) fail(`${path}[${index}]`, `lists "${alias}" twice`);
    seen.add(alias as string);
    return alias as string;
  });
}

/**
 * The keys of a mapping by target alias, each a valid alias name. `default` is a key only where
 * the section gives it a meaning (approvals, rollouts); elsewhere it would read as "every alias"
 * while meaning one alias called `default`, so it is refused.
 */
export function aliasEntries(
  object: Record<string, unknown>,
  path: string,
  fail: Fail,
  options: { allowDefault: boolean },
): [string, unknown, string][] {
  return Object.entries(object).map(([alias, value]) => {
    const at = `${path}.${alias}`;
    if (alias === 'default' && !options.allowDefault) {
      fail(at, '`default` means nothing here: list each alias by name');
    }
    if (alias !== 'default' && !ALIAS_NAME.test(alias)) fail(at, 'is not a valid Lambda alias name');
    return [alias, value, at];
  });
}

export function asAlias(value: unknown, path: string, fail: Fail): string {
  if (typeof value !== 'string' || !ALIAS_NAME.test(value))
    return fail(path, 'is not a valid Lambda alias name');
  return value;
}

/** `<n>m` or `<n>h`, from 1 minute to 7 days (the shared parser of src/domain/duration.ts). */
export function asDuration(
  value: unknown,
  path: string,
  fail: Fail,
  minMs?: { ms: number; why: string },
): number {
  if (typeof value !== 'string') return fail(path, 'must be a duration such as 10m or 2h');
  const parsed = parseDuration(value);
  if (!parsed.ok) return fail(path, `\`${value}\` ${parsed.problem}`);
  if (minMs && parsed.ms < minMs.ms) return fail(path, `must be at least ${minMs.why}`);
  return parsed.ms;
}

export function asChannel(value: unknown, path: string, fail: Fail): string {
  if (typeof value !== 'string' || !SLACK_CHANNEL.test(value)) {
    return fail(path, 'must be a Slack channel id such as C0123ABCD (not a #name)');
  }
  return value;
}

export function asWholeNumber(value: unknown, path: string, fail: Fail, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    return fail(path, `must be a whole number from ${min} to ${max}`);
  }
  return value;
}

/**
 * A 12-digit account id. YAML reads unquoted digits as a number (and drops a leading 0), so a
 * number is accepted when it still has 12 digits, and the error says to quote it otherwise.
 */
export function asAccountId(value: unknown, path: string, fail: Fail): string {
  const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
  if (typeof text === 'string' && ACCOUNT_ID.test(text)) return text;
  const hint =
    typeof value === 'number' ? ' (quote it: YAML reads digits as a number and drops leading zeros)' : '';
  return fail(path, `must be a 12-digit AWS account id${hint}`);
}

/** `allowNone`: `required: 0` is accepted (an alias whose changes need no approval, DESIGN.md 3c). */
export function asApprovalRule(
  value: unknown,
  path: string,
  fail: Fail,
  options: { allowNone?: boolean } = {},
): ApprovalRule {
  const rule = asObject(value, path, fail);
  checkKeys(rule, APPROVAL_KEYS, path, fail);
  const approvers = rule.approvers ?? 'anyone';
  if (approvers !== 'anyone') {
    if (!Array.isArray(approvers) || approvers.length === 0) {
      fail(
        `${path}.approvers`,
        'must be `anyone` or a non-empty list of Slack user (U…) and user group (S…) ids',
      );
    }
    (approvers as unknown[]).forEach((id, index) => {
      if (typeof id !== 'string' || !SLACK_PRINCIPAL.test(id)) {
        fail(`${path}.approvers[${index}]`, 'must be a Slack user id (U…, W…) or user group id (S…)');
      }
    });
  }
  const required = rule.required ?? 1;
  const least = options.allowNone ? 0 : 1;
  if (typeof required !== 'number' || !Number.isInteger(required) || required < least || required > 10) {
    fail(`${path}.required`, `must be a whole number from ${least} to 10`);
  }
  if (required === 0 && approvers !== 'anyone') {
    // No approval at all is a statement about the alias, not about people: naming approvers
    // who are never asked would read as a guard that is not there.
    fail(
      `${path}.required`,
      '0 (no approval: requests are applied at once) goes with `approvers: anyone` only',
    );
  }
  if (Array.isArray(approvers)) {
    const users = approvers.filter((id) => !String(id).startsWith('S'));
    const hasGroup = users.length < approvers.length;
    if (!hasGroup && users.length < (required as number)) {
      fail(`${path}.required`, `needs ${required} approvals but only ${users.length} approver(s) are listed`);
    }
  }
  return { approvers: approvers as ApprovalRule['approvers'], required: required as number };
}
