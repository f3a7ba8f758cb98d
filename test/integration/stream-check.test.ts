// The bundles' "built-ins through require" technique also rewrites the SDK's `isReadableStream`
// (scripts/fast-start.mjs) so that asking it about a Node stream, as the SDK does of every
// response body, does not read the lazy `ReadableStream` global, which loads Node's web streams.
// Its answers must stay the SDK's own.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { isReadableStream as sdkIsReadableStream } from '@smithy/core/serde';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: the build script is plain JavaScript, without type declarations.
import { NO_TECHNIQUES, withFastStart } from '../../scripts/fast-start.mjs';

let dir: string;
let bundle: string;
let isReadableStream: (stream: unknown) => boolean;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'chatops-stream-check-'));
  const entry = join(dir, 'entry.mjs');
  writeFileSync(entry, "export { isReadableStream } from '@smithy/core/serde';\n");
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
      logLevel: 'warning',
    },
    { ...NO_TECHNIQUES, builtinsThroughRequire: true },
  );
  await build(options);
  bundle = join(dir, 'probe.mjs');
  ({ isReadableStream } = (await import(pathToFileURL(bundle).href)) as typeof import('@smithy/core/serde'));
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
