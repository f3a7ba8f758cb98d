// PeriodSlots over DynamoDB: one item per periodic job and period slot, put only if absent, or
// again by the invocation that put it (Lambda's retry of the same heartbeat, the SDK's retry of a
// write whose answer was lost). Not an audit event: it carries `ttl` and DynamoDB removes it.
import { ConditionalCheckFailedException, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { PeriodSlots } from '../ports';
import { HEARTBEAT_SK, heartbeatPk } from './dynamodb-items';
import { storeError } from './dynamodb-request-store';
import { TABLE_SCHEMA } from './table-schema';

const { partitionKey: PK, sortKey: SK, ttlAttribute: TTL } = TABLE_SCHEMA;

export class DynamoDbPeriodSlots implements PeriodSlots {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBClient = new DynamoDBClient({}),
  ) {}

  async take(
    job: string,
    slot: number,
    { owner, now, keepMs }: { owner: string; now: Date; keepMs: number },
  ): Promise<boolean> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            [PK]: { S: heartbeatPk(job, slot) },
            [SK]: { S: HEARTBEAT_SK },
            owner: { S: owner },
            at: { S: now.toISOString() },
            [TTL]: { N: String(Math.floor((now.getTime() + keepMs) / 1000)) },
          },
          ConditionExpression: 'attribute_not_exists(#pk) OR #owner = :owner',
          ExpressionAttributeNames: { '#pk': PK, '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': { S: owner } },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw storeError(error);
    }
  }
}
