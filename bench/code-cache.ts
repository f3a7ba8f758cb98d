// The V8 code cache of a code cache layout (scripts/fast-start.mjs): a container of the exact
// Node binary and flags that will load it answers training requests, then writes the cache of
// everything they compiled beside the bundle (`handler.cache`), and a cold container checks that
// V8 accepts it.
//
// `npm run code-cache` does this for dist/handler.mjs: run it after `npm run build` on the
// platform the function deploys to (linux-arm64 and the Node version of the stack's pinned Lambda
// runtime version, see README "Cold start"), with CODE_CACHE_NODE=<that node binary> if it is
// not the one running npm. The benchmark trains its own copies for each Node it measures.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { coldRun, type Launch, WarmContainer } from './containers';
import { BenchEnvironment, WORKER_FUNCTION } from './environment';
import { lambdaNodeArgs, MEMORY_MB } from './lambda-runtime';
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

async function main(): Promise<void> {
  const bundle = fileURLToPath(new URL('../dist/handler.mjs', import.meta.url));
  const node = process.env.CODE_CACHE_NODE ?? process.execPath;
  const launch = { node, args: lambdaNodeArgs() };
  const environment = await BenchEnvironment.start();
  const traffic = new SlackTraffic(environment);
  const { execFileSync } = await import('node:child_process');
  // Asked of the binary itself: it may be another Node than the one running this script.
  const [version, platform, arch] = execFileSync(
    node,
    ['-p', '[process.version, process.platform, process.arch].join(" ")'],
    { encoding: 'utf8', env: {} },
  )
    .trim()
    .split(' ');
  const env = { ...environment.env('env'), AWS_SESSION_TOKEN: 'training' };
  // The worker function (applying an approval) runs in a container of its own.
  const worker = await WarmContainer.start(bundle.replace(/handler\.mjs$/, 'worker.mjs'), env, launch);
  environment.lambda.onInvoke(WORKER_FUNCTION, async (payload) => (await worker.invoke(payload)).result);
  try {
    const bytes = await trainCodeCache({ environment, traffic }, bundle, env, launch);
    if (!(await codeCacheAccepted({ traffic }, bundle, env, launch))) {
      throw new Error(`V8 rejected the code cache it just made (${node})`);
    }
    const about = {
      node: version,
      platform,
      arch,
      flags: launch.args,
      memoryMb: MEMORY_MB,
      bytes,
      made: new Date().toISOString(),
    };
    writeFileSync(bundle.replace(/\.mjs$/, '.cache.json'), `${JSON.stringify(about, null, 2)}\n`);
    console.log(
      `${codeCacheFile(bundle)}: ${(bytes / 1024).toFixed(0)} KB for Node ${version} ${platform}-${arch}, ` +
        `${MEMORY_MB} MB (${launch.args.join(' ')})`,
    );
  } finally {
    await worker.stop();
    await environment.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
