// npm start against real Slack, over HTTP: a node:http server that turns each request to
// /slack/events into the Lambda Function URL event AWS would deliver (raw body, headers) and
// answers with what the handler returns. The same handler as on Lambda; no second receiver.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { SLACK_EVENTS_PATH } from '../slack/lambda-events';
import { lambdaContext } from './lambda-context';
import { listenOn } from './listen';
import { BodyTooLargeError, closeServer, readBody } from './stand-ins/http-server';

export { SLACK_EVENTS_PATH };

/** Slack's payloads are small; Lambda's own limit for a Function URL request is 6 MB. */
const MAX_BODY_BYTES = 1024 * 1024;

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

export interface RunningHttpServer {
  port: number;
  close(): Promise<void>;
}

export async function startSlackHttpServer(
  handler: Handler,
  options: { port: number; host: string; functionName?: string },
): Promise<RunningHttpServer> {
  const functionName = options.functionName ?? 'lambda-chatops-local';
  const server = createServer((request, response) => {
    relay(handler, functionName, request, response).catch((error: unknown) => {
      console.error(
        `lambda-chatops: ${request.method} ${request.url} failed: ${(error as Error).stack ?? error}`,
      );
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
      response.end('Internal server error');
    });
  });
  const port = await listenOn(server, options.port, options.host);
  return { port, close: () => closeServer(server) };
}

async function relay(
  handler: Handler,
  functionName: string,
  request: IncomingMessage,
  response: ServerResponse,
) {
  const url = new URL(request.url ?? '/', 'http://localhost');
  if (url.pathname !== SLACK_EVENTS_PATH)
    return sendText(response, 404, `Slack's requests go to ${SLACK_EVENTS_PATH}`);
  if (request.method !== 'POST') return sendText(response, 405, 'POST only');
  let body: Buffer;
  try {
    body = await readBody(request, MAX_BODY_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLargeError) return sendText(response, 413, 'Request too large');
    throw error;
  }
  const result = (await handler(functionUrlEvent(request, url, body), lambdaContext(functionName))) as {
    statusCode?: number;
    headers?: Record<string, string>;
    body?: string;
    isBase64Encoded?: boolean;
  };
  const payload =
    result.body === undefined
      ? Buffer.alloc(0)
      : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
  response.writeHead(result.statusCode ?? 200, { ...result.headers, 'content-length': payload.length });
  response.end(payload);
}

/** The event a Lambda Function URL delivers for this request (payload format 2.0). */
export function functionUrlEvent(request: IncomingMessage, url: URL, body: Buffer): LambdaFunctionURLEvent {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const now = new Date();
  const domainName = headers.host ?? 'localhost';
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    requestContext: {
      accountId: 'anonymous',
      apiId: 'local',
      domainName,
      domainPrefix: domainName.split('.')[0] ?? domainName,
      http: {
        method: request.method ?? 'POST',
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body: body.toString('utf8'),
    isBase64Encoded: false,
  };
}

function sendText(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}
