// Builds the two files deployed to Lambda (DESIGN.md section 6): dist/handler.mjs, the Slack-facing
// function behind the Function URL, and dist/worker.mjs, the worker that applies approved requests.
// Two bundles, each tree-shaken on its own: the Slack-facing one holds no UpdateAlias, Scheduler or
// CloudWatch code, so it stays small for Slack's 3 seconds (and the worker's role alone may move
// an alias).
//
// - ESM for Node 22, minified, with a source map beside it (not inlined: it would be parsed on
//   every cold start).
// - `createRequire` banner: Bolt and some of its dependencies are CommonJS and call `require` for
//   Node built-ins, which an ES module does not have.
// - mainFields module-first: the AWS SDK ships ES modules that esbuild can tree-shake; its
//   CommonJS build keeps every command of a client (measured: 670 KB -> 418 KB for our clients).
// - chatops.config.yml is parsed and validated now, at build time, and embedded: a broken
//   configuration fails the build, and cold start reads no file and parses no YAML.
// - Code Lambda never runs is left out: every byte is read and compiled at each cold start (`npm run
//   bench` measures both). What replaces it throws, saying why, if it is ever reached. Measured on
//   dist/handler.mjs (655 KB before; import time of the bundle in a fresh Node process):
//   - Bolt's HTTP, Express and Socket Mode receivers and OAuth: Bolt imports them eagerly, we run
//     AwsLambdaReceiver only (Bolt 1.6 MB -> 154 KB; Bolt's own files for them, 33 KB more).
//   - The AWS SDK's credential providers other than environment variables (SSO, shared ini files,
//     credential_process, web identity, and through them login and the STS, SSO and sign-in
//     clients): on Lambda, credentials are environment variables, which the SDK's default chain
//     reads first (98 KB, 9 ms of import). Without them the chain stops with an error that says so;
//     container credentials, which come last in the chain, still work.
//   - The SDK's event streams, which only Lambda's InvokeWithResponseStream uses (15 KB, 2-4 ms).
//   - package.json files imported for a user agent: their name and version only (10 KB).
//   Together: 655 KB -> 498 KB, import 86 -> 74 ms (p25 of 40 interleaved runs, 2-core machine).
// - Cold-start techniques (issue 12), in scripts/fast-start.mjs, each measured A/B by `npm run
//   bench`: built-ins through `require`, lazily required chunks for packages only some deployments
//   call (dist/chunks/), unused SDK code left out (Slack SDK files and methods, AWS SDK schemas
//   for operations never called, compact AWS SDK error classes), and the V8 code cache layout (each
//   function's dist/<name>.mjs is a small loader of dist/<name>.app.cjs and, when `npm run
//   code-cache` has made one for the deployed Node, dist/<name>.cache).
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { load } from 'js-yaml';
import { ALL_TECHNIQUES, failingModule, withFastStart } from './scripts/fast-start.mjs';

const configFile = process.env.CHATOPS_CONFIG ?? 'chatops.config.yml';

const RECEIVER_PACKAGES = ['express', 'raw-body', '@slack/socket-mode', '@slack/oauth'];
/** Bolt's files for the receivers above (AwsLambdaReceiver and request verification stay). */
const BOLT_RECEIVER_FILES = [
  'ExpressReceiver',
  'HTTPReceiver',
  'SocketModeReceiver',
  'HTTPModuleFunctions',
  'HTTPResponseAck',
  'SocketModeFunctions',
  'SocketModeResponseAck',
  'custom-routes',
  'verify-redirect-opts',
];

const stubUnusedReceivers = {
  name: 'stub-unused-receivers',
  setup(b) {
    const packages = new RegExp(
      `^(${RECEIVER_PACKAGES.map((m) => m.replace(/[/]/g, '\\/')).join('|')})(\\/.*)?$`,
    );
    const boltFiles = new RegExp(`^\\.\\.?/(receivers/)?(${BOLT_RECEIVER_FILES.join('|')})$`);
    b.onResolve({ filter: packages }, (args) => ({ path: args.path, namespace: 'stub' }));
    b.onResolve({ filter: boltFiles }, (args) =>
      args.importer.includes('/node_modules/@slack/bolt/')
        ? { path: args.path, namespace: 'stub' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'stub' }, (args) => ({
      loader: 'js',
      contents: failingModule(`${args.path} is not bundled: lambda-chatops runs with AwsLambdaReceiver only`),
    }));
  },
};

/** The providers of the SDK's default chain that come after environment variables, by export. */
const CREDENTIAL_PROVIDERS = {
  '@aws-sdk/credential-provider-sso': ['fromSSO'],
  '@aws-sdk/credential-provider-ini': ['fromIni'],
  '@aws-sdk/credential-provider-process': ['fromProcess'],
  '@aws-sdk/credential-provider-web-identity': ['fromTokenFile', 'fromWebToken'],
};

