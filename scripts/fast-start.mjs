// Cold-start techniques for the Lambda bundles (issue 12), kept apart from esbuild.config.mjs so
// that each bundle the config builds opts in with one call. `npm run bench` measures each of
// them A/B against the same bundle without it, in one run (README, "Measured").
//
// - builtinsThroughRequire: the AWS SDK and @aws/lambda-invoke-store load `node:http` and
//   `node:async_hooks` with `import()`. In an ES module bundle on Node 22 that goes through the
//   ESM loader's dynamic import path, which loads more of Node's own modules (undici among them)
//   than a `require` of the same built-in; the bundle has `require` anyway.
// - lazyPackages: a package only some deployments call (js-yaml, for CHATOPS_CONFIG; the STS
//   client, for other accounts; the SDK's remote credential providers) becomes a file of its own
//   in dist/chunks/, required on the first use of one of its exports.
// - slimmerSdks: files of the Slack SDKs for features the bot never uses left out, and a Map for
//   the LRU cache of the DynamoDB client's endpoint discovery.
// - codeCacheLayout: the bundle becomes a classic script (`<name>.app.cjs`) run by a small ES
//   module (`<name>.mjs`, the handler Lambda imports) through `vm.Script` with a V8 code cache
//   (`<name>.cache`) when one is there and V8 accepts it; otherwise it compiles as usual, silently.
//   The cache is made by bench/code-cache.ts after training requests, with the exact Node binary
//   (arm64 under emulation on x64), architecture and flags Lambda runs (README, "Cold start"); a
//   build keeps it only while the script is byte for byte the one it was made for.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';

/** A CommonJS module any use of which throws: imported and never used. */
export const failingModule = (message) => `
const fail = () => { throw new Error(${JSON.stringify(message)}); };
module.exports = new Proxy(fail, {
  get: (_target, key) => (key === '__esModule' || typeof key === 'symbol' ? undefined : fail),
  ownKeys: () => ['prototype'],
  apply: fail,
  construct: fail,
});`;

/**
 * Files of the Slack SDKs that only features the bot never uses need, required eagerly by the
 * SDKs' index and client modules: Bolt's Assistant (assistant threads), the Web API client's
 * files.uploadV2 helpers and chat streaming. Each becomes a module that throws, saying why,
 * if it is ever used (14 KB).
 */
const UNUSED_SLACK_FILES = {
  '@slack/bolt/dist/': ['Assistant'],
  '@slack/web-api/dist/': ['file-upload', 'chat-stream'],
};

export const stubUnusedSlackFeatures = {
  name: 'stub-unused-slack-features',
  setup(b) {
    const files = Object.values(UNUSED_SLACK_FILES).flat().join('|');
    b.onResolve({ filter: new RegExp(`^\\./(${files})$`) }, (args) => {
      const owner = Object.keys(UNUSED_SLACK_FILES).find((dir) =>
        args.importer.replace(/\\/g, '/').includes(`/node_modules/${dir}`),
      );
      const name = args.path.slice(2);
      if (owner === undefined || !UNUSED_SLACK_FILES[owner].includes(name)) return undefined;
      return { path: `${owner}${name}`, namespace: 'unused-slack-feature' };
    });
    b.onLoad({ filter: /.*/, namespace: 'unused-slack-feature' }, (args) => ({
      loader: 'js',
      contents: failingModule(
        `${args.path} is not bundled: lambda-chatops uploads no files, streams no messages and has no Assistant`,
      ),
    }));
  },
};

/**
 * The DynamoDB client's endpoint discovery cache (off unless configured, created with every
 * client) uses mnemonist's LRU cache, which brings 6 KB of typed-array and iterator helpers: a
 * Map keeps the same recency order in a few lines.
 */
export const smallLruCache = {
  name: 'small-lru-cache',
  setup(b) {
    b.onResolve({ filter: /^mnemonist\/lru-cache$/ }, (args) => ({
      path: args.path,
      namespace: 'small-lru-cache',
    }));
    b.onLoad({ filter: /.*/, namespace: 'small-lru-cache' }, () => ({
      loader: 'js',
      contents: `
export default class LRUCache {
  constructor(capacity) { this.capacity = capacity; this.items = new Map(); }
  get size() { return this.items.size; }
  has(key) { return this.items.has(key); }
  peek(key) { return this.items.get(key); }
  get(key) {
    if (!this.items.has(key)) return undefined;
    const value = this.items.get(key);
    this.items.delete(key);
    this.items.set(key, value);
    return value;
  }
  set(key, value) {
    this.items.delete(key);
    this.items.set(key, value);
    if (this.items.size > this.capacity) this.items.delete(this.items.keys().next().value);
  }
  clear() { this.items.clear(); }
}`,
    }));
  },
};

