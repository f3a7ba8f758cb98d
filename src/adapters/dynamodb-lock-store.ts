// LockStore over DynamoDB: one item per function (pk LOCK#<function>, sk LOCKS) holding every lock
// of the function, replaced whole with a conditional PutItem on the version read. That is the one
// check two racing lock commands need (a function lock against an alias lock) with single-item
// writes, which is all dynalite offers; on DynamoDB it costs one write, where TransactWriteItems
// with a ConditionCheck would cost two.
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { Lock } from '../domain/lock';
import type { LockSet, LockStore } from '../ports';
import { LOCK_SK, lockPk } from './dynamodb-items';
import { guarded, storeError } from './dynamodb-request-store';
import { TABLE_SCHEMA } from './table-schema';

const { partitionKey: PK, sortKey: SK } = TABLE_SCHEMA;

export class DynamoDbLockStore implements LockStore {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBClient = new DynamoDBClient({}),
  ) {}

  async read(fn: string): Promise<LockSet> {
    const result = await guarded(
      this.client.send(
        new GetItemCommand({ TableName: this.tableName, Key: this.key(fn), ConsistentRead: true }),
      ),
    );
    if (!result.Item) return { locks: [], version: 0 };
    return {
      locks: JSON.parse(result.Item.locks?.S ?? '[]') as Lock[],
      version: Number(result.Item.version?.N ?? 0),
    };
  }

  async replace(fn: string, locks: Lock[], version: number): Promise<boolean> {
    const body = JSON.stringify(locks);
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: { ...this.key(fn), locks: { S: body }, version: { N: String(version + 1) } },
          ConditionExpression: version === 0 ? 'attribute_not_exists(#pk)' : '#version = :version',
          ExpressionAttributeNames: version === 0 ? { '#pk': PK } : { '#version': 'version' },
          ...(version === 0 ? {} : { ExpressionAttributeValues: { ':version': { N: String(version) } } }),
        }),
      );
      return true;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw storeError(error);
      // Another writer, or the first attempt of this very write (the SDK retried after a lost answer).
      const now = await this.read(fn);
      return now.version === version + 1 && JSON.stringify(now.locks) === body;
    }
  }

  private key(fn: string) {
    return { [PK]: { S: lockPk(fn) }, [SK]: { S: LOCK_SK } };
  }
}
