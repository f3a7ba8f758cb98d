// help, list, status, versions, history: read-only answers, shown only to the caller.
import type { SlashCommand } from '@slack/bolt';
import type { Command } from '../../../domain/parse-command';
import {
  allStatuses,
  functionStatus,
  history,
  listFunctions,
  listVersions,
  versionsAreQuick,
} from '../../../use-cases/read-commands';
import { type Message, section } from '../../blocks/common';
import { helpMessage } from '../../blocks/help';
import { historyMessage } from '../../blocks/history';
import { listMessage } from '../../blocks/list';
import { statusMessage } from '../../blocks/status';
import { versionsMessage } from '../../blocks/versions';
import type { SlackDeps } from '../../context';
import type { Reply } from './lambda-command';

type ReadCommand = Exclude<Command, { kind: 'promote' | 'rollback' | 'cancel' }>;

export async function readCommand(
  parsed: ReadCommand,
  command: SlashCommand,
  { deps }: SlackDeps,
): Promise<Reply> {
  const reply = (message: Message): Reply => ({ message, visibility: 'ephemeral' });
  switch (parsed.kind) {
    case 'help':
      return reply(helpMessage());
    case 'list':
      return reply(listMessage(await listFunctions(deps)));
    case 'status':
      return reply(
        statusMessage(parsed.fn ? [await functionStatus(deps, parsed.fn)] : await allStatuses(deps)),
      );
    case 'versions': {
      if (versionsAreQuick(deps, parsed.fn))
        return reply(versionsMessage(await listVersions(deps, parsed.fn, parsed.limit)));
      // Paging through every version of a function can outlast Slack's 3 seconds: answer now,
      // list them in the bot's own asynchronous invocation, which replaces this answer.
      await deps.queue.enqueue({
        kind: 'versions',
        fn: parsed.fn,
        limit: parsed.limit,
        responseUrl: command.response_url,
      });
      return reply({
        text: `Reading the versions of ${parsed.fn}…`,
        blocks: [section(`:mag: Reading the versions of *${parsed.fn}*…`)],
      });
    }
    case 'history':
      return reply(historyMessage(await history(deps, parsed.fn, parsed.alias, parsed.limit)));
  }
}
