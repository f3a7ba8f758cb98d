// A change of an alias made through Lambda's API, as CloudTrail reports it (DESIGN.md section 3b):
// who changed which alias of which function, and the alias's state after the call. The adapter
// reads CloudTrail's event into this; here is which configured function, if any, it concerns.
import type { ChatopsConfig, ManagedFunction } from './model';

export interface AliasApiCall {
  change: 'create' | 'update' | 'delete';
  /** As the caller gave it: a name, an ARN or a partial ARN (`123456789012:function:name`). */
  functionName: string;
  alias: string;
  /** After the call (create, update); undefined for delete. */
  version?: string;
  weights: Record<string, number>;
  revisionId?: string;
  /** The caller: its IAM ARN, else its principal id. */
  actor: string;
  /** ISO-8601, when the call was made. */
  at: string;
  /** CloudTrail's id of the event: the same for every delivery of it. */
  eventId: string;
  /** The account and region the call was made in. */
  account?: string;
  region?: string;
}

/** A Lambda function reference taken apart: name, and account and region when it says them. */
export function parseFunctionRef(ref: string): { name: string; account?: string; region?: string } {
  const parts = ref.split(':');
  // arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]
  if (parts[0] === 'arn' && parts.length >= 7 && parts[5] === 'function') {
    return {
      name: parts[6] ?? '',
      ...(parts[4] ? { account: parts[4] } : {}),
      ...(parts[3] ? { region: parts[3] } : {}),
    };
  }
  // <account>:function:<name>[:<qualifier>]
  if (parts.length >= 3 && parts[1] === 'function') {
    return { name: parts[2] ?? '', ...(parts[0] ? { account: parts[0] } : {}) };
  }
  // <name>[:<qualifier>]
  return { name: parts[0] ?? '' };
}

/**
 * The configured function a call concerns: same name, and same account and region wherever both
 * the configuration and the call say one. Deny by default: anything else is not the bot's.
 */
export function functionOfCall(config: ChatopsConfig, call: AliasApiCall): ManagedFunction | undefined {
  const called = parseFunctionRef(call.functionName);
  // A plain name means the caller's own account and region: the ones the event was recorded in.
  const account = called.account ?? call.account;
  const region = called.region ?? call.region;
  return Object.values(config.functions).find((fn) => {
    const configured = parseFunctionRef(fn.functionName);
    // Likewise a configured plain name means the bot's account and region, which are the event's
    // (an EventBridge rule sees its own account and region only).
    const fnAccount = configured.account ?? fn.account ?? call.account;
    const fnRegion = configured.region ?? fn.region ?? call.region;
    return (
      configured.name === called.name &&
      (fnAccount === undefined || account === undefined || fnAccount === account) &&
      (fnRegion === undefined || region === undefined || fnRegion === region)
    );
  });
}
