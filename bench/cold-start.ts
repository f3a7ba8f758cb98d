// Cold start: a fresh Node process imports the bundle and answers one signed `/lambda status
// orders` against zero-latency stand-ins, interleaved with `node -e 0` and with the reference, a
// plain bundle of Bolt's hello world for AWS Lambda. Each container exits right at its response,
// as Lambda freezes it then.
import { type ColdRun, coldRun, type HandlerResult, nodeNoop } from './containers';
import type { CallCounts } from './environment';
import { type Bench, NO_LATENCY, USER } from './scenario';
import { median, round } from './stats';

export type ColdStart = Awaited<ReturnType<typeof measureColdStart>>;

export async function measureColdStart(
  { environment, traffic, bundle }: Bench,
  options: { reference: string; rounds: number; extraEnv?: Record<string, string> },
) {
  const { reference: referenceBundle, rounds, extraEnv = {} } = options;
  environment.setLatency(NO_LATENCY);
  const env = { ...environment.env('env'), ...extraEnv };
  const noop: number[] = [];
  const ours: ColdRun[] = [];
  const reference: ColdRun[] = [];
  let statusCalls: CallCounts | undefined;
  const contestants = [
    async () => {
      noop.push(await nodeNoop(env));
    },
    async () => {
      const mark = environment.mark();
      const answer = await coldRun(bundle, env, traffic.command('status orders', USER.viewer));
      statusCalls ??= environment.callsSince(mark);
      expectReply(answer.result, 'orders', 'status orders');
      ours.push(answer);
    },
    async () => {
      const answer = await coldRun(referenceBundle, env, traffic.command('hello', USER.viewer));
      expectReply(answer.result, 'Hello from Bolt!', 'the reference');
      reference.push(answer);
    },
  ];
  // Interleaved, in a rotating order, so that drift of the machine falls on all three alike.
  for (let turn = 0; turn < rounds; turn++) {
    for (let i = 0; i < contestants.length; i++) await contestants[(turn + i) % contestants.length]?.();
  }
  const describe = (runs: ColdRun[]) => ({
    medianMs: round(median(runs.map((r) => r.responseMs))),
    medianExitMs: round(median(runs.map((r) => r.exitMs))),
    // Inside the child: Node's own start, importing the bundle, the first request.
    medianBootMs: round(median(runs.map((r) => r.timeline.started))),
    medianImportMs: round(median(runs.map((r) => r.timeline.imported - r.timeline.started))),
    medianFirstRequestMs: round(median(runs.map((r) => r.timeline.answered - r.timeline.imported))),
    maxRssKb: Math.max(...runs.map((r) => r.maxRssKb)),
  });
  const noopMs = round(median(noop));
  const oursSummary = describe(ours);
  const referenceSummary = describe(reference);
  return {
    rounds,
    request: '/lambda status orders',
    measuredFrom:
      'spawn to the response on stdout (node -e 0: spawn to exit); each container exits right after its response',
    extraEnv,
    nodeNoopMs: noopMs,
    ours: oursSummary,
    reference: referenceSummary,
    ratioToNode: round(oursSummary.medianMs / noopMs),
    ratioToReference: round(oursSummary.medianMs / referenceSummary.medianMs),
    referenceRatioToNode: round(referenceSummary.medianMs / noopMs),
    statusCalls,
  };
}

function expectReply(result: HandlerResult, expected: string, what: string): void {
  if (result.statusCode !== 200 || !String(result.body).includes(expected)) {
    throw new Error(`${what}: unexpected answer ${result.statusCode} ${String(result.body).slice(0, 300)}`);
  }
}