const envCredentialsOnly = {
  name: 'env-credentials-only',
  setup(b) {
    const names = Object.keys(CREDENTIAL_PROVIDERS).map((m) => m.replace(/[/]/g, '\\/'));
    b.onResolve({ filter: new RegExp(`^(${names.join('|')})$`) }, (args) => ({
      path: args.path,
      namespace: 'credentials-stub',
    }));
    b.onLoad({ filter: /.*/, namespace: 'credentials-stub' }, (args) => {
      const message =
        `No AWS credentials in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, ` +
        `as Lambda sets them; AWS_PROFILE unset): lambda-chatops's bundle reads them from nowhere else but ` +
        `a container credentials endpoint (${args.path} is not bundled, see esbuild.config.mjs)`;
      const provider = `() => async () => {
  const error = new Error(${JSON.stringify(message)});
  // An error without tryNextLink stops the SDK's chain here, loudly, unless container credentials,
  // which come last in the chain, are configured.
  error.tryNextLink = Boolean(process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI || process.env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI);
  throw error;
}`;
      const exports = CREDENTIAL_PROVIDERS[args.path].map((name) => `export const ${name} = ${provider};`);
      return { loader: 'js', contents: exports.join('\n') };
    });
  },
};

const noEventStreams = {
  name: 'no-event-streams',
  setup(b) {
    b.onResolve({ filter: /^@smithy\/core\/event-streams$/ }, (args) => ({
      path: args.path,
      namespace: 'event-streams-stub',
    }));
    b.onLoad({ filter: /.*/, namespace: 'event-streams-stub' }, () => ({
      loader: 'js',
      contents: `
const unsupported = () => { throw new Error('AWS SDK event streams are not bundled (see esbuild.config.mjs)'); };
// Clients resolve their event stream configuration when they are created: leave it empty.
export const resolveEventStreamSerdeConfig = (config) => config;
export const eventStreamSerdeProvider = unsupported;
export class EventStreamSerde { constructor() { unsupported(); } }`,
    }));
  },
};

const packageVersionsOnly = {
  name: 'package-versions-only',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/].*[\\/]package\.json$/ }, (args) => {
      const { name, version } = JSON.parse(readFileSync(args.path, 'utf8'));
      return { loader: 'json', contents: JSON.stringify({ name, version }) };
    });
  },
};

async function bundledConfig() {
  // Validate with the same code the handler runs, loaded through esbuild so no build step is needed.
  const out = await build({
    entryPoints: ['src/config.ts'],
    bundle: true,
    write: false,
    platform: 'node',
    format: 'esm',
  });
  const url = `data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`;
  const { parseConfig } = await import(url);
  const text = readFileSync(configFile, 'utf8');
  parseConfig(text, configFile); // throws with the file, the path inside it and the problem
  // Embedded as written (parsed, not normalised): the handler validates it again at cold start.
  return load(text);
}

/** The deployed entry points: `<outdir>/<name>.mjs`, each exporting `handler`. */
export const ENTRY_POINTS = { handler: 'src/handler.ts', worker: 'src/worker.ts' };

export async function buildBundles({
  outdir = 'dist',
  quiet = false,
  // Cold-start techniques (scripts/fast-start.mjs); the bench builds variants without some.
  techniques = ALL_TECHNIQUES,
} = {}) {
  const config = await bundledConfig();
  // One build per entry point, each split: code only some deployments need (STS for other
  // accounts) becomes a chunk loaded on first use, and nothing is shared between the two
  // functions, so each loads exactly what it runs.
  const results = [];
  const coldStartFiles = {};
  for (const [name, entry] of Object.entries(ENTRY_POINTS)) {
    const fastStart = withFastStart(buildOptions(name, entry, outdir, config), techniques);
    results.push(await build(fastStart.options));
    Object.assign(coldStartFiles, fastStart.afterBuild());
  }
  if (process.env.BUNDLE_METAFILE) {
    writeFileSync(process.env.BUNDLE_METAFILE, JSON.stringify(results.map((result) => result.metafile)));
  }
  const sizes = {};
  for (const name of Object.keys(ENTRY_POINTS)) {
    // The entry Lambda imports, and what Node loads with it at cold start (the code cache layout's
    // script beside its loader).
    const outfile = `${outdir}/${name}.mjs`;
    const files = coldStartFiles[name];
    const bytes = files.reduce((sum, file) => sum + statSync(file).size, 0);
    const gzip = files.reduce((sum, file) => sum + gzipSync(readFileSync(file)).length, 0);
    sizes[name] = { outfile, files, bytes, gzip };
    if (!quiet) {
      console.log(
        `${outfile}: ${(bytes / 1024).toFixed(1)} KB (${(gzip / 1024).toFixed(1)} KB gzip), config from ${configFile}`,
      );
    }
  }
  return sizes;
}

function buildOptions(name, entry, outdir, config) {
  return {
    entryPoints: { [name]: entry },
    outdir,
    outExtension: { '.js': '.mjs' },
    splitting: true,
    chunkNames: `chunks/${name}-[name]-[hash]`,
    bundle: true,
    minify: true,
    sourcemap: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    mainFields: ['module', 'main'],
    legalComments: 'none',
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    define: { __CHATOPS_BUNDLED_CONFIG__: JSON.stringify(config) },
    plugins: [stubUnusedReceivers, envCredentialsOnly, noEventStreams, packageVersionsOnly],
    logLevel: 'warning',
    // BUNDLE_METAFILE=<file>: what is in the bundles and who imports it (esbuild.github.io/analyze).
    metafile: Boolean(process.env.BUNDLE_METAFILE),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  buildBundles().catch((error) => {
    console.error(error.message ?? error);
    process.exit(1);
  });
}
