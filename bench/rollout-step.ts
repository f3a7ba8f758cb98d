// One rollout step in the worker (issue 10), as `npm run bench` reports it: the AWS and Slack
// calls a judged step makes when it shifts on to 100%, and how long the worker takes with 80 ms
// per AWS call and 150 ms per Slack call. The worker runs from source in this process against the
// stand-ins of the integration harness (EventBridge Scheduler and CloudWatch included), so the time
// is the latency of its calls in a row plus its own work, not a cold container's: the worker's
// bundle and its cold load are measured with the rest of the bench.
import { randomUUID } from 'node:crypto';
import { sendTraffic } from '../src/local/stand-ins/lambda-traffic';
import { requestIdIn, startHarness, USERS, WORKER_ARN } from '../test/support/harness';
import type { Latency } from './environment';

const ORDERS = 'orders-service';
const MINUTE = 60_000;
const CONFIG = `
functions:
  orders: { functionName: ${ORDERS}, stages: [dev, test, prod] }
approvals:
  default: { approvers: anyone, required: 1 }
rollouts:
  prod:
    strategy: canary
    steps: [10]
    bake: 10m
    guard: { maxErrorRate: 1%, minInvocations: 20, alarms: [orders-prod-5xx] }
`;

export interface RolloutStep {
  ms: number;
  calls: Record<string, number>;
  outcome: string[];
}

export async function measureRolloutStep(latency: Latency, rounds = 5): Promise<RolloutStep[]> {
  const steps: RolloutStep[] = [];
  for (let round = 0; round < rounds; round++) steps.push(await oneStep(latency));
  return steps;
}

async function oneStep(latency: Latency): Promise<RolloutStep> {
  const h = await startHarness({ config: CONFIG });
  try {
    h.cloudwatch.putMetricAlarm({
      alarmName: 'orders-prod-5xx',
      namespace: 'AWS/Lambda',
      metricName: 'Errors',
    });
    await h.command('promote orders test→prod', { user: USERS.dev });
    const posted = h.slack.calls.filter((call) => call.method === 'chat.postMessage' && call.ok).at(-1);
    const id = requestIdIn(posted?.body.blocks);
    await h.click(id, 'approve', { user: USERS.approver });
    await h.settle();
    sendTraffic({
      lambda: h.lambda,
      cloudwatch: h.cloudwatch,
      functionName: ORDERS,
      alias: 'prod',
      count: 400,
      at: h.clock.now().getTime(),
      spreadMs: 5 * MINUTE,
      seed: 7,
    });
    h.clock.advance(11 * MINUTE);
    const marks = {
      lambda: h.lambda.calls.length,
      scheduler: h.scheduler.calls.length,
      cloudwatch: h.cloudwatch.calls.length,
      slack: h.slack.calls.length,
      dynamodb: h.dynamoFaults.calls.length,
    };
    for (const standIn of [h.lambda, h.scheduler, h.cloudwatch]) standIn.latencyMs = latency.awsMs;
    h.dynamoFaults.latencyMs = latency.awsMs;
    h.slack.latencyMs = latency.slackMs;

    const started = performance.now();
    await h.worker(
      { source: 'lambda-chatops/task', task: { kind: 'rollout.tick', requestId: id, step: 1, extension: 0 } },
      { awsRequestId: randomUUID(), invokedFunctionArn: WORKER_ARN },
    );
    const ms = performance.now() - started;

    const calls: Record<string, number> = {};
    const count = (service: string, names: string[]) => {
      for (const name of names) calls[`${service} ${name}`] = (calls[`${service} ${name}`] ?? 0) + 1;
    };
    count(
      'Lambda',
      h.lambda.calls.slice(marks.lambda).map((call) => call.operation),
    );
    count(
      'Scheduler',
      h.scheduler.calls.slice(marks.scheduler).map((call) => call.operation),
    );
    count(
      'CloudWatch',
      h.cloudwatch.calls.slice(marks.cloudwatch).map((call) => call.operation),
    );
    count('DynamoDB', h.dynamoFaults.calls.slice(marks.dynamodb).map(String));
    count(
      'Slack',
      h.slack.calls.slice(marks.slack).map((call) => call.method),
    );
    for (const standIn of [h.lambda, h.scheduler, h.cloudwatch, h.dynamoFaults, h.slack])
      standIn.latencyMs = 0;
    return { ms, calls, outcome: (await h.events(id)).map((event) => event.action ?? '') };
  } finally {
    await h.close();
  }
}
