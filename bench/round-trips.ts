// Round trips in a row on the way to the HTTP answer: a warm container answers each command with
// 80 ms added to every AWS call and 150 ms to every Slack call; the timing proxies in front of
// the stand-ins record when each call starts and ends, and the longest chain of calls each
// starting after the one before it ended is what the user waits for. Calls made concurrently
// count once. The work a request queues (an asynchronous Invoke's own calls) is held back until
// the answer is out, so it is not counted; the Invoke that queues it is.
import type { WarmContainer } from './containers';
import { type Bench, USER } from './scenario';
import { median, round } from './stats';
import { INJECTED } from './three-second-rule';
import type { TimedCall } from './timing-proxy';
import { roundTripsInARow } from './timing-proxy';

export const ROUND_TRIP_BUDGETS: Record<string, number> = {
  status: 1,
  promote: 3,
  rollback: 3,
  'click, completing': 3,
  'click, not completing': 3,
};

interface Sample {
  roundTrips: number;
  ms: number;
  chain: string;
  calls: number;
}

export async function measureRoundTrips(
  { environment, traffic, holdAsyncWork }: Bench,
  worker: WarmContainer,
  iterations = 5,
) {
  environment.setLatency(INJECTED);
  const samples: Record<string, Sample[]> = {};
  const timed = async (name: string, event: unknown, record: boolean) => {
    const release = holdAsyncWork();
    const start = performance.now();
    const reply = await worker.invoke(event);
    const end = performance.now();
    release();
    await environment.lambda.idle();
    if (reply.result.statusCode !== 200) throw new Error(`${name}: HTTP ${reply.result.statusCode}`);
    if (!record) return;
    const calls = environment.timedCalls(start, end);
    const { count, chain } = roundTripsInARow(calls);
    const list = samples[name] ?? [];
    list.push({
      roundTrips: count,
      ms: end - start,
      chain: chain.map(describeCall).join(' → '),
      calls: calls.length,
    });
    samples[name] = list;
  };
  // One unrecorded pass first: a warm container has its connections and caches.
  for (let i = 0; i <= iterations; i++) {
    const record = i > 0;
    environment.lambda.setAlias('payments-service', 'prod', '28');
    await timed('status', traffic.command('status orders', USER.viewer), record);
    await timed('promote', traffic.command('promote payments test→prod', USER.requester), record);
    const card = traffic.takeCard();
    await timed('click, not completing', traffic.click(card, USER.prodApprover), record);
    await timed('click, completing', traffic.click(card, 'U0PLATFORM1'), record);
    if (environment.lambda.alias('payments-service', 'prod').version === '28') {
      throw new Error('the completing click did not apply the promotion');
    }
    await timed('rollback', traffic.command('rollback payments test', USER.requester), record);
    // One open request per alias: withdrawn (untimed) before the next iteration asks again.
    await timed('cancel', traffic.command(`cancel ${traffic.takeCard().requestId}`, USER.requester), false);
  }
  return {
    latency: INJECTED,
    iterations,
    measuredAs:
      'warm container; the longest chain of the calls between the request and its answer in which each ' +
      'call starts after the previous one ended (concurrent calls count once)',
    commands: Object.fromEntries(
      Object.entries(samples).map(([name, list]) => {
        const roundTrips = median(list.map((s) => s.roundTrips));
        // The chain of the sample with the median count: which calls are in a row.
        const typical = list.find((s) => s.roundTrips === roundTrips) ?? list[0];
        return [
          name,
          {
            roundTrips,
            max: Math.max(...list.map((s) => s.roundTrips)),
            medianMs: round(median(list.map((s) => s.ms))),
            calls: typical?.calls ?? 0,
            chain: typical?.chain ?? '',
            budget: ROUND_TRIP_BUDGETS[name],
          },
        ];
      }),
    ),
  };
}

function describeCall(call: TimedCall): string {
  const service = { dynamodb: 'DynamoDB', lambda: 'Lambda', slack: 'Slack', secrets: 'Secrets Manager' }[
    call.service
  ];
  return `${service ?? call.service} ${call.name}`;
}
