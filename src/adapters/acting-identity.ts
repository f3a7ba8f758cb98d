// Who the bot is acting for, carried through the asynchronous calls of one Slack request or one
// worker task (AsyncLocalStorage), so that the adapters reaching other AWS accounts can put that
// person in the target account's CloudTrail (STS SourceIdentity) without every port and use case
// passing a user id around. Set where the person is known: the Slack middleware (the user who typed
// or clicked) and the worker's tasks (the approver whose click completes a request).
import { AsyncLocalStorage } from 'node:async_hooks';

export interface Acting {
  /** The Slack user id whose action it is, or `system`. */
  user: string;
  /** What is being done: a request id (`R…`) or a command name; named in the STS session. */
  purpose: string;
}

const acting = new AsyncLocalStorage<Acting>();

export function actingAs<T>(who: Acting, run: () => Promise<T>): Promise<T> {
  return acting.run(who, run);
}

export function currentActing(): Acting | undefined {
  return acting.getStore();
}
