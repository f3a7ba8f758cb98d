// The drift card (DESIGN.md section 3b): which alias changed outside the bot, from what to what,
// when it was noticed and by whom when known, with Adopt and Roll back while it is open. The same
// builder renders it again once adopted.
import type { ActionsBlock, KnownBlock } from '@slack/types';
import type { DriftState } from '../../domain/drift';
import { code, mentionUser, slackDate } from '../../domain/mrkdwn';
import { context, fields, header, type Message, safe, section } from './common';

export const DRIFT_ADOPT_ACTION = 'drift.adopt';
export const DRIFT_ROLLBACK_ACTION = 'drift.rollback';

export function driftCard({ drifted, adopted }: DriftState): Message {
  const deleted = drifted.toVersion === '';
  const to = deleted ? 'deleted' : drifted.toVersion;
  const from = drifted.fromVersion || 'unknown';
  const title = `Drift: ${drifted.function} ${drifted.alias} ${from} → ${to}`;
  const blocks: KnownBlock[] = [
    header(title),
    fields([
      `*Function*\n${drifted.function}  ·  ${code(drifted.functionName)}`,
      `*Alias*\n${drifted.alias}`,
      `*The bot knew*\n${from}`,
      `*Now*\n${to}`,
      `*Noticed*\n${slackDate(drifted.at)}`,
      `*Changed by*\n${drifted.actor === 'system' ? 'unknown (found by the drift check)' : who(drifted.actor)}`,
    ]),
  ];
  if (drifted.reason) blocks.push(section(`_${safe(drifted.reason, 500)}_`));
  if (adopted) {
    blocks.push(
      section(
        `:inbox_tray: *Adopted* by ${who(adopted.actor)}, ${slackDate(adopted.at)}: ${drifted.alias} at ${to} is now what the bot knows.`,
      ),
    );
  } else if (!deleted) {
    blocks.push(
      context(
        `${code(drifted.requestId)}  ·  *Adopt* records this state as known; *Roll back* asks, through the usual approvals, to point ${drifted.alias} at ${from} again.`,
      ),
      actions(drifted.requestId),
    );
  }
  if (adopted || deleted) blocks.push(context(code(drifted.requestId)));
  return { text: `${title}${adopted ? ' (adopted)' : ''}`, blocks };
}

/** A Slack user mentioned; an IAM identity (from CloudTrail) shown as escaped code. */
const who = (actor: string) => (/^[UW][A-Z0-9]+$/.test(actor) ? mentionUser(actor) : code(actor));

function actions(driftId: string): ActionsBlock {
  return {
    type: 'actions',
    block_id: 'drift.actions',
    elements: [
      {
        type: 'button',
        action_id: DRIFT_ADOPT_ACTION,
        text: { type: 'plain_text', text: 'Adopt', emoji: true },
        style: 'primary',
        value: driftId,
      },
      {
        type: 'button',
        action_id: DRIFT_ROLLBACK_ACTION,
        text: { type: 'plain_text', text: 'Roll back', emoji: true },
        style: 'danger',
        value: driftId,
      },
    ],
  };
}
