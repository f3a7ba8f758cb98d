// Builds dist/handler.mjs, the one file deployed to Lambda (DESIGN.md section 6).
//
// - ESM for Node 22, minified, with a source map beside it (not inlined: it would be parsed on
//   every cold start).
// - `createRequire` banner: Bolt and some of its dependencies are CommonJS and call `require` for
//   Node built-ins, which an ES module does not have.
// - mainFields module-first: the AWS SDK ships ES modules that esbuild can tree-shake; its
//   CommonJS build keeps every command of a client (measured: 670 KB -> 418 KB for our clients).
// - Bolt's HTTP, Express and Socket Mode receivers and OAuth are never used on Lambda, but Bolt
//   imports them eagerly. They are replaced by a stub that throws if anything in it is ever
//   called, so a mistake fails loudly instead of silently (measured: Bolt 1.6 MB -> 154 KB).
// - chatops.config.yml is parsed and validated now, at build time, and embedded: a broken
//   configuration fails the build, and cold start reads no file and parses no YAML.
import { readFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { load } from 'js-yaml';

const STUBBED = ['express', 'raw-body', '@slack/socket-mode', '@slack/oauth'];
const configFile = process.env.CHATOPS_CONFIG ?? 'chatops.config.yml';

const stubUnusedReceivers = {
  name: 'stub-unused-receivers',
  setup(b) {
    const filter = new RegExp(`^(${STUBBED.map((m) => m.replace(/[/]/g, '\\/')).join('|')})(\\/.*)?$`);
    b.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'stub' }));
    b.onLoad({ filter: /.*/, namespace: 'stub' }, (args) => ({
      loader: 'js',
      contents: `
const fail = () => { throw new Error(${JSON.stringify(`${args.path} is not bundled: lambda-chatops runs with AwsLambdaReceiver only`)}); };
module.exports = new Proxy(fail, {
  get: (_target, key) => (key === '__esModule' || typeof key === 'symbol' ? undefined : fail),
  ownKeys: () => ['prototype'],
  apply: fail,
  construct: fail,
});`,
    }));
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

export async function buildHandler({ outfile = 'dist/handler.mjs', quiet = false } = {}) {
  const config = await bundledConfig();
  await build({
    entryPoints: ['src/handler.ts'],
    outfile,
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
    plugins: [stubUnusedReceivers],
    logLevel: 'warning',
  });
  const bytes = statSync(outfile).size;
  const gzip = gzipSync(readFileSync(outfile)).length;
  if (!quiet) {
    console.log(
      `${outfile}: ${(bytes / 1024).toFixed(1)} KB (${(gzip / 1024).toFixed(1)} KB gzip), config from ${configFile}`,
    );
  }
  return { outfile, bytes, gzip };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  buildHandler().catch((error) => {
    console.error(error.message ?? error);
    process.exit(1);
  });
}
