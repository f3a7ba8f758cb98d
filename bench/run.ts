// `npm run bench` (issue 6): the bundle, cold start, warm latency, Slack's 3-second rule under
// injected latency, API calls per command and peak memory, each against its budget
// (DESIGN.md section 6). Prints a table and writes bench/results.json. Nothing here is a test:
// a missed budget is reported, never asserted.
//
// The bot runs as Lambda runs it: the built dist/handler.mjs in a Node process of its own
// (bench/lambda-container.mjs), given only Lambda's environment variables. The stand-ins run in
// this process: on two cores, the bot's process has one to itself.
//
// BENCH_COLD_ROUNDS and BENCH_WARM_REQUESTS shorten a run; BENCH_CPU_PROF=<dir> profiles every
// container (bench/profile-summary.ts reads the profiles); BUNDLE_METAFILE=<file> keeps the
// bundle's import graph.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { type ColdStart, measureColdStart } from './cold-start';
import { WarmContainer } from './containers';
import { BenchEnvironment, type CallCounts, ORDERS_VERSIONS, WORKER_FUNCTION } from './environment';
import { kb, mb, ms, type Row, table, verdict } from './report';
import { type Bench, prepareRequests } from './scenario';
import { SlackTraffic } from './slack-traffic';
import { round } from './stats';
import { type DeadlineRun, measureThreeSeconds } from './three-second-rule';
import { measureWarm } from './warm-latency';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BUNDLE = join(ROOT, 'dist/handler.mjs');
const WORKER_BUNDLE = join(ROOT, 'dist/worker.mjs');
const REFERENCE_SOURCE = join(ROOT, 'bench/reference/hello-bolt.mjs');
const REFERENCE = join(ROOT, 'bench/.build/reference.mjs');
const RESULTS = join(ROOT, 'bench/results.json');

const BUDGET = {
  bundleBytes: 600 * 1024,
  coldStartRatio: 2.5,
  warmP99Ms: 15,
  responseMs: 3000,
  warmVersionsLambdaCalls: 3,
};
const COLD_ROUNDS = Number(process.env.BENCH_COLD_ROUNDS ?? 15);
const WARM_REQUESTS = Number(process.env.BENCH_WARM_REQUESTS ?? 1000);
const WARM = {
  requests: WARM_REQUESTS,
  /** For the commands the issue does not name (help, list, history, rollback, cancel). */
  fewerRequests: Math.ceil(WARM_REQUESTS / 2),
  warmUp: 50,
};

async function main(): Promise<void> {
  const started = performance.now();
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'; // the stand-ins' SDK clients
  const bundle = await buildBundle();
  await buildReference();
  const environment = await BenchEnvironment.start();

  // The worker function's invocations run in a warm container of dist/worker.mjs, released by
  // `gate` so that the calls of a request and those of the work it queued are counted apart.
  let worker = await WarmContainer.start(WORKER_BUNDLE, environment.env('env'));
  let gate: Promise<void> = Promise.resolve();
  environment.lambda.onInvoke(WORKER_FUNCTION, async (payload) => {
    await gate;
    const { result } = await worker.invoke(payload);
    return result;
  });
  const holdAsyncWork = () => {
    let release = () => {};
    gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    return () => {
      release();
      gate = Promise.resolve();
    };
  };

  const bench: Bench = { environment, traffic: new SlackTraffic(environment), bundle: BUNDLE, holdAsyncWork };

  try {
    // Requests are made through the Slack-facing function (the worker ignores Slack's events).
    const preparing = await WarmContainer.start(BUNDLE, environment.env('env'));
    const prepared = await prepareRequests(bench, preparing).finally(() => preparing.stop());
    const coldOptions = { reference: REFERENCE, rounds: COLD_ROUNDS };
    const cold = await measureColdStart(bench, coldOptions);
    // This machine's NODE_EXTRA_CA_CERTS makes every Node process parse a CA bundle at start
    // (Lambda's nodejs22.x sets none): the same measure with it, for comparison only.
    const caCerts = process.env.NODE_EXTRA_CA_CERTS;
    const coldWithCaCerts = caCerts
      ? await measureColdStart(bench, { ...coldOptions, extraEnv: { NODE_EXTRA_CA_CERTS: caCerts } })
      : undefined;
    const slackFacing = await WarmContainer.start(BUNDLE, environment.env('env'));
    const warm = await measureWarm(bench, slackFacing, WARM).finally(() => slackFacing.stop());

    // A fresh container for the asynchronous work, so that it too starts with nothing cached.
    await worker.stop();
    worker = await WarmContainer.start(WORKER_BUNDLE, environment.env('secretArn'));
    const deadline = await measureThreeSeconds(bench, worker, prepared);

    const results = {
      when: new Date().toISOString(),
      machine: { node: process.version, cores: availableParallelism() },
      bundle,
      coldStart: cold,
      ...(coldWithCaCerts ? { coldStartWithNodeExtraCaCerts: coldWithCaCerts } : {}),
      warm,
      threeSecondRule: deadline,
      memory: {
        coldContainerMaxRssKb: Math.max(cold.ours.maxRssKb, ...deadline.runs.map((run) => run.maxRssKb)),
        warmContainerMaxRssKb: warm.memory.afterRequests.maxRssKb,
      },
      benchSeconds: round((performance.now() - started) / 1000, 1),
    };
    writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
    console.log(`\n${table('lambda-chatops bench', rows(results))}`);
    console.log(`\n${callTable(warm.calls, deadline.runs)}`);
    console.log(`\nwrote ${RESULTS} (${results.benchSeconds} s)`);
  } finally {
    await worker.stop();
    await environment.close();
  }
}

