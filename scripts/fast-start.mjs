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
// - slimmerSdks: files of the Slack SDKs for features the bot never uses left out, a Map for
//   the LRU cache of the DynamoDB client's endpoint discovery, the AWS SDK clients' schemas made
//   tree-shakable and their error classes made compactly, and only the Slack Web API methods
//   the code calls bound.
// - codeCacheLayout: the bundle becomes a classic script (`<name>.app.cjs`) run by a small ES
//   module (`<name>.mjs`, the handler Lambda imports) through `vm.Script` with a V8 code cache
//   (`<name>.cache`) when one is there and V8 accepts it; otherwise it compiles as usual, silently.
//   The cache is made by bench/code-cache.ts after training requests, with the exact Node binary
//   (arm64 under emulation on x64), architecture and flags Lambda runs (README, "Cold start"); a
//   build keeps it only while the script is byte for byte the one it was made for.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

/**
 * The AWS SDK clients' schemas (`dist-es/schemas/schemas_0.js`): one array per shape of every
 * operation of the service, of which the bot calls a few (Lambda: about 5 of 80). esbuild would
 * drop the arrays nothing imports, but keeps them all because their trait objects use computed
 * keys (`{ [_h]: [...] }`), which might run code. Each key is a string constant of the same file:
 * written in its place, the arrays are plain data and esbuild's tree-shaking keeps exactly the
 * shapes the imported commands reach (Lambda's 45 KB -> 13 KB). Nothing is left out that the
 * code can reach: only error schemas are looked up by name, and those are all registered as before.
 */
export const treeShakableSdkSchemas = {
  name: 'tree-shakable-sdk-schemas',
  setup(b) {
    b.onLoad(
      { filter: /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/ },
      (args) => {
        const source = readFileSync(args.path, 'utf8');
        const strings = new Map(
          [...source.matchAll(/^const (\w+) = ("[^"\\]*");$/gm)].map(([, name, value]) => [name, value]),
        );
        return {
          loader: 'js',
          contents: source.replace(/\[(\w+)\]:/g, (key, name) =>
            strings.has(name) ? `${strings.get(name)}:` : key,
          ),
        };
      },
    );
  },
};

const SDK_ERROR_CLASS =
  /^export class (\w+) extends __BaseException \{\n {4}static shapeId = "([\w.]+#\1)";\n {4}name = "\1";\n {4}\$fault = "(client|server)";\n(?: {4}\$retryable = (\{[^;]*\});\n)?((?: {4}\w+;\n)*) {4}constructor\(opts\) \{\n {8}super\(\{\n {12}name: "\1",\n {12}\$fault: "\3",\n {12}\.\.\.opts,\n {8}\}\);\n {8}Object\.setPrototypeOf\(this, \1\.prototype\);\n((?: {8}this\.\w+ = opts\.\w+;\n)*) {4}\}\n\}\n$/;

/**
 * The AWS SDK clients' error classes (`dist-es/models/errors.js`): every error of the service, all
 * registered at once so that an error AWS answers comes back as its class (Lambda: 56 classes,
 * 17 KB). Each class is the same few lines: its name, shape id, fault, retryable trait and the
 * members its constructor copies. Each is made instead by one small function of those, read from
 * the class itself, so every error keeps its class, name, `$fault`, `$retryable` and members
 * (Lambda's 17 KB -> 4 KB). A class of any other shape is kept as it is written.
 */
export const compactSdkErrors = {
  name: 'compact-sdk-errors',
  setup(b) {
    b.onLoad(
      { filter: /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]models[\\/]errors\.js$/ },
      (args) => {
        const [header = '', ...classes] = readFileSync(args.path, 'utf8').split(/^(?=export class )/m);
        if (!/^import \{ \w+ as __BaseException \} from "\.\/\w+";\n$/.test(header)) return undefined;
        const made = classes.map((text) => {
          const match = SDK_ERROR_CLASS.exec(text);
          if (!match) return text;
          const [, name, shapeId, fault, retryable, declared = '', assigned = ''] = match;
          const fields = [...declared.matchAll(/(\w+);/g)].map(([, field]) => field);
          const copied = [...assigned.matchAll(/this\.(\w+) = opts\.(\w+);/g)];
          if (
            copied.some(([, to, from]) => to !== from) ||
            copied.map(([, to]) => to).join() !== fields.join()
          ) {
            return text;
          }
          const args = [JSON.stringify(shapeId), JSON.stringify(fault), JSON.stringify(fields)];
          if (retryable) args.push(`() => (${retryable})`);
          return `export const ${name} = /* @__PURE__ */ errorClass(${args.join(', ')});\n`;
        });
        return {
          loader: 'js',
          contents: `${header}
// Generated by scripts/fast-start.mjs (compactSdkErrors) from the classes this file had.
const errorClass = (shapeId, $fault, members, retryable) => {
  const name = shapeId.slice(shapeId.indexOf("#") + 1);
  const ErrorClass = { [name]: class extends __BaseException {
    constructor(opts) {
      super({ name, $fault, ...opts });
      Object.setPrototypeOf(this, ErrorClass.prototype);
      this.name = name;
      this.$fault = $fault;
      if (retryable) this.$retryable = retryable();
      for (const member of members) this[member] = opts[member];
    }
  } }[name];
  ErrorClass.shapeId = shapeId;
  return ErrorClass;
};
${made.join('')}`,
        };
      },
    );
  },
};

/**
 * Where the bundles' code may call Slack Web API methods as `client.<method>` (rather than
 * `apiCall('<method>')`, which needs no binding): our sources and the Slack SDKs'.
 */
const SLACK_METHOD_CALLERS = ['src', 'node_modules/@slack/bolt/dist', 'node_modules/@slack/web-api/dist'];

/** Whether `file` (a path with `/`) is one of the SDK files `stubUnusedSlackFeatures` leaves out, or methods.js. */
const leftOutSlackFile = (file) =>
  file.endsWith('/@slack/web-api/dist/methods.js') ||
  Object.entries(UNUSED_SLACK_FILES).some(([dir, names]) =>
    names.some((name) => file.endsWith(`/node_modules/${dir}${name}.js`)),
  );

/** The files under `dir` whose names end with one of `extensions`, recursively. */
function sourceFiles(dir, extensions) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && extensions.some((extension) => entry.name.endsWith(extension)))
    .map((entry) => join(entry.parentPath, entry.name));
}

