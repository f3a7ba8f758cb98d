// RequestStore over DynamoDB with conditional single-item writes only (no transactions: DESIGN.md
// section 9). A transition is a PutItem of the request's next event under
// attribute_not_exists: of two writers racing for the same sequence number, one wins.
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { ChatopsError } from '../domain/errors';
import type { AuditEvent, ChangeRequest } from '../domain/request';
import type { CardLocation, RequestStore, StoredRequest } from '../ports';
import {
  CARD_SK,
  eventSk,
  eventToItem,
  itemToEvent,
  pendingPk,
  requestPk,
  sameEvent,
} from './dynamodb-items';
import { TABLE_SCHEMA } from './table-schema';

const { partitionKey: PK, sortKey: SK, ttlAttribute: TTL } = TABLE_SCHEMA;
/** Pending markers outlive their request by a day, then DynamoDB's TTL removes them. */
const MARKER_GRACE_SECONDS = 24 * 60 * 60;

export class DynamoDbRequestStore implements RequestStore {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBClient = new DynamoDBClient({}),
  ) {}

  async create(request: ChangeRequest, requested: AuditEvent): Promise<void> {
    const expires = Math.floor(Date.parse(request.expiresAt) / 1000) + MARKER_GRACE_SECONDS;
    await guarded(
      this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            [PK]: { S: pendingPk(request.function) },
            [SK]: { S: `${request.createdAt}#${request.id}` },
            requestId: { S: request.id },
            alias: { S: request.alias },
            [TTL]: { N: String(expires) },
          },
        }),
      ),
    );
    if (!(await this.append(requested, JSON.stringify(request)))) {
      throw new ChatopsError('CONFLICT', `Request ${request.id} already exists.`);
    }
  }

  async load(requestId: string): Promise<StoredRequest | undefined> {
    const items = [];
    let startKey: QueryCommand['input']['ExclusiveStartKey'];
    do {
      const page = await guarded(
        this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: '#pk = :pk',
            ExpressionAttributeNames: { '#pk': PK },
            ExpressionAttributeValues: { ':pk': { S: requestPk(requestId) } },
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        ),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    const eventItems = items.filter((item) => item[SK]?.S?.startsWith('EV#'));
    const details = eventItems[0]?.details?.S;
    if (!details) return undefined;
    const cardItem = items.find((item) => item[SK]?.S === CARD_SK);
    return {
      request: JSON.parse(details) as ChangeRequest,
      events: eventItems.map(itemToEvent).sort((a, b) => a.seq - b.seq),
      ...(cardItem?.channel?.S && cardItem.ts?.S
        ? { card: { channel: cardItem.channel.S, ts: cardItem.ts.S } }
        : {}),
    };
  }

  async append(event: AuditEvent, details?: string): Promise<boolean> {
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

  async saveCard(requestId: string, card: CardLocation): Promise<void> {
    await guarded(
      this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            [PK]: { S: requestPk(requestId) },
            [SK]: { S: CARD_SK },
            channel: { S: card.channel },
            ts: { S: card.ts },
          },
        }),
      ),
    );
  }

  async recentRequestIds(fn: string, since: Date): Promise<string[]> {
    const ids: string[] = [];
    let startKey: QueryCommand['input']['ExclusiveStartKey'];
    do {
      const page = await guarded(
        this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: '#pk = :pk AND #sk >= :since',
            ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
            ExpressionAttributeValues: { ':pk': { S: pendingPk(fn) }, ':since': { S: since.toISOString() } },
            ScanIndexForward: false,
            ExclusiveStartKey: startKey,
          }),
        ),
      );
      for (const item of page.Items ?? []) if (item.requestId?.S) ids.push(item.requestId.S);
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return ids;
  }
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
