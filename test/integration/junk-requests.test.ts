// Junk never becomes an invocation error (issue 9, DESIGN.md section 10): whatever reaches the
// public Function URL, the Slack-facing handler answers with a 4xx and a warning in the logs, and
// only a request signed with the app's signing secret reaches Bolt. A throw would count as a Lambda
// error and fire the errors alarm on anonymous traffic. The worker ignores junk events the same way.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TASK_MARKER } from '../../src/adapters/task-event';
import {
  functionUrlEvent,
  signedSlackEvent,
  slashCommandBody,
} from '../../src/local/stand-ins/slack-requests';
import { CHANNELS, type Harness, SIGNING_SECRET, startHarness, TEAM, USERS } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ logLevel: 'debug' });
});
afterAll(() => h.close());
beforeEach(() => h.logs.clear());

const now = () => Math.floor(h.clock.now().getTime() / 1000);
const FORM = 'application/x-www-form-urlencoded';

interface Junk {
  body: string;
  contentType?: string;
  /** The secret to sign with; unsigned (with a fresh timestamp) when absent. */
  secret?: string;
  method?: string;
  path?: string;
}

/** A Function URL event with a fresh timestamp, as anyone on the internet could send it. */
function junkEvent({ body, contentType = FORM, secret, method = 'POST', path = '/slack/events' }: Junk) {
  const event = secret
    ? signedSlackEvent(secret, body, { timestamp: now(), contentType })
    : functionUrlEvent({ body, contentType, headers: { 'x-slack-request-timestamp': String(now()) } });
  event.rawPath = path;
  event.requestContext.http.path = path;
  event.requestContext.http.method = method;
  return event;
}

const command = (text: string) =>
  slashCommandBody({
    text,
    userId: USERS.dev,
    channelId: CHANNELS.releases,
    teamId: TEAM,
    responseUrl: h.slack.responseUrl({ channel: CHANNELS.releases, user: USERS.dev }),
  });

/** Whether Bolt saw the request: its receiver logs every event it is handed, at debug level. */
const boltSawIt = () => h.logs.lines.some((line) => line.message.startsWith('AWS event:'));

describe('unsigned junk with a fresh timestamp', () => {
  it.each<{ name: string; junk: () => Junk; status: number }>([
    { name: 'bad JSON in payload', junk: () => ({ body: 'payload=%7Bnot-json' }), status: 401 },
    {
      name: 'a JSON body',
      junk: () => ({ body: '{"type":"block_actions"}', contentType: 'application/json' }),
      status: 401,
    },
    { name: 'a text/plain body', junk: () => ({ body: 'hello', contentType: 'text/plain' }), status: 401 },
    { name: 'an empty body', junk: () => ({ body: '' }), status: 401 },
    { name: 'an empty body with no content type', junk: () => ({ body: '', contentType: '' }), status: 401 },
    { name: 'a slash command', junk: () => ({ body: command('list') }), status: 401 },
    { name: 'a GET', junk: () => ({ body: '', method: 'GET', contentType: '' }), status: 405 },
    { name: 'another path', junk: () => ({ body: command('list'), path: '/wp-login.php' }), status: 404 },
  ])('$name: $status, a warning, and Bolt never sees it', async ({ junk, status }) => {
    const result = (await h.handler(junkEvent(junk()), { awsRequestId: randomUUID() })) as {
      statusCode: number;
    };
    expect(result.statusCode).toBe(status);
    expect(h.logs.lines.filter((line) => line.level === 'WARN' && line.status === status)).toHaveLength(1);
    expect(boltSawIt()).toBe(false);
  });
});

describe('junk signed with another secret', () => {
  it.each<{ name: string; body: () => string; contentType?: string }>([
    { name: 'bad JSON in payload', body: () => 'payload=%7Bnot-json' },
    { name: 'a text/plain body', body: () => 'hello', contentType: 'text/plain' },
    { name: 'a slash command', body: () => command('list') },
  ])('$name: 401, a warning, and Bolt never sees it', async ({ body, contentType }) => {
    const event = junkEvent({
      body: body(),
      secret: 'another-apps-signing-secret',
      ...(contentType ? { contentType } : {}),
    });
    const result = (await h.handler(event, {})) as { statusCode: number };
    expect(result.statusCode).toBe(401);
    expect(h.logs.lines.find((line) => line.level === 'WARN')?.reason).toMatch(/signature/);
    expect(boltSawIt()).toBe(false);
  });
});

