// The artifacts deployed to Lambda, dist/handler.mjs and dist/worker.mjs as `npm run build` makes
// them: the Slack-facing one answers signed requests against the stand-ins with its configuration
// bundled at build time, hands an approved request to the worker, and the worker applies it.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
let built: Record<'handler' | 'worker', { bytes: number; outfile: string }>;

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
    const code = (file: string) => readFileSync(file, 'utf8');
    // The Lambda client's operation path for UpdateAlias, which only UpdateAliasCommand brings in.
    expect(code(built.worker.outfile)).toMatch(/UpdateAliasCommand|"UpdateAlias",/);
    expect(code(built.handler.outfile)).not.toContain('UpdateAliasCommand');
  });

  it('holds no Scheduler or CloudWatch client: rollout timers and metrics belong to the worker', () => {
    const code = (file: string) => readFileSync(file, 'utf8');
    for (const operation of ['CreateSchedule', 'DeleteSchedule', 'GetMetricData', 'DescribeAlarms']) {
      expect(code(built.worker.outfile)).toContain(operation);
      expect(code(built.handler.outfile)).not.toContain(operation);
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
