// The artifacts deployed to Lambda, dist/handler.mjs and dist/worker.mjs as `npm run build` makes
// them: the Slack-facing one answers signed requests against the stand-ins with its configuration
// bundled at build time, hands an approved request to the worker, and the worker applies it.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
// @ts-expect-error: the build script is plain JavaScript, without type declarations.
import { buildBundles } from '../../esbuild.config.mjs';
import { type Harness, requestIdIn, startHarness, textOf, USERS, WORKER_FUNCTION } from '../support/harness';

type Bundle = {
  handler: (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;
};
let h: Harness;
let bundled: Bundle;
let worker: Bundle;
/** Per bundle: the entry Lambda imports, and every file Node loads with it at cold start. */
let built: Record<'handler' | 'worker', { bytes: number; outfile: string; files: string[] }>;

beforeAll(async () => {
  h = await startHarness();
  const outdir = mkdtempSync(join(tmpdir(), 'chatops-build-'));
  built = await buildBundles({ outdir, quiet: true });
  // The bundle reads its variables at the first request, as on Lambda; it uses the bundled
  // chatops.config.yml (orders → orders-service), so CHATOPS_CONFIG stays unset.
  const { CHATOPS_CONFIG: _unused, ...env } = h.env;
  Object.assign(process.env, env);
  delete process.env.CHATOPS_CONFIG;
  // As Lambda sets it from the function's applicationLogLevel: the bundles' INFO lines are dropped.
  process.env.AWS_LAMBDA_LOG_LEVEL = 'WARN';
  bundled = await import(pathToFileURL(built.handler.outfile).href);
  worker = await import(pathToFileURL(built.worker.outfile).href);
  h.lambda.onInvoke(WORKER_FUNCTION, (payload) =>
    worker.handler(payload, { awsRequestId: `bundle-${Date.now()}` }),
  );
}, 60_000);

afterAll(() => h.close());

/** What the bundle wrote to stdout while `call` ran, one JSON object per line. */
async function loggedBy<T>(call: () => Promise<T>): Promise<{ result: T; lines: unknown[] }> {
  const written: string[] = [];
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    written.push(String(chunk));
    return true;
  });
  try {
    const result = await call();
    return { result, lines: written.map((line) => JSON.parse(line)) };
  } finally {
    stdout.mockRestore();
  }
}

describe('dist/handler.mjs', () => {
  it('is an ES module exporting a two-argument async handler', () => {
    expect(typeof bundled.handler).toBe('function');
    expect(bundled.handler.length).toBe(2);
    expect(typeof worker.handler).toBe('function');
    expect(worker.handler.length).toBe(2);
  });

  it('holds no way to move an alias: UpdateAlias is in the worker only', () => {
    // Every file of each bundle: with the code cache layout, the entry is a loader of the rest.
    const code = (bundle: { files: string[] }) =>
      bundle.files.map((file) => readFileSync(file, 'utf8')).join('\n');
    // The Lambda client's operation path for UpdateAlias, which only UpdateAliasCommand brings in.
    expect(code(built.worker)).toMatch(/UpdateAliasCommand|"UpdateAlias",/);
    expect(code(built.handler)).not.toContain('UpdateAliasCommand');
  });

  it('holds no Scheduler or CloudWatch client: rollout timers and metrics belong to the worker', () => {
    // Every file of each bundle: with the code cache layout, the entry is a loader of the rest.
    const code = (bundle: { files: string[] }) =>
      bundle.files.map((file) => readFileSync(file, 'utf8')).join('\n');
    for (const operation of ['CreateSchedule', 'DeleteSchedule', 'GetMetricData', 'DescribeAlarms']) {
      expect(code(built.worker)).toContain(operation);
      expect(code(built.handler)).not.toContain(operation);
    }
  });

  it('answers a signed /lambda status orders with every alias and its version', async () => {
    const reply = await bundled.handler(h.commandEvent('status orders', { base64: true }), {});

    expect(reply.statusCode).toBe(200);
    const text = textOf(JSON.parse(reply.body).blocks);
    expect(text).toContain('orders (orders-service)');
    expect(text).toContain('*dev* → 5');
    expect(text).toContain('*test* → 4');
    expect(text).toContain('*prod* → 3');
  });

  it('dist/worker.mjs applies an approved promotion: the alias moves and the audit trail says so', async () => {
    await bundled.handler(h.commandEvent('promote orders dev→test'), {});
    const posted = h.slack.calls.filter((call) => call.method === 'chat.postMessage' && call.ok).at(-1);
    const id = requestIdIn(posted?.body.blocks);

    const click = await h.click(id, 'approve', { user: USERS.approver });
    await h.settle();

    expect(click.statusCode).toBe(200);
    expect(h.lambda.alias('orders-service', 'test').version).toBe('5');
    expect((await h.events(id)).map((event) => event.action)).toEqual(['REQUESTED', 'APPROVED', 'APPLIED']);
  });

  it('dist/worker.mjs answers ci.promote with the request id; dist/handler.mjs refuses it with 400', async () => {
    const event = {
      kind: 'ci.promote',
      function: 'orders',
      to: 'prod',
      version: '5',
      channel: 'C0RELEASES',
      requestedBy: 'bundle test',
    };

    const answer = (await worker.handler(event, { awsRequestId: 'bundle-ci' })) as unknown as Record<
      string,
      unknown
    >;
    const { result: refused, lines } = await loggedBy(() => bundled.handler(event, {}));

    expect(answer).toMatchObject({ ok: true, status: 'PENDING' });
    expect(textOf(h.card(answer.requestId as string)?.blocks)).toContain('CI: bundle test');
    expect(refused.statusCode).toBe(400);
    expect(lines).toEqual([expect.objectContaining({ level: 'WARN', status: 400 })]);
  });

  it('refuses a forged request with 401, and says so in a JSON line on stdout', async () => {
    const { result: reply, lines } = await loggedBy(() =>
      bundled.handler(h.commandEvent('status orders', { secret: 'forged' }), { awsRequestId: 'aws-forged' }),
    );

    expect(reply.statusCode).toBe(401);
    expect(lines).toEqual([
      expect.objectContaining({ level: 'WARN', status: 401, awsRequestId: 'aws-forged' }),
    ]);
  });
});

