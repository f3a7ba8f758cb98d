// The bundles the benchmark compares: what `npm run build` deploys, and the same build with each
// cold-start technique of scripts/fast-start.mjs alone or left out, so that each one's effect is
// measured A/B in one run. Each is built into bench/.build/variants/<name>/; those with a code
// cache are copied per Node version and trained there (a cache is valid for one V8 only).
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error: the build script is plain JavaScript, without type declarations.
import { buildBundles } from '../esbuild.config.mjs';
// @ts-expect-error: plain JavaScript, without type declarations.
import { ALL_TECHNIQUES, NO_TECHNIQUES } from '../scripts/fast-start.mjs';

const BUILD_DIR = fileURLToPath(new URL('./.build/', import.meta.url));

export interface Techniques {
  builtinsThroughRequire: boolean;
  lazyPackages: boolean;
  slimmerSdks: boolean;
  codeCache: boolean;
}

export interface Variant {
  name: string;
  /** What it shows, for the report. */
  label: string;
  techniques: Techniques;
  /** Trained: shipped with a code cache made for the Node that runs it. */
  trained: boolean;
}

const all = ALL_TECHNIQUES as Techniques;
const none = NO_TECHNIQUES as Techniques;

export const DEPLOYED = 'all';

export const VARIANTS: Variant[] = [
  { name: 'none', label: 'no technique (main’s ES module build)', techniques: none, trained: false },
  {
    name: 'require',
    label: '+ built-ins through require',
    techniques: { ...none, builtinsThroughRequire: true },
    trained: false,
  },
  { name: 'lazy', label: '+ lazy packages', techniques: { ...none, lazyPackages: true }, trained: false },
  {
    name: 'slim',
    label: '+ unused SDK code left out',
    techniques: { ...none, slimmerSdks: true },
    trained: false,
  },
  { name: 'cache', label: '+ V8 code cache', techniques: { ...none, codeCache: true }, trained: true },
  {
    name: 'layout',
    label: '+ code cache layout, no cache',
    techniques: { ...none, codeCache: true },
    trained: false,
  },
  { name: DEPLOYED, label: 'all (npm run build + code cache)', techniques: all, trained: true },
  { name: 'all-no-cache', label: 'all, cache missing or rejected', techniques: all, trained: false },
  {
    name: 'all-but-require',
    label: 'all but built-ins through require',
    techniques: { ...all, builtinsThroughRequire: false },
    trained: true,
  },
  {
    name: 'all-but-lazy',
    label: 'all but lazy packages',
    techniques: { ...all, lazyPackages: false },
    trained: true,
  },
];

export interface BuiltVariant extends Variant {
  /** The Slack-facing function's bundle (the worker's is beside it). */
  bundle: string;
  /** The files Node loads at cold start (chunks and the code cache aside). */
  coldStartBytes: number;
}

export async function buildVariants(): Promise<BuiltVariant[]> {
  const built: BuiltVariant[] = [];
  for (const variant of VARIANTS) {
    const dir = join(BUILD_DIR, 'variants', variant.name);
    rmSync(dir, { recursive: true, force: true });
    const sizes = (await buildBundles({
      outdir: dir,
      quiet: true,
      techniques: variant.techniques,
    })) as Record<'handler', { outfile: string; bytes: number }>;
    built.push({ ...variant, bundle: sizes.handler.outfile, coldStartBytes: sizes.handler.bytes });
  }
  return built;
}

/** A copy of a variant's directory for one Node version, where its code cache is trained. */
export function copyFor(variant: BuiltVariant, runtimeKey: string): string {
  const dir = join(BUILD_DIR, runtimeKey, variant.name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  cpSync(join(BUILD_DIR, 'variants', variant.name), dir, { recursive: true });
  return join(dir, 'handler.mjs');
}
