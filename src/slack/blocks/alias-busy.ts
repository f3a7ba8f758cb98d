// The answer to a request refused because its alias already has an open one (DESIGN.md section
// 3): which request, who asked, and who can end it.
import type { OpenRequestInfo } from '../../domain/errors';
import type { ApprovalRule } from '../../domain/model';
import { code, mentionGroup, mentionUser } from '../../domain/mrkdwn';
import { type Message, note } from './common';

export function aliasBusyMessage(open: OpenRequestInfo, rule: ApprovalRule): Message {
  const { requestId, alias, requester } = open;
  const about = open.toVersion === undefined ? '' : ` (→ ${open.toVersion})`;
  const head = `${alias} of ${open.function} already has an open request, ${code(requestId)}${about}, asked by ${mentionUser(requester)}. One request per alias at a time.`;
  let ending: string;
  if (open.status === 'PENDING') {
    const approvers =
      rule.approvers === 'anyone'
        ? 'any approver'
        : `an approver (${rule.approvers.map((id) => (id.startsWith('S') ? mentionGroup(id) : mentionUser(id))).join(', ')})`;
    ending =
      `${mentionUser(requester)} can withdraw it with \`/lambda cancel ${requestId}\`, or ${approvers} can reject it on its card. ` +
      'Then ask again.';
  } else if (open.status === 'REQUESTING') {
    ending = 'It is being made right now: look for its card, then approve, reject or cancel it.';
  } else {
    ending =
      `It is approved and being applied to ${alias}: ask again once its card shows the outcome ` +
      '(if its card says it is waiting, *Retry* on it starts the update).';
  }
  const text = `:no_entry: ${head} ${ending}`;
  return note(text);
}
