// The worker's tasks (DESIGN.md section 6): slow listings, applying approved requests and
// drawing the cards clicks leave to it, each reported through Slack.

import { escapeText, mentionUser } from '../domain/mrkdwn';
import { USAGE } from '../domain/parse-command';
import { foldRequest } from '../domain/request';
import type { AsyncTask, CardLocation } from '../ports';
import { allSettledOrThrow } from '../use-cases/all-settled-or-throw';
import { applyRequest } from '../use-cases/apply-request';
import { listVersions } from '../use-cases/read-commands';
import {
  advanceRollout,
  isRollout,
  type RolloutDeps,
  type RolloutResult,
  type RolloutTrigger,
} from '../use-cases/rollout';
import { note } from './blocks/common';
import { requestCard } from './blocks/request-card';
import { rolloutCard } from './blocks/rollout-card';
import { versionsMessage } from './blocks/versions';
import { cardOptionsFor } from './card-guards';
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
        // Drawn even when this delivery has nothing to do: the completing click left the card to it.
        await rollout(slack, task.requestId, { kind: 'continue' }, invocation, task.responseUrl, {
          redraw: true,
          ...(task.card ? { card: task.card } : {}),
        });
        return;
      }
      const { state, card, acted, waitingFor } = await applyRequest(deps, task.requestId, invocation);
      const where = { card: card ?? task.card, responseUrl: task.responseUrl };
      if (waitingFor) {
        // Approved, but locked by someone else: the card says whose lock it waits for, and the
        // person whose click (or command) asked for the update hears it.
        const waiting = `Request ${task.requestId} waits for the lock on ${state.request.alias} to end before ${state.request.alias} is updated: see its card.`;
        await allSettledOrThrow([
          syncCard(slack, state, where, { waitingFor }),
          task.responseUrl ? messenger.tell(task.responseUrl, note(waiting)) : undefined,
        ]);
        logger.info(`request ${task.requestId}: waiting for lock ${waitingFor.id}`);
        return;
      }
      if (!acted) {
        // Another delivery applied it, or is applying it now: the card is drawn as the request
        // is, since the click that completed it left the card to this task (request-buttons.ts).
        await syncCard(slack, state, where, await cardOptionsFor(slack, state));
        logger.info(`request ${task.requestId}: nothing to do (${state.status})`);
        return;
      }
      const replaced = await syncCard(slack, state, where);
      if (!replaced) logger.warn(`request ${task.requestId}: the card could not be updated`);
      logger.info(`request ${task.requestId}: ${state.status}`);
      return;
    }
    case 'request.card': {
      // A click left its card to this task: drawn with the locks as they are, then card-sync's
      // read after the update keeps it no older than the request (off the click's answer).
      const stored = await deps.requests.load(task.requestId);
      if (!stored) {
        logger.warn(`request ${task.requestId}: no such request, so no card to draw`);
        return;
      }
      const state = foldRequest(stored.request, stored.events);
      const where = { card: stored.card ?? task.card, responseUrl: task.responseUrl };
      const replaced = await syncCard(slack, state, where, await cardOptionsFor(slack, state));
      if (!replaced) logger.warn(`request ${task.requestId}: the card could not be updated`);
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
  /** `redraw`: replace the card even when nothing moved; `card`: where the card is when not stored. */
  show: { redraw?: boolean; card?: CardLocation } = {},
): Promise<void> {
  const { deps, messenger, logger } = slack;
  const result = await advanceRollout(deps, requestId, trigger, invocation);
  if (!result.event) {
    logger.info(`rollout ${requestId}: nothing to do (${result.state.phase})`);
    if (!show.redraw) return;
  }
  const stored = await deps.requests.load(requestId);
  const events = stored?.events ?? (result.event ? [result.event] : []);
  const numbers = result.observed
    ? { newer: result.observed.newer, older: result.observed.older }
    : undefined;
  const card = stored
    ? rolloutCard(result.state, events, numbers, deps.clock.now())
    : requestCard(foldRequest(result.state.request, events));
  const replaced = await messenger.replace(card, { card: result.card ?? show.card, responseUrl });
  if (!replaced) logger.warn(`rollout ${requestId}: the card could not be updated`);
  if (!result.event) return;
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
  await slack.messenger.post(request.channel, note(text)).catch((error: unknown) => {
    slack.logger.warn(`rollout ${request.id}: could not tell its people (${(error as Error).message})`);
  });
}
