// The sandbox behind the playground, through its HTTP API: the same handler as on Lambda reached by
// signed requests, replies shown as Slack shows them, the asynchronous path through the Lambda
// stand-in, the side panel read through the SDK, and the state kept across a restart.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogLevel } from '@slack/logger';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type PlaygroundServer, startPlaygroundServer } from '../../src/local/sandbox/playground-server';
import { Sandbox, type SandboxSnapshot, WORKER_FUNCTION } from '../../src/local/sandbox/sandbox';
import { CapturedLogs } from '../support/harness';

const RELEASES = 'C0RELEASES';
const ORDERS_TEAM = 'G0ORDERSTEAM';

let dir: string;
let sandbox: Sandbox;
let server: PlaygroundServer;
let base: string;

let running = false;
/** The bot's log lines, kept for assertions instead of printed. */
const logs = new CapturedLogs(LogLevel.INFO);

async function start(reset: boolean): Promise<void> {
  sandbox = await Sandbox.start({ dir, reset, logger: logs.logger });
  server = await startPlaygroundServer(sandbox, { port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${server.port}`;
  running = true;
}

async function stop(): Promise<void> {
  if (!running) return;
  running = false;
  await server.close();
  await sandbox.close();
}

beforeEach(async () => {
  logs.clear();
  dir ??= await mkdtemp(join(tmpdir(), 'sandbox-'));
  await start(true);
});

afterEach(stop);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function post(path: string, body: unknown, contentType = 'application/json') {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function state(): Promise<SandboxSnapshot> {
  return (await (await fetch(`${base}/api/state`)).json()) as SandboxSnapshot;
}

const command = (user: string, text: string, channel = RELEASES) =>
  post('/api/command', { user, channel, text });

async function approve(user: string, channel: string, messageTs: string, requestId: string) {
  const result = await post('/api/action', {
    user,
    channel,
    messageTs,
    actionId: 'request.approve',
    value: requestId,
  });
  await sandbox.idle();
  return result;
}

function requestIdOf(message: { blocks?: unknown[] }): string {
  const actions = message.blocks?.find((block) => (block as { type: string }).type === 'actions') as
    | { elements: Array<{ value: string }> }
    | undefined;
  if (!actions?.elements[0]) throw new Error('the message has no buttons');
  return actions.elements[0].value;
}

const prodOf = (snapshot: SandboxSnapshot, fn: string) =>
  snapshot.panel.functions.find((f) => f.key === fn)?.aliases.find((a) => a.name === 'prod');

/** Promotes orders test→prod in #releases with both prod approvals; returns the card's ts. */
async function promoteOrdersToProd(): Promise<string> {
  await command('U0DANA', 'promote orders test→prod');
  const [card] = (await state()).messages[RELEASES] ?? [];
  if (!card) throw new Error('no card posted');
  const requestId = requestIdOf(card);
  await approve('U0PRIYA', RELEASES, card.ts, requestId);
  await approve('U0SAM', RELEASES, card.ts, requestId);
  return card.ts;
}

describe('the seeded sandbox', () => {
  it('starts with the demo functions, their aliases and no history', async () => {
    const { panel, users, channels } = await state();

    expect(
      panel.functions.map(({ key, aliases }) => [key, aliases.map((a) => `${a.name}→${a.version}`)]),
    ).toEqual([
      ['orders', ['dev→4', 'test→3', 'prod→2']],
      ['payments', ['dev→4', 'test→3', 'prod→2']],
      ['inventory', ['dev→2', 'prod→1']],
    ]);
    expect(prodOf(await state(), 'payments')?.weights).toEqual({ '3': 0.1 });
    expect(panel.functions[0]?.versions.map((v) => v.version)).toEqual(['4', '3', '2', '1']);
    expect(new Set(panel.functions[0]?.versions.map((v) => v.codeSha256)).size).toBe(4);
    expect(panel.functions[0]?.versions[0]?.environmentKeys).toContain('FAST_TOTALS');
    expect(panel.audit).toEqual([]);
    expect(users.map((u) => u.name)).toEqual(['Dana', 'Avi', 'Priya', 'Sam']);
    expect(channels.map((c) => [c.name, c.isPrivate ?? false, c.botIsMember])).toEqual([
      ['releases', false, true],
      ['orders-team', true, false],
    ]);
  });

  it('never shows environment variable values', async () => {
    expect(JSON.stringify(await state())).not.toContain('sqs.example');
  });
});

describe('POST /api/command', () => {
  it('answers /lambda help to the one who asked, ephemerally', async () => {
    const result = await command('U0AVI', 'help');

    expect(result).toMatchObject({ status: 200, body: { statusCode: 200, reply: 'ephemeral' } });
    const { ephemerals, messages } = await state();
    expect(ephemerals[RELEASES]).toEqual([
      expect.objectContaining({ user: 'U0AVI', text: 'lambda-chatops: release Lambda functions from Slack' }),
    ]);
    expect(messages[RELEASES]).toEqual([]);
  });

  it('sends the text escaped as Slack escapes it, so markup comes back as text', async () => {
    await command('U0DANA', 'status <img/src=x/onerror=alert(1)>');

    const [reply] = (await state()).ephemerals[RELEASES] ?? [];
    expect(JSON.stringify(reply?.blocks)).toContain('&lt;img/src=x/onerror=alert(1)&gt;');
  });

  it('posts the approval card with chat.postMessage in a channel the bot is in', async () => {
    const result = await command('U0DANA', 'promote orders test→prod');

    expect(result.body).toMatchObject({ statusCode: 200, reply: 'none' });
    const [card] = (await state()).messages[RELEASES] ?? [];
    expect(card).toMatchObject({ bot_id: 'B0CHATOPS', text: 'Promote orders: prod 2 → 3: 0 of 2 approvals' });
  });

  it('shows the card through the reply in a private channel the bot was not added to', async () => {
    const result = await command('U0DANA', 'promote payments test→prod', ORDERS_TEAM);

    expect(result.body).toMatchObject({ statusCode: 200, reply: 'in_channel' });
    const [card] = (await state()).messages[ORDERS_TEAM] ?? [];
    expect(card?.text).toBe('Promote payments: prod 2 → 3: 0 of 2 approvals');
  });

  it.each([
    [
      'someone who is not a demo user',
      { user: 'U0MALLORY', channel: RELEASES, text: 'help' },
      /^user: one of U0DANA/,
    ],
    [
      'an unknown channel',
      { user: 'U0DANA', channel: 'C0NOWHERE', text: 'help' },
      /^channel: one of C0RELEASES/,
    ],
    ['a text too long', { user: 'U0DANA', channel: RELEASES, text: 'x'.repeat(4001) }, /^text: up to 4000/],
  ])('refuses %s', async (_case, body, error) => {
    const result = await post('/api/command', body);

    expect(result.status).toBe(400);
    expect(result.body.error).toMatch(error);
  });

  it('takes JSON only', async () => {
    const result = await post('/api/command', 'user=U0DANA&text=help', 'application/x-www-form-urlencoded');

    expect(result).toEqual({ status: 400, body: { error: 'send JSON (content-type: application/json)' } });
  });
});

describe('POST /api/action', () => {
  it('applies a promotion after both prod approvals, through the bot’s asynchronous invocation', async () => {
    const ts = await promoteOrdersToProd();

    const snapshot = await state();
    expect(prodOf(snapshot, 'orders')?.version).toBe('3');
    const card = snapshot.messages[RELEASES]?.find((m) => m.ts === ts);
    expect(card?.text).toBe('Promote orders: prod 2 → 3: applied');
    expect(snapshot.messages[RELEASES]).toHaveLength(1);
    expect(snapshot.panel.audit.map((e) => e.action)).toEqual([
      'APPLIED',
      'APPROVED',
      'APPROVED',
      'REQUESTED',
    ]);
    // Asynchronous invocations of the worker: one apply, and each approval's card left to it.
    for (const invocation of sandbox.botInvocations) {
      expect(invocation).toMatchObject({ functionName: WORKER_FUNCTION, invocationType: 'Event' });
    }
    const kinds = sandbox.botInvocations.map(
      (invocation) => (invocation.payload as { task?: { kind?: string } }).task?.kind,
    );
    expect(kinds.sort()).toEqual(['apply', 'request.card', 'request.card']);
  });

  it('promotes the function in the other account and region through the roles the bot assumes there', async () => {
    await command('U0DANA', 'promote inventory dev→prod');
    const card = (await state()).messages[RELEASES]?.at(-1);
    if (!card) throw new Error('no card');

    await approve('U0PRIYA', RELEASES, card.ts, requestIdOf(card));
    await approve('U0SAM', RELEASES, card.ts, requestIdOf(card));
    await sandbox.idle();

    const snapshot = await state();
    expect(prodOf(snapshot, 'inventory')?.version).toBe('2');
    expect(snapshot.messages[RELEASES]?.find((m) => m.ts === card.ts)?.text).toBe(
      'Promote inventory: prod 1 → 2: applied',
    );
  });

  it('tells a requester who approves, and only them, that they may not', async () => {
    await command('U0DANA', 'promote orders test→prod');
    const [card] = (await state()).messages[RELEASES] ?? [];
    if (!card) throw new Error('no card');

    await approve('U0DANA', RELEASES, card.ts, requestIdOf(card));

    const { ephemerals } = await state();
    expect(ephemerals[RELEASES]).toEqual([
      expect.objectContaining({ user: 'U0DANA', text: expect.stringContaining('may not approve their own') }),
    ]);
  });

  it('replaces the card through response_url in a private channel the bot was not added to', async () => {
    await command('U0DANA', 'promote orders dev 3', ORDERS_TEAM);
    const [card] = (await state()).messages[ORDERS_TEAM] ?? [];
    if (!card) throw new Error('no card');

    await approve('U0AVI', ORDERS_TEAM, card.ts, requestIdOf(card));

    const { messages } = await state();
    expect(messages[ORDERS_TEAM]).toEqual([
      expect.objectContaining({ ts: card.ts, text: 'Promote orders: dev 4 → 3: applied' }),
    ]);
  });
});

describe('POST /api/publish', () => {
  it('publishes a new version with a new description, code hash and environment key', async () => {
    const result = await post('/api/publish', { function: 'orders' });

    expect(result.body).toEqual({ version: '5' });
    const [newest, previous] = (await state()).panel.functions[0]?.versions ?? [];
    expect(newest).toMatchObject({
      version: '5',
      description: 'Cache product prices',
      sha: expect.stringMatching(/^[0-9a-f]{7}$/),
    });
    expect(newest?.codeSha256).not.toBe(previous?.codeSha256);
    expect(newest?.environmentKeys).toEqual([...(previous?.environmentKeys ?? []), 'PRICE_CACHE_TTL'].sort());
  });

  it('refuses a function the sandbox does not have', async () => {
    expect((await post('/api/publish', { function: 'billing' })).status).toBe(400);
  });

  it('the card of a published version links its commit, PR, build and compare to the sandbox pages', async () => {
    await post('/api/publish', { function: 'orders' });
    await post('/api/publish', { function: 'orders' });
    await command('U0DANA', 'promote orders dev 5');
    const first = (await state()).messages[RELEASES]?.at(-1);
    if (!first) throw new Error('no card');
    await approve('U0AVI', RELEASES, first.ts, requestIdOf(first));
    await command('U0DANA', 'promote orders dev 6');

    const card = JSON.stringify((await state()).messages[RELEASES]?.at(-1)?.blocks);
    const compare =
      /<(https:\/\/source\.sandbox\.localhost\/compare\/[0-9a-f]{40}\.\.\.[0-9a-f]{40})\|compare>/.exec(card);
    expect(compare).not.toBeNull();
    expect(card).toMatch(/<https:\/\/source\.sandbox\.localhost\/pull\/106\|PR #106>/);
    expect(card).toMatch(/<https:\/\/source\.sandbox\.localhost\/build\/orders-service\/6\|build>/);
    const page = await fetch(
      `${base}/source/${compare?.[1]?.slice('https://source.sandbox.localhost/'.length)}`,
    );
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<h1>Changes [0-9a-f]{40}\.\.\.[0-9a-f]{40}<\/h1>/);
  });
});

describe('POST /api/ci', () => {
  it('asks for dev as CI would: the card in the channel says CI asked', async () => {
    const version = ((await post('/api/publish', { function: 'payments' })).body as { version: string })
      .version;

    const result = await post('/api/ci', { function: 'payments', channel: RELEASES });

    expect(result.body).toMatchObject({ ok: true, status: 'PENDING', channel: RELEASES });
    const card = (await state()).messages[RELEASES]?.at(-1);
    expect(card?.text).toContain(`Promote payments: dev 4 → ${version}`);
    expect(JSON.stringify(card?.blocks)).toContain('CI: sandbox CI: payments pipeline');
  });

  it('answers a refusal as the worker gives it: dev already runs the newest version', async () => {
    const refused = await post('/api/ci', { function: 'payments', channel: RELEASES });

    expect(refused.status).toBe(200);
    expect(refused.body).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST', message: expect.stringContaining('dev already points at version 4') },
    });
  });

  it('refuses an unknown function or channel', async () => {
    expect((await post('/api/ci', { function: 'billing', channel: RELEASES })).status).toBe(400);
    expect((await post('/api/ci', { function: 'payments', channel: 'C0NOPE' })).status).toBe(400);
  });
});

describe('GET /api/events', () => {
  it('streams the state, then every Slack change and the side panel read again', async () => {
    const controller = new AbortController();
    const response = await fetch(`${base}/api/events`, { signal: controller.signal });
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = response.body?.pipeThrough(new TextDecoderStream()).getReader();
    if (!reader) throw new Error('no body');
    let received = '';
    const until = async (pattern: RegExp) => {
      while (!pattern.test(received)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`the stream ended before ${pattern}`);
        received += value;
      }
    };

    await until(/^event: state\ndata: \{.*\}\n\n/m);
    await command('U0SAM', 'list');
    await until(/^event: slack\ndata: .*"type":"posted".*"ephemeral":true/m);
    await until(/^event: panel\ndata: \{"functions":/m);
    controller.abort();
  });
});

describe('restarting', () => {
  it('keeps the audit trail, the alias changes and the published versions', async () => {
    await post('/api/publish', { function: 'orders' });
    await promoteOrdersToProd();
    await command('U0DANA', 'promote payments test→prod');
    const pendingCard = (await state()).messages[RELEASES]?.at(-1);
    if (!pendingCard) throw new Error('no card');
    await stop();

    await start(false);

    const snapshot = await state();
    expect(sandbox.restored).toEqual({ publishedVersions: 1, replayedChanges: 1, warnings: [] });
    expect(prodOf(snapshot, 'orders')?.version).toBe('3');
    expect(snapshot.panel.functions[0]?.versions[0]).toMatchObject({
      version: '5',
      description: 'Cache product prices',
    });
    expect(snapshot.panel.audit.map((e) => e.action)).toEqual([
      'REQUESTED',
      'APPLIED',
      'APPROVED',
      'APPROVED',
      'REQUESTED',
    ]);
    expect(JSON.parse(await readFile(join(dir, 'published-versions.json'), 'utf8')).published).toHaveLength(
      1,
    );
  });

  it('ends a request left pending across a restart as STALE: its alias has a new RevisionId', async () => {
    await command('U0DANA', 'promote orders dev 3');
    const [card] = (await state()).messages[RELEASES] ?? [];
    if (!card) throw new Error('no card');
    await stop();
    await start(false);

    await command('U0DANA', 'history orders');
    const { panel } = await state();
    expect(panel.audit[0]).toMatchObject({ action: 'REQUESTED', alias: 'dev' });
    await post('/api/action', {
      user: 'U0AVI',
      channel: RELEASES,
      messageTs: card.ts,
      actionId: 'request.approve',
      value: requestIdOf(card),
    });
    await sandbox.idle();
    expect((await state()).panel.audit[0]).toMatchObject({ action: 'STALE', alias: 'dev' });
    // The restarted Slack stand-in no longer has the card: the worker says it could not update it.
    expect(logs.at('WARN')).toContainEqual(expect.objectContaining({ requestId: requestIdOf(card) }));
  });

  it('starts over with --reset', async () => {
    await promoteOrdersToProd();
    await post('/api/publish', { function: 'orders' });
    await stop();

    await start(true);

    const snapshot = await state();
    expect(prodOf(snapshot, 'orders')?.version).toBe('2');
    expect(snapshot.panel.audit).toEqual([]);
    expect(snapshot.panel.functions[0]?.totalVersions).toBe(4);
  });
});

describe('an alias moved by hand (drift)', () => {
  it('moves the alias outside the bot, and the drift card appears in #releases at once, naming who', async () => {
    const moved = await post('/api/move', { function: 'orders', alias: 'prod', version: '1' });
    await sandbox.idle();

    expect(moved).toEqual({ status: 200, body: { alias: 'prod', version: '1' } });
    const snapshot = await state();
    expect(prodOf(snapshot, 'orders')?.version).toBe('1');
    const card = (snapshot.messages[RELEASES] ?? []).find((message) => message.text.startsWith('Drift:'));
    expect(card?.text).toBe('Drift: orders prod 2 → 1');
    expect(JSON.stringify(card?.blocks)).toContain('assumed-role/Admin/console-user');
    // Baselines for every stage alias, then the drift.
    expect(snapshot.panel.audit.map((event) => event.action)).toContain('DRIFTED');
    const stageAliases = snapshot.panel.functions.flatMap((fn) => fn.stages).length;
    expect(snapshot.panel.audit.filter((event) => event.action === 'ADOPTED')).toHaveLength(stageAliases);
  });

  it("moves an alias of another account's function; the bot's heartbeat, not CloudTrail, finds it", async () => {
    const moved = await post('/api/move', { function: 'inventory', alias: 'prod', version: '2' });
    await sandbox.idle();

    expect(moved.status).toBe(200);
    const snapshot = await state();
    const inventory = snapshot.panel.functions.find((fn) => fn.key === 'inventory');
    expect(inventory?.aliases.find((alias) => alias.name === 'prod')?.version).toBe('2');
    expect(
      (snapshot.messages[RELEASES] ?? []).filter((message) => message.text.startsWith('Drift:')),
    ).toEqual([]);
  });

  it('Adopt on the card records the new state as known', async () => {
    await post('/api/move', { function: 'orders', alias: 'test', version: '4' });
    await sandbox.idle();
    const card = (await state()).messages[RELEASES]?.find((message) => message.text.startsWith('Drift:'));
    if (!card) throw new Error('no drift card');

    await post('/api/action', {
      user: 'U0AVI',
      channel: RELEASES,
      messageTs: card.ts,
      actionId: 'drift.adopt',
      value: requestIdOf(card),
    });
    await sandbox.idle();

    const after = (await state()).messages[RELEASES]?.find((message) => message.ts === card.ts);
    expect(after?.text).toBe('Drift: orders test 3 → 4 (adopted)');
  });

  it.each([
    [{ function: 'nope', alias: 'prod', version: '1' }, 'function: one of orders, payments, inventory'],
    [{ function: 'orders', alias: 'live', version: '1' }, 'alias: one of dev, test, prod'],
    [{ function: 'orders', alias: 'prod', version: '9' }, 'version: orders has versions 1 to 4'],
    [{ function: 'orders', alias: 'prod', version: '$LATEST' }, 'version: a published version number'],
  ])('refuses %j with 400, changing nothing', async (input, error) => {
    const result = await post('/api/move', input);

    expect(result).toEqual({ status: 400, body: { error } });
    expect(prodOf(await state(), 'orders')?.version).toBe('2');
  });
});
