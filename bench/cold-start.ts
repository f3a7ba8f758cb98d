// Cold start: a fresh Node process (Lambda's node flags and environment) imports a bundle and
// answers one signed `/lambda status orders` against zero-latency stand-ins; interleaved with
// `node -e 0` and with the reference, a plain bundle of Bolt's hello world for AWS Lambda, on
// each Node version, in a rotating order so that drift of the machine falls on all alike. Each
// container is timed from its spawn to its response on stdout, where Lambda freezes it (its exit
// waits on V8's background compile threads and is not counted).
import { type ColdRun, coldRun, type HandlerResult, type Launch, nodeNoop } from './containers';
import type { CallCounts } from './environment';
import { type Bench, NO_LATENCY, USER } from './scenario';
import { median, round } from './stats';

export interface ColdRuntime {
  /** `Node 24`. */
  label: string;
  version: string;
  launch: Launch;
  env: Record<string, string>;
  /** The bot's bundles, by variant name. */
  bundles: Record<string, string>;
}

export type ColdStart = Awaited<ReturnType<typeof measureColdStart>>;
export type ColdStartOfRuntime = ColdStart['runtimes'][number];

export async function measureColdStart(
  { environment, traffic }: Bench,
  options: { runtimes: ColdRuntime[]; reference: string; rounds: number },
) {
  const { runtimes, reference: referenceBundle, rounds } = options;
  environment.setLatency(NO_LATENCY);
  let statusCalls: CallCounts | undefined;
  const samples = runtimes.map((runtime) => ({
    noop: [] as { ms: number; cpuMs: number }[],
    reference: [] as ColdRun[],
    bundles: Object.fromEntries(Object.keys(runtime.bundles).map((name) => [name, [] as ColdRun[]])),
  }));
  const contestants = runtimes.flatMap((runtime, r) => {
    const mine = samples[r] as (typeof samples)[number];
    return [
      async () => {
        mine.noop.push(await nodeNoop(runtime.env, runtime.launch));
      },
      async () => {
        const answer = await coldRun(
          referenceBundle,
          runtime.env,
          traffic.command('hello', USER.viewer),
          runtime.launch,
        );
        expectReply(answer.result, 'Hello from Bolt!', 'the reference');
        mine.reference.push(answer);
      },
      ...Object.entries(runtime.bundles).map(([name, bundle]) => async () => {
        const mark = environment.mark();
        const answer = await coldRun(
          bundle,
          runtime.env,
          traffic.command('status orders', USER.viewer),
          runtime.launch,
        );
        statusCalls ??= environment.callsSince(mark);
        expectReply(answer.result, 'orders', `${name} on ${runtime.label}: status orders`);
        mine.bundles[name]?.push(answer);
      }),
    ];
  });
  for (let turn = 0; turn < rounds; turn++) {
    for (let i = 0; i < contestants.length; i++) await contestants[(turn + i) % contestants.length]?.();
  }

  return {
    rounds,
    request: '/lambda status orders',
    measuredFrom:
      'spawn to the response on stdout (node -e 0: spawn to exit); cpu: CPU time of the process (all threads) until then',
    runtimes: runtimes.map((runtime, r) => {
      const mine = samples[r] as (typeof samples)[number];
      const nodeNoopMs = round(median(mine.noop.map((run) => run.ms)));
      const nodeNoopCpuMs = round(median(mine.noop.map((run) => run.cpuMs)));
      const reference = describe(mine.reference);
      const bundles = Object.fromEntries(
        Object.entries(mine.bundles).map(([name, runs]) => {
          const figures = describe(runs);
          return [
            name,
            {
              ...figures,
              ratioToNode: round(figures.medianMs / nodeNoopMs),
              ratioToReference: round(figures.medianMs / reference.medianMs),
              cpuRatioToNode: round(figures.medianCpuMs / nodeNoopCpuMs),
              cpuRatioToReference: round(figures.medianCpuMs / reference.medianCpuMs),
            },
          ];
        }),
      );
      return {
        label: runtime.label,
        version: runtime.version,
        flags: runtime.launch.args,
        nodeNoopMs,
        nodeNoopCpuMs,
        reference: {
          ...reference,
          ratioToNode: round(reference.medianMs / nodeNoopMs),
          cpuRatioToNode: round(reference.medianCpuMs / nodeNoopCpuMs),
        },
        bundles,
      };
    }),
    statusCalls,
  };
}

function describe(runs: ColdRun[]) {
  const cacheRuns = runs.filter((run) => run.codeCacheUsed !== undefined);
  return {
    medianMs: round(median(runs.map((r) => r.responseMs))),
    medianExitMs: round(median(runs.map((r) => r.exitMs))),
    medianCpuMs: round(median(runs.map((r) => r.cpuMs))),
    // Inside the child: Node's own start, importing the bundle, the first request.
    medianBootMs: round(median(runs.map((r) => r.timeline.started))),
    medianImportMs: round(median(runs.map((r) => r.timeline.imported - r.timeline.started))),
    medianFirstRequestMs: round(median(runs.map((r) => r.timeline.answered - r.timeline.imported))),
    maxRssKb: Math.max(...runs.map((r) => r.maxRssKb)),
    ...(cacheRuns.length > 0
      ? { codeCacheUsedRuns: `${cacheRuns.filter((run) => run.codeCacheUsed).length}/${runs.length}` }
      : {}),
  };
}

function expectReply(result: HandlerResult, expected: string, what: string): void {
  if (result.statusCode !== 200 || !String(result.body).includes(expected)) {
    throw new Error(`${what}: unexpected answer ${result.statusCode} ${String(result.body).slice(0, 300)}`);
  }
}
