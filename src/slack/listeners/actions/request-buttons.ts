// Approve and Reject on a request's card. Acknowledge at once, take the step, replace the card
// for everyone, and tell the clicker privately when their click changed nothing.
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { REQUEST_ID } from '../../../domain/parse-command';
import { click, type StepResult } from '../../../use-cases/requests';
import { type Message, section } from '../../blocks/common';
import { APPROVE_ACTION, type CardOptions, REJECT_ACTION } from '../../blocks/request-card';
import { cardOptionsFor } from '../../card-guards';
import { syncCard } from '../../card-sync';
import type { SlackDeps } from '../../context';
import { errorReply } from '../../error-reply';

export function registerRequestButtons(app: App, slack: SlackDeps): void {
  for (const [actionId, type] of [
    [APPROVE_ACTION, 'approve'],
    [REJECT_ACTION, 'reject'],
  ] as const) {
    app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action }) => {
      await ack();
      const requestId = action.value ?? '';
      const responseUrl = body.response_url;
      if (!REQUEST_ID.test(requestId)) {
        await slack.messenger.tell(responseUrl, note('This button does not belong to a request.'));
        return;
      }
      try {
        const result = await click(slack.deps, { requestId, actor: body.user.id, type, responseUrl });
        const options = await cardOptionsFor(slack, result.state);
        if (result.event || ['closed', 'applying', 'apply-not-started'].includes(result.outcome)) {
          await syncCard(
            slack,
            result.state,
            { card: result.card, responseUrl },
            { ...options, stalled: result.outcome === 'apply-not-started' },
          );
        }
        const told = clickNote(result, options);
        if (told) await slack.messenger.tell(responseUrl, told);
      } catch (error) {
        await slack.messenger.tell(responseUrl, errorReply(error, undefined, slack.logger));
      }
    });
  }
}

function clickNote(
  { state, outcome, event, problem }: StepResult,
  options: CardOptions,
): Message | undefined {
  const { id, alias } = state.request;
  if (outcome === 'apply-not-started') {
    return note(
      `${id} is approved, but the update of ${alias} could not be started (${problem ?? 'the worker did not answer'}): ` +
        `${alias} has not changed yet. Click *Retry* on its card (or Approve again) to start it now.`,
    );
  }
  if (state.status === 'APPLYING' && options.waitingFor) {
    return note(`Request ${id} is approved, and waits for the lock on ${alias} to end: see its card.`);
  }
  if (event?.action === 'DENIED' || outcome === 'denied-again') {
    const reason = (event ?? state.events[state.events.length - 1])?.reason;
    return note(`You can't act on ${id}: ${reason}. Nothing was changed.`);
  }
  if (event?.action === 'EXPIRED') return note(`Request ${id} has expired; nothing was changed.`);
  if (outcome === 'already-approved')
    return note(`You have already approved ${id}; it needs someone else now.`);
  if (outcome === 'closed' && !event)
    return note(`Request ${id} has already ended (${state.status.toLowerCase()}).`);
  if (outcome === 'applying' && !event)
    return note(`Request ${id} is already approved: ${alias} is being updated.`);
  return undefined;
}

const note = (text: string): Message => ({ text, blocks: [section(text)] });