/** `import('node:http')` and the like, made `require`s (the bundle defines `require`). */
export const builtinsThroughRequire = {
  name: 'builtins-through-require',
  setup(b) {
    b.onResolve({ filter: /^node:(http|https|async_hooks)$/ }, (args) =>
      args.kind === 'dynamic-import' ? { path: args.path, namespace: 'builtin-require' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'builtin-require' }, (args) => ({
      loader: 'js',
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
    }));
  },
};

const CHUNK_DIR = 'chunks';

/**
 * Each of `packages` built into `<outdir>/chunks/<package>.cjs` and replaced in the bundle by a
 * module whose exports are getters that require the chunk on first use. Importers read an
 * export where they use it (esbuild's interop keeps the property access), so importing the
 * package costs nothing until it is called.
 */
export function lazyPackages(packages, outdir) {
  const localRequire = createRequire(import.meta.url);
  return {
    name: 'lazy-packages',
    setup(b) {
      const names = packages.map((p) => p.replace(/[/]/g, '\\/')).join('|');
      const used = new Set();
      // Each bundle is built on its own: a chunk both use is written twice, the same.
      b.onStart(() => {
        used.clear();
      });
      // One module per importer, with the exports that importer names (all of them when it
      // imports the package as a whole): a package's full export list can be kilobytes.
      b.onResolve({ filter: new RegExp(`^(${names})$`) }, (args) => {
        used.add(args.path);
        const wanted = importedNames(args.importer, args.path, args.kind);
        return {
          // esbuild loads a path once: importers taking different names need modules of their own.
          path: wanted ? `${args.path}?${wanted.join(',')}` : args.path,
          namespace: 'lazy-package',
          pluginData: { pkg: args.path, wanted },
        };
      });
      b.onResolve({ filter: new RegExp(`^\\./${CHUNK_DIR}/`) }, (args) => ({
        path: args.path,
        external: true,
      }));
      b.onLoad({ filter: /.*/, namespace: 'lazy-package' }, (args) => {
        const { pkg, wanted } = args.pluginData;
        const all = Object.keys(localRequire(pkg)).filter((name) => name !== 'default');
        const exports = wanted ? all.filter((name) => wanted.includes(name)) : all;
        const chunk = `./${CHUNK_DIR}/${chunkName(pkg)}`;
        return {
          loader: 'js',
          contents: `
let loaded;
const load = () => (loaded ??= require(${JSON.stringify(chunk)}));
for (const name of ${JSON.stringify(exports)}) {
  Object.defineProperty(module.exports, name, { enumerable: true, get: () => load()[name] });
}`,
        };
      });
      b.onEnd(async (result) => {
        if (result.errors.length > 0) return;
        await Promise.all(
          [...used].map((pkg) =>
            build({
              entryPoints: [pkg],
              outfile: join(outdir, CHUNK_DIR, chunkName(pkg)),
              bundle: true,
              minify: true,
              platform: 'node',
              format: 'cjs',
              target: 'node22',
              mainFields: ['module', 'main'],
              legalComments: 'none',
              logLevel: 'warning',
            }),
          ),
        );
      });
    },
  };
}

/**
 * The names an importer takes from a package in `import { A, B as C } from 'pkg'` statements, or
 * undefined when it takes the package some other way (`import * as`, a default import, `import()`).
 */
function importedNames(importer, pkg, kind) {
  if (kind !== 'import-statement' || !importer.includes('/src/')) return undefined;
  const source = readFileSync(importer, 'utf8');
  const quoted = pkg.replace(/[/]/g, '\\/');
  const statements = [...source.matchAll(new RegExp(`import\\s+([^;]*?)\\s+from\\s+['"]${quoted}['"]`, 'g'))];
  const names = [];
  for (const [, clause = ''] of statements) {
    const braces = /^(type\s+)?\{([^}]*)\}$/.exec(clause.trim());
    if (!braces) return undefined;
    for (const specifier of (braces[2] ?? '').split(',')) {
      const name = specifier
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)[0];
      if (name) names.push(name);
    }
  }
  return names.length > 0 ? names : undefined;
}

/**
 * An ES module and the chunks it imports statically, recursively: with splitting, code an entry
 * shares with a lazily imported chunk moves to a chunk the entry imports at once.
 */
