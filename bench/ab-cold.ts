// One change's effect on the cold start, A/B in one run: two builds of the Slack-facing function
// (each a dist/ folder with its own code cache, made with `npm run code-cache -- --arch x64
// --node-binary <the bench's Node>`), cold `/lambda status orders` in interleaved rounds on the
// stack's Node, as `npm run bench` measures them (bench/cold-start.ts).
//
//   npx tsx bench/ab-cold.ts <dist A> <dist B> [rounds]
//
// The stand-ins first hold what `npm run bench` prepares (applied promotions, two pending
// requests), so that `status` shows the same as in the bench.
import { resolve } from 'node:path';
import { coldRun, WarmContainer } from './containers';
import { BenchEnvironment, WORKER_FUNCTION } from './environment';
import { lambdaEnv, lambdaNodeArgs } from './lambda-runtime';
import { nodeRuntime } from './runtimes';
import { prepareRequests, USER } from './scenario';
import { SlackTraffic } from './slack-traffic';
import { median } from './stats';

async function main(): Promise<void> {
  const [a, b, roundsArg] = process.argv.slice(2);
  if (!a || !b) throw new Error('usage: npx tsx bench/ab-cold.ts <dist A> <dist B> [rounds]');
  const rounds = Number(roundsArg ?? 21);
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const node = nodeRuntime(24);
  const environment = await BenchEnvironment.start();
  const traffic = new SlackTraffic(environment);
  const env = lambdaEnv(node, environment.env('env'));
  const launch = { node: node.node, args: lambdaNodeArgs() };
  const builds = { A: resolve(a, 'handler.mjs'), B: resolve(b, 'handler.mjs') };
  const worker = await WarmContainer.start(resolve(b, 'worker.mjs'), env, launch);
  environment.lambda.onInvoke(WORKER_FUNCTION, async (payload) => (await worker.invoke(payload)).result);
  const preparing = await WarmContainer.start(builds.B, env, launch);
  await prepareRequests(
    {
      environment,
      traffic,
      bundle: builds.B,
      launch,
      env: () => env,
      holdAsyncWork: () => () => {},
    },
    preparing,
  ).finally(() => preparing.stop());
  const runs: Record<'A' | 'B', { wall: number[]; cpu: number[]; cache: number }> = {
    A: { wall: [], cpu: [], cache: 0 },
    B: { wall: [], cpu: [], cache: 0 },
  };
  try {
    for (let round = 0; round < rounds; round++) {
      // Alternating which goes first, so neither always runs on a machine the other just warmed.
      const order: ('A' | 'B')[] = round % 2 === 0 ? ['A', 'B'] : ['B', 'A'];
      for (const name of order) {
        const run = await coldRun(builds[name], env, traffic.command('status orders', USER.viewer), launch);
        if (run.result.statusCode !== 200) throw new Error(`${name}: HTTP ${run.result.statusCode}`);
        runs[name].wall.push(run.responseMs);
        runs[name].cpu.push(run.cpuMs);
        if (run.codeCacheUsed) runs[name].cache++;
      }
    }
  } finally {
    await worker.stop();
    await environment.close();
  }
  const line = (name: 'A' | 'B') =>
    `${name} ${builds[name]}: ${median(runs[name].wall).toFixed(1)} ms, CPU ${median(runs[name].cpu).toFixed(1)} ms, code cache ${runs[name].cache}/${rounds}`;
  console.log(`cold status orders, Node ${node.version}, median of ${rounds} interleaved rounds`);
  console.log(line('A'));
  console.log(line('B'));
  console.log(
    `B - A: ${(median(runs.B.wall) - median(runs.A.wall)).toFixed(1)} ms, CPU ${(median(runs.B.cpu) - median(runs.A.cpu)).toFixed(1)} ms`,
  );
}

await main();
