// The composition root of the worker function (DESIGN.md section 6): the bot's asynchronous work,
// invoked by the Slack-facing function (InvocationType Event), by CI with IAM (`ci.promote`,
// RequestResponse: its answer is the request id) and, later, by its schedules. It
// alone holds lambda:UpdateAlias. Lambda delivers these events at least once, sometimes
// concurrently: every task is safe to run twice (see applyRequest's claim).
import { randomUUID } from 'node:crypto';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { actingAs } from './adapters/acting-identity';
import { AwsAliasUpdater } from './adapters/aws-alias-updater';
import { InProcessWorkQueue } from './adapters/in-process-work-queue';
import { lambdaClients } from './adapters/lambda-clients';
import { isTaskEvent } from './adapters/task-event';
import { isCiPromoteEvent } from './domain/ci-promote';
import { CI_ACTOR } from './domain/request';
import { readWorkerEnv } from './env';
import { addLogFields, JsonLogger, logLevelFrom, withLogFields } from './logger';
import { awsRequestIdOf, buildShared, once, type RuntimeOptions } from './runtime';
import { answerCiPromote } from './slack/ci-promote';
import { runTask, type WorkerSlackDeps } from './slack/tasks';
import type { CiInvocation } from './use-cases/ci-promote';

export type WorkerHandler = (event: unknown, context: unknown) => Promise<unknown>;

export function createWorker(
  env: Record<string, string | undefined>,
  options: RuntimeOptions = {},
): WorkerHandler {
  const logger = options.logger ?? new JsonLogger({ level: logLevelFrom(env.AWS_LAMBDA_LOG_LEVEL) });
  const runtime = once(async (): Promise<WorkerSlackDeps> => {
    const settings = readWorkerEnv(env);
    const lambda = new LambdaClient({});
    let self: WorkerSlackDeps;
    // Work the worker hands itself runs in this invocation, after what it is doing.
    const queue = new InProcessWorkQueue((task) => runTask(task, self, randomUUID()));
    const { slack, roles } = await buildShared(settings, lambda, () => queue, {
      ...options,
      logger,
    });
    const promoters = lambdaClients({
      base: lambda,
      config: slack.deps.config,
      kind: 'promoter',
      ...(roles ? { roles } : {}),
    });
    self = { ...slack, deps: { ...slack.deps, aliases: new AwsAliasUpdater(promoters), acting: actingAs } };
    return self;
  });
  return (event, context) => {
    const awsRequestId = awsRequestIdOf(context) ?? randomUUID();
    return withLogFields({ awsRequestId }, async () => {
      if (isCiPromoteEvent(event)) {
        addLogFields({ task: 'ci.promote' });
        const slack = await runtime();
        // In other accounts, the reads are made as `ci` (SourceIdentity), as a person's are as them.
        return actingAs({ user: CI_ACTOR, purpose: 'ci.promote' }, () =>
          answerCiPromote(event, slack, invocationOf(context)),
        );
      }
      if (!isTaskEvent(event)) {
        // Not ours, or malformed: say so and end without an error, since a retry would change
        // nothing. The secret is not even read.
        logger.warn("worker: ignored an event that is not one of the bot's tasks", {
          reason: 'not a task event',
        });
        return { ok: false };
      }
      const { task } = event;
      addLogFields({
        task: task.kind,
        ...(task.kind === 'apply' ? { requestId: task.requestId } : { function: task.fn }),
      });
      const slack = await runtime();
      // Lambda's request id names the invocation: its retries of the same event keep it.
      await runTask(task, slack, awsRequestId);
      return { ok: true };
    });
  };
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
