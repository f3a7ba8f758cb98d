// What the worker may be sent, told apart: the bot's own tasks (from the Slack-facing function),
// the heartbeat (its recurring schedule's {"kind": "heartbeat"}) and CloudTrail's alias calls
// (the optional EventBridge rule). Anything else is not the bot's.
import type { AliasApiCall } from '../domain/alias-call';
import type { AsyncTask } from '../ports';
import { aliasApiCall } from './cloudtrail-alias-call';
import { isTaskEvent } from './task-event';

export const HEARTBEAT_KIND = 'heartbeat';

export type WorkerEvent =
  | { type: 'task'; task: AsyncTask }
  | { type: 'heartbeat' }
  | { type: 'alias-call'; call: AliasApiCall };

export function workerEvent(event: unknown): WorkerEvent | undefined {
  if (isTaskEvent(event)) return { type: 'task', task: event.task };
  if (isHeartbeat(event)) return { type: 'heartbeat' };
  const call = aliasApiCall(event);
  return call ? { type: 'alias-call', call } : undefined;
}

function isHeartbeat(event: unknown): boolean {
  const candidate = event as { kind?: unknown } | null;
  return typeof candidate === 'object' && candidate !== null && candidate.kind === HEARTBEAT_KIND;
}