function withStaticImports(file, seen = new Set()) {
  if (seen.has(file)) return [];
  seen.add(file);
  const source = readFileSync(file, 'utf8');
  // Static imports only (`import{…}from"./x.mjs"`, `import"./x.mjs"`), not `import("./x.mjs")`.
  const imported = [...source.matchAll(/(?:\bfrom|\bimport)\s*["'](\.\.?\/[^"']+\.mjs)["']/g)].map(
    ([, relative = '']) => join(dirname(file), relative),
  );
  return [file, ...imported.flatMap((next) => withStaticImports(next, seen))];
}

const chunkName = (pkg) => `${pkg.replace(/^@/, '').replace(/\//g, '-')}.cjs`;

/**
 * A classic script cannot import chunks: what an ES module build splits off (`import()` of our
 * own modules) stays in the script, compiled only when first called; packages worth keeping out
 * of it are lazy packages.
 */
function withoutSplitting({ splitting: _splitting, chunkNames: _chunkNames, ...options }) {
  return options;
}

const WRAPPER_START = '(function (exports, require, module, __filename, __dirname) {';

/**
 * esbuild options for `<outdir>/<name>.app.cjs`, classic scripts wrapped like CommonJS modules,
 * and `writeLoaders()` for the ES modules Lambda imports in their place, `<outdir>/<name>.mjs`.
 */
export function codeCacheLayout(options, exportNames = ['handler']) {
  const { outdir } = options;
  const names = Object.keys(options.entryPoints);
  return {
    options: {
      ...withoutSplitting(options),
      outExtension: { '.js': '.app.cjs' },
      format: 'cjs',
      // `import()` becomes `require`: a function V8 restores from a code cache loses the
      // script's dynamic import callback (Node 20: "A dynamic import callback was not specified").
      supported: { ...options.supported, 'dynamic-import': false },
      // A `require` is passed in by the loader: no createRequire banner, no import.meta.
      banner: { js: WRAPPER_START },
      footer: { js: '})' },
    },
    writeLoaders() {
      mkdirSync(outdir, { recursive: true });
      const files = {};
      for (const name of names) {
        const loader = join(outdir, `${name}.mjs`);
        writeFileSync(loader, loaderSource(name, `${name}.app.cjs`, exportNames));
        // The map of a plain bundle built earlier would be deployed beside a loader it does not describe.
        rmSync(`${loader}.map`, { force: true });
        keepCodeCacheOfThisBuild(outdir, name);
        files[name] = [loader, join(outdir, `${name}.app.cjs`)];
      }
      return files;
    },
  };
}

/**
 * A code cache made by `npm run code-cache` stays while its script is the one just built (esbuild
 * writes the same bytes from the same sources); any other is deleted: V8 checks a script only by
 * its length, so a cache of another build could be taken for this one.
 */
function keepCodeCacheOfThisBuild(outdir, name) {
  const cache = join(outdir, `${name}.cache`);
  const description = `${cache}.json`;
  if (!existsSync(cache) && !existsSync(description)) return;
  let made;
  try {
    made = JSON.parse(readFileSync(description, 'utf8')).scriptSha256;
  } catch {}
  const built = createHash('sha256')
    .update(readFileSync(join(outdir, `${name}.app.cjs`)))
    .digest('hex');
  if (made !== built || !existsSync(cache)) {
    rmSync(cache, { force: true });
    rmSync(description, { force: true });
  }
}

