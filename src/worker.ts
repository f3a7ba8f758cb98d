// The composition root of the worker function (DESIGN.md section 6): the bot's asynchronous work,
// invoked by the Slack-facing function (InvocationType Event), by CI with IAM (`ci.promote`,
// RequestResponse: its answer is the request id), by its heartbeat schedule and by CloudTrail's
// alias calls (the optional EventBridge rule). It alone holds lambda:UpdateAlias. Lambda delivers
// these events at least once, sometimes concurrently: every task is safe to run twice (see
// applyRequest's claim).
import { randomUUID } from 'node:crypto';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { Logger } from '@slack/logger';
import { actingAs } from './adapters/acting-identity';
import { AwsAliasUpdater } from './adapters/aws-alias-updater';
import { CloudWatchMetricsReader } from './adapters/cloudwatch-metrics-reader';
import { DynamoDbDriftCards } from './adapters/dynamodb-drift-cards';
import { DynamoDbPeriodSlots } from './adapters/dynamodb-period-slots';
import { EventBridgeRolloutScheduler, UnconfiguredScheduler } from './adapters/eventbridge-rollout-scheduler';
import { InProcessWorkQueue } from './adapters/in-process-work-queue';
import { awsClients, lambdaClients } from './adapters/lambda-clients';
import { workerEvent } from './adapters/worker-event';
import { isCiPromoteEvent } from './domain/ci-promote';
import { CI_ACTOR } from './domain/request';
import { readWorkerEnv, type WorkerEnv } from './env';
import { addLogFields, JsonLogger, logLevelFrom, withLogFields } from './logger';
import { awsRequestIdOf, buildShared, once, type RuntimeOptions } from './runtime';
import { answerCiPromote } from './slack/ci-promote';
import { announceDrift, runHeartbeat } from './slack/heartbeat';
import { runTask, type WorkerSlackDeps } from './slack/tasks';
import type { CiInvocation } from './use-cases/ci-promote';
import { noticeAliasCall } from './use-cases/drift';

export type WorkerHandler = (event: unknown, context: unknown) => Promise<unknown>;

export function createWorker(
  env: Record<string, string | undefined>,
  options: RuntimeOptions = {},
): WorkerHandler {
  const logger = options.logger ?? new JsonLogger({ level: logLevelFrom(env.AWS_LAMBDA_LOG_LEVEL) });
  let queue: InProcessWorkQueue | undefined;
  // The invocation being run (Lambda runs one at a time per container): work the worker hands
  // itself runs in it, with its rollout timer.
  let current: WorkerSlackDeps;
  const built = once(async () => {
    const settings = readWorkerEnv(env);
    const lambda = new LambdaClient({});
    // Work the worker hands itself runs in this invocation, after what it is doing (and before the
    // invocation ends: Lambda freezes the container once the handler has returned).
    const dynamo = new DynamoDBClient({});
    const own = new InProcessWorkQueue((task) => runTask(task, current, randomUUID()));
    queue = own;
    const { slack, roles } = await buildShared(settings, lambda, () => own, { ...options, logger });
    const promoters = lambdaClients({
      base: lambda,
      config: slack.deps.config,
      kind: 'promoter',
      ...(roles ? { roles } : {}),
    });
    const self: WorkerSlackDeps = {
      ...slack,
      deps: {
        ...slack.deps,
        aliases: new AwsAliasUpdater(promoters),
        acting: actingAs,
        slots: new DynamoDbPeriodSlots(settings.auditTableName, dynamo),
        driftCards: new DynamoDbDriftCards(settings.auditTableName, dynamo),
        // Metrics and alarms of a function in another account are read there, as its reader role.
        metrics: new CloudWatchMetricsReader(
          awsClients(
            {
              base: new CloudWatchClient({}),
              config: slack.deps.config,
              kind: 'reader',
              ...(roles ? { roles } : {}),
            },
            (settings) => new CloudWatchClient(settings),
          ),
        ),
        scheduler: new UnconfiguredScheduler('the worker has not been invoked yet'),
      },
    };
    return { slack: self, settings, schedulerClient: new SchedulerClient({}) };
  });
  return (event, context) => {
    const awsRequestId = awsRequestIdOf(context) ?? randomUUID();
    const runtime = async () => {
      current = withScheduler(await built(), context);
      return current;
    };
    return withLogFields({ awsRequestId }, async () => {
      try {
        return await handle(runtime, event, context, logger);
      } finally {
        await queue?.idle();
      }
    });
  };
}

