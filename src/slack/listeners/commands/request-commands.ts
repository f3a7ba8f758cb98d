// promote, rollback, cancel: changes are requests, announced with a card the whole channel sees.
import type { SlashCommand } from '@slack/bolt';
import type { Command } from '../../../domain/parse-command';
import { cancel, requestPromotion, requestRollback, type StepResult } from '../../../use-cases/requests';
import { type Message, section } from '../../blocks/common';
import { requestCard } from '../../blocks/request-card';
import type { SlackDeps } from '../../context';
import type { Reply } from './lambda-command';

type RequestCommand = Extract<Command, { kind: 'promote' | 'rollback' | 'cancel' }>;

export async function requestCommand(
  parsed: RequestCommand,
  command: SlashCommand,
  slack: SlackDeps,
): Promise<Reply> {
  const { deps, messenger } = slack;
  const who = { user: command.user_id, team: command.team_id, channel: command.channel_id };
  if (parsed.kind === 'cancel') {
    const result = await cancel(deps, { requestId: parsed.requestId, actor: who.user });
    if (result.event) await messenger.replace(requestCard(result.state), { card: result.card });
    return { message: cancelNote(result), visibility: 'ephemeral' };
  }
  const state =
    parsed.kind === 'rollback'
      ? await requestRollback(deps, { fn: parsed.fn, alias: parsed.alias, override: parsed.override }, who)
      : await requestPromotion(deps, parsed, who);
  const card = requestCard(state);
  const location = await messenger.post(who.channel, card);
  if (location) {
    await deps.requests.saveCard(state.request, location);
    return undefined;
  }
  // The bot may not post in this channel (not joined, private): the answer to the command
  // itself carries the card, visible to everyone in the channel.
  return { message: card, visibility: 'in_channel' };
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
  return { text, blocks: [section(text)] };
}
