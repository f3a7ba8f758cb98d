// The playground's HTTP server (node:http, no framework): the static page from src/local/playground,
// and the small API the page uses.
//
//   GET  /api/state     everything the page shows: workspace, messages, ephemerals, side panel
//   GET  /api/events    Server-Sent Events: `state` once, then `slack` (a message posted, updated or
//                       deleted) and `panel` (aliases, versions, audit events read again)
//   POST /api/command   {user, channel, text}: `/lambda <text>` as that user, in that channel
//   POST /api/action    {user, channel, messageTs, actionId, value}: a button click
//   POST /api/publish   {function, faulty?}: publish the function's next demo version (faulty: it
//                       fails 30% of the sandbox's traffic, so a rollout of it rolls back)
//   POST /api/ci        {function, channel}: CI asks for dev → the newest version (`ci.promote`)
//   GET  /source/...    the pretend repository and CI that the sandbox's `links` point at
//   POST /api/move      {function, alias, version}: move an alias by hand, outside the bot (drift)
//
// POSTs take JSON only: a page on another origin cannot send JSON here without a CORS preflight,
// which this server never grants.
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listenOn } from '../listen';
import { BodyTooLargeError, closeServer, headerValue, readBody } from '../stand-ins/http-server';
import { type Sandbox, SandboxInputError, type SandboxUpdate } from './sandbox';

const PAGE_DIR = new URL('../playground/', import.meta.url);
const STATIC_FILES: Record<string, string> = {
  '/': 'index.html',
  '/index.html': 'index.html',
  '/app.js': 'app.js',
  '/render-blocks.js': 'render-blocks.js',
  '/style.css': 'style.css',
};
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};
/** The page runs only its own scripts and styles: a rendering bug cannot become script execution. */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};
const MAX_JSON_BYTES = 64 * 1024;
const HEARTBEAT_MS = 15_000;

export interface PlaygroundServer {
  port: number;
  close(): Promise<void>;
}

export async function startPlaygroundServer(
  sandbox: Sandbox,
  options: { port: number; host: string },
): Promise<PlaygroundServer> {
  const streams = new Set<ServerResponse>();
  const server = createServer((request, response) => {
    serve(sandbox, streams, request, response).catch((error: unknown) => {
      console.error(
        `playground: ${request.method} ${request.url} failed: ${(error as Error).stack ?? error}`,
      );
      if (!response.headersSent) sendJson(response, 500, { error: (error as Error).message });
      else response.end();
    });
  });
  const port = await listenOn(server, options.port, options.host);
  return {
    port,
    close: () => {
      for (const stream of streams) stream.end();
      return closeServer(server);
    },
  };
}

async function serve(
  sandbox: Sandbox,
  streams: Set<ServerResponse>,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const { pathname } = new URL(request.url ?? '/', 'http://playground');
  const method = request.method ?? 'GET';
  const file = STATIC_FILES[pathname];
  if (file !== undefined && (method === 'GET' || method === 'HEAD')) return sendFile(response, file);
  if (pathname === '/api/state' && method === 'GET') return sendJson(response, 200, await sandbox.snapshot());
  if (pathname.startsWith('/source/') && method === 'GET') return sendSourcePage(response, pathname);
  if (pathname === '/api/events' && method === 'GET')
    return streamEvents(sandbox, streams, request, response);
  if (pathname.startsWith('/api/') && method === 'POST') {
    let input: Record<string, unknown>;
    try {
      input = await readJson(request);
    } catch (error) {
      if (error instanceof SandboxInputError) return sendJson(response, 400, { error: error.message });
      throw error;
    }
    try {
      return sendJson(response, 200, await post(sandbox, pathname, input));
    } catch (error) {
      if (error instanceof SandboxInputError) return sendJson(response, 400, { error: error.message });
      if (error instanceof NotFound) return sendJson(response, 404, { error: 'not found' });
      throw error;
    }
  }
  sendJson(response, 404, { error: 'not found' });
}