/**
 * The worker's dependencies for one invocation: the rollout timer targets this very function, whose
 * ARN comes with each invocation (the context's invokedFunctionArn).
 */
function withScheduler(
  built: { slack: WorkerSlackDeps; settings: WorkerEnv; schedulerClient: SchedulerClient },
  context: unknown,
): WorkerSlackDeps {
  const { slack, settings, schedulerClient } = built;
  const targetArn = (context as { invokedFunctionArn?: unknown } | null)?.invokedFunctionArn;
  const { schedulerRoleArn: roleArn, scheduleGroupName: groupName } = settings;
  const scheduler =
    typeof targetArn === 'string' && targetArn && roleArn && groupName
      ? new EventBridgeRolloutScheduler({ groupName, roleArn, targetArn }, schedulerClient)
      : new UnconfiguredScheduler(
          roleArn && groupName
            ? 'the invocation context has no invokedFunctionArn'
            : 'SCHEDULER_ROLE_ARN and SCHEDULE_GROUP_NAME must be set on the worker',
        );
  return { ...slack, deps: { ...slack.deps, scheduler } };
}

async function handle(
  runtime: () => Promise<WorkerSlackDeps>,
  event: unknown,
  context: unknown,
  logger: Logger,
): Promise<unknown> {
  if (isCiPromoteEvent(event)) {
    addLogFields({ task: 'ci.promote' });
    const slack = await runtime();
    // In other accounts, the reads are made as `ci` (SourceIdentity), as a person's are as them.
    return actingAs({ user: CI_ACTOR, purpose: 'ci.promote' }, () =>
      answerCiPromote(event, slack, invocationOf(context)),
    );
  }
  const received = workerEvent(event);
  if (received === undefined) {
    // Not ours, or malformed: say so and end without an error, since a retry would change
    // nothing. The secret is not even read.
    logger.warn("worker: ignored an event that is not one of the bot's tasks", {
      reason: 'not a task event',
    });
    return { ok: false };
  }
  switch (received.type) {
    case 'task': {
      const { task } = received;
      addLogFields({
        task: task.kind,
        ...('requestId' in task ? { requestId: task.requestId } : { function: task.fn }),
      });
      // Lambda's request id names the invocation: its retries of the same event keep it.
      await runTask(task, await runtime(), invocationId(context));
      return { ok: true };
    }
    case 'heartbeat': {
      addLogFields({ task: 'heartbeat' });
      const slack = await runtime();
      // Nobody asked: other accounts' CloudTrail names the bot itself for these reads.
      const ran = await slack.deps.acting({ user: 'system', purpose: 'heartbeat' }, () =>
        runHeartbeat(slack, invocationId(context)),
      );
      return { ok: true, ran };
    }
    case 'alias-call': {
      const { call } = received;
      addLogFields({ task: 'alias-call', alias: call.alias });
      const slack = await runtime();
      const noticed = await slack.deps.acting({ user: 'system', purpose: 'drift' }, () =>
        noticeAliasCall(slack.deps, call),
      );
      if (noticed.kind === 'drifted' || noticed.kind === 'recorded-before')
        await announceDrift(slack, noticed.state, noticed.kind === 'recorded-before');
      slack.logger.info(`worker: ${call.change} of alias ${call.alias}: ${noticed.kind}`);
      return { ok: true, noticed: noticed.kind };
    }
  }
}

/** Lambda's request id, which its retries of the same event keep; a fresh id elsewhere. */
function invocationId(context: unknown): string {
  return awsRequestIdOf(context) ?? randomUUID();
}

/** What the context says about the invocation (it names no IAM caller: see CiOrigin). */
function invocationOf(context: unknown): CiInvocation {
  const { awsRequestId, invokedFunctionArn } = (context ?? {}) as Record<string, unknown>;
  return {
    ...(typeof awsRequestId === 'string' && awsRequestId ? { invocationId: awsRequestId } : {}),
    ...(typeof invokedFunctionArn === 'string' && invokedFunctionArn ? { invokedFunctionArn } : {}),
  };
}

/** The Lambda entry point. */
export const handler = createWorker(process.env);