describe('a signature header that is not one', () => {
  it.each([['v0='], ['v0=zz'], [`v1=${'0'.repeat(64)}`], [`v0=${'0'.repeat(63)}`], ['']])(
    'X-Slack-Signature %j: 401',
    async (signature) => {
      const event = junkEvent({ body: command('list') });
      event.headers['x-slack-signature'] = signature;
      const result = (await h.handler(event, {})) as { statusCode: number };
      expect(result.statusCode).toBe(401);
      expect(boltSawIt()).toBe(false);
    },
  );

  it.each(['x-slack-request-timestamp', 'x-slack-signature'])(
    'a signed request without %s: 401, and Bolt never sees it',
    async (header) => {
      const event = junkEvent({ body: command('list'), secret: SIGNING_SECRET });
      delete event.headers[header];
      const result = (await h.handler(event, {})) as { statusCode: number };
      expect(result.statusCode).toBe(401);
      expect(h.logs.at('WARN')).toHaveLength(1);
      expect(boltSawIt()).toBe(false);
    },
  );

  it('a stale timestamp, correctly signed: 401 before anything else', async () => {
    const event = signedSlackEvent(SIGNING_SECRET, command('list'), { timestamp: now() - 600 });
    event.rawPath = '/slack/events';
    const result = (await h.handler(event, {})) as { statusCode: number };
    expect(result.statusCode).toBe(401);
    expect(h.logs.lines.find((line) => line.level === 'WARN')?.reason).toMatch(/X-Slack-Request-Timestamp/);
  });
});

describe('signed junk (only Slack, or whoever holds the signing secret, can send it)', () => {
  it.each<{ name: string; body: string; contentType?: string; status: number }>([
    { name: 'bad JSON in payload', body: 'payload=%7Bnot-json', status: 400 },
    { name: 'a payload that is JSON but not an object', body: 'payload=%5B1%2C2%5D', status: 400 },
    { name: 'a JSON body', body: '{"type":"block_actions"}', contentType: 'application/json', status: 415 },
    { name: 'a text/plain body', body: 'hello', contentType: 'text/plain', status: 415 },
    { name: 'an empty form', body: '', status: 400 },
    { name: 'a form that is neither a command nor an interaction', body: 'hello=world', status: 400 },
  ])('$name: $status and a warning, never a throw', async ({ body, contentType, status }) => {
    const event = junkEvent({ body, secret: SIGNING_SECRET, ...(contentType ? { contentType } : {}) });
    const result = (await h.handler(event, {})) as { statusCode: number };
    expect(result.statusCode).toBe(status);
    expect(h.logs.lines.filter((line) => line.level === 'WARN' && line.status === status)).toHaveLength(1);
    expect(boltSawIt()).toBe(false);
  });

  it('a signed GET: 405', async () => {
    const event = junkEvent({ body: '', secret: SIGNING_SECRET, method: 'GET' });
    expect(((await h.handler(event, {})) as { statusCode: number }).statusCode).toBe(405);
  });

  it('a signed command sent to another path: 404', async () => {
    const event = junkEvent({ body: command('list'), secret: SIGNING_SECRET, path: '/' });
    expect(((await h.handler(event, {})) as { statusCode: number }).statusCode).toBe(404);
  });
});

describe("Slack's ssl_check", () => {
  const body = 'ssl_check=1&token=gIkuvaNzQIHg97ATvDxqgjtO';

  it('signed: 200 with an empty body, and Bolt never sees it', async () => {
    const result = (await h.handler(junkEvent({ body, secret: SIGNING_SECRET }), {})) as {
      statusCode: number;
      body: string;
    };
    expect(result).toMatchObject({ statusCode: 200, body: '' });
    expect(boltSawIt()).toBe(false);
  });

  it('unsigned: 401 like any unsigned request', async () => {
    const result = (await h.handler(junkEvent({ body }), {})) as { statusCode: number };
    expect(result.statusCode).toBe(401);
  });
});

