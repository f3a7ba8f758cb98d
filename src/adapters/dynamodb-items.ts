// Audit events and request items as DynamoDB items, with the keys of TABLE_SCHEMA. The
// documented attributes (DESIGN.md section 4) are plain top-level strings so that users can
// query them from the console, exports or Athena.
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { isKnownState } from '../domain/drift';
import type { AuditAction, AuditEvent } from '../domain/request';
import type { ApprovalRuleName } from '../domain/request-guards';
import { TABLE_SCHEMA } from './table-schema';

type Item = Record<string, AttributeValue>;

const { partitionKey: PK, sortKey: SK, indexes } = TABLE_SCHEMA;

export const requestPk = (requestId: string) => `REQ#${requestId}`;
export const EVENT_SK_PREFIX = 'EV#';
export const eventSk = (seq: number) => `${EVENT_SK_PREFIX}${String(seq).padStart(4, '0')}`;
export const functionPk = (fn: string) => `FN#${fn}`;
export const aliasPk = (fn: string, alias: string) => `FN#${fn}#${alias}`;
export const CARD_SK = 'CARD';
export const lockPk = (fn: string) => `LOCK#${fn}`;
export const LOCK_SK = 'LOCKS';
export const openPk = (fn: string) => `OPEN#${fn}`;
export const openSk = (alias: string) => `ALIAS#${alias}`;
export const heartbeatPk = (job: string, slot: number) => `HEARTBEAT#${job}#${slot}`;
export const HEARTBEAT_SK = 'SLOT';
export const CLAIM_SK_PREFIX = 'CLAIM#';
export const claimSk = (step: number) => `${CLAIM_SK_PREFIX}${String(step).padStart(4, '0')}`;

const EVENT_STRINGS = [
  'function',
  'functionName',
  'alias',
  'action',
  'requestId',
  'actor',
  'team',
  'channel',
  'fromVersion',
  'toVersion',
  'at',
] as const;

export function eventToItem(event: AuditEvent, details?: string): Item {
  const timeKey = `${event.at}#${event.requestId}#${String(event.seq).padStart(4, '0')}`;
  const item: Item = {
    [PK]: { S: requestPk(event.requestId) },
    [SK]: { S: eventSk(event.seq) },
    [indexes.byFunction.partitionKey]: { S: functionPk(event.function) },
    [indexes.byFunction.sortKey]: { S: timeKey },
    [indexes.byAlias.partitionKey]: { S: aliasPk(event.function, event.alias) },
    [indexes.byAlias.sortKey]: { S: timeKey },
    ...(event.action === 'APPLIED'
      ? {
          [indexes.appliedByAlias.partitionKey]: { S: aliasPk(event.function, event.alias) },
          [indexes.appliedByAlias.sortKey]: { S: timeKey },
        }
      : {}),
    ...(isKnownState(event)
      ? {
          [indexes.knownByAlias.partitionKey]: { S: aliasPk(event.function, event.alias) },
          [indexes.knownByAlias.sortKey]: { S: timeKey },
        }
      : {}),
    seq: { N: String(event.seq) },
  };
  for (const name of EVENT_STRINGS) item[name] = { S: event[name] };
  if (event.reason !== undefined) item.reason = { S: event.reason };
  if (event.weight !== undefined) item.weight = { N: String(event.weight) };
  if (event.revisionId !== undefined) item.revisionId = { S: event.revisionId };
  if (event.until !== undefined) item.until = { S: event.until };
  if (event.approvedFor !== undefined) item.approvedFor = { S: event.approvedFor.join(' ') };
  if (details !== undefined) item.details = { S: details };
  return item;
}

export function itemToEvent(item: Item): AuditEvent {
  const text = (name: string) => item[name]?.S ?? '';
  return {
    function: text('function'),
    functionName: text('functionName'),
    alias: text('alias'),
    action: text('action') as AuditAction,
    requestId: text('requestId'),
    actor: text('actor'),
    team: text('team'),
    channel: text('channel'),
    fromVersion: text('fromVersion'),
    toVersion: text('toVersion'),
    at: text('at'),
    ...(item.reason?.S === undefined ? {} : { reason: item.reason.S }),
    ...(item.weight?.N === undefined ? {} : { weight: Number(item.weight.N) }),
    ...(item.revisionId?.S === undefined ? {} : { revisionId: item.revisionId.S }),
    ...(item.until?.S === undefined ? {} : { until: item.until.S }),
    ...(item.approvedFor?.S === undefined
      ? {}
      : { approvedFor: item.approvedFor.S.split(' ').filter(isRuleName) }),
    seq: Number(item.seq?.N ?? 0),
  };
}

/** Two writes of the same event (a retry): same step, same actor, same time. */
export function sameEvent(a: AuditEvent, b: AuditEvent): boolean {
  return a.seq === b.seq && a.action === b.action && a.actor === b.actor && a.at === b.at;
}

const isRuleName = (name: string): name is ApprovalRuleName =>
  name === 'approvals' || name === 'freezeOverride';
