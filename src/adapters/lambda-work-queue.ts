// WorkQueue over the worker function: an asynchronous invocation (InvocationType Event) that
// Lambda accepts at once and runs in another container, outside Slack's 3 seconds.
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { ChatopsError } from '../domain/errors';
import type { AsyncTask, WorkQueue } from '../ports';
import { TASK_MARKER, type TaskEvent } from './task-event';

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
