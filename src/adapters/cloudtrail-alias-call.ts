// CloudTrail's record of a Lambda alias call, as EventBridge delivers it to the worker ("AWS API
// Call via CloudTrail", source aws.lambda), read into the domain's AliasApiCall. Anything else,
// or a record missing what the drift check needs, is not an alias call.
import type { AliasApiCall } from '../domain/alias-call';

/** CloudTrail's versioned names of the calls that change an alias. */
export const ALIAS_CALLS = {
  CreateAlias20150331: 'create',
  UpdateAlias20150331: 'update',
  DeleteAlias20150331: 'delete',
} as const satisfies Record<string, AliasApiCall['change']>;

export const CLOUDTRAIL_DETAIL_TYPE = 'AWS API Call via CloudTrail';

type Json = Record<string, unknown>;
const object = (value: unknown): Json | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
const text = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined);

export function aliasApiCall(event: unknown): AliasApiCall | undefined {
  const envelope = object(event);
  if (envelope?.source !== 'aws.lambda' || envelope['detail-type'] !== CLOUDTRAIL_DETAIL_TYPE)
    return undefined;
  const detail = object(envelope.detail);
  const eventName = text(detail?.eventName);
  if (!detail || !eventName || !Object.hasOwn(ALIAS_CALLS, eventName)) return undefined;
  const change = ALIAS_CALLS[eventName as keyof typeof ALIAS_CALLS];
  // A call that failed changed nothing.
  if (detail.errorCode !== undefined) return undefined;
  const request = object(detail.requestParameters);
  const response = object(detail.responseElements);
  const functionName = text(request?.functionName);
  const alias = text(request?.name) ?? text(response?.name);
  if (!functionName || !alias) return undefined;
  const version = text(response?.functionVersion);
  const revisionId = text(response?.revisionId);
  if (change !== 'delete' && (!version || !revisionId)) return undefined;
  const identity = object(detail.userIdentity);
  const weights = object(object(response?.routingConfig)?.additionalVersionWeights) ?? {};
  const account = text(detail.recipientAccountId) ?? text(envelope.account);
  const region = text(detail.awsRegion) ?? text(envelope.region);
  return {
    change,
    functionName,
    alias,
    ...(version ? { version } : {}),
    weights: Object.fromEntries(
      Object.entries(weights).filter((entry): entry is [string, number] => typeof entry[1] === 'number'),
    ),
    ...(revisionId ? { revisionId } : {}),
    actor: text(identity?.arn) ?? text(identity?.principalId) ?? text(identity?.invokedBy) ?? 'unknown',
    at: text(detail.eventTime) ?? text(envelope.time) ?? '',
    eventId: text(detail.eventID) ?? text(envelope.id) ?? '',
    ...(account ? { account } : {}),
    ...(region ? { region } : {}),
  };
}
