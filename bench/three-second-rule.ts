// Slack's 3-second rule: with latency injected into every stand-in, a fresh container (the
// Slack secrets read from Secrets Manager) answers each command and the approving click; the time
// is from its spawn to its HTTP response. Work the request queued runs in a warm container.
import { coldRun, type HandlerResult, type WarmContainer } from './containers';
import { type CallCounts, ORDERS_VERSIONS } from './environment';
import { type Bench, NO_LATENCY, type Prepared, USER } from './scenario';
import { round } from './stats';

export const INJECTED = { awsMs: 80, slackMs: 150, secretsMs: 50 };

export interface DeadlineRun {
  command: string;
  responseMs: number;
  bootMs: number;
  importMs: number;
  requestMs: number;
  statusCode: number | undefined;
  reply: string;
  /** When the work the request queued had finished, from spawn (asynchronous invocations). */
  queuedWorkDoneMs?: number;
  calls: { duringRequest: CallCounts; queuedWork: CallCounts };
  maxRssKb: number;
}

export async function measureThreeSeconds(
  { environment, traffic, bundle, launch, env: lambdaEnv, holdAsyncWork }: Bench,
  worker: WarmContainer,
  prepared: Prepared,
) {
  // The worker container is warmed (its Slack secret read, its clients created): only the
  // container answering Slack is cold. An event that is not a task is ignored by the worker.
  await worker.invoke(traffic.command('help', USER.viewer));
  environment.setLatency(INJECTED);
  const env = lambdaEnv('secretArn');
  const { toCancel, toApprove } = prepared;
  const empty = /^\(empty ack/; // the card was posted or updated through the Web API
  const cases: [string, () => unknown, RegExp][] = [
    ['help', () => traffic.command('help', USER.viewer), /release Lambda functions/],
    ['list', () => traffic.command('list', USER.viewer), /Managed functions/],
    ['status orders', () => traffic.command('status orders', USER.viewer), /Status of orders/],
    [
      `versions orders (${ORDERS_VERSIONS})`,
      () => traffic.command('versions orders', USER.viewer),
      /versions of orders|orders: versions/i,
    ],
    ['history orders', () => traffic.command('history orders', USER.viewer), /orders: history/],
    // orders' prod and dev have the prepared requests (one open request per alias).
    ['promote orders test 1', () => traffic.command('promote orders test 1', USER.requester), empty],
    ['rollback payments test', () => traffic.command('rollback payments test', USER.requester), empty],
    [
      'cancel <request>',
      () => traffic.command(`cancel ${toCancel.requestId}`, USER.requester),
      /is cancelled/,
    ],
    ['click Approve (1 of 2)', () => traffic.click(toApprove, USER.prodApprover), empty],
  ];
  const runs: DeadlineRun[] = [];
  for (const [command, event, expected] of cases) {
    const release = holdAsyncWork();
    const mark = environment.mark();
    const spawnedAt = performance.now();
    const answer = await coldRun(bundle, env, event(), launch);
    const atResponse = environment.mark();
    release();
    await environment.lambda.idle();
    const idleAt = performance.now();
    const queuedWork = environment.callsSince(atResponse);
    const queued = Object.keys(queuedWork.lambda).length + Object.keys(queuedWork.slack).length > 0;
    const reply = replyText(answer.result);
    // A broken scenario (an error reply) must not pass for a fast one.
    if (answer.result.statusCode !== 200 || !expected.test(reply)) {
      throw new Error(`${command}: unexpected answer ${answer.result.statusCode} ${reply}`);
    }
    runs.push({
      command,
      responseMs: round(answer.responseMs),
      bootMs: round(answer.timeline.started),
      importMs: round(answer.timeline.imported - answer.timeline.started),
      requestMs: round(answer.timeline.answered - answer.timeline.imported),
      statusCode: answer.result.statusCode,
      reply,
      ...(queued ? { queuedWorkDoneMs: round(idleAt - spawnedAt) } : {}),
      calls: { duringRequest: environment.callsSince(mark, atResponse), queuedWork },
      maxRssKb: answer.maxRssKb,
    });
  }
  environment.setLatency(NO_LATENCY);
  const slowest = runs.reduce((a, b) => (b.responseMs > a.responseMs ? b : a));
  return {
    latency: INJECTED,
    secrets: 'SLACK_SECRET_ARN (read from Secrets Manager at cold start)',
    measuredFrom: 'spawn of a fresh container to its HTTP response',
    runs,
    slowest: { command: slowest.command, responseMs: slowest.responseMs },
  };
}

/** What the user would read: the reply's text, or what the bot did instead. */
function replyText(result: HandlerResult): string {
  const body = String(result.body ?? '');
  if (body === '') return '(empty ack: the bot answered through the Web API)';
  try {
    return String((JSON.parse(body) as { text?: string }).text ?? body).slice(0, 120);
  } catch {
    return body.slice(0, 120);
  }
}
