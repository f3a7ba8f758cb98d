import type { KnownBlock } from '@slack/types';
import { percent } from '../../domain/model';
import { code, slackDate } from '../../domain/mrkdwn';
import type { VersionsView } from '../../use-cases/read-commands';
import { context, header, LIMITS, type Message, plural, section } from './common';
import { describeVersion } from './version-source';

export function versionsMessage({ fn, rows, total, links = {} }: VersionsView): Message {
  const blocks: KnownBlock[] = [header(`${fn.key}: newest ${plural(rows.length, 'version')} of ${total}`)];
  if (rows.length === 0) blocks.push(section('_No published versions yet._'));
  // Slack takes 50 blocks: the header, the versions, and a closing note when one is due.
  const olderExist = total > rows.length;
  const room = LIMITS.blocks - 1 - (olderExist || rows.length > LIMITS.blocks - 1 ? 1 : 0);
  const shown = rows.slice(0, room);
  for (const { version, aliases } of shown) {
    const pointers = aliases
      .map(({ name, weight }) => (weight >= 0.9995 ? `*${name}*` : `*${name}* (${percent(weight)})`))
      .join(', ');
    const described = describeVersion(version.description, links);
    const description = described.text || (described.source ? '' : '_no description_');
    blocks.push(
      section(
        `*${version.version}*${pointers ? `  ←  ${pointers}` : ''}\n${description ? `${description}\n` : ''}` +
          `${slackDate(version.lastModified)}  ·  ${code(version.codeSha256.slice(0, 8))}` +
          (described.source ? `  ·  ${described.source}` : ''),
      ),
    );
  }
  if (shown.length < rows.length) {
    blocks.push(context(`${plural(rows.length - shown.length, 'more version')} not shown.`));
  } else if (olderExist) {
    blocks.push(context(`Older versions: \`/lambda versions ${fn.key} --limit N\` shows up to 50.`));
  }
  return { text: `Versions of ${fn.key}`, blocks };
}
