import type { KnownBlock } from '@slack/types';
import type { FunctionAliases } from '../../use-cases/read-commands';
import { aliasPointer } from './aliases';
import { capBlocks, context, header, type Message, plural, safe, section } from './common';
import { groupedByLocation } from './locations';

/** `otherAccounts`: the configuration's `accounts`, so functions are grouped by account and region. */
export function listMessage(functions: FunctionAliases[], otherAccounts: readonly string[] = []): Message {
  const blocks: KnownBlock[] = [
    header(`Managed functions (${functions.length})`),
    ...groupedByLocation(functions, otherAccounts, functionBlocks),
  ];
  return {
    text: `Managed functions: ${functions.map(({ fn }) => fn.key).join(', ')}`,
    blocks: capBlocks(blocks, (omitted) => `${plural(omitted, 'more block')} not shown.`),
  };
}

function functionBlocks({ fn, aliases, missingStages, error }: FunctionAliases): KnownBlock[] {
  const title = `*${fn.key}*${fn.functionName === fn.key ? '' : `  ·  \`${safe(fn.functionName)}\``}`;
  if (error) return [section(`${title}\n:warning: ${safe(error.message, 500)}`)];
  const pointers = aliases.length > 0 ? aliases.map(aliasPointer).join('   ') : '_no aliases_';
  const blocks: KnownBlock[] = [section(`${title}\n${pointers}`)];
  if (missingStages.length > 0) {
    blocks.push(context(`Configured but missing in Lambda: ${missingStages.join(', ')}`));
  }
  return blocks;
}
