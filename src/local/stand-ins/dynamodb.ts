// DynamoDB for tests and the sandbox: dynalite in this process, answering the real SDK over HTTP.
// Tables become ACTIVE at once so tests need no waiters. dynalite has no TTL and no transactions
// (DESIGN.md section 9): the bot is designed with conditional single-item writes.
import dynalite from 'dynalite';
import { listen } from './http-server';

export interface DynamoDbStandIn {
  /** For AWS_ENDPOINT_URL_DYNAMODB. */
  endpoint: string;
  close(): Promise<void>;
}

export interface DynamoDbOptions {
  port?: number;
  /** Keeps the data in this directory across restarts (the sandbox); in memory otherwise. */
  path?: string;
}

export async function startDynamoDb(options: DynamoDbOptions = {}): Promise<DynamoDbStandIn> {
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.path === undefined ? {} : { path: options.path }),
  });
  const port = await listen(server, options.port ?? 0);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    // dynalite's close waits for its store to close too: idle keep-alive sockets must not hold it.
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error?: Error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