/**
 * The Slack Web API client binds every Slack method (282) in its constructor, each a property
 * path of the client (`client.chat.postMessage`), 13 KB the bot calls a handful of. Made
 * instead with only the methods some code calls that way, found in the sources that can be
 * bundled; calling any other (`client.admin.apps.approve()`) rejects with an error naming it,
 * and it stays callable as `client.apiCall('<method>', …)`.
 */
export const boundSlackMethodsOnly = {
  name: 'bound-slack-methods-only',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]@slack[\\/]web-api[\\/]dist[\\/]methods\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const start = source.indexOf('/**\n * Binds a certain');
      const end = source.indexOf('exports.Methods = Methods;');
      if (start < 0 || end < 0) return undefined;
      const methods = [...source.matchAll(/bindApiCall(?:WithOptionalArgument)?\(this, '([\w.]+)'\)/g)].map(
        ([, method]) => method,
      );
      if (source.includes('uploadV2: bindFilesUploadV2(this)')) methods.push('files.uploadV2');
      const callers = SLACK_METHOD_CALLERS.flatMap((dir) => sourceFiles(dir, ['.ts', '.js']))
        .map((file) => file.replace(/\\/g, '/'))
        .filter(
          (file) => !file.endsWith('.d.ts') && !file.startsWith('src/local/') && !leftOutSlackFile(file),
        )
        .map((file) => readFileSync(file, 'utf8'))
        .join('\n');
      const bound = methods.filter((method) =>
        new RegExp(`\\.${method.replace(/\./g, '\\.')}(?![\\w$])`).test(callers),
      );
      const namespaces = [...new Set(methods.map((method) => method.split('.')[0]))];
      return {
        loader: 'js',
        contents: `${source.slice(0, start)}
// Generated by scripts/fast-start.mjs (boundSlackMethodsOnly): the methods the bundle's code calls.
const BOUND = ${JSON.stringify(bound)};
const NAMESPACES = ${JSON.stringify(namespaces)};
const notBound = (method) => new Error(\`Slack Web API method \${method} is not bound in lambda-chatops's bundle: no code called it as client.\${method} when it was built (scripts/fast-start.mjs, boundSlackMethodsOnly); call client.apiCall('\${method}', …), or rebuild\`);
const unnamed = (key) => typeof key !== 'string' || key === 'then' || key === 'toJSON';
/** Any path under a namespace that is not bound: calling it fails, naming the method. */
const leftOut = (path) => new Proxy(() => {}, {
  get: (_target, key) => (unnamed(key) ? undefined : leftOut(\`\${path}.\${key}\`)),
  apply: () => Promise.reject(notBound(path)),
});
/** A namespace of bound methods, in which any other name is left out. */
const guarded = (target, path) => {
  for (const [key, value] of Object.entries(target)) {
    if (typeof value !== 'function') target[key] = guarded(value, \`\${path}.\${key}\`);
  }
  return new Proxy(target, {
    get: (object, key, receiver) =>
      key in object || unnamed(key) ? Reflect.get(object, key, receiver) : leftOut(\`\${path}.\${key}\`),
  });
};
class Methods extends eventemitter3_1.EventEmitter {
    constructor() {
        super();
        // Check that the class being created extends from \`WebClient\` rather than this class
        if (new.target !== WebClient_1.WebClient && !(new.target.prototype instanceof WebClient_1.WebClient)) {
            throw new Error('Attempt to inherit from WebClient methods without inheriting from WebClient');
        }
        const tree = {};
        for (const method of BOUND) {
            const path = method.split('.');
            const leaf = path.pop();
            let node = tree;
            for (const key of path) node = node[key] ??= {};
            node[leaf] = method === 'files.uploadV2' ? this.filesUploadV2.bind(this) : this.apiCall.bind(this, method);
        }
        for (const namespace of NAMESPACES) this[namespace] = guarded(tree[namespace] ?? {}, namespace);
    }
}
${source.slice(end)}`,
      };
    });
  },
};

