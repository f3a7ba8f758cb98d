import type { KnownBlock } from '@slack/types';
import { code, slackDate } from '../../domain/mrkdwn';
import type { VersionsView } from '../../use-cases/read-commands';
import { percent } from './aliases';
import { capBlocks, context, header, type Message, plural, safe, section } from './common';

export function versionsMessage({ fn, rows, total }: VersionsView): Message {
  const blocks: KnownBlock[] = [header(`${fn.key}: newest ${plural(rows.length, 'version')} of ${total}`)];
  if (rows.length === 0) blocks.push(section('_No published versions yet._'));
  for (const { version, aliases } of rows) {
    const pointers = aliases
      .map(({ name, weight }) => (weight >= 0.9995 ? `*${name}*` : `*${name}* (${percent(weight)})`))
      .join(', ');
    const description = version.description ? safe(version.description) : '_no description_';
    blocks.push(
      section(
        `*${version.version}*${pointers ? `  ←  ${pointers}` : ''}\n${description}\n` +
          `${slackDate(version.lastModified)}  ·  ${code(version.codeSha256.slice(0, 8))}`,
      ),
    );
  }
  if (total > rows.length) {
    blocks.push(context(`Older versions: \`/lambda versions ${fn.key} --limit N\` shows up to 50.`));
  }
  return {
    text: `Versions of ${fn.key}`,
    blocks: capBlocks(blocks, (omitted) => `${plural(omitted, 'more version')} not shown.`),
  };
}
