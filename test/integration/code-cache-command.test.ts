// `npm run code-cache` (bench/code-cache.ts) on a fresh build, with this machine's own Node: the
// command a deployment runs before `cdk deploy` (for linux-arm64 it runs the same steps with the
// arm64 binary under qemu-aarch64, README "Cold start"). Both caches are made with Lambda's flags
// for each function's memory, described, and accepted by a fresh process; the stack's check then
// takes them for an x64 function and refuses them for the arm64 one.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: the build script is plain JavaScript, without type declarations.
import { buildBundles } from '../../esbuild.config.mjs';
import { checkCodeCaches } from '../../infra/lib/code-cache-check';
import { REPO_ROOT } from '../infra/files';

const run = promisify(execFile);
const TSX = join(REPO_ROOT, 'node_modules/.bin/tsx');
const COMMAND = join(REPO_ROOT, 'bench/code-cache.ts');
const PINNED = `arn:aws:lambda:us-east-1::runtime:${'0f'.repeat(32)}`;

let dist: string;

beforeAll(async () => {
  dist = mkdtempSync(join(tmpdir(), 'chatops-build-'));
  await buildBundles({ outdir: dist, quiet: true });
}, 60_000);

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const about = (entry: string) => JSON.parse(readFileSync(join(dist, `${entry}.cache.json`), 'utf8'));

describe('npm run code-cache', () => {
  it('makes the handler and worker caches with Lambda flags for each memory, checked in fresh processes', async () => {
    const { stdout } = await run(
      TSX,
      [COMMAND, '--arch', process.arch, '--node-binary', process.execPath, '--dist', dist, '--check', '2'],
      { cwd: REPO_ROOT },
    );

    for (const [entry, memoryMb, oldSpace] of [
      ['handler', 1769, 1593],
      ['worker', 1024, 922],
    ] as const) {
      expect(stdout).toMatch(new RegExp(`${entry}\\.cache: \\d+ KB .*accepted by 2 of 2 fresh processes`));
      expect(about(entry)).toMatchObject({
        node: process.version,
        platform: 'linux',
        arch: process.arch,
        memoryMb,
        script: `${entry}.app.cjs`,
        scriptSha256: sha256(join(dist, `${entry}.app.cjs`)),
        ranUnder: 'native',
      });
      expect(about(entry).flags).toEqual(
        expect.arrayContaining(['--expose-gc', `--max-old-space-size=${oldSpace}`]),
      );
      expect(about(entry).bytes).toBe(readFileSync(join(dist, `${entry}.cache`)).length);
    }

    // A process started as Lambda starts the worker takes its cache; one without Lambda's flags does not.
    const accepted = async (flags: string[]) => {
      const script = `const m = await import(${JSON.stringify(pathToFileURL(join(dist, 'worker.mjs')).href)}); process.stdout.write('\\n' + m.codeCacheUsed); process.exit(0);`;
      const { stdout: out } = await run(process.execPath, [...flags, '--input-type=module', '-e', script], {
        env: { ...process.env, AWS_LAMBDA_LOG_LEVEL: 'ERROR' },
      });
      return out.trim().split('\n').at(-1);
    };
    expect(await accepted(about('worker').flags)).toBe('true');
    expect(await accepted([])).toBe('false');

    // This machine's caches are for its own architecture: the arm64 stack refuses them.
    expect(() =>
      checkCodeCaches(dist, ['handler', 'worker'], { architecture: process.arch, runtimeVersionArn: PINNED }),
    ).not.toThrow();
    expect(() =>
      checkCodeCaches(dist, ['handler', 'worker'], { architecture: 'arm64', runtimeVersionArn: PINNED }),
    ).toThrow(new RegExp(`on linux-${process.arch}; the function runs on linux-arm64`));
  }, 120_000);

  it('refuses a binary that is not the Node version asked for, before training anything', async () => {
    const failed = await run(
      TSX,
      [
        COMMAND,
        '--node',
        '24.0.1',
        '--arch',
        process.arch,
        '--node-binary',
        process.execPath,
        '--dist',
        dist,
      ],
      { cwd: REPO_ROOT },
    ).catch((error: { code: number; stdout: string; stderr: string }) => error);
    expect(failed).toMatchObject({ code: 1, stdout: '' });
    expect((failed as { stderr: string }).stderr).toContain(
      `code-cache: ${process.execPath} is Node ${process.version}, not v24.0.1`,
    );
  });
});