describe('AWS errors the bot decides by, through the bundles (the SDK error classes are rewritten at build)', () => {
  const replyText = (reply: { body: string }) => textOf(JSON.parse(reply.body).blocks);

  it('TooManyRequestsException from Lambda: the throttling sentence', async () => {
    h.lambda.failNext(
      'ListAliases',
      { status: 429, name: 'TooManyRequestsException', message: 'Rate exceeded' },
      5,
    );

    const { result: reply, lines } = await loggedBy(() =>
      bundled.handler(h.commandEvent('status orders'), {}),
    );

    expect(replyText(reply)).toContain('AWS Lambda is throttling requests right now.');
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'WARN',
        error: expect.objectContaining({
          code: 'THROTTLED',
          cause: expect.objectContaining({ name: 'TooManyRequestsException', httpStatusCode: 429 }),
        }),
      }),
    ]);
  });

  it('ResourceNotFoundException from Lambda: the function is named as missing', async () => {
    h.lambda.failNext('ListAliases', {
      status: 404,
      name: 'ResourceNotFoundException',
      message: 'Function not found: orders-service',
    });

    const reply = await bundled.handler(h.commandEvent('status orders'), {});

    expect(replyText(reply)).toContain('Lambda has no function orders-service in this account and region');
  });

  it('ResourceNotFoundException from DynamoDB: the audit table is named as unreachable', async () => {
    h.dynamoFaults.failNext('Query', {
      status: 400,
      name: 'ResourceNotFoundException',
      message: 'Requested resource not found',
    });

    const { result: reply, lines } = await loggedBy(() =>
      bundled.handler(h.commandEvent('history orders'), {}),
    );

    expect(replyText(reply)).toContain('The audit table could not be reached (ResourceNotFoundException)');
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'ERROR',
        error: expect.objectContaining({
          cause: expect.objectContaining({ name: 'ResourceNotFoundException' }),
        }),
      }),
    ]);
  });

  it('ConditionalCheckFailedException: a second request for an alias is refused, naming the open one', async () => {
    await bundled.handler(h.commandEvent('promote payments dev→test'), {});
    const posted = h.slack.calls.filter((call) => call.method === 'chat.postMessage' && call.ok).at(-1);
    const first = requestIdIn(posted?.body.blocks);

    const refused = await bundled.handler(
      h.commandEvent('promote payments test 3', { user: USERS.approver }),
      {},
    );

    expect(replyText(refused)).toContain(`already has an open request, \`${first}\``);
  });

  it('PreconditionFailedException: dist/worker.mjs records APPLIED after its UpdateAlias answer was lost', async () => {
    const posted = h.slack.calls.filter((call) => call.method === 'chat.postMessage' && call.ok).at(-1);
    const id = requestIdIn(posted?.body.blocks);
    // The SDK retries the 500 with the same RevisionId, into 412: the worker must read that name.
    h.lambda.failNext('UpdateAlias', {
      status: 500,
      name: 'ServiceException',
      message: 'injected: the change was made, its answer lost',
      afterApplying: true,
    });

    await h.click(id, 'approve', { user: USERS.approver });
    await h.settle();

    expect((await h.events(id)).map((event) => event.action)).toEqual(['REQUESTED', 'APPROVED', 'APPLIED']);
  });
});

