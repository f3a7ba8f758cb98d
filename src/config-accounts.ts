// Where each function lives (DESIGN.md section 5, issue 11): its account and region come from a
// function ARN or the `account:`/`region:` keys, which must agree; `accounts` lists the other
// accounts with the roles the bot assumes there. The bot cannot know its own account at load
// time, so the check is consistency: every function whose account is not listed under
// `accounts` is taken to be in the bot's own account, so there can be only one such account.
import { ACCOUNT_ID, asAccountId, asObject, checkKeys, define, type Fail, REGION } from './config-values';
import type { AccountSettings } from './domain/config-model';
import type { ManagedFunction } from './domain/model';

const ACCOUNT_KEYS = ['externalId', 'readerRoleArn', 'promoterRoleArn'];
const FUNCTION_ARN = /^arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):([0-9]{12}):function:[a-zA-Z0-9-_]{1,64}$/;
/** STS's ExternalId: 2 to 1224 characters of `[\w+=,.@:/-]`. */
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;
const ROLE_ARN = /^arn:aws[a-zA-Z-]*:iam::([0-9]{12}):role\/[\w+=,.@/-]{1,512}$/;

/** The account and region of one function entry, each undefined for "the bot's own". */
export function readLocation(
  entry: Record<string, unknown>,
  functionName: string,
  path: string,
  fail: Fail,
): { account?: string; region?: string } {
  const arn = FUNCTION_ARN.exec(functionName);
  const account =
    entry.account === undefined ? undefined : asAccountId(entry.account, `${path}.account`, fail);
  let region: string | undefined;
  if (entry.region !== undefined) {
    if (typeof entry.region !== 'string' || !REGION.test(entry.region)) {
      fail(`${path}.region`, 'must be an AWS region such as eu-west-1');
    }
    region = entry.region as string;
  }
  if (!arn) {
    return { ...(account === undefined ? {} : { account }), ...(region === undefined ? {} : { region }) };
  }
  const [, arnRegion, arnAccount] = arn as unknown as [string, string, string];
  if (account !== undefined && account !== arnAccount) {
    fail(`${path}.account`, `says ${account}, but the function ARN is in account ${arnAccount}`);
  }
  if (region !== undefined && region !== arnRegion) {
    fail(`${path}.region`, `says ${region}, but the function ARN is in ${arnRegion}`);
  }
  return { account: arnAccount, region: arnRegion };
}

export function readAccounts(raw: unknown, fail: Fail): Record<string, AccountSettings> {
  const accounts: Record<string, AccountSettings> = {};
  if (raw === undefined) return accounts;
  for (const [key, value] of Object.entries(asObject(raw, 'accounts', fail))) {
    const path = `accounts.${key}`;
    if (!ACCOUNT_ID.test(key)) {
      fail(
        path,
        'is not a 12-digit AWS account id (quote it: YAML reads digits as a number and drops leading zeros)',
      );
    }
    const entry = value === null ? {} : asObject(value, path, fail);
    checkKeys(entry, ACCOUNT_KEYS, path, fail);
    const { externalId } = entry;
    if (externalId !== undefined && (typeof externalId !== 'string' || !EXTERNAL_ID.test(externalId))) {
      fail(`${path}.externalId`, 'must be 2 to 1224 characters of letters, digits and + = , . @ : / - _');
    }
    define(accounts, key, {
      accountId: key,
      ...(externalId === undefined ? {} : { externalId: externalId as string }),
      readerRoleArn: readRole(entry.readerRoleArn, key, 'reader', `${path}.readerRoleArn`, fail),
      promoterRoleArn: readRole(entry.promoterRoleArn, key, 'promoter', `${path}.promoterRoleArn`, fail),
    });
  }
  return accounts;
}

/** Defaults: the roles the LambdaChatopsTarget stack creates in every target account. */
function readRole(
  raw: unknown,
  account: string,
  role: 'reader' | 'promoter',
  path: string,
  fail: Fail,
): string {
  if (raw === undefined) return `arn:aws:iam::${account}:role/lambda-chatops-${role}`;
  const match = typeof raw === 'string' ? ROLE_ARN.exec(raw) : null;
  if (!match)
    return fail(path, 'must be an IAM role ARN such as arn:aws:iam::222222222222:role/lambda-chatops-reader');
  if (match[1] !== account) fail(path, `must be a role in account ${account}, not ${match[1]}`);
  return raw as string;
}

/**
 * Accounts and functions agree: at most one account outside `accounts` (the bot's own). A listed
 * account without a function is allowed: the roles may be set up before the functions move in.
 */
export function checkAccounts(
  functions: Record<string, ManagedFunction>,
  accounts: Record<string, AccountSettings>,
  locations: Record<string, string>,
  fail: Fail,
): void {
  let own: { account: string; key: string } | undefined;
  for (const fn of Object.values(functions)) {
    if (fn.account === undefined || Object.hasOwn(accounts, fn.account)) continue;
    if (own === undefined) own = { account: fn.account, key: fn.key };
    else if (own.account !== fn.account) {
      fail(
        locations[fn.key] as string,
        `is in account ${fn.account} and functions.${own.key} in ${own.account}, neither listed under accounts: ` +
          "only one account can be the bot's own; list the others under accounts",
      );
    }
  }
}
