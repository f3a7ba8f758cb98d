// AuditLog over DynamoDB: a function's history newest first is one Query of the byFunction
// index, an alias's one Query of byAlias, its last applied change one item of the sparse
// appliedByAlias, its last known state (the drift check) one item of the sparse knownByAlias. The
// bot never updates or deletes an event.
import {
  type AttributeValue,
  DynamoDBClient,
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
} from '@aws-sdk/client-dynamodb';
import type { AuditEvent } from '../domain/request';
import type { AuditLog } from '../ports';
import { aliasPk, EVENT_SK_PREFIX, functionPk, itemToEvent, requestPk } from './dynamodb-items';
import { guarded } from './dynamodb-request-store';
import { TABLE_SCHEMA } from './table-schema';

const { byFunction, byAlias, appliedByAlias, knownByAlias } = TABLE_SCHEMA.indexes;
type Index = (typeof TABLE_SCHEMA.indexes)[keyof typeof TABLE_SCHEMA.indexes];

export class DynamoDbAuditLog implements AuditLog {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBClient = new DynamoDBClient({}),
  ) {}

  async history(fn: string, options: { alias?: string; limit: number }): Promise<AuditEvent[]> {
    const page =
      options.alias === undefined
        ? await this.query(byFunction, functionPk(fn), options.limit)
        : await this.query(byAlias, aliasPk(fn, options.alias), options.limit);
    return (page.Items ?? []).map(itemToEvent);
  }

  async lastApplied(fn: string, alias: string): Promise<AuditEvent | undefined> {
    const page = await this.query(appliedByAlias, aliasPk(fn, alias), 1);
    const item = page.Items?.[0];
    return item ? itemToEvent(item) : undefined;
  }

  async appliedSpan(
    fn: string,
    alias: string,
    version: string,
  ): Promise<{ appliedAt?: string; leftAt?: string }> {
    // Newest first, only this version's APPLIED events: usually the first page has it.
    const pk = aliasPk(fn, alias);
    let startKey: QueryCommandInput['ExclusiveStartKey'];
    let found: Record<string, AttributeValue> | undefined;
    do {
      const page = await guarded(
        this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: appliedByAlias.name,
            KeyConditionExpression: '#pk = :pk',
            FilterExpression: '#to = :version',
            ExpressionAttributeNames: { '#pk': appliedByAlias.partitionKey, '#to': 'toVersion' },
            ExpressionAttributeValues: { ':pk': { S: pk }, ':version': { S: version } },
            ScanIndexForward: false,
            ExclusiveStartKey: startKey,
          }),
        ),
      );
      found = page.Items?.[0];
      startKey = page.LastEvaluatedKey;
    } while (!found && startKey);
    const sortKey = found?.[appliedByAlias.sortKey]?.S;
    if (!found || sortKey === undefined) return {};
    // The next change of the alias after it: when the version left.
    const next = await guarded(
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: appliedByAlias.name,
          KeyConditionExpression: '#pk = :pk AND #sk > :sk',
          ExpressionAttributeNames: { '#pk': appliedByAlias.partitionKey, '#sk': appliedByAlias.sortKey },
          ExpressionAttributeValues: { ':pk': { S: pk }, ':sk': { S: sortKey } },
          ScanIndexForward: true,
          Limit: 1,
        }),
      ),
    );
    const left = next.Items?.[0];
    return {
      appliedAt: itemToEvent(found).at,
      ...(left ? { leftAt: itemToEvent(left).at } : {}),
    };
  }

  async lastKnown(fn: string, alias: string): Promise<AuditEvent | undefined> {
    const page = await this.query(knownByAlias, aliasPk(fn, alias), 1);
    const item = page.Items?.[0];
    return item ? itemToEvent(item) : undefined;
  }

  async eventsOf(requestId: string): Promise<AuditEvent[]> {
    // A drift has a handful of events (DRIFTED, ADOPTED): one page, read consistently because a
    // click acts on what was just written.
    const page = await guarded(
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :ev)',
          ExpressionAttributeNames: { '#pk': TABLE_SCHEMA.partitionKey, '#sk': TABLE_SCHEMA.sortKey },
          ExpressionAttributeValues: { ':pk': { S: requestPk(requestId) }, ':ev': { S: EVENT_SK_PREFIX } },
          ConsistentRead: true,
        }),
      ),
    );
    return (page.Items ?? []).map(itemToEvent).sort((a, b) => a.seq - b.seq);
  }

  private query(index: Index, key: string, limit: number): Promise<QueryCommandOutput> {
    return guarded(
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: index.name,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': index.partitionKey },
          ExpressionAttributeValues: { ':pk': { S: key } },
          ScanIndexForward: false,
          Limit: limit,
        }),
      ),
    );
  }
}