/**
 * `import('node:http')` and the like, made `require`s (the bundle defines `require`). The Slack
 * Web API client's node:zlib required where it is used. And the SDK's `isReadableStream`, which it asks of every response body, looks at the body before it
 * reads the `ReadableStream` global: that global is lazy in Node, and reading it loads Node's web
 * streams (about 2 ms of a cold start) although a response body on Node is a Node stream. A web
 * stream always has `getReader`, so the answer is the same for every stream.
 */
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
    b.onLoad({ filter: /[\\/]serde[\\/]util-stream[\\/]stream-type-check\.js$/ }, (args) => ({
      loader: 'js',
      contents: rewrite(
        args.path,
        'export const isReadableStream = (stream) => typeof ReadableStream === "function" &&',
        'export const isReadableStream = (stream) => typeof stream?.getReader === "function" && typeof ReadableStream === "function" &&',
      ),
    }));
    // The Web API client requires node:zlib for one method's answers (admin.analytics.getFile):
    // required when that is called, not at every cold start (about 1.5 ms).
    b.onLoad({ filter: /[\\/]@slack[\\/]web-api[\\/]dist[\\/]WebClient\.js$/ }, (args) => ({
      loader: 'js',
      contents: rewrite(
        args.path,
        'const node_zlib_1 = __importDefault(require("node:zlib"));',
        'const node_zlib_1 = { get default() { return require("node:zlib"); } };',
      ),
    }));
  },
};

/** `from` replaced by `to` in a dependency's file; a dependency that changed fails the build. */
function rewrite(path, from, to) {
  const source = readFileSync(path, 'utf8');
  if (!source.includes(from)) throw new Error(`${path} is not as expected: cannot rewrite ${from}`);
  return source.replace(from, to);
}

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
//
// Node's own modules come from process.getBuiltinModule, not \`import\`: an ES module import of a
// built-in builds a namespace of all its exports, reading each (node:fs's lazy \`promises\`
// among them): about 1 ms of a cold start. \`import\` only on a Node without it (< 20.16).
const builtin = async (id) => process.getBuiltinModule?.(id) ?? (await import(id));
const { readFileSync } = await builtin('node:fs');
const { createRequire } = await builtin('node:module');
const { fileURLToPath } = await builtin('node:url');
const { Script } = await builtin('node:vm');

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
  if (techniques.slimmerSdks) {
    plugins.push(
      stubUnusedSlackFeatures,
      smallLruCache,
      treeShakableSdkSchemas,
      compactSdkErrors,
      boundSlackMethodsOnly,
    );
  }
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
