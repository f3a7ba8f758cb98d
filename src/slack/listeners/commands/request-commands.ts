// promote, rollback, cancel: changes are requests, announced with a card the whole channel sees.
import type { SlashCommand } from '@slack/bolt';
import { AliasBusyError } from '../../../domain/errors';
import type { Command } from '../../../domain/parse-command';
import { ruleFor } from '../../../domain/policy';
import { cancel, requestPromotion, requestRollback, type StepResult } from '../../../use-cases/requests';
import { type Announced, recordAndAnnounce } from '../../announce-request';
import { aliasBusyMessage } from '../../blocks/alias-busy';
import { type Message, note } from '../../blocks/common';
import { requestCard } from '../../blocks/request-card';
import { syncCard } from '../../card-sync';
import type { SlackDeps } from '../../context';
import type { Reply } from './lambda-command';

type RequestCommand = Extract<Command, { kind: 'promote' | 'rollback' | 'cancel' }>;

export async function requestCommand(
  parsed: RequestCommand,
  command: SlashCommand,
  slack: SlackDeps,
): Promise<Reply> {
  const { deps } = slack;
  const who = {
    user: command.user_id,
    team: command.team_id,
    channel: command.channel_id,
    ...(command.trigger_id ? { delivery: command.trigger_id } : {}),
  };
  if (parsed.kind === 'cancel') {
    const result = await cancel(deps, { requestId: parsed.requestId, actor: who.user });
    if (result.event) await syncCard(slack, result.state, { card: result.card });
    return { message: cancelNote(result), visibility: 'ephemeral' };
  }
  let announced: Announced;
  try {
    announced = await recordAndAnnounce(
      slack,
      who.channel,
      (announcer) =>
        parsed.kind === 'rollback'
          ? requestRollback(
              deps,
              { fn: parsed.fn, alias: parsed.alias, override: parsed.override },
              who,
              announcer,
            )
          : requestPromotion(deps, parsed, who, announcer),
      { responseUrl: command.response_url },
    );
  } catch (error) {
    if (!(error instanceof AliasBusyError)) throw error;
    return {
      message: aliasBusyMessage(error.open, ruleFor(deps.config, error.open.alias)),
      visibility: 'ephemeral',
    };
  }
  // The card is in the channel (this delivery's, or an earlier delivery's of the same command).
  if (announced.card) return undefined;
  // The bot may not or could not post in this channel (not joined, private, rate-limited, Slack
  // failing): the answer to the command itself carries the card, visible to everyone there.
  return { message: requestCard(announced.made.state), visibility: 'in_channel' };
}

function cancelNote({ state, outcome, event }: StepResult): Message {
  const { id, alias, fromVersion } = state.request;
  let text: string;
  if (event?.action === 'CANCELLED') text = `Request ${id} is cancelled: ${alias} stays at ${fromVersion}.`;
  else if (event?.action === 'EXPIRED')
    text = `Request ${id} had already expired: ${alias} stays at ${fromVersion}.`;
  else if (outcome === 'not-requester')
    text = `Only the requester can cancel ${id}; approvers can reject it on its card.`;
  else if (outcome === 'applying')
    text = `Request ${id} is approved and being applied: it can no longer be cancelled.`;
  else text = `Request ${id} has already ended (${state.status.toLowerCase()}).`;
  return note(text);
}
