// The composition root of the Slack-facing function (DESIGN.md section 6): reads the environment
// and the configuration once per container, builds the adapters and the Bolt app, and answers
// Function URL events. Its slow work goes to the worker function (src/worker.ts) as an
// asynchronous invocation; this function's role and bundle hold no way to move an alias.
import { LambdaClient } from '@aws-sdk/client-lambda';
import { InProcessWorkQueue } from './adapters/in-process-work-queue';
import { LambdaWorkQueue } from './adapters/lambda-work-queue';
import { TASK_MARKER, type TaskEvent } from './adapters/task-event';
import { readRuntimeEnv } from './env';
import type { WorkQueue } from './ports';
import { buildShared, once, type RuntimeOptions } from './runtime';
import { createApp } from './slack/create-app';
import {
  type HttpResult,
  isHttpEvent,
  normalizeHttpEvent,
  timestampIsFresh,
  UNAUTHORIZED,
} from './slack/lambda-events';

export interface HandlerOptions extends RuntimeOptions {
  /**
   * Runs the worker's events in this process when WORKER_FUNCTION_NAME is unset (npm start against
   * real Slack): after the answer, as the worker would. Never used on Lambda.
   */
  inProcessWorker?: (event: TaskEvent) => Promise<unknown>;
}

type LambdaHandler = (event: unknown, context: unknown) => Promise<unknown>;

export function createHandler(
  env: Record<string, string | undefined>,
  options: HandlerOptions = {},
): LambdaHandler {
  const runtime = once(async () => {
    const settings = readRuntimeEnv(env);
    const lambda = new LambdaClient({});
    const shared = await buildShared(
      settings,
      lambda,
      () => workQueue(settings.workerFunctionName, lambda, options),
      options,
    );
    const { receiver } = createApp(shared.secrets, shared.slack, { slackApiUrl: settings.slackApiUrl });
    return receiver.toHandler() as LambdaHandler;
  });
  const clock = options.clock;
  return async (event, context) => {
    if (!isHttpEvent(event)) return { statusCode: 400, body: 'Not a Slack request' } satisfies HttpResult;
    const request = normalizeHttpEvent(event);
    if (!timestampIsFresh(request, clock ? clock.now() : new Date())) return UNAUTHORIZED;
    const handle = await runtime();
    return handle(request, context);
  };
}

function workQueue(
  workerFunctionName: string | undefined,
  lambda: LambdaClient,
  options: HandlerOptions,
): WorkQueue {
  if (workerFunctionName) return new LambdaWorkQueue(lambda, workerFunctionName);
  const worker = options.inProcessWorker;
  if (!worker) {
    return {
      enqueue: async () => {
        throw new Error('WORKER_FUNCTION_NAME is not set: the worker function to hand slow work to');
      },
    };
  }
  return new InProcessWorkQueue((task) => worker({ source: TASK_MARKER, task }).then(() => undefined));
}

/** The Lambda entry point. */
export const handler = createHandler(process.env);