describe('the build’s cold-start techniques (scripts/fast-start.mjs)', () => {
  /** Another instance of a bundle, with its own runtime read from the environment. */
  const freshImport = async (outfile: string, tag: string): Promise<Bundle> =>
    import(`${pathToFileURL(outfile).href}?${tag}`);

  it('keeps js-yaml out of what loads at cold start, and parses CHATOPS_CONFIG with it on first use', async () => {
    const outdir = mkdtempSync(join(tmpdir(), 'chatops-build-'));
    const { handler } = await buildBundles({ outdir, quiet: true });
    const outfile = handler.outfile as string;
    const loadedAtStart = (handler.files as string[]).map((file) => readFileSync(file, 'utf8')).join('\n');
    // One of js-yaml's own messages: in the chunk, not in the files Node loads at cold start.
    const yamlMessage = 'end of the stream or a document separator is expected';
    expect(loadedAtStart.includes(yamlMessage)).toBe(false);
    expect(readFileSync(join(dirname(outfile), 'chunks/js-yaml.cjs'), 'utf8').includes(yamlMessage)).toBe(
      true,
    );

    // A key the bundled configuration does not have: only the YAML file can have defined it.
    const config = join(mkdtempSync(join(tmpdir(), 'chatops-config-')), 'chatops.config.yml');
    writeFileSync(
      config,
      'functions:\n  billing:\n    functionName: orders-service\n    stages: [dev, prod]\n',
    );
    process.env.CHATOPS_CONFIG = config;
    try {
      const fromYaml = await freshImport(outfile, 'yaml');
      const reply = await fromYaml.handler(h.commandEvent('status billing'), {});
      expect(reply.statusCode).toBe(200);
      expect(textOf(JSON.parse(reply.body).blocks)).toContain('billing (orders-service)');
    } finally {
      delete process.env.CHATOPS_CONFIG;
    }
  });

  it('keeps what the Slack-facing function loads at cold start within issue 12’s 450 KB', () => {
    // The entry Lambda imports and the script it runs (the bench's coldStartBytes), every feature in.
    expect(built.handler.files.length).toBeGreaterThan(0);
    expect(built.handler.bytes).toBeLessThanOrEqual(450 * 1024);
  });

  it('keeps the STS client (other accounts only) out of what either function loads at cold start', () => {
    // The STS operation only the client's AssumeRole command brings in.
    const loaded = (bundle: { files: string[] }) =>
      bundle.files.map((file) => readFileSync(file, 'utf8')).join('\n');
    for (const bundle of [built.handler, built.worker])
      expect(loaded(bundle).includes('AssumeRoleWithSAML')).toBe(false);
    const chunk = readFileSync(join(dirname(built.handler.outfile), 'chunks/aws-sdk-client-sts.cjs'), 'utf8');
    expect(chunk.includes('AssumeRoleWithSAML')).toBe(true);
  });

  it('runs from a V8 code cache made after a request, and without one when V8 rejects it, saying which once', async () => {
    const { handler } = await buildBundles({
      outdir: mkdtempSync(join(tmpdir(), 'chatops-build-')),
      quiet: true,
    });
    const outfile = handler.outfile as string;
    const cache = join(dirname(outfile), 'handler.cache');
    const status = h.commandEvent('status orders');

    // Each in a fresh Node process, as each Lambda cold start is: within one process V8 reuses
    // what it compiled already and never looks at the cache. Made with Lambda's --expose-gc.
    const trained = await coldStart(outfile, status, { writeCache: cache, flags: ['--expose-gc'] });
    expect(trained).toMatchObject({ codeCacheUsed: false, stderr: '' });
    expect(trained.logs).toMatchObject([{ level: 'INFO', codeCache: 'none' }]);
    expect(textOf(JSON.parse(trained.body).blocks)).toContain('*prod* → 3');

    const cached = await coldStart(outfile, status, { flags: ['--expose-gc'] });
    expect(cached.codeCacheUsed).toBe(true);
    expect(cached.logs).toMatchObject([
      { level: 'INFO', codeCache: 'used', node: process.version, arch: process.arch },
    ]);
    expect(textOf(JSON.parse(cached.body).blocks)).toContain('*prod* → 3');

    // The same cache in a process with other V8 flags (a runtime whose bootstrap differs), then a
    // corrupted one: each compiles as usual and answers the same, with one warning and nothing on stderr.
    writeFileSync(
      `${cache}.json`,
      JSON.stringify({ node: 'v24.21.0', arch: 'arm64', flags: ['--expose-gc'] }),
    );
    const otherFlags = await coldStart(outfile, status);
    expect(otherFlags).toMatchObject({ codeCacheUsed: false, stderr: '' });
    expect(otherFlags.logs).toMatchObject([
      {
        level: 'WARN',
        codeCache: 'rejected',
        runtime: { node: process.version, arch: process.arch },
        madeFor: { node: 'v24.21.0', arch: 'arm64', flags: ['--expose-gc'] },
      },
    ]);
    expect(otherFlags.logs[0]?.message).toMatch(/V8 rejected handler\.cache/);
    expect(otherFlags.body).toBe(cached.body);

    writeFileSync(cache, Buffer.from('not a code cache of this V8'));
    const corrupted = await coldStart(outfile, status, { flags: ['--expose-gc'] });
    expect(corrupted).toMatchObject({ codeCacheUsed: false, stderr: '' });
    expect(corrupted.logs).toMatchObject([{ level: 'WARN', codeCache: 'rejected' }]);
    expect(corrupted.body).toBe(cached.body);

    // At Lambda's WARN level the INFO line is left out, as src/logger.ts leaves its own out.
    rmSync(cache);
    const quiet = await coldStart(outfile, status, { env: { AWS_LAMBDA_LOG_LEVEL: 'WARN' } });
    expect(quiet.logs).toEqual([]);
    expect(quiet.body).toBe(cached.body);
  });

  it('keeps a code cache through a rebuild of the same script, and deletes it when the script changes', async () => {
    const outdir = mkdtempSync(join(tmpdir(), 'chatops-build-'));
    await buildBundles({ outdir, quiet: true });
    const script = join(outdir, 'worker.app.cjs');
    const describeCache = (sha256: string) =>
      writeFileSync(join(outdir, 'worker.cache.json'), JSON.stringify({ scriptSha256: sha256 }));
    writeFileSync(join(outdir, 'worker.cache'), 'a code cache');
    describeCache(createHash('sha256').update(readFileSync(script)).digest('hex'));

    await buildBundles({ outdir, quiet: true });
    expect(existsSync(join(outdir, 'worker.cache'))).toBe(true);

    describeCache('0'.repeat(64));
    await buildBundles({ outdir, quiet: true });
    expect(existsSync(join(outdir, 'worker.cache'))).toBe(false);
    expect(existsSync(join(outdir, 'worker.cache.json'))).toBe(false);
  });
});