// 1. Bundle -------------------------------------------------------------------------------------

async function buildBundle() {
  await run(process.execPath, ['esbuild.config.mjs']);
  const bytes = statSync(BUNDLE).size;
  const gzipBytes = gzipSync(readFileSync(BUNDLE)).length;
  return { file: 'dist/handler.mjs', bytes, gzipBytes };
}

/** Bolt's hello world for AWS Lambda, bundled plainly: the reference for cold start. */
async function buildReference(): Promise<void> {
  mkdirSync(dirname(REFERENCE), { recursive: true });
  await build({
    entryPoints: [REFERENCE_SOURCE],
    outfile: REFERENCE,
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    logLevel: 'error',
  });
}

// Report ----------------------------------------------------------------------------------------

type Results = {
  bundle: Awaited<ReturnType<typeof buildBundle>>;
  coldStart: ColdStart;
  coldStartWithNodeExtraCaCerts?: ColdStart;
  warm: Awaited<ReturnType<typeof measureWarm>>;
  threeSecondRule: Awaited<ReturnType<typeof measureThreeSeconds>>;
  memory: { coldContainerMaxRssKb: number; warmContainerMaxRssKb: number };
};

const section = (title: string): Row => ({ figure: title, value: '' });

function rows(results: Results): Row[] {
  const { bundle, coldStart: cold, coldStartWithNodeExtraCaCerts: caCold, warm, memory } = results;
  const deadline = results.threeSecondRule;
  const versionsCalls =
    sum(warm.calls.versions.duringRequest.lambda) + sum(warm.calls.versions.queuedWork.lambda);
  const ratios = (figures: ColdStart) =>
    `${figures.ratioToNode.toFixed(2)} × node -e 0 (${ms(figures.nodeNoopMs)}); reference ${figures.referenceRatioToNode.toFixed(2)} ×`;
  return [
    section('bundle'),
    {
      figure: '  dist/handler.mjs',
      value: `${kb(bundle.bytes)} (${kb(bundle.gzipBytes)} gzip)`,
      budget: `≤ ${kb(BUDGET.bundleBytes)}`,
      verdict: verdict(bundle.bytes <= BUDGET.bundleBytes),
    },
    section(`cold start: status orders, fresh process to response, median of ${cold.rounds}`),
    {
      figure: '  lambda-chatops',
      value: `${ms(cold.ours.medianMs)} = ${ratios(cold)}`,
      budget: `≤ ${BUDGET.coldStartRatio} × node -e 0`,
      verdict: verdict(cold.ratioToNode <= BUDGET.coldStartRatio),
    },
    {
      figure: '  … Node start / import / request',
      value: `${ms(cold.ours.medianBootMs)} / ${ms(cold.ours.medianImportMs)} / ${ms(cold.ours.medianFirstRequestMs)}`,
    },
    {
      figure: '  vs Bolt hello world (plain bundle)',
      value: `${cold.ratioToReference.toFixed(2)} × (${ms(cold.reference.medianMs)}: import ${ms(cold.reference.medianImportMs)})`,
    },
    ...(caCold
      ? [
          {
            figure: '  with NODE_EXTRA_CA_CERTS (not Lambda)',
            value: `${ms(caCold.ours.medianMs)} = ${ratios(caCold)}`,
          },
        ]
      : []),
    section('warm: handler p50 / p99, zero-latency stand-ins'),
    ...Object.entries(warm.latency).map(
      ([command, figures]): Row => ({
        figure: `  ${command} (n=${figures.n})`,
        value:
          `${ms(figures.p50)} / ${ms(figures.p99)}` +
          `  (bot CPU ${figures.cpu.p50.toFixed(1)} / ${figures.cpu.p99.toFixed(1)}; ` +
          `stand-ins busy ${figures.standIns.p50.toFixed(1)} / ${figures.standIns.p99.toFixed(1)})`,
        budget: `p99 ≤ ${BUDGET.warmP99Ms} ms`,
        verdict: verdict(figures.p99 <= BUDGET.warmP99Ms),
      }),
    ),
    section(
      `3-second rule: fresh process to HTTP response, ${deadline.latency.awsMs} ms per AWS call, ` +
        `${deadline.latency.slackMs} ms per Slack call, secret from Secrets Manager`,
    ),
    ...deadline.runs.map(
      (run): Row => ({
        figure: `  ${run.command}`,
        value:
          ms(run.responseMs) +
          (run.queuedWorkDoneMs === undefined ? '' : `  (queued work done at ${ms(run.queuedWorkDoneMs)})`),
      }),
    ),
    {
      figure: '  slowest',
      value: `${ms(deadline.slowest.responseMs)} (${deadline.slowest.command})`,
      budget: `< ${BUDGET.responseMs} ms`,
      verdict: verdict(
        deadline.runs.every((run) => run.responseMs < BUDGET.responseMs && run.statusCode === 200),
      ),
    },
    section('API calls (all of them: below)'),
    {
      figure: `  versions, ${ORDERS_VERSIONS} versions, warm: Lambda`,
      value: String(versionsCalls),
      budget: `≤ ${BUDGET.warmVersionsLambdaCalls}`,
      verdict: verdict(versionsCalls <= BUDGET.warmVersionsLambdaCalls),
    },
    section('peak memory (maxRSS)'),
    { figure: '  cold container', value: mb(memory.coldContainerMaxRssKb * 1024) },
    {
      figure: '  warm container, after the warm requests',
      value:
        `${mb(memory.warmContainerMaxRssKb * 1024)}  (heap after GC: ${mb(warm.memory.afterReads.heapUsedKb * 1024)} ` +
        `after the reads, ${mb(warm.memory.afterRequests.heapUsedKb * 1024)} after the changes)`,
    },
  ];
}

