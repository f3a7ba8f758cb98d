import type { KnownBlock } from '@slack/types';
import { code, mentionUser, slackDate } from '../../domain/mrkdwn';
import type { FunctionStatus } from '../../use-cases/read-commands';
import { aliasPointer } from './aliases';
import { capBlocks, context, divider, header, type Message, plural, safe, section } from './common';
import { groupedByLocation } from './locations';

/** `otherAccounts`: the configuration's `accounts`, so functions are grouped by account and region. */
export function statusMessage(statuses: FunctionStatus[], otherAccounts: readonly string[] = []): Message {
  const blocks = groupedByLocation(statuses, otherAccounts, (status) => [
    ...(status === statuses[0] ? [] : [divider()]),
    ...functionBlocks(status),
  ]);
  const names = statuses.map(({ fn }) => fn.key).join(', ');
  return {
    text: `Status of ${names}`,
    blocks: capBlocks(
      blocks,
      (omitted) => `${plural(omitted, 'more block')} not shown: ask for one function.`,
    ),
  };
}

function functionBlocks({ fn, aliases, missingStages, error }: FunctionStatus): KnownBlock[] {
  const blocks: KnownBlock[] = [header(`${fn.key} (${fn.functionName})`)];
  if (error) return [...blocks, section(`:warning: ${safe(error.message, 500)}`)];
  if (aliases.length === 0) blocks.push(section('_This function has no aliases yet._'));
  for (const { alias, version, lastChange, pending } of aliases) {
    const lines = [aliasPointer(alias)];
    if (version) {
      const description = version.description ? `“${safe(version.description)}”` : '_no description_';
      lines.push(
        `${description}  ·  published ${slackDate(version.lastModified)}  ·  ${code(version.codeSha256.slice(0, 8))}`,
      );
    }
    lines.push(
      lastChange
        ? `Last change: ${lastChange.fromVersion} → ${lastChange.toVersion} by ${mentionUser(lastChange.actor)}, ${slackDate(lastChange.at)}`
        : 'Last change: _none recorded by this bot_',
    );
    for (const state of pending) {
      const { request } = state;
      lines.push(
        `:hourglass_flowing_sand: ${code(request.id)} → ${request.toVersion}, asked by ${mentionUser(request.requester)}, ` +
          `${state.approvals.length} of ${request.rule.required} approvals, expires ${slackDate(request.expiresAt, '{time}')}`,
      );
    }
    blocks.push(section(lines.join('\n')));
  }
  if (missingStages.length > 0)
    blocks.push(context(`Configured but missing in Lambda: ${missingStages.join(', ')}`));
  return blocks;
}
