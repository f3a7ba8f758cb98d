import type { KnownBlock } from '@slack/types';
import type { FunctionAliases } from '../../use-cases/read-commands';
import { aliasPointer } from './aliases';
import { capBlocks, context, header, type Message, plural, safe, section } from './common';

export function listMessage(functions: FunctionAliases[]): Message {
  const blocks: KnownBlock[] = [header(`Managed functions (${functions.length})`)];
  for (const { fn, aliases, missingStages, error } of functions) {
    const title = `*${fn.key}*${fn.functionName === fn.key ? '' : `  ·  \`${safe(fn.functionName)}\``}`;
    if (error) {
      blocks.push(section(`${title}\n:warning: ${safe(error.message, 500)}`));
      continue;
    }
    const pointers = aliases.length > 0 ? aliases.map(aliasPointer).join('   ') : '_no aliases_';
    blocks.push(section(`${title}\n${pointers}`));
    if (missingStages.length > 0) {
      blocks.push(context(`Configured but missing in Lambda: ${missingStages.join(', ')}`));
    }
  }
  return {
    text: `Managed functions: ${functions.map(({ fn }) => fn.key).join(', ')}`,
    blocks: capBlocks(blocks, (omitted) => `${plural(omitted, 'more block')} not shown.`),
  };
}
