// Plumbing shared by the HTTP stand-ins: listening on 127.0.0.1, reading request bodies, closing
// promptly (keep-alive sockets included, so a test run never waits for idle connections).
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export type RequestHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

export interface RunningServer {
  server: Server;
  port: number;
  close(): Promise<void>;
}

export async function startHttpServer(handler: RequestHandler, port = 0): Promise<RunningServer> {
  const server = createServer((request, response) => {
    handler(request, response).catch((error: unknown) => {
      // A bug in a stand-in must be loud, not a hung request.
      if (!response.headersSent) {
        response.writeHead(500, { 'content-type': 'text/plain' });
      }
      response.end(`stand-in failure: ${error instanceof Error ? error.stack : String(error)}`);
    });
  });
  const boundPort = await listen(server, port);
  return { server, port: boundPort, close: () => closeServer(server) };
}

export async function listen(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') {
    throw new Error('the stand-in server has no TCP address');
  }
  return address.port;
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}

/**
 * What every HTTP stand-in shares: its server on 127.0.0.1, its base URL, closing it. Each one
 * answers its own protocol in `serve` and starts through `listen`.
 */
export abstract class HttpStandIn {
  private running: RunningServer | undefined;

  /** `name` says which stand-in in errors: `the <name> stand-in is not started`. */
  constructor(private readonly standInName: string) {}

  /** Base URL: for the SDK's AWS_ENDPOINT_URL_<SERVICE>, or the root of the Slack stand-in. */
  get url(): string {
    return `http://127.0.0.1:${this.server.port}`;
  }

  async close(): Promise<void> {
    await this.server.close();
  }

  /** Answers one request, in the stand-in's own protocol. */
  protected abstract serve(request: IncomingMessage, response: ServerResponse): Promise<void>;

  /** Starts listening (on any free port unless `port` is given). */
  protected async listen(port?: number): Promise<this> {
    this.running = await startHttpServer((request, response) => this.serve(request, response), port);
    return this;
  }

  protected get server(): RunningServer {
    if (this.running === undefined) throw new Error(`the ${this.standInName} stand-in is not started`);
    return this.running;
  }
}

export class BodyTooLargeError extends Error {
  override name = 'BodyTooLargeError';
}

export async function readBody(request: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limitBytes) {
      throw new BodyTooLargeError(`request body larger than ${limitBytes} bytes`);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

export function delay(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

/** The first value of a header Node may have joined or split. */
export function headerValue(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** A JSON answer (an empty body for `undefined`); `headers` may set another content type. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

/** A JSON answer as AWS sends it: with a request id. */
export function sendAwsJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  sendJson(response, status, body, { 'x-amzn-requestid': randomUUID(), ...headers });
}
