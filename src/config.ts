// Loads and validates chatops.config.yml (DESIGN.md section 5). Errors name the file, the path
// inside it and what is wrong, so a broken deploy fails at cold start with a sentence, not later
// with a stack trace. Unknown keys are errors: a typo must never silently widen who may approve.
// The sections of DESIGN.md section 5 beyond functions and approvals have their own readers
// (config-rollouts.ts, config-freezes.ts, config-links.ts, config-accounts.ts), all built on the
// shared value readers of config-values.ts; durations use the domain's one parser.
import { readFileSync } from 'node:fs';
import { load as loadYaml } from 'js-yaml';
import { checkAccounts, readAccounts, readLocation } from './config-accounts';
import { readFreezes } from './config-freezes';
import { readLinks } from './config-links';
import { readRollouts } from './config-rollouts';
import {
  aliasEntries,
  asAlias,
  asAliasList,
  asApprovalRule,
  asChannel,
  asDuration,
  asObject,
  checkKeys,
  define,
  type Fail,
  SLACK_CHANNEL,
  SLACK_TEAM,
} from './config-values';
import type { AutoPromoteRule, DriftSettings, StageOrderMode } from './domain/config-model';
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
const TOP_LEVEL_KEYS = [
  'functions',
  'approvals',
  'selfApproval',
  'requestTtlMinutes',
  'channels',
  'team',
  'rollouts',
  'freezes',
  'freezeOverride',
  'stageOrder',
  'minSoak',
  'drift',
  'links',
  'autoPromote',
  'accounts',
];
const FUNCTION_KEYS = ['functionName', 'stages', 'region', 'account', 'links'];
const DRIFT_KEYS = ['every', 'channel'];
const AUTO_PROMOTE_KEYS = ['from', 'after', 'channel'];
const STAGE_ORDERS: StageOrderMode[] = ['warn', 'strict'];
/** The heartbeat runs every 5 minutes (DESIGN.md 3b): a shorter drift period could not be kept. */
const HEARTBEAT = { ms: 5 * 60_000, why: '5m (the heartbeat runs every 5 minutes)' };
const DEFAULT_DRIFT_EVERY_MS = 15 * 60_000;

const FUNCTION_KEY = /^[a-zA-Z0-9-_]{1,64}$/;
const FUNCTION_NAME =
  /^(arn:(aws[a-zA-Z-]*)?:lambda:[a-z]{2}(-gov)?-[a-z]+-\d{1}:\d{12}:function:)?[a-zA-Z0-9-_]{1,64}$/;

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
  /** Where each function's account was read from, for errors about it. */
  const accountPaths: Record<string, string> = {};
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
    const location = readLocation(entry, functionName as string, path, fail);
    const links = entry.links === undefined ? undefined : readLinks(entry.links, `${path}.links`, fail);
    define(functions, key, {
      key,
      functionName: functionName as string,
      stages,
      ...location,
      ...(links === undefined ? {} : { links }),
    });
    define(accountPaths, key, entry.account === undefined ? `${path}.functionName` : `${path}.account`);
  }

  const approvalsRaw = root.approvals === undefined ? {} : asObject(root.approvals, 'approvals', fail);
  const approvals: Record<string, ApprovalRule> = {};
  for (const [alias, value, path] of aliasEntries(approvalsRaw, 'approvals', fail, { allowDefault: true })) {
    define(approvals, alias, asApprovalRule(value, path, fail, { allowNone: true }));
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

  const stageOrder = root.stageOrder ?? 'warn';
  if (!STAGE_ORDERS.includes(stageOrder as StageOrderMode)) fail('stageOrder', 'must be warn or strict');

  const drift = root.drift === undefined ? undefined : readDrift(root.drift, fail);
  const accounts = readAccounts(root.accounts, fail);
  checkAccounts(functions, accounts, accountPaths, fail);

  return {
    rollouts: readRollouts(root.rollouts, fail),
    freezes: readFreezes(root.freezes, fail),
    ...(root.freezeOverride === undefined
      ? {}
      : { freezeOverride: asApprovalRule(root.freezeOverride, 'freezeOverride', fail) }),
    stageOrder: stageOrder as StageOrderMode,
    minSoakMs: readMinSoak(root.minSoak, fail),
    ...(drift === undefined ? {} : { drift }),
    links: root.links === undefined ? {} : readLinks(root.links, 'links', fail),
    autoPromote: readAutoPromote(root.autoPromote, drift, fail),
    accounts,
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

function readDrift(raw: unknown, fail: Fail): DriftSettings {
  const drift = asObject(raw, 'drift', fail);
  checkKeys(drift, DRIFT_KEYS, 'drift', fail);
  if (drift.channel === undefined)
    fail('drift.channel', 'is required: the Slack channel id drift alerts go to');
  return {
    everyMs:
      drift.every === undefined
        ? DEFAULT_DRIFT_EVERY_MS
        : asDuration(drift.every, 'drift.every', fail, HEARTBEAT),
    channel: asChannel(drift.channel, 'drift.channel', fail),
  };
}

function readMinSoak(raw: unknown, fail: Fail): Record<string, number> {
  const minSoakMs: Record<string, number> = {};
  if (raw === undefined) return minSoakMs;
  for (const [alias, value, path] of aliasEntries(asObject(raw, 'minSoak', fail), 'minSoak', fail, {
    allowDefault: false,
  })) {
    define(minSoakMs, alias, asDuration(value, path, fail));
  }
  return minSoakMs;
}

function readAutoPromote(
  raw: unknown,
  drift: DriftSettings | undefined,
  fail: Fail,
): Record<string, AutoPromoteRule> {
  const rules: Record<string, AutoPromoteRule> = {};
  if (raw === undefined) return rules;
  for (const [target, value, path] of aliasEntries(asObject(raw, 'autoPromote', fail), 'autoPromote', fail, {
    allowDefault: false,
  })) {
    const entry = asObject(value, path, fail);
    checkKeys(entry, AUTO_PROMOTE_KEYS, path, fail);
    if (entry.from === undefined) fail(`${path}.from`, 'is required: the alias whose version is promoted');
    const from = asAlias(entry.from, `${path}.from`, fail);
    if (from === target) fail(`${path}.from`, `is the target alias itself (${target})`);
    if (entry.after === undefined)
      fail(`${path}.after`, 'is required: how long a version soaks first, e.g. 1h');
    const afterMs = asDuration(entry.after, `${path}.after`, fail);
    // The card must go somewhere: the entry's channel, else the drift channel.
    if (entry.channel === undefined && drift === undefined) {
      fail(`${path}.channel`, 'is required when drift.channel is not set (where the request card is posted)');
    }
    define(rules, target, {
      from,
      afterMs,
      ...(entry.channel === undefined ? {} : { channel: asChannel(entry.channel, `${path}.channel`, fail) }),
    });
  }
  return rules;
}
