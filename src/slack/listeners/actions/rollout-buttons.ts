// Promote now, Pause, Resume and Roll back on a rollout's card. Acknowledge at once, take the
// step (the worker does what needs AWS), replace the card for everyone, and tell the clicker
// privately when their click changed nothing.
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { REQUEST_ID } from '../../../domain/parse-command';
import type { RolloutButton } from '../../../domain/rollout';
import { type RolloutClickResult, rolloutClick } from '../../../use-cases/rollout-buttons';
import { type Message, note } from '../../blocks/common';
import {
  ROLLOUT_PAUSE_ACTION,
  ROLLOUT_PROMOTE_ACTION,
  ROLLOUT_RESUME_ACTION,
  ROLLOUT_ROLLBACK_ACTION,
  rolloutCard,
} from '../../blocks/rollout-card';
import type { SlackDeps } from '../../context';
import { errorReply } from '../../error-reply';

const BUTTONS: [string, RolloutButton][] = [
  [ROLLOUT_PROMOTE_ACTION, 'promote'],
  [ROLLOUT_PAUSE_ACTION, 'pause'],
  [ROLLOUT_RESUME_ACTION, 'resume'],
  [ROLLOUT_ROLLBACK_ACTION, 'rollback'],
];

export function registerRolloutButtons(app: App, slack: SlackDeps): void {
  for (const [actionId, button] of BUTTONS) {
    app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action }) => {
      await ack();
      const requestId = action.value ?? '';
      const responseUrl = body.response_url;
      if (!REQUEST_ID.test(requestId)) {
        await slack.messenger.tell(responseUrl, note('This button does not belong to a rollout.'));
        return;
      }
      try {
        const result = await rolloutClick(slack.deps, {
          requestId,
          actor: body.user.id,
          button,
          responseUrl,
        });
        if (result.outcome === 'recorded' || result.outcome === 'ended') {
          const card = rolloutCard(result.state, result.events, undefined, slack.deps.clock.now());
          await slack.messenger.replace(card, { card: result.card, responseUrl });
        }
        const told = clickNote(result, button);
        if (told) await slack.messenger.tell(responseUrl, told);
      } catch (error) {
        await slack.messenger.tell(responseUrl, errorReply(error, undefined, slack.logger));
      }
    });
  }
}

function clickNote(result: RolloutClickResult, button: RolloutButton): Message | undefined {
  const { id, alias, fromVersion } = result.state.request;
  switch (result.outcome) {
    case 'recorded':
      return undefined;
    case 'rolling-back':
      return note(`Rolling back ${id}: ${alias} goes back to ${fromVersion}.`);
    case 'not-allowed':
      return note(
        `You can't ${button === 'promote' ? 'promote' : button} ${id}: ${result.refusal}. Nothing was changed.`,
      );
    case 'ended':
      return note(`Rollout ${id} has already ended.`);
    case 'paused':
      return note(`Rollout ${id} is already paused.`);
    case 'not-paused':
      return note(`Rollout ${id} is not paused.`);
    case 'not-a-rollout':
      return note(`Request ${id} is not a rollout.`);
    default:
      return note(`Rollout ${id} is not under way yet (or is finishing): nothing was changed.`);
  }
}
