// The Node versions the benchmark runs the bot on, as Lambda runs it: the stack's (nodejs24.x)
// and others beside it. Each is the official binary from the npm registry's
// `node-linux-<arch>` package (the same builds as nodejs.org), fetched with `npm pack` once into
// bench/.runtimes/ (git-ignored) and reused. Lambda runs arm64 (the stack's Graviton); this
// machine can only run its own architecture, so the figures are for linux-x64 here.
//
// BENCH_NODE24 / BENCH_NODE22 / BENCH_NODE20: a version or range for each (default the newest of
// that major).
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const RUNTIMES_DIR = fileURLToPath(new URL('./.runtimes/', import.meta.url));

export interface NodeRuntime {
  /** `Node 24`. */
  label: string;
  /** `22.23.5`. */
  version: string;
  /** The node binary. */
  node: string;
}

export function nodeRuntime(major: 20 | 22 | 24): NodeRuntime {
  const range = process.env[`BENCH_NODE${major}`] ?? String(major);
  const packageName = `node-linux-${process.arch}`;
  let version: string;
  try {
    version = newestVersion(packageName, range);
  } catch (error) {
    // Offline: the newest binary of that major fetched before, if any.
    const cached = readdirSync(RUNTIMES_DIR, { withFileTypes: true })
      .map((entry) => /^node-v(\d+\.\d+\.\d+)-/.exec(entry.name)?.[1])
      .filter((v): v is string => v?.startsWith(`${major}.`) ?? false)
      .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
    const newest = cached.at(-1);
    if (newest === undefined) throw error;
    version = newest;
  }
  const node = nodeBinary(version, process.arch);
  const reported = execFileSync(node, ['--version'], { encoding: 'utf8', env: {} }).trim();
  if (reported !== `v${version}`) throw new Error(`${node} says it is ${reported}, not v${version}`);
  return { label: `Node ${major}`, version, node };
}

/**
 * The official linux binary of Node `version` for `arch` (`x64`, `arm64`), fetched once into
 * bench/.runtimes/. Not every release is on the registry for every architecture: the error lists
 * those that are.
 */
export function nodeBinary(version: string, arch: string): string {
  const platform = `linux-${arch}`;
  const packageName = `node-${platform}`;
  const dir = join(RUNTIMES_DIR, `node-v${version}-${platform}`);
  const node = join(dir, 'node');
  if (existsSync(node)) return node;
  mkdirSync(RUNTIMES_DIR, { recursive: true });
  const download = mkdtempSync(join(RUNTIMES_DIR, 'download-'));
  try {
    console.error(`fetching ${packageName}@${version} from the npm registry…`);
    let tarball: string;
    try {
      tarball = execFileSync('npm', ['pack', `${packageName}@${version}`, '--silent'], {
        cwd: download,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      }).trim();
    } catch (error) {
      const published = publishedVersions(packageName, version.split('.')[0] ?? version);
      throw new Error(
        `${packageName}@${version} could not be fetched from the npm registry ` +
          `(${published.length > 0 ? `it has ${published.join(', ')}` : (error as Error).message.split('\n')[0]}); ` +
          'use the binary itself: --node-binary <path to that node>',
      );
    }
    execFileSync('tar', ['xzf', join(download, tarball), '-C', download, 'package/bin/node']);
    mkdirSync(dir, { recursive: true });
    renameSync(join(download, 'package/bin/node'), node);
    chmodSync(node, 0o755);
  } finally {
    rmSync(download, { recursive: true, force: true });
  }
  return node;
}

function publishedVersions(packageName: string, major: string): string[] {
  try {
    return matchingVersions(packageName, major);
  } catch {
    return [];
  }
}

/** The registry's versions of `packageName` in `range`, oldest first. */
function matchingVersions(packageName: string, range: string): string[] {
  const out = execFileSync('npm', ['view', `${packageName}@${range}`, 'version', '--json'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return [JSON.parse(out) as string | string[]]
    .flat()
    .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
}

function newestVersion(packageName: string, range: string): string {
  const newest = matchingVersions(packageName, range).at(-1);
  if (newest === undefined) throw new Error(`no ${packageName} matches ${range}`);
  return newest;
}
