// The worker's tasks (DESIGN.md section 6): slow listings and applying approved requests, each
// reported through Slack.

import { escapeText, mentionUser } from '../domain/mrkdwn';
import { USAGE } from '../domain/parse-command';
import { foldRequest } from '../domain/request';
import type { AsyncTask } from '../ports';
import { applyRequest } from '../use-cases/apply-request';
import { listVersions } from '../use-cases/read-commands';
import {
  advanceRollout,
  isRollout,
  type RolloutDeps,
  type RolloutResult,
  type RolloutTrigger,
} from '../use-cases/rollout';
import { section } from './blocks/common';
import { requestCard } from './blocks/request-card';
import { rolloutCard } from './blocks/rollout-card';
import { versionsMessage } from './blocks/versions';
import { syncCard } from './card-sync';
import type { SlackDeps } from './context';
import { errorReply } from './error-reply';

export interface WorkerSlackDeps extends SlackDeps {
  deps: RolloutDeps;
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
      const stored = await deps.requests.load(task.requestId);
      if (stored && isRollout(stored)) {
        await rollout(slack, task.requestId, { kind: 'continue' }, invocation, task.responseUrl);
        return;
      }
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
    case 'rollout.tick': {
      const { requestId, step, extension } = task;
      await rollout(slack, requestId, { kind: 'tick', tick: { requestId, step, extension } }, invocation);
      return;
    }
    case 'rollout.continue':
      await rollout(slack, task.requestId, { kind: 'continue' }, invocation);
      return;
    case 'rollout.rollback':
      await rollout(
        slack,
        task.requestId,
        { kind: 'rollback', actor: task.actor },
        invocation,
        task.responseUrl,
      );
      return;
  }
}

/** One move of a rollout, then its card replaced and, when people must know, a message for them. */
async function rollout(
  slack: WorkerSlackDeps,
  requestId: string,
  trigger: RolloutTrigger,
  invocation: string,
  responseUrl?: string,
): Promise<void> {
  const { deps, messenger, logger } = slack;
  const result = await advanceRollout(deps, requestId, trigger, invocation);
  if (!result.event) {
    logger.info(`rollout ${requestId}: nothing to do (${result.state.phase})`);
    return;
  }
  const stored = await deps.requests.load(requestId);
  const events = stored?.events ?? [result.event];
  const numbers = result.observed
    ? { newer: result.observed.newer, older: result.observed.older }
    : undefined;
  const card = stored
    ? rolloutCard(result.state, events, numbers, deps.clock.now())
    : requestCard(foldRequest(result.state.request, events));
  const replaced = await messenger.replace(card, { card: result.card, responseUrl });
  if (!replaced) logger.warn(`rollout ${requestId}: the card could not be updated`);
  await tellPeople(slack, result);
  logger.info(`rollout ${requestId}: ${result.event.action}`);
}

/** A rollout that stopped by itself (rolled back, stopped, paused for a person) names its people. */
async function tellPeople(slack: WorkerSlackDeps, { state, event }: RolloutResult): Promise<void> {
  if (!event) return;
  if (event.actor !== 'system' || !['ROLLED_BACK', 'STALE', 'PAUSED'].includes(event.action)) return;
  const { request } = state;
  const people = [request.requester, ...state.approvals.filter((user) => user !== request.requester)];
  const what =
    event.action === 'ROLLED_BACK'
      ? `rolled back: ${request.alias} points at ${request.fromVersion} again`
      : event.action === 'STALE'
        ? `stopped: ${request.alias} was changed outside the rollout`
        : 'paused: it needs a person to Resume, Promote now or Roll back';
  const text = `${people.map(mentionUser).join(' ')} rollout ${request.id} of ${request.function} ${request.alias} (${request.fromVersion} → ${request.toVersion}) ${what}.${event.reason ? ` ${escapeText(event.reason)}` : ''}`;
  await slack.messenger.post(request.channel, { text, blocks: [section(text)] }).catch((error: unknown) => {
    slack.logger.warn(`rollout ${request.id}: could not tell its people (${(error as Error).message})`);
  });
}
