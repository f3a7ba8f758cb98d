import type { KnownBlock } from '@slack/types';
import type { LinkTemplates } from '../../domain/config-model';
import { code, mentionUser, slackDate } from '../../domain/mrkdwn';
import { type AuditAction, type AuditEvent, CI_ACTOR } from '../../domain/request';
import type { HistoryView } from '../../use-cases/read-commands';
import { capBlocks, header, type Message, plural, safe, section } from './common';
import { describeVersion } from './version-source';

const ICONS: Record<AuditAction, string> = {
  REQUESTED: ':memo:',
  APPROVED: ':white_check_mark:',
  DENIED: ':no_entry_sign:',
  REJECTED: ':x:',
  CANCELLED: ':leftwards_arrow_with_hook:',
  EXPIRED: ':hourglass:',
  APPLIED: ':rocket:',
  STALE: ':warning:',
  FAILED: ':boom:',
  SHIFTED: ':twisted_rightwards_arrows:',
  EXTENDED: ':hourglass_flowing_sand:',
  PAUSED: ':double_vertical_bar:',
  RESUMED: ':arrow_forward:',
  PROMOTED_NOW: ':fast_forward:',
  ROLLED_BACK: ':rewind:',
  LOCKED: ':lock:',
  UNLOCKED: ':unlock:',
  DRIFTED: ':eyes:',
  ADOPTED: ':inbox_tray:',
};

export function historyMessage({ fn, alias, events, links = {}, descriptions = {} }: HistoryView): Message {
  const title = `${fn.key}${alias ? ` ${alias}` : ''}: history`;
  const blocks: KnownBlock[] = [header(title)];
  if (events.length === 0) blocks.push(section('_No changes recorded yet._'));
  for (const event of events) {
    const actor =
      event.actor === 'system'
        ? 'the bot'
        : event.actor === CI_ACTOR
          ? ':robot_face: CI'
          : mentionUser(event.actor);
    const reason = event.reason ? `\n_${safe(event.reason, 500)}_` : '';
    // Lock events move no version: their alias (`*`: the whole function) and, with --for, their end.
    const change =
      event.fromVersion === '' && event.toVersion === ''
        ? `${event.alias === '*' ? 'every alias' : event.alias}${event.until ? ` until ${slackDate(event.until)}` : ''}`
        : `${event.alias} ${event.fromVersion} → ${event.toVersion}`;
    blocks.push(
      section(
        `${ICONS[event.action]} *${event.action}*  ${change}  ·  ` +
          `${actor}  ·  ${slackDate(event.at)}  ·  ${code(event.requestId)}${reason}` +
          sourceOf(event, links, descriptions),
      ),
    );
  }
  return {
    text: title,
    blocks: capBlocks(blocks, (omitted) => `${plural(omitted, 'more event')} not shown.`),
  };
}

/** The new version's source line, with a compare link from the version it replaced. */
function sourceOf(event: AuditEvent, links: LinkTemplates, descriptions: Record<string, string>): string {
  const description = Object.hasOwn(descriptions, event.toVersion)
    ? descriptions[event.toVersion]
    : undefined;
  if (description === undefined) return '';
  const replacing = Object.hasOwn(descriptions, event.fromVersion)
    ? descriptions[event.fromVersion]
    : undefined;
  const { source } = describeVersion(description, links, replacing === undefined ? {} : { replacing });
  return source ? `\n${event.toVersion}: ${source}` : '';
}
