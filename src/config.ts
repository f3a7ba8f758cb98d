// Loads and validates chatops.config.yml (DESIGN.md section 5). Errors name the file, the path
// inside it and what is wrong, so a broken deploy fails at cold start with a sentence, not later
// with a stack trace. Unknown keys are errors: a typo must never silently widen who may approve.
import { readFileSync } from 'node:fs';
import { load as loadYaml } from 'js-yaml';
import { defaultGuardrails } from './domain/config-model';
import type { ApprovalRule, ChatopsConfig, ManagedFunction } from './domain/model';

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    readonly file: string,
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${file}: ${path || '(top level)'}: ${problem}`);
  }
}

const DEFAULT_APPROVAL: ApprovalRule = { approvers: 'anyone', required: 1 };
const TOP_LEVEL_KEYS = ['functions', 'approvals', 'selfApproval', 'requestTtlMinutes', 'channels', 'team'];
const FUNCTION_KEYS = ['functionName', 'stages'];
const APPROVAL_KEYS = ['approvers', 'required'];

/** Lambda alias names: AWS's own pattern, and not a bare version number. */
const ALIAS_NAME = /^(?!^[0-9]+$)[a-zA-Z0-9-_]{1,128}$/;
const FUNCTION_KEY = /^[a-zA-Z0-9-_]{1,64}$/;
const FUNCTION_NAME =
  /^(arn:(aws[a-zA-Z-]*)?:lambda:[a-z]{2}(-gov)?-[a-z]+-\d{1}:\d{12}:function:)?[a-zA-Z0-9-_]{1,64}$/;
const SLACK_PRINCIPAL = /^[UWS][A-Z0-9]{2,}$/;
const SLACK_CHANNEL = /^[CGD][A-Z0-9]{2,}$/;
const SLACK_TEAM = /^[TE][A-Z0-9]{2,}$/;

/** Reads a YAML or JSON file (JSON is YAML) and validates it. */
export function loadConfigFile(file: string): ChatopsConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(file, '', `cannot be read (${(error as NodeJS.ErrnoException).code ?? error})`);
  }
  return parseConfig(text, file);
}

export function parseConfig(text: string, file: string): ChatopsConfig {
  let raw: unknown;
  try {
    raw = loadYaml(text, { filename: file });
  } catch (error) {
    throw new ConfigError(file, '', `is not valid YAML or JSON: ${(error as Error).message.split('\n')[0]}`);
  }
  return validateConfig(raw, file);
}

/** Validates an already parsed configuration object, e.g. one bundled at build time. */
export function validateConfig(raw: unknown, file: string): ChatopsConfig {
  const fail = (path: string, problem: string): never => {
    throw new ConfigError(file, path, problem);
  };
  const root = asObject(raw, '', fail);
  checkKeys(root, TOP_LEVEL_KEYS, '', fail);

  const functionsRaw = asObject(root.functions ?? fail('functions', 'is required'), 'functions', fail);
  const functions: Record<string, ManagedFunction> = {};
  if (Object.keys(functionsRaw).length === 0) fail('functions', 'must list at least one function');
  for (const [key, value] of Object.entries(functionsRaw)) {
    const path = `functions.${key}`;
    if (!FUNCTION_KEY.test(key)) fail(path, 'a function key may use only letters, digits, - and _');
    const entry = value === null ? {} : asObject(value, path, fail);
    checkKeys(entry, FUNCTION_KEYS, path, fail);
    const functionName = entry.functionName ?? key;
    if (typeof functionName !== 'string' || !FUNCTION_NAME.test(functionName)) {
      fail(`${path}.functionName`, 'must be a Lambda function name or function ARN (without a qualifier)');
    }
    const stages = entry.stages === undefined ? [] : asAliasList(entry.stages, `${path}.stages`, fail);
    define(functions, key, { key, functionName: functionName as string, stages });
  }

  const approvalsRaw = root.approvals === undefined ? {} : asObject(root.approvals, 'approvals', fail);
  const approvals: Record<string, ApprovalRule> = {};
  for (const [alias, value] of Object.entries(approvalsRaw)) {
    const path = `approvals.${alias}`;
    if (alias !== 'default' && !ALIAS_NAME.test(alias)) fail(path, 'is not a valid Lambda alias name');
    define(approvals, alias, asApprovalRule(value, path, fail));
  }

  const selfApproval = root.selfApproval ?? false;
  if (typeof selfApproval !== 'boolean') fail('selfApproval', 'must be true or false');

  const requestTtlMinutes = root.requestTtlMinutes ?? 60;
  if (
    typeof requestTtlMinutes !== 'number' ||
    !Number.isInteger(requestTtlMinutes) ||
    requestTtlMinutes < 1 ||
    requestTtlMinutes > 7 * 24 * 60
  ) {
    fail('requestTtlMinutes', 'must be a whole number of minutes between 1 and 10080 (a week)');
  }

  const channelsRaw = root.channels ?? [];
  if (!Array.isArray(channelsRaw)) fail('channels', 'must be a list of Slack channel ids (C…, G…)');
  const channels = (channelsRaw as unknown[]).map((channel, index) => {
    if (typeof channel !== 'string' || !SLACK_CHANNEL.test(channel)) {
      fail(`channels[${index}]`, 'must be a Slack channel id such as C0123ABCD (not a #name)');
    }
    return channel as string;
  });

  const team = root.team;
  if (team !== undefined && (typeof team !== 'string' || !SLACK_TEAM.test(team))) {
    fail('team', 'must be a Slack team id such as T0123ABCD');
  }

  return {
    ...defaultGuardrails(),
    functions,
    approvals: {
      ...approvals,
      default: Object.hasOwn(approvals, 'default') ? (approvals.default as ApprovalRule) : DEFAULT_APPROVAL,
    },
    selfApproval: selfApproval as boolean,
    requestTtlMinutes: requestTtlMinutes as number,
    channels,
    ...(team === undefined ? {} : { team: team as string }),
  };
}

type Fail = (path: string, problem: string) => never;

/** An own property even for keys such as `__proto__`, which plain assignment would not create. */
function define<T>(object: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

function asObject(value: unknown, path: string, fail: Fail): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail(path, 'must be a mapping of keys to values');
  }
  return value as Record<string, unknown>;
}

function checkKeys(object: Record<string, unknown>, allowed: string[], path: string, fail: Fail): void {
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key)) {
      fail(path ? `${path}.${key}` : key, `is not a known key (expected one of: ${allowed.join(', ')})`);
    }
  }
}

function asAliasList(value: unknown, path: string, fail: Fail): string[] {
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

function asApprovalRule(value: unknown, path: string, fail: Fail): ApprovalRule {
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
  if (typeof required !== 'number' || !Number.isInteger(required) || required < 1 || required > 10) {
    fail(`${path}.required`, 'must be a whole number from 1 to 10');
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