/**
 * A fresh Node process (with `flags`) imports the bundle and answers one event; optionally writes
 * its code cache. What the bundle logged is returned apart from its answer.
 */
function coldStart(
  outfile: string,
  event: unknown,
  options: { writeCache?: string; flags?: string[]; env?: Record<string, string> } = {},
): Promise<{
  codeCacheUsed: boolean;
  statusCode: number;
  body: string;
  stderr: string;
  logs: Record<string, unknown>[];
}> {
  const script = `
    const bundle = await import(${JSON.stringify(pathToFileURL(outfile).href)});
    const reply = await bundle.handler(JSON.parse(process.env.EVENT), {});
    if (process.env.WRITE_CACHE) (await import('node:fs')).writeFileSync(process.env.WRITE_CACHE, bundle.createCodeCache());
    process.stdout.write('\\n' + JSON.stringify({ codeCacheUsed: bundle.codeCacheUsed, statusCode: reply.statusCode, body: reply.body }));
    process.exit(0);`;
  // The harness's variables, AWS's among them, are in process.env; the bundled configuration is used.
  const { CHATOPS_CONFIG: _unused, AWS_LAMBDA_LOG_LEVEL: _level, ...env } = { ...process.env, ...h.env };
  const child = spawn(process.execPath, [...(options.flags ?? []), '--input-type=module', '-e', script], {
    env: {
      ...env,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      EVENT: JSON.stringify(event),
      ...(options.writeCache ? { WRITE_CACHE: options.writeCache } : {}),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) {
        reject(new Error(`exit ${code}: ${stderr}`));
        return;
      }
      const lines = stdout.split('\n').filter((line) => line !== '');
      const answer = JSON.parse(lines.pop() ?? '{}');
      // The bot's own lines (the status command's INFO line) aside: the loader's say `codeCache`.
      const logs = lines.map((line) => JSON.parse(line)).filter((line) => 'codeCache' in line);
      resolve({ ...answer, stderr, logs });
    });
  });
}
