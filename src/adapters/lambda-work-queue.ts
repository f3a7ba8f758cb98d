// WorkQueue over the bot's own function: an asynchronous invocation (InvocationType Event) that
// Lambda accepts at once and runs in another container, outside Slack's 3 seconds.
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { ChatopsError } from '../domain/errors';
import type { AsyncTask, WorkQueue } from '../ports';

/** The marker that tells the handler an event is the bot's own work, not an HTTP request. */
export const TASK_MARKER = 'lambda-chatops/task';

export interface TaskEvent {
  source: typeof TASK_MARKER;
  task: AsyncTask;
}

export function isTaskEvent(event: unknown): event is TaskEvent {
  const candidate = event as Partial<TaskEvent> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    candidate.source === TASK_MARKER &&
    typeof candidate.task === 'object' &&
    candidate.task !== null &&
    !('requestContext' in candidate)
  );
}

export class LambdaWorkQueue implements WorkQueue {
  constructor(
    private readonly client: LambdaClient,
    private readonly functionName: string,
  ) {}

  async enqueue(task: AsyncTask): Promise<void> {
    const event: TaskEvent = { source: TASK_MARKER, task };
    try {
      await this.client.send(
        new InvokeCommand({
          FunctionName: this.functionName,
          InvocationType: 'Event',
          Payload: new TextEncoder().encode(JSON.stringify(event)),
        }),
      );
    } catch (error) {
      throw new ChatopsError(
        'UPSTREAM_FAILURE',
        `The bot could not start its background work (${(error as Error).name}).`,
        {
          cause: error,
        },
      );
    }
  }
}

/** For a long-running process (npm start against real Slack): the work runs after the answer. */
export class InProcessWorkQueue implements WorkQueue {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly run: (task: AsyncTask) => Promise<void>) {}

  async enqueue(task: AsyncTask): Promise<void> {
    const job: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.run(task))
      .finally(() => this.running.delete(job));
    this.running.add(job);
  }

  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}