class NotFound extends Error {}

async function post(sandbox: Sandbox, pathname: string, input: Record<string, unknown>): Promise<unknown> {
  const text = (name: string) => (typeof input[name] === 'string' ? (input[name] as string) : '');
  switch (pathname) {
    case '/api/command':
      return sandbox.command(text('user'), text('channel'), text('text'));
    case '/api/action':
      return sandbox.action({
        user: text('user'),
        channel: text('channel'),
        messageTs: text('messageTs'),
        actionId: text('actionId'),
        value: text('value'),
        blockId: text('blockId'),
        text: text('text'),
      });
    case '/api/publish':
      return { version: await sandbox.publish(input.function, { faulty: input.faulty === true }) };
    case '/api/ci':
      return sandbox.ciPromote(input.function, input.channel);
    case '/api/move':
      return sandbox.moveByHand(input.function, input.alias, input.version);
    default:
      throw new NotFound();
  }
}

async function streamEvents(
  sandbox: Sandbox,
  streams: Set<ServerResponse>,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    ...SECURITY_HEADERS,
  });
  const send = (event: string, data: unknown) =>
    response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  // Subscribe before reading the snapshot: a change in between arrives twice, never not at all,
  // and the page applies changes idempotently (by ts).
  const pending: SandboxUpdate[] = [];
  let ready = false;
  const unsubscribe = sandbox.subscribe((update) => {
    if (!ready) pending.push(update);
    else send(update.type, update.type === 'slack' ? update.change : update.panel);
  });
  const heartbeat = setInterval(() => response.write(': keep-alive\n\n'), HEARTBEAT_MS);
  streams.add(response);
  request.once('close', () => {
    clearInterval(heartbeat);
    unsubscribe();
    streams.delete(response);
  });
  send('state', await sandbox.snapshot());
  ready = true;
  for (const update of pending) send(update.type, update.type === 'slack' ? update.change : update.panel);
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  if (!(headerValue(request, 'content-type') ?? '').startsWith('application/json')) {
    throw new SandboxInputError('send JSON (content-type: application/json)');
  }
  let body: Buffer;
  try {
    body = await readBody(request, MAX_JSON_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw new SandboxInputError('the body is too large');
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new SandboxInputError('the body is not JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new SandboxInputError('the body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

async function sendFile(response: ServerResponse, name: string): Promise<void> {
  const content = await readFile(fileURLToPath(new URL(name, PAGE_DIR)));
  response.writeHead(200, {
    'content-type': CONTENT_TYPES[extname(name)] ?? 'application/octet-stream',
    'content-length': content.length,
    'cache-control': 'no-cache',
    ...SECURITY_HEADERS,
  });
  response.end(content);
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...SECURITY_HEADERS,
  });
  response.end(text);
}

/**
 * A page of the sandbox's pretend repository and CI (`/source/commit/<sha>`, `/source/pull/<n>`,
 * `/source/compare/<a>...<b>`, `/source/build/<function>/<n>`): says what a real one would show.
 */
function sendSourcePage(response: ServerResponse, pathname: string): void {
  const [kind = '', ...rest] = pathname.slice('/source/'.length).split('/').map(decodeSafely);
  const titles: Record<string, (parts: string[]) => string> = {
    commit: ([sha]) => `Commit ${sha}`,
    pull: ([number]) => `Pull request #${number}`,
    compare: ([range]) => `Changes ${range}`,
    build: ([fn, number]) => `CI run: ${fn} build ${number}`,
  };
  const title = (titles[kind] ?? (() => 'Not a page of the pretend repository'))(rest);
  const body =
    '<!doctype html><meta charset="utf-8"><title>Sandbox source</title>' +
    `<h1>${escapeHtml(title)}</h1><p>The sandbox's pretend repository and CI: on a real setup, ` +
    "the <code>links</code> of chatops.config.yml take you to your repository's page for this.</p>";
  response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...SECURITY_HEADERS });
  response.end(body);
}

function decodeSafely(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
