// Approve and Reject on a request's card. Acknowledge at once, take the step, see that the card is
// replaced for everyone, and tell the clicker privately when their click changed nothing.
//
// Round trips in a row to the answer (issue 12): the step costs two (the request with the
// approvers' groups beside it, then the append); then one more at most, all at once: the Invokes
// that leave the card (and, completing the approvals, the apply) to the worker, or the final card
// of an ended request (a final state needs no read after it), and the clicker's note. The read
// after an update that card-sync needs for a request still open runs in the worker, off the answer.
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { isChatopsError } from '../../../domain/errors';
import { REQUEST_ID } from '../../../domain/parse-command';
import type { CardLocation } from '../../../ports';
import { allSettledOrThrow } from '../../../use-cases/all-settled-or-throw';
import {
  type ClickReply,
  click,
  LEASE_GRACE_MS,
  queueCard,
  type StepResult,
} from '../../../use-cases/requests';
import { type Message, note, section } from '../../blocks/common';
import { APPROVE_ACTION, REJECT_ACTION } from '../../blocks/request-card';
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
      const card = clickedCard(body);
      try {
        const result = await click(slack.deps, {
          requestId,
          actor: body.user.id,
          type,
          responseUrl,
          ...(card ? { card } : {}),
        });
        const told = clickNote(result);
        await allSettledOrThrow([
          showCard(slack, result, { responseUrl, card }),
          told ? slack.messenger.tell(responseUrl, told) : undefined,
        ]);
      } catch (error) {
        if (isChatopsError(error, 'REQUEST_NOT_FOUND')) {
          if (card && !settledSince(card, slack.deps.clock.now())) {
            // A card is posted alongside its request's write (issue 12): a click this soon may
            // be faster than a write still being retried. Its card stays as it is.
            await slack.messenger.tell(
              responseUrl,
              note(
                `Request ${requestId} is still being recorded: try again in a moment. Nothing was changed.`,
              ),
            );
            return;
          }
          // A card whose request was never stored (or is in another bot's table) can approve
          // nothing: it loses its buttons, so nobody clicks it again.
          await allSettledOrThrow([
            slack.messenger.replace(orphanCard(requestId), { responseUrl }),
            slack.messenger.tell(responseUrl, errorReply(error, undefined, slack.logger)),
          ]);
          return;
        }
        await slack.messenger.tell(responseUrl, errorReply(error, undefined, slack.logger));
      }
    });
  }
}

/**
 * The card after a click, by the fewest round trips that keep card-sync's guarantee (the card
 * never ends older than the request; DESIGN.md section 3, "after every decision the card is
 * replaced"): every event this click stored is followed by an update and, while the request is
 * still open, a read after it, by someone.
 */
async function showCard(slack: SlackDeps, result: StepResult, reply: ClickReply): Promise<void> {
  const { state, outcome, event } = result;
  // Left to the worker with the apply (click): its `request.card` task, and the apply's own task
  // after applying, waiting for a lock or finding it done.
  if (result.applyStarted) return;
  const where = { card: result.card, responseUrl: reply.responseUrl };
  if (outcome === 'apply-not-started') {
    // Approved, but nobody is applying it: the card offers Retry. Drawn here (the worker did not
    // start), with the read after it.
    await syncCard(slack, state, where, { ...(await cardOptionsFor(slack, state)), stalled: true });
    return;
  }
  // DENIED changes nothing the card shows; already approved / refused again store nothing.
  if (!event && outcome !== 'closed' && outcome !== 'applying') return;
  if (event?.action === 'DENIED') return;
  // Ended (by this click, or before it: a stale card is healed): one update, nothing to read after.
  if (state.final) {
    await syncCard(slack, state, where);
    return;
  }
  const problem = await queueCard(slack.deps, state.request.id, reply);
  if (problem === undefined) return;
  // The worker could not be started: this click updates the card itself, read after it included.
  slack.logger.warn(
    `request ${state.request.id}: its card could not be left to the worker (${problem}); the click updates it`,
  );
  await syncCard(slack, state, where, await cardOptionsFor(slack, state));
}

/** The message the button is on (its channel and ts), from the payload; not an ephemeral one. */
function clickedCard(body: BlockAction): CardLocation | undefined {
  const container = body.container as { channel_id?: unknown; message_ts?: unknown; is_ephemeral?: unknown };
  if (container.is_ephemeral === true) return undefined;
  const channel = typeof container.channel_id === 'string' ? container.channel_id : body.channel?.id;
  const ts = typeof container.message_ts === 'string' ? container.message_ts : body.message?.ts;
  return channel && ts ? { channel, ts } : undefined;
}

function clickNote({ state, outcome, event, problem, applyStarted }: StepResult): Message | undefined {
  const { id, alias } = state.request;
  if (outcome === 'apply-not-started') {
    return note(
      `${id} is approved, but the update of ${alias} could not be started (${problem ?? 'the worker did not answer'}): ` +
        `${alias} has not changed yet. Click *Retry* on its card (or Approve again) to start it now.`,
    );
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
  // Not after this click started the apply: its task tells the clicker if it must wait for a lock.
  if (outcome === 'applying' && !event && !applyStarted)
    return note(`Request ${id} is already approved: ${alias} is being updated.`);
  return undefined;
}

/**
 * Whether a card was posted long enough ago that its request, written alongside it, would be
 * stored by now if it ever is: the lease's grace (longer than the function's timeout). A card's
 * `ts` is Slack's time of posting, in seconds.
 */
function settledSince(card: CardLocation, now: Date): boolean {
  const postedMs = Number(card.ts) * 1000;
  return !Number.isFinite(postedMs) || now.getTime() - postedMs >= LEASE_GRACE_MS;
}

/** What replaces a card whose request does not exist: the same words, no buttons. */
function orphanCard(requestId: string): Message {
  const text =
    `*There is no request ${requestId}*: this card belongs to no stored request, so there is nothing to approve or reject. ` +
    'Ask again with `/lambda promote` or `/lambda rollback` if the change is still wanted.';
  return { text: `There is no request ${requestId}`, blocks: [section(text)] };
}
