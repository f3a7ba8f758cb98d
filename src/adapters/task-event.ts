// The events the Slack-facing function sends the worker: a marker, so the worker tells its own
// work from anything else it might be sent, and the task.
import type { AsyncTask } from '../ports';

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
