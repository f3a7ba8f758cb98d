// The V8 code caches of a build (`dist/<entry>.cache`, made by `npm run code-cache`), checked
// before they are deployed: V8 accepts a cache only from the same V8 version, CPU architecture and
// flags, and checks the source only by its length. A cache that cannot match the deployed function
// would be read and rejected at every cold start, or worse, be taken for a bundle of the same
// length it was not made from; so the stack refuses it with the step that fixes it.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** `dist/<entry>.cache.json`: what `npm run code-cache` made the cache with. */
export interface CodeCacheDescription {
  /** `process.version` of the Node that made it: `v24.21.0`. */
  node: string;
  platform: string;
  /** `process.arch`: `arm64`, `x64`. */
  arch: string;
  /** The node flags it was made with (Lambda's, for the function's memory). */
  flags: string[];
  memoryMb: number;
  /** The classic script it is the cache of (`handler.app.cjs`) and that file's SHA-256, hex. */
  script: string;
  scriptSha256: string;
  bytes: number;
  /** How the Node binary ran: natively, or under `qemu-aarch64` user-mode emulation. */
  ranUnder: string;
  made: string;
}

export const codeCacheFiles = (dir: string, entry: string) => ({
  cache: join(dir, `${entry}.cache`),
  description: join(dir, `${entry}.cache.json`),
  script: join(dir, `${entry}.app.cjs`),
});

export const sha256Of = (file: string): string =>
  createHash('sha256').update(readFileSync(file)).digest('hex');

const REMAKE = 'make it again after `npm run build` (npm run code-cache, README "Cold start"), or delete it';

/**
 * Throws, saying what to do, unless each entry's cache (when there is one) was made for
 * `architecture` on Linux, for the script beside it, and the runtime is pinned.
 */
export function checkCodeCaches(
  dir: string,
  entries: readonly string[],
  target: { architecture: string; runtimeVersionArn: string | undefined },
): void {
  for (const entry of entries) {
    const files = codeCacheFiles(dir, entry);
    if (!existsSync(files.cache)) continue;
    if (!target.runtimeVersionArn) {
      throw new Error(
        `${files.cache} is a code cache for one Node version: pin the runtime it was made for ` +
          '(cdk deploy -c runtimeVersionArn=...), or delete it (README, "Cold start")',
      );
    }
    if (!existsSync(files.description)) {
      throw new Error(`${files.cache} has no ${entry}.cache.json saying what it was made with: ${REMAKE}`);
    }
    let about: Partial<CodeCacheDescription>;
    try {
      about = JSON.parse(readFileSync(files.description, 'utf8')) as Partial<CodeCacheDescription>;
    } catch (error) {
      throw new Error(`${files.description}: not JSON (${(error as Error).message}): ${REMAKE}`);
    }
    if (about.platform !== 'linux' || about.arch !== target.architecture) {
      throw new Error(
        `${files.cache} was made by Node ${about.node} on ${about.platform}-${about.arch}; the function runs on ` +
          `linux-${target.architecture}, whose V8 would reject it at every cold start: ` +
          `npm run code-cache -- --arch ${target.architecture} --node <the runtime's Node version> (README, "Cold start"), or delete it`,
      );
    }
    if (!existsSync(files.script) || about.scriptSha256 !== sha256Of(files.script)) {
      throw new Error(`${files.cache} was made for another build of ${entry}.app.cjs: ${REMAKE}`);
    }
  }
}