function loaderSource(name, appFile, exportNames) {
  return `// Generated by scripts/fast-start.mjs: runs ${appFile} with the V8 code cache ${name}.cache
// when there is one and V8 accepts it (same V8 version, flags and architecture; npm run code-cache
// makes it), and logs once which happened.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

const file = fileURLToPath(new URL(${JSON.stringify(`./${appFile}`)}, import.meta.url));
const cacheFile = fileURLToPath(new URL(${JSON.stringify(`./${name}.cache`)}, import.meta.url));
let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {}
const script = new Script(readFileSync(file, 'utf8'), {
  filename: file,
  cachedData,
});
/** Whether V8 used the code cache: for the benchmark and for checking a deployment. */
export const codeCacheUsed = cachedData !== undefined && !script.cachedDataRejected;
logCodeCache();
const module = { exports: {} };
script.runInThisContext()(module.exports, createRequire(file), module, file, fileURLToPath(new URL('.', import.meta.url)));

export const { ${exportNames.join(', ')} } = module.exports;
/** The code cache of everything compiled so far: made after training requests (bench/code-cache.ts). */
export const createCodeCache = () => script.createCachedData();

/**
 * One line per cold start, as src/logger.ts writes them: INFO when the cache was used or none was
 * shipped, WARN when V8 rejected the one shipped (a runtime that is not the one it was made for:
 * every cold start pays for it), with what it was made for. Never throws.
 */
function logCodeCache() {
  try {
    const rejected = cachedData !== undefined && !codeCacheUsed;
    const threshold = { DEBUG: 0, TRACE: 0, INFO: 1, WARN: 2, ERROR: 3, FATAL: 3 };
    const wanted = threshold[(process.env.AWS_LAMBDA_LOG_LEVEL ?? '').trim().toUpperCase()] ?? 1;
    if ((rejected ? 2 : 1) < wanted) return;
    const runtime = { node: process.version, arch: process.arch, flags: process.execArgv };
    let madeFor;
    if (rejected) {
      try {
        madeFor = JSON.parse(readFileSync(cacheFile.concat('.json'), 'utf8'));
      } catch {}
    }
    const line = {
      level: rejected ? 'WARN' : 'INFO',
      timestamp: new Date().toISOString(),
      message: codeCacheUsed
        ? ${JSON.stringify(`${appFile} ran from its V8 code cache`)}
        : rejected
          ? ${JSON.stringify(`V8 rejected ${name}.cache (made for another Node version, architecture or flags): ${appFile} compiled without it; make it for this runtime (README, "Cold start")`)}
          : ${JSON.stringify(`no V8 code cache shipped: ${appFile} compiled`)},
      codeCache: codeCacheUsed ? 'used' : rejected ? 'rejected' : 'none',
      ...(codeCacheUsed ? { node: runtime.node, arch: runtime.arch } : { runtime }),
      ...(madeFor ? { madeFor: { node: madeFor.node, arch: madeFor.arch, flags: madeFor.flags } } : {}),
    };
    process.stdout.write(JSON.stringify(line) + '\\n');
  } catch {}
}
`;
}

/** Every technique on: what `npm run build` deploys. */
export const ALL_TECHNIQUES = {
  builtinsThroughRequire: true,
  lazyPackages: true,
  slimmerSdks: true,
  codeCache: true,
};
export const NO_TECHNIQUES = {
  builtinsThroughRequire: false,
  lazyPackages: false,
  slimmerSdks: false,
  codeCache: false,
};

/**
 * Packages some deployments never call: js-yaml parses CHATOPS_CONFIG only (the bundled
 * configuration is parsed at build time); the STS client assumes roles for functions in other
 * accounts only; the SDK's container and instance metadata credential providers run only when
 * the environment has no credentials, and Lambda always sets them.
 */
export const LAZY_PACKAGES = [
  'js-yaml',
  '@aws-sdk/client-sts',
  '@smithy/credential-provider-imds',
  '@aws-sdk/credential-provider-http',
];

/**
 * The esbuild options of the Lambda bundles (`entryPoints` by name, `outdir`) with the chosen
 * techniques, and what to do once esbuild has written them (the code cache layout's loaders);
 * `afterBuild` returns, by entry name, the files Node loads at cold start (chunks and the code
 * cache aside).
 */
export function withFastStart(options, techniques = ALL_TECHNIQUES) {
  const { outdir } = options;
  const names = Object.keys(options.entryPoints);
  const plugins = [...(options.plugins ?? [])];
  if (techniques.builtinsThroughRequire) plugins.push(builtinsThroughRequire);
  if (techniques.lazyPackages) plugins.push(lazyPackages(LAZY_PACKAGES, outdir));
  if (techniques.slimmerSdks) plugins.push(stubUnusedSlackFeatures, smallLruCache);
  const withPlugins = { ...options, plugins };
  if (!techniques.codeCache) {
    return {
      options: withPlugins,
      afterBuild: () => {
        const files = {};
        for (const name of names) {
          // Files of a code cache layout built earlier must not be deployed beside this bundle.
          for (const suffix of ['.app.cjs', '.app.cjs.map', '.cache', '.cache.json']) {
            rmSync(join(outdir, `${name}${suffix}`), { force: true });
          }
          files[name] = withStaticImports(join(outdir, `${name}.mjs`));
        }
        return files;
      },
    };
  }
  const layout = codeCacheLayout(withPlugins);
  return { options: layout.options, afterBuild: layout.writeLoaders };
}