describe('events that are not HTTP requests', () => {
  it.each<{ name: string; event: unknown }>([
    { name: 'null', event: null },
    { name: 'an empty object', event: {} },
    { name: 'a string', event: 'hello' },
    {
      name: 'the worker’s task event',
      event: { source: TASK_MARKER, task: { kind: 'apply', requestId: 'R7K2M9QX4A' } },
    },
    {
      name: 'headers and requestContext of the wrong types',
      event: { requestContext: 1, headers: 'x', body: 5 },
    },
    { name: 'null headers', event: { requestContext: { http: { method: 'POST' } }, headers: null } },
    {
      name: 'a body that is not a string',
      event: () => ({ ...junkEvent({ body: '', secret: SIGNING_SECRET }), body: { payload: 1 } }),
    },
  ])('$name: a 4xx and a warning', async ({ event }) => {
    const result = (await h.handler(typeof event === 'function' ? event() : event, {})) as {
      statusCode: number;
    };
    expect(result.statusCode).toBeGreaterThanOrEqual(400);
    expect(result.statusCode).toBeLessThan(500);
    expect(h.logs.lines.filter((line) => line.level === 'WARN')).toHaveLength(1);
  });
});

describe('a real request still works', () => {
  it.each([
    ['a Function URL', (body: string) => signedSlackEvent(SIGNING_SECRET, body, { timestamp: now() })],
    [
      'an HTTP API, base64',
      (body: string) =>
        signedSlackEvent(SIGNING_SECRET, body, { timestamp: now(), via: 'httpApi', base64: true }),
    ],
  ])('through %s: Bolt answers, and the log lines carry the request’s fields', async (_via, event) => {
    const result = (await h.handler(event(command('status orders')), { awsRequestId: 'aws-req-1' })) as {
      statusCode: number;
    };
    expect(result.statusCode).toBe(200);
    expect(boltSawIt()).toBe(true);
    const line = h.logs.lines.find((entry) => entry.message.startsWith('AWS event:'));
    expect(line).toMatchObject({
      awsRequestId: 'aws-req-1',
      command: 'status',
      user: USERS.dev,
      function: 'orders',
    });
  });
});

describe('the worker, handed junk', () => {
  it.each<{ name: string; event: unknown }>([
    { name: 'null', event: null },
    { name: 'an HTTP request', event: signedSlackEvent(SIGNING_SECRET, 'x=1') },
    { name: 'a task of an unknown kind', event: { source: TASK_MARKER, task: { kind: 'reboot' } } },
    { name: 'an apply task without a request id', event: { source: TASK_MARKER, task: { kind: 'apply' } } },
    {
      name: 'an apply task with a request id that is not one',
      event: { source: TASK_MARKER, task: { kind: 'apply', requestId: { $ne: null } } },
    },
    {
      name: 'a card task without a request id',
      event: {
        source: TASK_MARKER,
        task: { kind: 'request.card', card: { channel: 'C0RELEASES', ts: '1.2' } },
      },
    },
    {
      name: 'a card task whose card is not a channel id and a message ts',
      event: {
        source: TASK_MARKER,
        task: { kind: 'request.card', requestId: 'R000000001', card: { channel: 'general', ts: 'now' } },
      },
    },
    {
      name: 'an apply task whose card carries more than its channel and ts',
      event: {
        source: TASK_MARKER,
        task: {
          kind: 'apply',
          requestId: 'R000000001',
          card: { channel: 'C0RELEASES', ts: '1700000000.000100', text: 'hi' },
        },
      },
    },
    {
      name: 'a versions task with no response_url',
      event: { source: TASK_MARKER, task: { kind: 'versions', fn: 'orders', limit: 10 } },
    },
  ])('$name: no throw, a warning, nothing done', async ({ event }) => {
    const before = h.lambda.calls.length;
    await expect(h.worker(event, { awsRequestId: randomUUID() })).resolves.toMatchObject({ ok: false });
    expect(h.logs.lines.filter((line) => line.level === 'WARN')).toHaveLength(1);
    expect(h.lambda.calls.length).toBe(before);
  });
});

describe('a task event with a response_url that is not Slack’s', () => {
  it('posts nothing there: whoever may invoke the worker cannot make the bot send its answers elsewhere', async () => {
    const received: string[] = [];
    const elsewhere = createServer((request, response) => {
      received.push(request.url ?? '');
      response.end('ok');
    });
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
    const { port } = elsewhere.address() as AddressInfo;
    try {
      const event = {
        source: TASK_MARKER,
        task: { kind: 'versions', fn: 'orders', limit: 5, responseUrl: `http://127.0.0.1:${port}/collect` },
      };

      await h.worker(event, { awsRequestId: randomUUID() });

      expect(received).toEqual([]);
      expect(h.logs.lines.filter((line) => line.level === 'WARN').map((line) => line.message)).toContain(
        'response_url refused: not a Slack response URL',
      );
    } finally {
      await new Promise<void>((resolve) => elsewhere.close(() => resolve()));
    }
  });
});
