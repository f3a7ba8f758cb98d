// The bundles' "built-ins through require" technique (scripts/fast-start.mjs) also keeps two of
// Node's modules out of a cold start: the SDK's `isReadableStream`, asked of every response body,
// no longer reads the lazy `ReadableStream` global (which loads Node's web streams) for a Node
// stream; and the Slack Web API client requires node:zlib only for the gzip answer of
// admin.analytics.getFile. Their behaviour must stay the SDKs' own.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { isReadableStream as sdkIsReadableStream } from '@smithy/core/serde';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: the build script is plain JavaScript, without type declarations.
import { NO_TECHNIQUES, withFastStart } from '../../scripts/fast-start.mjs';

let dir: string;
let bundle: string;
let isReadableStream: (stream: unknown) => boolean;
let WebClient: typeof import('@slack/web-api').WebClient;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'chatops-stream-check-'));
  const entry = join(dir, 'entry.mjs');
  writeFileSync(
    entry,
    "export { isReadableStream } from '@smithy/core/serde';\nexport { WebClient } from '@slack/web-api';\n",
  );
  const { options } = withFastStart(
    {
      entryPoints: { probe: entry },
      outdir: dir,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node22',
      mainFields: ['module', 'main'],
      nodePaths: [join(process.cwd(), 'node_modules')],
      banner: {
        js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
      },
      logLevel: 'warning',
    },
    { ...NO_TECHNIQUES, builtinsThroughRequire: true },
  );
  await build(options);
  bundle = join(dir, 'probe.mjs');
  ({ isReadableStream, WebClient } = (await import(
    pathToFileURL(bundle).href
  )) as typeof import('@smithy/core/serde') & typeof import('@slack/web-api'));
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the bundled SDK's isReadableStream", () => {
  it('answers as the SDK does for web streams, Node streams and other values', () => {
    class ReadableStreamLookalike {}
    Object.defineProperty(ReadableStreamLookalike, 'name', { value: 'Other' });
    const values: unknown[] = [
      new ReadableStream(),
      new ReadableStream({ start: (controller) => controller.close() }),
      Readable.from(['a']),
      new PassThrough(),
      new Blob(['x']),
      new Uint8Array(2),
      'text',
      undefined,
      null,
      { getReader: () => undefined },
      new ReadableStreamLookalike(),
    ];
    const answers = values.map((value) => isReadableStream(value));
    expect(answers).toEqual(values.map((value) => sdkIsReadableStream(value)));
    expect(answers.slice(0, 4)).toEqual([true, true, false, false]);
  });

  it("does not load Node's web streams when asked about a Node stream", () => {
    const script = `
      const { isReadableStream } = await import(${JSON.stringify(pathToFileURL(bundle).href)});
      const { PassThrough } = await import('node:stream');
      const loaded = () => process.moduleLoadList.some((name) => name.includes('webstreams/readablestream'));
      const before = loaded();
      const answer = isReadableStream(new PassThrough());
      console.log(JSON.stringify({ before, answer, after: loaded() }));`;
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
    });
    expect(JSON.parse(output)).toEqual({ before: false, answer: false, after: false });
  });
});

describe("the bundled Slack Web API client's node:zlib", () => {
  it('is not loaded by creating a client', () => {
    const script = `
      const { WebClient } = await import(${JSON.stringify(pathToFileURL(bundle).href)});
      new WebClient('xoxb-test');
      console.log(JSON.stringify(process.moduleLoadList.includes('NativeModule zlib')));`;
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
    });
    expect(JSON.parse(output)).toBe(false);
  });

  it('still unzips the gzip answer of admin.analytics.getFile', async () => {
    const lines = [
      { user_id: 'U1', date: '2026-11-01' },
      { user_id: 'U2', date: '2026-11-01' },
    ];
    const server = createServer((request, response) => {
      request.resume();
      response.writeHead(200, { 'content-type': 'application/gzip' });
      response.end(gzipSync(lines.map((line) => JSON.stringify(line)).join('\n')));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const client = new WebClient('xoxb-test', {
        slackApiUrl: `http://127.0.0.1:${port}/api/`,
        retryConfig: { retries: 0 },
      });
      const result = await client.apiCall('admin.analytics.getFile', { type: 'member', date: '2026-11-01' });
      expect((result as { file_data?: unknown }).file_data).toEqual(lines);
    } finally {
      server.close();
    }
  });
});
