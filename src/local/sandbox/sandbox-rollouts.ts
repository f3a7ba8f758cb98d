// What the sandbox adds for rollouts (DESIGN.md section 3a): EventBridge Scheduler and CloudWatch
// stand-ins on the real clock, the worker as the schedules' target, and steady synthetic traffic
// to every alias of the demo functions, routed by the aliases' weights and counted by executed
// version, so `/lambda promote orders test→prod --canary 20% --bake 1m` completes (or, for a version
// given an error rate, rolls back) in a minute or two.
import { CloudWatchStandIn } from '../stand-ins/cloudwatch';
import type { LambdaApiStandIn } from '../stand-ins/lambda-api';
import { sendTraffic } from '../stand-ins/lambda-traffic';
import { SchedulerStandIn } from '../stand-ins/scheduler';

export const SANDBOX_SCHEDULE_GROUP = 'lambda-chatops-sandbox-rollouts';
export const SANDBOX_SCHEDULER_ROLE = 'arn:aws:iam::000000000000:role/lambda-chatops-sandbox-scheduler';
/** Invocations per alias per traffic round: enough for a 20% canary to be judged within a minute. */
const INVOCATIONS_PER_ROUND = 40;
const ROUND_MS = 10_000;

export class SandboxRollouts {
  private timer: NodeJS.Timeout | undefined;
  private round = 0;
  /** Error rates by function name, then version: a "faulty" demo version (0 elsewhere). */
  private readonly errorRates = new Map<string, Record<string, number>>();

  private constructor(
    readonly scheduler: SchedulerStandIn,
    readonly cloudwatch: CloudWatchStandIn,
    private readonly lambda: LambdaApiStandIn,
  ) {}

  static async start(lambda: LambdaApiStandIn): Promise<SandboxRollouts> {
    const scheduler = await SchedulerStandIn.start();
    const cloudwatch = await CloudWatchStandIn.start();
    scheduler.createScheduleGroup(SANDBOX_SCHEDULE_GROUP);
    return new SandboxRollouts(scheduler, cloudwatch, lambda);
  }

  /** The AWS SDK's variables that reach these stand-ins. */
  get endpoints(): Record<string, string> {
    return {
      AWS_ENDPOINT_URL_SCHEDULER: this.scheduler.url,
      AWS_ENDPOINT_URL_CLOUDWATCH: this.cloudwatch.url,
    };
  }

  /** The worker's own variables for its rollout timer. */
  get workerEnv(): Record<string, string> {
    return { SCHEDULER_ROLE_ARN: SANDBOX_SCHEDULER_ROLE, SCHEDULE_GROUP_NAME: SANDBOX_SCHEDULE_GROUP };
  }

  /** Runs the worker for the schedules that target it, and starts the clock and the traffic. */
  run(
    workerArn: string,
    worker: (event: unknown) => Promise<unknown>,
    functions: () => Record<string, string[]>,
  ) {
    this.scheduler.onTarget(workerArn, async (input) => {
      await worker(JSON.parse(input));
    });
    this.scheduler.startTicking(1000);
    this.timer = setInterval(() => this.sendRound(functions()), ROUND_MS);
    this.timer.unref();
  }

  /** Makes a demo version fail `rate` of its invocations (0 heals it). */
  setErrorRate(functionName: string, version: string, rate: number): void {
    this.errorRates.set(functionName, { ...this.errorRates.get(functionName), [version]: rate });
  }

  private sendRound(aliasesByFunction: Record<string, string[]>): void {
    this.round += 1;
    for (const [functionName, aliases] of Object.entries(aliasesByFunction)) {
      for (const alias of aliases) {
        try {
          sendTraffic({
            lambda: this.lambda,
            cloudwatch: this.cloudwatch,
            functionName,
            alias,
            count: INVOCATIONS_PER_ROUND,
            errorRate: this.errorRates.get(functionName) ?? {},
            at: Date.now(),
            spreadMs: ROUND_MS,
            seed: this.round,
          });
        } catch {
          // An alias that does not exist (yet): nothing to send it.
        }
      }
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.scheduler.stopTicking();
    await Promise.allSettled([this.scheduler.close(), this.cloudwatch.close()]);
  }
}
