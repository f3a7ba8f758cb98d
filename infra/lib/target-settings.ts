// What the LambdaChatopsTarget stack is synthesized with, from chatops.config.yml: the names of the
// functions the configuration places in other accounts, and their accounts' external id. One
// template serves every target account (a StackSet) when they share the external id; otherwise
// `-c targetAccount=<id>` synthesizes it for one account.
import type { ChatopsConfig } from '../../src/domain/model';

export interface TargetSettings {
  functionNames: string[];
  /** Their regions; the bot's own (`botRegion`) for those the configuration gives no region. */
  regions: string[];
  externalId?: string;
}

/** Undefined when the configuration lists no other account. */
export function targetSettings(
  config: ChatopsConfig,
  targetAccount: unknown,
  botRegion?: unknown,
): TargetSettings | undefined {
  const accounts = Object.values(config.accounts);
  if (accounts.length === 0) return undefined;
  if (
    targetAccount !== undefined &&
    (typeof targetAccount !== 'string' || !Object.hasOwn(config.accounts, targetAccount))
  ) {
    throw new Error(
      `context targetAccount "${String(targetAccount)}" is not one of the configuration's accounts`,
    );
  }
  const chosen =
    targetAccount === undefined ? accounts : accounts.filter((a) => a.accountId === targetAccount);
  const externalIds = [...new Set(chosen.map((account) => account.externalId ?? ''))];
  if (externalIds.length > 1) {
    throw new Error(
      'the configured accounts have different externalIds, so one template cannot serve them all: synthesize LambdaChatopsTarget per account with -c targetAccount=<id>',
    );
  }
  const ids = new Set(chosen.map((account) => account.accountId));
  const targets = Object.values(config.functions).filter(
    (fn) => fn.account !== undefined && ids.has(fn.account),
  );
  const functionNames = targets.map((fn) => fn.functionName.split(':').at(-1) ?? fn.functionName);
  const regionless = targets.filter((fn) => fn.region === undefined).map((fn) => fn.key);
  if (regionless.length > 0 && (typeof botRegion !== 'string' || !botRegion)) {
    throw new Error(
      `functions ${regionless.join(', ')} run in another account in the bot's own region: say which with -c botRegion=<region> (or give them a region)`,
    );
  }
  const regions = targets.map((fn) => fn.region ?? (botRegion as string));
  const externalId = externalIds[0];
  return {
    functionNames: [...new Set(functionNames)].sort(),
    regions: [...new Set(regions)].sort(),
    ...(externalId ? { externalId } : {}),
  };
}