function callTable(warm: Results['warm']['calls'], coldRuns: DeadlineRun[]): string {
  const describe = (counts: CallCounts) =>
    [
      `Lambda ${sum(counts.lambda)}${detail(counts.lambda)}`,
      `DynamoDB ${sum(counts.dynamodb)}${detail(counts.dynamodb)}`,
      `Slack ${sum(counts.slack)}${detail(counts.slack)}`,
      ...(counts.secretsManager > 0 ? [`Secrets Manager ${counts.secretsManager}`] : []),
    ].join('; ');
  const line = (label: string, calls: { duringRequest: CallCounts; queuedWork: CallCounts }) => {
    const queued =
      sum(calls.queuedWork.lambda) + sum(calls.queuedWork.dynamodb) + sum(calls.queuedWork.slack);
    return [
      `${label.padEnd(34)} request: ${describe(calls.duringRequest)}`,
      ...(queued > 0 ? [`${''.padEnd(34)} queued:  ${describe(calls.queuedWork)}`] : []),
    ];
  };
  const cold = (name: string) => coldRuns.find((run) => run.command.startsWith(name));
  const lines = ['API calls per command (counted by the stand-ins)', '-'.repeat(100)];
  for (const name of ['status', 'versions', 'promote', 'click']) {
    const run = cold(name);
    if (run) lines.push(...line(`${run.command}, cold`, run.calls));
  }
  lines.push(...line('status orders, warm', warm.status));
  lines.push(...line(`versions orders (${ORDERS_VERSIONS}), warm`, warm.versions));
  lines.push(...line('promote payments test→prod, warm', warm.promote));
  lines.push(...line('click Approve (1 of 2), warm', warm.approve));
  return lines.join('\n');
}

const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
const detail = (counts: Record<string, number>) => {
  const entries = Object.entries(counts);
  return entries.length === 0 ? '' : ` (${entries.map(([name, n]) => `${name} ${n}`).join(', ')})`;
};

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${args.join(' ')} exited ${code}`)),
    );
  });
}

await main();
