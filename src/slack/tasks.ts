// The worker's tasks (DESIGN.md section 6): slow listings and applying approved requests, each
// reported through Slack.
import { USAGE } from '../domain/parse-command';
import type { AsyncTask } from '../ports';
import { applyRequest, type WorkerDeps } from '../use-cases/apply-request';
import { listVersions } from '../use-cases/read-commands';
import { versionsMessage } from './blocks/versions';
import { syncCard } from './card-sync';
import type { SlackDeps } from './context';
import { errorReply } from './error-reply';

export interface WorkerSlackDeps extends SlackDeps {
  deps: WorkerDeps;
}

/** `invocation` names the invocation running the task: Lambda's request id (kept on its retries). */
export async function runTask(task: AsyncTask, slack: WorkerSlackDeps, invocation: string): Promise<void> {
  const { deps, messenger, logger } = slack;
  switch (task.kind) {
    case 'versions': {
      const message = await listVersions(deps, task.fn, task.limit)
        .then(versionsMessage)
        .catch((error: unknown) => errorReply(error, USAGE.versions, logger));
      await messenger.tell(task.responseUrl, message, true);
      return;
    }
    case 'apply': {
      const { state, card, acted, waitingFor } = await applyRequest(deps, task.requestId, invocation);
      if (waitingFor) {
        // Approved, but locked by someone else: the card says whose lock it waits for.
        await syncCard(slack, state, { card, responseUrl: task.responseUrl }, { waitingFor });
        logger.info(`request ${task.requestId}: waiting for lock ${waitingFor.id}`);
        return;
      }
      if (!acted) {
        logger.info(`request ${task.requestId}: nothing to do (${state.status})`);
        return;
      }
      const replaced = await syncCard(slack, state, { card, responseUrl: task.responseUrl });
      if (!replaced) logger.warn(`request ${task.requestId}: the card could not be updated`);
      logger.info(`request ${task.requestId}: ${state.status}`);
      return;
    }
  }
}
