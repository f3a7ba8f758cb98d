import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { startDynamoDb } from '../../src/local/stand-ins/dynamodb';

const CREDENTIALS = { accessKeyId: 'AKIDSTANDIN', secretAccessKey: 'stand-in-secret' };

function clientFor(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: CREDENTIALS, maxAttempts: 1 });
}

async function createTable(client: DynamoDBClient): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: 'audit',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    }),
  );
  // As on DynamoDB, a new table is CREATING for a moment (dynalite on disk shows it).
  await waitUntilTableExists(
    { client, maxWaitTime: 30, minDelay: 0.1, maxDelay: 0.5 },
    { TableName: 'audit' },
  );
}

const put = (pk: string) =>
  new PutItemCommand({
    TableName: 'audit',
    Item: { pk: { S: pk } },
    ConditionExpression: 'attribute_not_exists(pk)',
  });

describe('startDynamoDb', () => {
  const temporary: string[] = [];
  afterAll(async () => {
    await Promise.all(temporary.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('serves the real SDK with tables active at once and conditional writes enforced', async () => {
    // Prepare
    const dynamo = await startDynamoDb();
    const client = clientFor(dynamo.endpoint);

    // Act
    await createTable(client);
    await client.send(put('event#1'));
    const duplicate = await client.send(put('event#1')).catch((error: unknown) => error);
    client.destroy();
    await dynamo.close();

    // Assess
    expect(dynamo.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(duplicate).toBeInstanceOf(ConditionalCheckFailedException);
  });

  it('keeps data on disk across restarts when given a path', async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'dynalite-'));
    temporary.push(dir);
    const first = await startDynamoDb({ path: dir });
    const firstClient = clientFor(first.endpoint);
    await createTable(firstClient);
    await firstClient.send(put('event#1'));
    firstClient.destroy();
    await first.close();

    // Act
    const second = await startDynamoDb({ path: dir });
    const secondClient = clientFor(second.endpoint);
    const item = await secondClient.send(
      new GetItemCommand({ TableName: 'audit', Key: { pk: { S: 'event#1' } } }),
    );
    secondClient.destroy();
    await second.close();

    // Assess
    expect(item.Item).toEqual({ pk: { S: 'event#1' } });
  });
});
