// The composition root of the Slack-facing function (DESIGN.md section 6): reads the environment
// and the configuration once per container, builds the adapters and the Bolt app, and answers
// Function URL events. Its slow work goes to the worker function (src/worker.ts) as an
// asynchronous invocation; this function's role and bundle hold no way to move an alias.
import { LambdaClient } from '@aws-sdk/client-lambda';
import { InProcessWorkQueue } from './adapters/in-process-work-queue';
import { LambdaWorkQueue } from './adapters/lambda-work-queue';
import { TASK_MARKER, type TaskEvent } from './adapters/task-event';
import { readRuntimeEnv } from './env';
import { addLogFields, describeError, JsonLogger, logLevelFrom, withLogFields } from './logger';
import type { WorkQueue } from './ports';
import { awsRequestIdOf, buildShared, once, type RuntimeOptions } from './runtime';
import { createApp } from './slack/create-app';
import {
  type HttpResult,
  isRefusal,
  type Refusal,
  readSlackBody,
  refusalResult,
  requestLine,
  screenHttpEvent,
} from './slack/lambda-events';
import { requestLogFields } from './slack/request-log-fields';
import { isSlackSignature } from './slack/slack-signature';

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
  const logger = options.logger ?? new JsonLogger({ level: logLevelFrom(env.AWS_LAMBDA_LOG_LEVEL) });
  const runtime = once(async () => {
    const settings = readRuntimeEnv(env);
    const lambda = new LambdaClient({});
    const shared = await buildShared(
      settings,
      lambda,
      () => workQueue(settings.workerFunctionName, lambda, options),
      { ...options, logger },
    );
    const { receiver } = createApp(shared.secrets, shared.slack, { slackApiUrl: settings.slackApiUrl });
    return { handle: receiver.toHandler() as LambdaHandler, signingSecret: shared.secrets.signingSecret };
  });
  const clock = options.clock;

  /** Junk gets a 4xx and a warning, never a throw: an error would fire the alarm on anonymous traffic. */
  const refuse = (refusal: Refusal, event: unknown): HttpResult => {
    logger.warn(`refused a request: ${refusal.reason}`, {
      status: refusal.status,
      reason: refusal.reason,
      ...requestLine(event),
    });
    return refusalResult(refusal);
  };

  return (event, context) =>
    withLogFields({ awsRequestId: awsRequestIdOf(context) }, async () => {
      const screened = screenHttpEvent(event, clock ? clock.now() : new Date());
      if (isRefusal(screened)) return refuse(screened, event);
      // Only now, for a request that looks like Slack's, may the secret be read (a cold start).
      const { handle, signingSecret } = await runtime().catch((error: unknown) => {
        // An infrastructure failure (the secret unreadable, no credentials): an invocation error
        // is right here, so that the alarm fires, and the log says why.
        logger.error('the Slack-facing function could not start', { error: describeError(error) });
        throw error;
      });
      if (!isSlackSignature(signingSecret, screened.rawBody, screened.timestamp, screened.signature)) {
        return refuse({ status: 401, reason: 'the signature does not match the signing secret' }, event);
      }
      const body = readSlackBody(screened.event);
      if (isRefusal(body)) return refuse(body, event);
      if (body.kind === 'ssl_check') {
        logger.info("answered Slack's ssl_check");
        return { statusCode: 200, body: '' } satisfies HttpResult;
      }
      addLogFields(requestLogFields(body));
      return handle(screened.event, context);
    });
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
