// AuditLog over DynamoDB: a function's history newest first is one Query of the byFunction
// index, an alias's one Query of byAlias. The bot never updates or deletes an event.
import { DynamoDBClient, QueryCommand, type QueryCommandOutput } from '@aws-sdk/client-dynamodb';
import type { AuditEvent } from '../domain/request';
import type { AuditLog } from '../ports';
import { aliasPk, functionPk, itemToEvent } from './dynamodb-items';
import { guarded } from './dynamodb-request-store';
import { TABLE_SCHEMA } from './table-schema';

const { byFunction, byAlias } = TABLE_SCHEMA.indexes;

export class DynamoDbAuditLog implements AuditLog {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBClient = new DynamoDBClient({}),
  ) {}

  async history(fn: string, options: { alias?: string; limit: number }): Promise<AuditEvent[]> {
    const page = await this.query(fn, options.alias, { limit: options.limit });
    return (page.Items ?? []).map(itemToEvent);
  }

  async lastApplied(fn: string, alias: string): Promise<AuditEvent | undefined> {
    let startKey: QueryCommandOutput['LastEvaluatedKey'];
    do {
      const page = await this.query(fn, alias, { applied: true, startKey });
      const first = page.Items?.[0];
      if (first) return itemToEvent(first);
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return undefined;
  }

  private query(
    fn: string,
    alias: string | undefined,
    options: { limit?: number; applied?: boolean; startKey?: QueryCommandOutput['LastEvaluatedKey'] },
  ): Promise<QueryCommandOutput> {
    const index = alias === undefined ? byFunction : byAlias;
    return guarded(
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: index.name,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: {
            '#pk': index.partitionKey,
            ...(options.applied ? { '#action': 'action' } : {}),
          },
          ExpressionAttributeValues: {
            ':pk': { S: alias === undefined ? functionPk(fn) : aliasPk(fn, alias) },
            ...(options.applied ? { ':applied': { S: 'APPLIED' } } : {}),
          },
          ...(options.applied ? { FilterExpression: '#action = :applied' } : {}),
          ScanIndexForward: false,
          Limit: options.limit,
          ExclusiveStartKey: options.startKey,
        }),
      ),
    );
  }
}
