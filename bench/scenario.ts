// What every measurement shares: the world (stand-ins and Slack traffic), the bundle under test,
// the Slack users of the scenario and the requests prepared for the later measurements.
import type { HandlerResult, Launch, WarmContainer } from './containers';
import { type BenchEnvironment, ORDERS_VERSIONS, PAYMENTS_VERSIONS } from './environment';
import type { Card, SlackTraffic } from './slack-traffic';

/** Holds the bot's asynchronous invocations back until the returned function is called. */
export type HoldAsyncWork = () => () => void;

export interface Bench {
  environment: BenchEnvironment;
  traffic: SlackTraffic;
  /** The bundle `npm run build` deploys, with its code cache for `launch`'s Node. */
  bundle: string;
  /** The stack's Node with Lambda's flags. */
  launch: Launch;
  /** Lambda's environment for the bot on `launch`'s Node, with its Slack secrets from one place or the other. */
  env: (slackSecrets: 'env' | 'secretArn') => Record<string, string>;
  holdAsyncWork: HoldAsyncWork;
}

/** Slack users: who types commands, and an approver named by chatops.config.yml's prod rule. */
export const USER = {
  requester: 'U0REQUESTER',
  viewer: 'U0VIEWER',
  teammate: 'U0TEAMMATE',
  prodApprover: 'U012AB3CD',
};

export const NO_LATENCY = { awsMs: 0, slackMs: 0, secretsMs: 0 };

export interface Prepared {
  /** A pending promotion of orders' dev, by the requester: for `cancel`. */
  toCancel: Card;
  /** A pending promotion of orders' prod: for the approving click. */
  toApprove: Card;
}

/**
 * Through the bot itself: an applied change of `test` of both functions (so `rollback` has
 * something to roll back) and two pending promotions: orders' `dev` (to cancel) and `prod`.
 */
export async function prepareRequests(
  { environment, traffic }: Bench,
  worker: WarmContainer,
): Promise<Prepared> {
  for (const [fn, functionName, newest] of [
    ['orders', 'orders-service', String(ORDERS_VERSIONS)],
    ['payments', 'payments-service', String(PAYMENTS_VERSIONS)],
  ] as const) {
    await expectOk(worker.invoke(traffic.command(`promote ${fn} dev→test`, USER.requester)), 'promote');
    await expectOk(worker.invoke(traffic.click(traffic.takeCard(), USER.teammate)), 'approve');
    await environment.lambda.idle();
    const test = environment.lambda.alias(functionName, 'test').version;
    if (test !== newest) throw new Error(`the approved promotion of ${fn} was not applied (test at ${test})`);
  }
  // One open request per alias (DESIGN.md section 3): the two pending requests are for two aliases.
  await expectOk(worker.invoke(traffic.command('promote orders dev 1', USER.requester)), 'promote');
  const toCancel = traffic.takeCard();
  await expectOk(worker.invoke(traffic.command('promote orders test→prod', USER.requester)), 'promote');
  return { toCancel, toApprove: traffic.takeCard() };
}

async function expectOk(pending: Promise<{ result: HandlerResult }>, what: string): Promise<HandlerResult> {
  const { result } = await pending;
  if (result.statusCode !== 200) throw new Error(`${what}: HTTP ${result.statusCode} ${String(result.body)}`);
  return result;
}
