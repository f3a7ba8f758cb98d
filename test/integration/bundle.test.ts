// The artifact deployed to Lambda, dist/handler.mjs as `npm run build` makes it, answers a signed
// /lambda status against the stand-ins, with its configuration bundled at build time.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: the build script is plain JavaScript, without type declarations.
import { buildHandler } from '../../esbuild.config.mjs';
import { type Harness, startHarness, textOf } from '../support/harness';

let h: Harness;
let bundled: { handler: (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }> };
let built: { bytes: number };

beforeAll(async () => {
  h = await startHarness();
  const outfile = join(mkdtempSync(join(tmpdir(), 'chatops-build-')), 'handler.mjs');
  built = await buildHandler({ outfile, quiet: true });
  // The bundle reads its variables at the first request, as on Lambda; it uses the bundled
  // chatops.config.yml (orders → orders-service), so CHATOPS_CONFIG stays unset.
  const { CHATOPS_CONFIG: _unused, ...env } = h.env;
  Object.assign(process.env, env);
  delete process.env.CHATOPS_CONFIG;
  bundled = await import(pathToFileURL(outfile).href);
}, 60_000);

afterAll(() => h.close());

describe('dist/handler.mjs', () => {
  it('is an ES module exporting a two-argument async handler', () => {
    expect(typeof bundled.handler).toBe('function');
    expect(bundled.handler.length).toBe(2);
    expect(built.bytes).toBeGreaterThan(0);
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

  it('refuses a forged request with 401', async () => {
    const reply = await bundled.handler(h.commandEvent('status orders', { secret: 'forged' }), {});

    expect(reply.statusCode).toBe(401);
  });
});
