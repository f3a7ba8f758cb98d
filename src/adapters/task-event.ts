// The events the Slack-facing function sends the worker: a marker, so the worker tells its own
// work from anything else it might be sent, and the task.
import { SLACK_CHANNEL } from '../config-values';
import { REQUEST_ID } from '../domain/parse-command';
import type { AsyncTask, CardLocation } from '../ports';

/** The marker that tells the handler an event is the bot's own work, not an HTTP request. */
export const TASK_MARKER = 'lambda-chatops/task';

export interface TaskEvent {
  source: typeof TASK_MARKER;
  task: AsyncTask;
}

/**
 * True for a well-formed task event. Every field is checked, not only the marker: anything else
 * that reaches the worker (a test invocation, an event with a hand-edited payload) is ignored with
 * a warning instead of failing, being retried twice and landing in the failed-work queue.
 */
export function isTaskEvent(event: unknown): event is TaskEvent {
  const candidate = event as Partial<TaskEvent> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    candidate.source === TASK_MARKER &&
    !('requestContext' in candidate) &&
    isTask(candidate.task)
  );
}

const isString = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

function isTask(task: unknown): task is AsyncTask {
  if (typeof task !== 'object' || task === null) return false;
  const fields = task as Record<string, unknown>;
  switch (fields.kind) {
    case 'versions':
      return (
        isString(fields.fn) &&
        Number.isInteger(fields.limit) &&
        (fields.limit as number) > 0 &&
        isString(fields.responseUrl)
      );
    case 'apply':
    case 'request.card':
      return (
        isRequestId(fields.requestId) &&
        (fields.responseUrl === undefined || isString(fields.responseUrl)) &&
        (fields.card === undefined || isCardLocation(fields.card))
      );
    case 'rollout.tick':
      return (
        isRequestId(fields.requestId) &&
        Number.isInteger(fields.step) &&
        (fields.step as number) > 0 &&
        Number.isInteger(fields.extension) &&
        (fields.extension as number) >= 0
      );
    case 'rollout.continue':
      return isRequestId(fields.requestId);
    case 'rollout.rollback':
      return (
        isRequestId(fields.requestId) &&
        isString(fields.actor) &&
        (fields.responseUrl === undefined || isString(fields.responseUrl))
      );
    default:
      return false;
  }
}

const isRequestId = (value: unknown): value is string => isString(value) && REQUEST_ID.test(value);

/** A Slack channel id and a message timestamp, as a click's payload names its message; nothing else. */
const MESSAGE_TS = /^[0-9]{1,12}\.[0-9]{1,9}$/;

function isCardLocation(value: unknown): value is CardLocation {
  if (typeof value !== 'object' || value === null) return false;
  const { channel, ts, ...rest } = value as Record<string, unknown>;
  return (
    typeof channel === 'string' &&
    SLACK_CHANNEL.test(channel) &&
    typeof ts === 'string' &&
    MESSAGE_TS.test(ts) &&
    Object.keys(rest).length === 0
  );
}
