// DriftCards over DynamoDB: the card's location beside the drift's events (REQ#<D…> / CARD), like a
// request's. Kept a month (`ttl`), long past anyone clicking on it.
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { CardLocation, DriftCards } from '../ports';
import { CARD_SK, requestPk } from './dynamodb-items';
import { guarded } from './dynamodb-request-store';
import { TABLE_SCHEMA } from './table-schema';

const { partitionKey: PK, sortKey: SK, ttlAttribute: TTL } = TABLE_SCHEMA;
const KEEP_SECONDS = 30 * 24 * 60 * 60;

export class DynamoDbDriftCards implements DriftCards {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBClient = new DynamoDBClient({}),
  ) {}

  async find(driftId: string): Promise<CardLocation | undefined> {
    const { Item: item } = await guarded(
      this.client.send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: { [PK]: { S: requestPk(driftId) }, [SK]: { S: CARD_SK } },
          ConsistentRead: true,
        }),
      ),
    );
    return item?.channel?.S && item.ts?.S ? { channel: item.channel.S, ts: item.ts.S } : undefined;
  }

  async save(driftId: string, card: CardLocation, now: Date): Promise<void> {
    await guarded(
      this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            [PK]: { S: requestPk(driftId) },
            [SK]: { S: CARD_SK },
            channel: { S: card.channel },
            ts: { S: card.ts },
            [TTL]: { N: String(Math.floor(now.getTime() / 1000) + KEEP_SECONDS) },
          },
        }),
      ),
    );
  }
}
