// RequestStore over DynamoDB with conditional single-item writes only (no transactions: DESIGN.md
// section 9). A transition is a PutItem of the request's next event under
// attribute_not_exists: of two writers racing for the same sequence number, one wins.
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
} from '@aws-sdk/client-dynamodb';
import { ChatopsError } from '../domain/errors';
import { type AuditEvent, type ChangeRequest, ENDING_ACTIONS, type StepClaim } from '../domain/request';
import { compareText } from '../domain/text-order';
import type {
  AliasLease,
  AliasLeaseResult,
  CardLocation,
  ClaimResult,
  RequestStore,
  StoredRequest,
} from '../ports';
import {
  CARD_SK,
  CLAIM_SK_PREFIX,
  claimSk,
  eventSk,
  eventToItem,
  functionPk,
  itemToEvent,
  openPk,
  openSk,
  requestPk,
  sameEvent,
} from './dynamodb-items';
import { TABLE_SCHEMA } from './table-schema';

const { partitionKey: PK, sortKey: SK, ttlAttribute: TTL } = TABLE_SCHEMA;
const { byFunction } = TABLE_SCHEMA.indexes;
const CARD_GRACE_SECONDS = 24 * 60 * 60;

export class DynamoDbRequestStore implements RequestStore {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBClient = new DynamoDBClient({}),
  ) {}

  async create(request: ChangeRequest, requested: AuditEvent): Promise<boolean> {
    // Any conflict means "exists": another delivery of the command, or this very write retried by
    // the SDK after a lost answer. Either way the caller reads the request and carries on with it.
    return this.putEvent(requested, JSON.stringify(request), { retryIsOurs: false });
  }

  async load(requestId: string): Promise<StoredRequest | undefined> {
    const items = await this.queryAll({
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': PK },
      ExpressionAttributeValues: { ':pk': { S: requestPk(requestId) } },
      ConsistentRead: true,
    });
    const eventItems = items.filter((item) => item[SK]?.S?.startsWith('EV#'));
    const details = eventItems[0]?.details?.S;
    if (!details) return undefined;
    const cardItem = items.find((item) => item[SK]?.S === CARD_SK);
    const claim = items
      .filter((item) => item[SK]?.S?.startsWith(CLAIM_SK_PREFIX))
      .map(itemToClaim)
      .sort((a, b) => b.step - a.step)[0];
    return {
      request: JSON.parse(details) as ChangeRequest,
      events: eventItems.map(itemToEvent).sort((a, b) => a.seq - b.seq),
      ...(cardItem?.channel?.S && cardItem.ts?.S
        ? { card: { channel: cardItem.channel.S, ts: cardItem.ts.S } }
        : {}),
      ...(claim ? { claim } : {}),
    };
  }

  async claim(
    requestId: string,
    step: number,
    { owner, now, leaseMs }: { owner: string; now: Date; leaseMs: number },
  ): Promise<ClaimResult> {
    const key = { [PK]: { S: requestPk(requestId) }, [SK]: { S: claimSk(step) } };
    const until = new Date(now.getTime() + leaseMs).toISOString();
    try {
      // A claim is not an audit event: it may be taken over (PutItem replaces it) once its holder
      // is past its lease, or re-taken by the same invocation (Lambda's retry of the same event,
      // or the SDK's retry of this very write after a lost answer).
      const result = await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            ...key,
            step: { N: String(step) },
            owner: { S: owner },
            at: { S: now.toISOString() },
            until: { S: until },
            [TTL]: { N: String(Math.floor(now.getTime() / 1000) + CARD_GRACE_SECONDS) },
          },
          ConditionExpression: 'attribute_not_exists(#pk) OR #until < :now OR #owner = :owner',
          ExpressionAttributeNames: { '#pk': PK, '#until': 'until', '#owner': 'owner' },
          ExpressionAttributeValues: { ':now': { S: now.toISOString() }, ':owner': { S: owner } },
          ReturnValues: 'ALL_OLD',
        }),
      );
      return result.Attributes ? { taken: true, previous: itemToClaim(result.Attributes) } : { taken: true };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw storeError(error);
      const holder = await guarded(
        this.client.send(new GetItemCommand({ TableName: this.tableName, Key: key, ConsistentRead: true })),
      );
      if (!holder.Item)
        throw new ChatopsError('CONFLICT', `The claim on ${requestId} step ${step} vanished.`);
      return { taken: false, holder: itemToClaim(holder.Item) };
    }
  }

  async takeAlias(lease: AliasLease, replacing?: string): Promise<AliasLeaseResult> {
    const key = { [PK]: { S: openPk(lease.function) }, [SK]: { S: openSk(lease.alias) } };
    try {
      // No TTL: an approved request holds its alias however old it grows. A lease whose request
      // ended without letting go (a lost release) is taken over by the next request.
      const result = await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            ...key,
            function: { S: lease.function },
            alias: { S: lease.alias },
            requestId: { S: lease.requestId },
            requester: { S: lease.requester },
            at: { S: lease.at },
          },
          ConditionExpression:
            replacing === undefined
              ? 'attribute_not_exists(#requestId) OR #requestId = :me'
              : '#requestId = :replacing OR #requestId = :me',
          ExpressionAttributeNames: { '#requestId': 'requestId' },
          ExpressionAttributeValues: {
            ':me': { S: lease.requestId },
            ...(replacing === undefined ? {} : { ':replacing': { S: replacing } }),
          },
          ReturnValues: 'ALL_OLD',
        }),
      );
      return { taken: true, fresh: result.Attributes?.requestId?.S !== lease.requestId };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw storeError(error);
      const holder = await guarded(
        this.client.send(new GetItemCommand({ TableName: this.tableName, Key: key, ConsistentRead: true })),
      );
      const item = holder.Item;
      return { taken: false, holder: item?.requestId?.S ? itemToLease(item, lease.function) : undefined };
    }
  }

  async aliasLeases(fn: string): Promise<AliasLease[]> {
    const items = await this.queryAll({
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': PK },
      ExpressionAttributeValues: { ':pk': { S: openPk(fn) } },
    });
    return items.flatMap((item) => (item.requestId?.S ? [itemToLease(item, fn)] : []));
  }

  async releaseAlias(fn: string, alias: string, requestId: string): Promise<void> {
    try {
      // A PutItem, not a DeleteItem: the bot's role has no DeleteItem on the table (IAM keeps it
      // from removing audit events). The lease stays as an item without a holder.
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            [PK]: { S: openPk(fn) },
            [SK]: { S: openSk(alias) },
            function: { S: fn },
            alias: { S: alias },
            releasedBy: { S: requestId },
          },
          ConditionExpression: '#requestId = :me',
          ExpressionAttributeNames: { '#requestId': 'requestId' },
          ExpressionAttributeValues: { ':me': { S: requestId } },
        }),
      );
    } catch (error) {
      // Already let go, or taken over by a newer request: nothing of ours to release.
      if (!(error instanceof ConditionalCheckFailedException)) throw storeError(error);
    }
  }

  async append(event: AuditEvent): Promise<boolean> {
    const stored = await this.putEvent(event);
    if (stored && ENDING_ACTIONS.has(event.action)) {
      // The request has ended: its alias is free for the next one. A lost release is harmless:
      // the next request finds the holder ended and takes the alias over.
      await this.releaseAlias(event.function, event.alias, event.requestId).catch(() => undefined);
    }
    return stored;
  }

  private async putEvent(
    event: AuditEvent,
    details?: string,
    { retryIsOurs } = { retryIsOurs: true },
  ): Promise<boolean> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: eventToItem(event, details),
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': PK },
        }),
      );
      return true;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw storeError(error);
      if (!retryIsOurs) return false;
      // Taken: by another writer, or by the first attempt of this very write (an SDK retry).
      const existing = await guarded(
        this.client.send(
          new GetItemCommand({
            TableName: this.tableName,
            Key: { [PK]: { S: requestPk(event.requestId) }, [SK]: { S: eventSk(event.seq) } },
            ConsistentRead: true,
          }),
        ),
      );
      return existing.Item !== undefined && sameEvent(itemToEvent(existing.Item), event);
    }
  }

  async saveCard(request: ChangeRequest, card: CardLocation): Promise<CardLocation> {
    // Needed while the request can still change; DynamoDB's TTL removes it a day after expiry.
    const keepUntil = Math.floor(Date.parse(request.expiresAt) / 1000) + CARD_GRACE_SECONDS;
    const key = { [PK]: { S: requestPk(request.id) }, [SK]: { S: CARD_SK } };
    try {
      // The first card saved stays: two deliveries of one command racing each posted a card, and
      // the one that loses here removes its own. Our own write retried (a lost answer) matches.
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: { ...key, channel: { S: card.channel }, ts: { S: card.ts }, [TTL]: { N: String(keepUntil) } },
          ConditionExpression: 'attribute_not_exists(#pk) OR (#ts = :ts AND #channel = :channel)',
          ExpressionAttributeNames: { '#pk': PK, '#ts': 'ts', '#channel': 'channel' },
          ExpressionAttributeValues: { ':ts': { S: card.ts }, ':channel': { S: card.channel } },
        }),
      );
      return card;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw storeError(error);
      const stored = await guarded(
        this.client.send(new GetItemCommand({ TableName: this.tableName, Key: key, ConsistentRead: true })),
      );
      const channel = stored.Item?.channel?.S;
      const ts = stored.Item?.ts?.S;
      return channel && ts ? { channel, ts } : card;
    }
  }

  async recentRequests(fn: string, since: Date): Promise<StoredRequest[]> {
    // One Query of the function's events since `since`: every event of a request made since then
    // is in it, its REQUESTED event included, so each request folds without another read.
    const events = new Map<string, { details?: string; events: AuditEvent[] }>();
    const items = await this.queryAll({
      IndexName: byFunction.name,
      KeyConditionExpression: '#pk = :pk AND #sk >= :since',
      ExpressionAttributeNames: { '#pk': byFunction.partitionKey, '#sk': byFunction.sortKey },
      ExpressionAttributeValues: { ':pk': { S: functionPk(fn) }, ':since': { S: since.toISOString() } },
    });
    for (const item of items) {
      const event = itemToEvent(item);
      const entry = events.get(event.requestId) ?? { events: [] };
      entry.events.push(event);
      if (item.details?.S) entry.details = item.details.S;
      events.set(event.requestId, entry);
    }
    const requests: StoredRequest[] = [];
    for (const entry of events.values()) {
      if (!entry.details) continue; // made before `since`
      requests.push({
        request: JSON.parse(entry.details) as ChangeRequest,
        events: entry.events.sort((a, b) => a.seq - b.seq),
      });
    }
    return requests.sort((a, b) => compareText(b.request.createdAt, a.request.createdAt));
  }

  /** Every item a Query matches, page after page. */
  private async queryAll(input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>) {
    const items: NonNullable<QueryCommandOutput['Items']> = [];
    let startKey: QueryCommandInput['ExclusiveStartKey'];
    do {
      const page = await guarded(
        this.client.send(
          new QueryCommand({ ...input, TableName: this.tableName, ExclusiveStartKey: startKey }),
        ),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  }
}

function itemToLease(item: Record<string, { S?: string } | undefined>, fn: string): AliasLease {
  return {
    function: item.function?.S ?? fn,
    alias: item.alias?.S ?? '',
    requestId: item.requestId?.S ?? '',
    requester: item.requester?.S ?? '',
    at: item.at?.S ?? '',
  };
}

function itemToClaim(item: Record<string, { S?: string; N?: string } | undefined>): StepClaim {
  return {
    step: Number(item.step?.N ?? 0),
    owner: item.owner?.S ?? '',
    at: item.at?.S ?? '',
    until: item.until?.S ?? '',
  };
}

/** Awaits a DynamoDB call, turning its failures into the domain's errors. */
export async function guarded<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    throw storeError(error);
  }
}

export function storeError(error: unknown): unknown {
  if (!(error instanceof Error) || error instanceof ChatopsError) return error;
  const throttled = /Throttl|ProvisionedThroughputExceeded|RequestLimitExceeded/.test(error.name);
  return new ChatopsError(
    throttled ? 'THROTTLED' : 'UPSTREAM_FAILURE',
    throttled
      ? 'The audit table is throttling requests right now.'
      : `The audit table could not be reached (${error.name}).`,
    { cause: error },
  );
}
