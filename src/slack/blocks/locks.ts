// Messages about deploy locks: the note a lock or unlock leaves in the channel (so that everyone
// sees who holds it and why), and `/lambda locks`.
import { describeLock, type Lock, WHOLE_FUNCTION } from '../../domain/lock';
import { code, mentionUser } from '../../domain/mrkdwn';
import { sentenceMrkdwn, sentenceText } from '../../domain/sentence';
import { capBlocks, type Message, plural, section } from './common';

const unlockCommand = (lock: Lock) =>
  `/lambda unlock ${lock.function}${lock.alias === WHOLE_FUNCTION ? '' : ` ${lock.alias}`}`;

export function lockedMessage(lock: Lock): Message {
  const text =
    `:lock: ${sentenceMrkdwn(describeLock(lock))} New requests for it are refused, except ${mentionUser(lock.holder)}'s, ` +
    `and approved ones wait. ${code(unlockCommand(lock))} lifts it (${code(lock.id)}).`;
  return { text: sentenceText(describeLock(lock)), blocks: [section(text)] };
}

export function unlockedMessage(lock: Lock, actor: string, released: string[]): Message {
  const scope =
    lock.alias === WHOLE_FUNCTION ? `${lock.function} (every alias)` : `${lock.function} ${lock.alias}`;
  const waiting =
    released.length === 0
      ? ''
      : ` ${plural(released.length, 'approved request')} it kept waiting ${released.length === 1 ? 'is' : 'are'} being applied: ${released.map(code).join(', ')}.`;
  const text = `:unlock: ${scope} is unlocked by ${mentionUser(actor)} (${code(lock.id)}, held by ${mentionUser(lock.holder)}).${waiting}`;
  return { text: `${scope} is unlocked.`, blocks: [section(text)] };
}

export function locksMessage(locks: Lock[]): Message {
  if (locks.length === 0) {
    const text = 'No locks in force.';
    return { text, blocks: [section(`:unlock: ${text}`)] };
  }
  const blocks = locks.map((lock) =>
    section(`:lock: ${sentenceMrkdwn(describeLock(lock))}  ${code(lock.id)}`),
  );
  return {
    text: `${plural(locks.length, 'lock')} in force`,
    blocks: capBlocks(blocks, (omitted) => `${plural(omitted, 'more lock')} not shown.`),
  };
}
