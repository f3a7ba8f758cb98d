// help, list, status, versions, history: read-only answers, shown only to the caller.
import type { SlashCommand } from '@slack/bolt';
import type { Command } from '../../../domain/parse-command';
import {
  allStatuses,
  functionStatus,
  history,
  listFunctions,
  listVersions,
} from '../../../use-cases/read-commands';
import { type Message, section } from '../../blocks/common';
import { helpMessage } from '../../blocks/help';
import { historyMessage } from '../../blocks/history';
import { listMessage } from '../../blocks/list';
import { statusMessage } from '../../blocks/status';
import { versionsMessage } from '../../blocks/versions';
import type { SlackDeps } from '../../context';
import type { Reply } from './lambda-command';

/** How long `versions` may take before it answers asynchronously (cold start comes before it). */
export const VERSIONS_DEADLINE_MS = 1_200;

type ReadCommand = Exclude<
  Command,
  { kind: 'promote' | 'rollback' | 'cancel' | 'lock' | 'unlock' | 'locks' }
>;

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
      return reply(listMessage(await listFunctions(deps), Object.keys(deps.config.accounts)));
    case 'status':
      return reply(
        statusMessage(
          parsed.fn ? [await functionStatus(deps, parsed.fn)] : await allStatuses(deps),
          Object.keys(deps.config.accounts),
        ),
      );
    case 'versions': {
      // A function with many versions takes a page per 50 to list: more than Slack's 3 seconds
      // allow when AWS is slow and the container has not listed it before (published versions
      // are cached once seen). Past the deadline, answer now and let the bot's own asynchronous
      // invocation replace the answer; the listing goes on and warms this container's cache.
      const listing = listVersions(deps, parsed.fn, parsed.limit);
      const view = await beforeDeadline(listing, VERSIONS_DEADLINE_MS);
      if (view) return reply(versionsMessage(view));
      listing.catch(() => undefined);
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

/** The promise's value if it settles within `ms`; its rejection if it fails within `ms`. */
async function beforeDeadline<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<undefined>((resolve) => {
    timer = setTimeout(resolve, ms, undefined);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
