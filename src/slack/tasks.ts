// The bot's asynchronous work (DESIGN.md section 6): slow listings and applying approved
// requests, run in an invocation of their own and reported through Slack.

import { USAGE } from '../domain/parse-command';
import type { AsyncTask } from '../ports';
import { listVersions } from '../use-cases/read-commands';
import { applyRequest } from '../use-cases/requests';
import { requestCard } from './blocks/request-card';
import { versionsMessage } from './blocks/versions';
import type { SlackDeps } from './context';
import { errorReply } from './error-reply';

export async function runTask(task: AsyncTask, slack: SlackDeps): Promise<void> {
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
      const { state, card } = await applyRequest(deps, task.requestId);
      const replaced = await messenger.replace(requestCard(state), { card, responseUrl: task.responseUrl });
      if (!replaced) logger.warn(`request ${task.requestId}: the card could not be updated`);
      logger.info(`request ${task.requestId}: ${state.status}`);
      return;
    }
  }
}
