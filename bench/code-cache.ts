// The V8 code caches of a code cache layout (scripts/fast-start.mjs): containers of the exact
// Node binary, architecture and flags that will load them answer training requests, then write the
// cache of everything they compiled beside each bundle (`handler.cache`, `worker.cache`, each with
// a `.cache.json` saying what made it), and fresh containers check that V8 accepts them.
//
// `npm run code-cache -- --node <version>` does this for dist/ after `npm run build`, for the
// deployed function: the official linux-arm64 binary of that Node version (the Node of the stack's
// pinned Lambda runtime version), run under QEMU user-mode emulation on an x64 machine, with
// Lambda's flags for each function's memory (README, "Cold start"). The benchmark trains its own
// copies for each Node it measures (trainCodeCache, codeCacheAccepted).
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { type CodeCacheDescription, codeCacheFiles, sha256Of } from '../infra/lib/code-cache-check';
import { FUNCTION_ARCHITECTURE, HANDLER_MEMORY_MB, WORKER_MEMORY_MB } from '../infra/lib/function-platform';
import { HEARTBEAT_KIND } from '../src/adapters/worker-event';
import { coldRun, type Launch, WarmContainer } from './containers';
import { BenchEnvironment, WORKER_FUNCTION } from './environment';
import { type NodeRunner, nodeRunner } from './foreign-node';
import { lambdaNodeArgs } from './lambda-runtime';
import { nodeBinary } from './runtimes';
import { type Bench, NO_LATENCY, USER } from './scenario';
import { type Card, SlackTraffic } from './slack-traffic';

/**
 * What a container serves in its first minutes: each listener, the SDK clients, an approval, a
 * cancel. With a configuration that lacks `orders` and `payments`, the bot answers most of these
 * with an error and posts no card: the click and the cancels are then left out (the cache holds
 * less). Requests are cancelled at the end: one open request per alias.
 */
function trainingRequests(traffic: SlackTraffic): (() => unknown)[] {
  let promotion: Card | undefined;
  const cancel = (card: Card | undefined) =>
    card === undefined ? undefined : traffic.command(`cancel ${card.requestId}`, USER.requester);
  return [
    () => traffic.command('help', USER.viewer),
    () => traffic.command('list', USER.viewer),
    () => traffic.command('status orders', USER.viewer),
    () => traffic.command('versions orders', USER.viewer),
    () => traffic.command('history orders', USER.viewer),
    () => traffic.command('promote payments test→prod', USER.requester),
    () => {
      promotion = traffic.hasCard() ? traffic.takeCard() : undefined;
      return promotion === undefined ? undefined : traffic.click(promotion, USER.prodApprover);
    },
    () => cancel(promotion),
    () => traffic.command('rollback payments test', USER.requester),
    () => cancel(traffic.hasCard() ? traffic.takeCard() : undefined),
  ];
}

export const codeCacheFile = (bundle: string): string => bundle.replace(/\.mjs$/, '.cache');

/** Trains a container of `bundle` and writes its code cache; returns the cache's size. */
export async function trainCodeCache(
  { environment, traffic }: Pick<Bench, 'environment' | 'traffic'>,
  bundle: string,
  env: Record<string, string>,
  launch: Launch,
): Promise<number> {
  environment.setLatency(NO_LATENCY);
  const container = await WarmContainer.start(bundle, env, launch);
  try {
    for (const request of trainingRequests(traffic)) {
      const event = request();
      if (event === undefined) continue;
      const { result } = await container.invoke(event);
      if (result.statusCode !== 200)
        throw new Error(`training: HTTP ${result.statusCode} ${String(result.body)}`);
    }
    await environment.lambda.idle();
    return await container.writeCodeCache(codeCacheFile(bundle));
  } finally {
    await container.stop();
  }
}

/** A cold container of `bundle` answers `/lambda help` and says whether V8 took the code cache. */
export async function codeCacheAccepted(
  { traffic }: Pick<Bench, 'traffic'>,
  bundle: string,
  env: Record<string, string>,
  launch: Launch,
): Promise<boolean> {
  const run = await coldRun(bundle, env, traffic.command('help', USER.viewer), launch);
  return run.codeCacheUsed === true;
}

const USAGE = `usage: npm run code-cache -- --node <version> [--arch arm64|x64] [--node-binary <path>] [--check <n>]
  --node         the Node version of the pinned Lambda runtime (the cold start's "codeCache" log line names it)
  --arch         the functions' architecture (default: the stack's, ${FUNCTION_ARCHITECTURE})
  --node-binary  that Node's binary, when the registry's node-linux-<arch> package lacks the version
  --check        fresh processes that must each accept the caches (default 3)
  --dist         the build to make them for (default dist/)`;

interface Options {
  node?: string;
  arch: string;
  nodeBinary?: string;
  check: number;
  dist: string;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      node: { type: 'string' },
      arch: { type: 'string', default: FUNCTION_ARCHITECTURE },
      'node-binary': { type: 'string' },
      check: { type: 'string', default: '3' },
      dist: { type: 'string', default: fileURLToPath(new URL('../dist/', import.meta.url)) },
    },
  });
  const node = values.node?.replace(/^v/, '');
  const check = Number(values.check);
  if (node !== undefined && !/^\d+\.\d+\.\d+$/.test(node))
    throw new Error(`--node ${values.node}: a version such as 24.21.0\n${USAGE}`);
  if (node === undefined && values['node-binary'] === undefined)
    throw new Error(`which Node? --node or --node-binary\n${USAGE}`);
  if (!['arm64', 'x64'].includes(values.arch))
    throw new Error(`--arch ${values.arch}: arm64 or x64\n${USAGE}`);
  if (!Number.isInteger(check) || check < 1) throw new Error(`--check ${values.check}: a whole number ≥ 1`);
  return {
    ...(node ? { node } : {}),
    arch: values.arch,
    ...(values['node-binary'] ? { nodeBinary: resolve(values['node-binary']) } : {}),
    check,
    dist: resolve(values.dist),
  };
}

