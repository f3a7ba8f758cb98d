// Warm latency: one container answers request after request (zero-latency stand-ins); each call
// of its handler is timed inside it, with the container's CPU time (the bot's own work) and how
// long the stand-ins were busy meanwhile (what the bot waited for).
import type { WarmContainer } from './containers';
import { ORDERS_VERSIONS } from './environment';
import { type Bench, NO_LATENCY, USER } from './scenario';
import { summarize } from './stats';

interface WarmSample {
  /** The handler's time in its container. */
  ms: number;
  /** The container's CPU time meanwhile: the bot's own work. */
  cpuMs: number;
  /** How long this process (the stand-ins) was busy meanwhile: time the bot spent waiting on them. */
  standInsMs: number;
}

function summarizeWarm(samples: WarmSample[]) {
  const pick = (key: keyof WarmSample) => samples.map((sample) => sample[key]);
  return { ...summarize(pick('ms')), cpu: summarize(pick('cpuMs')), standIns: summarize(pick('standInsMs')) };
}

export async function measureWarm(
  { environment, traffic, holdAsyncWork }: Bench,
  worker: WarmContainer,
  counts: { requests: number; fewerRequests: number; warmUp: number },
) {
  environment.setLatency(NO_LATENCY);
  const invoke = async (event: unknown, what: string): Promise<{ body: string; sample: WarmSample }> => {
    const busy = performance.eventLoopUtilization();
    const reply = await worker.invoke(event);
    const standInsMs = performance.eventLoopUtilization(busy).active;
    if (reply.result.statusCode !== 200) throw new Error(`${what}: HTTP ${reply.result.statusCode}`);
    return {
      body: String(reply.result.body ?? ''),
      sample: { ms: reply.ms, cpuMs: reply.cpuMs, standInsMs },
    };
  };
  /** `n` samples after `counts.warmUp` unrecorded ones; `request` returns its samples by name. */
  const timed = async (n: number, request: () => Promise<Record<string, WarmSample>>) => {
    for (let i = 0; i < counts.warmUp; i++) await request();
    const samples: Record<string, WarmSample[]> = {};
    for (let i = 0; i < n; i++) {
      for (const [name, sample] of Object.entries(await request())) {
        const list = samples[name] ?? [];
        list.push(sample);
        samples[name] = list;
      }
    }
    return Object.fromEntries(Object.entries(samples).map(([name, all]) => [name, summarizeWarm(all)]));
  };
  const command =
    (name: string, text: string, user: string, expect?: (body: string) => boolean) => async () => {
      const { body, sample } = await invoke(traffic.command(text, user), name);
      if (expect && !expect(body)) throw new Error(`${name}: unexpected answer ${body.slice(0, 300)}`);
      return { [name]: sample };
    };

  const latency = {
    ...(await timed(counts.fewerRequests, command('help', 'help', USER.viewer))),
    ...(await timed(counts.fewerRequests, command('list', 'list', USER.viewer))),
    ...(await timed(counts.requests, command('status', 'status orders', USER.viewer))),
    // The first `versions` of a container pages through all versions; warm ones read the last page.
    ...(await timed(
      counts.requests,
      command('versions', 'versions orders', USER.viewer, (body) => body.includes(`${ORDERS_VERSIONS}`)),
    )),
    ...(await timed(counts.fewerRequests, command('history', 'history orders', USER.viewer))),
  };
  const afterReads = await worker.memory();

  // Each promotion of payments' prod needs two approvals: one click leaves it pending. One open
  // request per alias: each is cancelled (untimed) before the next is made.
  const withdraw = (requestId: string) =>
    invoke(traffic.command(`cancel ${requestId}`, USER.requester), 'cancel');
  Object.assign(
    latency,
    await timed(counts.requests, async () => {
      const promote = await invoke(traffic.command('promote payments test→prod', USER.requester), 'promote');
      const card = traffic.takeCard();
      const click = await invoke(traffic.click(card, USER.prodApprover), 'approve');
      await withdraw(card.requestId);
      return { promote: promote.sample, approveClick: click.sample };
    }),
    await timed(counts.fewerRequests, async () => {
      const rollback = await invoke(traffic.command('rollback payments test', USER.requester), 'rollback');
      await withdraw(traffic.takeCard().requestId);
      return { rollback: rollback.sample };
    }),
    await timed(counts.fewerRequests, async () => {
      await invoke(traffic.command('promote payments test→prod', USER.requester), 'promote');
      const { requestId } = traffic.takeCard();
      const cancel = await invoke(traffic.command(`cancel ${requestId}`, USER.requester), 'cancel');
      if (!cancel.body.includes('cancelled')) throw new Error(`cancel: ${cancel.body.slice(0, 300)}`);
      return { cancel: cancel.sample };
    }),
  );
  const afterRequests = await worker.memory();

  // One more of each, counted.
  const counted = async (event: () => unknown) => {
    const release = holdAsyncWork();
    const mark = environment.mark();
    const reply = await worker.invoke(event());
    if (reply.result.statusCode !== 200) throw new Error(`counted: HTTP ${reply.result.statusCode}`);
    const atResponse = environment.mark();
    release();
    await environment.lambda.idle();
    return {
      duringRequest: environment.callsSince(mark, atResponse),
      queuedWork: environment.callsSince(atResponse),
    };
  };
  let approved = '';
  const calls = {
    status: await counted(() => traffic.command('status orders', USER.viewer)),
    versions: await counted(() => traffic.command('versions orders', USER.viewer)),
    promote: await counted(() => traffic.command('promote payments test→prod', USER.requester)),
    approve: await counted(() => {
      const card = traffic.takeCard();
      approved = card.requestId;
      return traffic.click(card, USER.prodApprover);
    }),
  };
  // One open request per alias: another container's warm run promotes payments' prod again.
  await withdraw(approved);

  return {
    requests: {
      status: counts.requests,
      versions: counts.requests,
      promote: counts.requests,
      others: counts.fewerRequests,
    },
    warmUpEach: counts.warmUp,
    measuredAs:
      "the handler's time inside its container, zero-latency stand-ins; cpu: the container's CPU time; " +
      'standIns: how long the stand-ins (this process) were busy meanwhile',
    latency,
    calls,
    memory: { afterReads, afterRequests },
  };
}
