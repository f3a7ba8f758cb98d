// Adopt and Roll back on a drift card (DESIGN.md section 3b). Adopt records the drifted state as
// known and replaces the card; Roll back opens a normal request back to the known version, whose
// card goes to the channel like any other. Neither moves an alias: this is the Slack-facing
// function.
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { DRIFT_ID } from '../../../domain/drift';
import { AliasBusyError } from '../../../domain/errors';
import { ruleFor } from '../../../domain/policy';
import { adoptDrift, type DriftView, rollBackDrift } from '../../../use-cases/drift';
import { recordAndAnnounce } from '../../announce-request';
import { aliasBusyMessage } from '../../blocks/alias-busy';
import { type Message, note } from '../../blocks/common';
import { DRIFT_ADOPT_ACTION, DRIFT_ROLLBACK_ACTION, driftCard } from '../../blocks/drift-card';
import type { SlackDeps } from '../../context';
import { errorReply } from '../../error-reply';

export function registerDriftButtons(app: App, slack: SlackDeps): void {
  app.action<BlockAction<ButtonAction>>(DRIFT_ADOPT_ACTION, async ({ ack, body, action }) => {
    await ack();
    const driftId = action.value ?? '';
    const responseUrl = body.response_url;
    if (!DRIFT_ID.test(driftId)) {
      await slack.messenger.tell(responseUrl, note('This button does not belong to a drift.'));
      return;
    }
    try {
      const view = await adoptDrift(slack.deps, { driftId, actor: body.user.id });
      const card =
        body.channel?.id && body.message?.ts ? { channel: body.channel.id, ts: body.message.ts } : undefined;
      if (view.outcome !== 'moved-since')
        await slack.messenger.replace(driftCard(view.state), { card, responseUrl });
      const told = adoptNote(view);
      if (told) await slack.messenger.tell(responseUrl, told);
    } catch (error) {
      await slack.messenger.tell(responseUrl, errorReply(error, undefined, slack.logger));
    }
  });

  app.action<BlockAction<ButtonAction>>(DRIFT_ROLLBACK_ACTION, async ({ ack, body, action }) => {
    await ack();
    const driftId = action.value ?? '';
    const responseUrl = body.response_url;
    if (!DRIFT_ID.test(driftId)) {
      await slack.messenger.tell(responseUrl, note('This button does not belong to a drift.'));
      return;
    }
    const channel = body.channel?.id ?? slack.deps.config.drift?.channel ?? '';
    try {
      const who = {
        user: body.user.id,
        team: body.team?.id ?? body.user.team_id ?? '',
        channel,
        // A redelivered click (Slack's retry) finds the request its first delivery opened.
        ...(body.trigger_id ? { delivery: body.trigger_id } : {}),
      };
      const { made, card } = await recordAndAnnounce(
        slack,
        channel,
        (announcer) => rollBackDrift(slack.deps, { driftId, who }, announcer),
        { responseUrl },
      );
      const { id, alias, toVersion } = made.state.request;
      await slack.messenger.tell(
        responseUrl,
        note(
          card
            ? `Request ${id} asks to point ${alias} back at ${toVersion}: it needs the usual approvals.`
            : `Request ${id} asks to point ${alias} back at ${toVersion}, but the bot may not post its card in this channel.`,
        ),
      );
    } catch (error) {
      if (error instanceof AliasBusyError) {
        const message = aliasBusyMessage(error.open, ruleFor(slack.deps.config, error.open.alias));
        await slack.messenger.tell(responseUrl, message);
        return;
      }
      await slack.messenger.tell(responseUrl, errorReply(error, undefined, slack.logger));
    }
  });
}

function adoptNote({ state, outcome }: DriftView): Message | undefined {
  const { drifted } = state;
  if (outcome === 'already-adopted') return note(`Drift ${drifted.requestId} was already adopted.`);
  if (outcome === 'moved-since') {
    return note(
      `${drifted.alias} has changed again since this drift was noticed: nothing was adopted. ` +
        `See \`/lambda status ${drifted.function}\`.`,
    );
  }
  return undefined;
}
