// The product's nouns: managed functions, their aliases and published versions, as the domain sees
// them. Adapters translate AWS and Slack shapes into these; nothing here knows either.
import type { GuardrailsConfig, LinkTemplates } from './config-model';

/** A function the configuration allows the bot to touch. */
export interface ManagedFunction {
  /** The configuration key: the name people type in Slack, e.g. `orders`. */
  key: string;
  /** Lambda function name or ARN. */
  functionName: string;
  /** Promotion order, also the display order. May be empty: then aliases show as AWS lists them. */
  stages: string[];
  /** From an ARN or the `region:` key; undefined: the bot's own region. */
  region?: string;
  /** From an ARN or the `account:` key; undefined: the bot's own account. */
  account?: string;
  /** Link templates for this function's version metadata (overrides the top-level `links`). */
  links?: LinkTemplates;
}

/** Who may approve changes to an alias, and how many approvals it takes. */
export interface ApprovalRule {
  /** `anyone`, or Slack user ids (`U…`/`W…`) and user group ids (`S…`). */
  approvers: 'anyone' | string[];
  required: number;
}

export interface ChatopsConfig extends GuardrailsConfig {
  functions: Record<string, ManagedFunction>;
  /** By target alias; `default` covers aliases not listed. */
  approvals: Record<string, ApprovalRule> & { default: ApprovalRule };
  selfApproval: boolean;
  requestTtlMinutes: number;
  /** When non-empty, changes may be requested only in these channels. */
  channels: string[];
  /** When set, requests from any other Slack workspace are refused. */
  team?: string;
}

/** An alias as Lambda reports it. */
export interface AliasInfo {
  name: string;
  /** The version the alias points at (its primary version). */
  version: string;
  /** A split alias sends these weights (0..1) of its traffic to other versions. */
  additionalWeights: Record<string, number>;
  revisionId: string;
  description: string;
}

/** A published version (immutable) or `$LATEST`, as Lambda reports it. */
export interface VersionInfo {
  version: string;
  description: string;
  /** ISO-8601 timestamp. */
  lastModified: string;
  codeSha256: string;
  runtime: string | undefined;
  memorySize: number | undefined;
  timeout: number | undefined;
  architectures: string[];
  /**
   * Environment variable names mapped to a digest of their values, never the values: enough to
   * tell which keys changed between two versions without a secret ever reaching Slack or logs.
   */
  environmentDigests: Record<string, string>;
}

export function isSplit(alias: AliasInfo): boolean {
  return Object.keys(alias.additionalWeights).length > 0;
}

/** Where an alias sends its traffic: its primary version first, with the rest of the weight. */
export function trafficShares(alias: AliasInfo): { version: string; weight: number }[] {
  const extra = Object.entries(alias.additionalWeights).map(([version, weight]) => ({ version, weight }));
  const others = extra.reduce((sum, share) => sum + share.weight, 0);
  return [{ version: alias.version, weight: 1 - others }, ...extra];
}

/** A weight (0..1) as people read it: `10%`, `12.5%`. */
export const percent = (weight: number) => `${Math.round(weight * 1000) / 10}%`;
