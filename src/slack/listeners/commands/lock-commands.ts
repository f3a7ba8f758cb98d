// lock, unlock, locks. A lock and an unlock answer in the channel, visible to everyone: a lock
// only helps if people see who holds it and why. `locks` answers only the caller.
import type { SlashCommand } from '@slack/bolt';
import type { Command } from '../../../domain/parse-command';
import { lock, locksInForceEverywhere, unlock } from '../../../use-cases/locks';
import { lockedMessage, locksMessage, unlockedMessage } from '../../blocks/locks';
import type { SlackDeps } from '../../context';
import type { Reply } from './lambda-command';

type LockCommand = Extract<Command, { kind: 'lock' | 'unlock' | 'locks' }>;

export async function lockCommand(
  parsed: LockCommand,
  command: SlashCommand,
  { deps }: SlackDeps,
): Promise<Reply> {
  const who = { user: command.user_id, team: command.team_id, channel: command.channel_id };
  switch (parsed.kind) {
    case 'lock':
      return { message: lockedMessage(await lock(deps, parsed, who)), visibility: 'in_channel' };
    case 'unlock': {
      const { lock: lifted, released } = await unlock(deps, parsed, who);
      return { message: unlockedMessage(lifted, who.user, released), visibility: 'in_channel' };
    }
    case 'locks':
      return { message: locksMessage(await locksInForceEverywhere(deps)), visibility: 'ephemeral' };
  }
}
