// AuditLog over DynamoDB: a function's history newest first is one Query of the byFunction
// index, an alias's one Query of byAlias, its last applied change one item of the sparse
// appliedByAlias. The bot never updates or deletes an event.
import { DynamoDBClient, QueryCommand, type QueryCommandOutput } from '@aws-sdk/client-dynamodb';
import type { AuditEvent } from '../domain/request';
import type { AuditLog } from '../ports';
import { aliasPk, functionPk, itemToEvent } from './dynamodb-items';
import { guarded } from './dynamodb-request-store';
import { TABLE_SCHEMA } from './table-schema';

const { byFunction, byAlias, appliedByAlias } = TABLE_SCHEMA.indexes;
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