/** What the binary says it is, asked of it (under emulation when it is another architecture's). */
function identify(runner: NodeRunner): { node: string; platform: string; arch: string } {
  const launch = runner.launch([]);
  const [node = '', platform = '', arch = ''] = execFileSync(
    launch.node,
    [...launch.args, '-p', '[process.version, process.platform, process.arch].join(" ")'],
    { encoding: 'utf8', env: {} },
  )
    .trim()
    .split(' ');
  return { node, platform, arch };
}

/** A fresh process imports `loader` (a code cache layout's) and says whether V8 took its cache. */
function importAccepts(loader: string, env: Record<string, string>, launch: Launch): boolean {
  const script = `const m = await import(${JSON.stringify(pathToFileURL(loader).href)}); process.stdout.write('accepted=' + m.codeCacheUsed); process.exit(0);`;
  const out = execFileSync(launch.node, [...launch.args, '--input-type=module', '-e', script], {
    encoding: 'utf8',
    env,
  });
  return out.includes('accepted=true');
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const { dist } = options;
  const binary = options.nodeBinary ?? nodeBinary(options.node ?? '', options.arch);
  const runner = nodeRunner(binary, options.arch);
  const made = identify(runner);
  if (made.platform !== 'linux' || made.arch !== options.arch) {
    throw new Error(
      `${binary} is Node ${made.node} for ${made.platform}-${made.arch}, not linux-${options.arch}`,
    );
  }
  if (options.node !== undefined && made.node !== `v${options.node}`) {
    throw new Error(`${binary} is Node ${made.node}, not v${options.node}`);
  }
  const functions = [
    { entry: 'handler', memoryMb: HANDLER_MEMORY_MB },
    { entry: 'worker', memoryMb: WORKER_MEMORY_MB },
  ].map(({ entry, memoryMb }) => {
    const files = codeCacheFiles(dist, entry);
    if (!existsSync(files.script)) {
      throw new Error(`${files.script} does not exist: run \`npm run build\` first (a code cache layout)`);
    }
    // A cache of an earlier run must not be what the training container loads.
    rmSync(files.cache, { force: true });
    rmSync(files.description, { force: true });
    const flags = lambdaNodeArgs(memoryMb);
    return {
      entry,
      memoryMb,
      files,
      flags,
      launch: runner.launch(flags),
      loader: join(dist, `${entry}.mjs`),
    };
  });
  const [handler, worker] = functions as [(typeof functions)[0], (typeof functions)[0]];
  console.log(`training with Node ${made.node} linux-${made.arch} (${runner.ranUnder})…`);

  const environment = await BenchEnvironment.start();
  const traffic = new SlackTraffic(environment);
  const env = { ...environment.env('env'), AWS_SESSION_TOKEN: 'training' };
  // The worker (applying an approval) runs in a container of its own, with its own memory's flags.
  const workerContainer = await WarmContainer.start(worker.loader, env, worker.launch);
  environment.lambda.onInvoke(
    WORKER_FUNCTION,
    async (payload) => (await workerContainer.invoke(payload)).result,
  );
  try {
    const sizes = new Map<string, number>();
    sizes.set('handler', await trainCodeCache({ environment, traffic }, handler.loader, env, handler.launch));
    // The heartbeat's drift checks, beside the approval the handler's training handed over.
    await workerContainer.invoke({ kind: HEARTBEAT_KIND });
    await environment.lambda.idle();
    sizes.set('worker', await workerContainer.writeCodeCache(worker.files.cache));
    for (const fn of functions) {
      const about: CodeCacheDescription = {
        node: made.node,
        platform: made.platform,
        arch: made.arch,
        flags: fn.flags,
        memoryMb: fn.memoryMb,
        script: basename(fn.files.script),
        scriptSha256: sha256Of(fn.files.script),
        bytes: sizes.get(fn.entry) ?? 0,
        ranUnder: runner.ranUnder,
        made: new Date().toISOString(),
      };
      writeFileSync(fn.files.description, `${JSON.stringify(about, null, 2)}\n`);
    }
    // Each check in a fresh process, as each cold start is: the handler answers a request too.
    let accepted = 0;
    for (let round = 0; round < options.check; round++) {
      const handlerOk = await codeCacheAccepted({ traffic }, handler.loader, env, handler.launch);
      const workerOk = importAccepts(worker.loader, env, worker.launch);
      if (!handlerOk || !workerOk) {
        for (const fn of functions) {
          rmSync(fn.files.cache, { force: true });
          rmSync(fn.files.description, { force: true });
        }
        throw new Error(
          `V8 rejected the ${handlerOk ? 'worker' : 'handler'}'s code cache it just made (check ${round + 1} of ${options.check}): none kept`,
        );
      }
      accepted++;
    }
    for (const fn of functions) {
      console.log(
        `${relative(process.cwd(), fn.files.cache)}: ${((sizes.get(fn.entry) ?? 0) / 1024).toFixed(0)} KB for Node ${made.node} ` +
          `${made.platform}-${made.arch}, ${fn.memoryMb} MB (${fn.flags.join(' ')}); accepted by ${accepted} of ${options.check} fresh processes`,
      );
    }
  } finally {
    await workerContainer.stop();
    await environment.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    await main();
  } catch (error) {
    console.error(`code-cache: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}
