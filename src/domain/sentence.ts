// Sentences the domain composes about user- and AWS-controlled values (a lock's reason, a user
// id, a date), kept as parts so the one layer that knows Slack renders each safely: text and
// reasons escaped, users as mentions, dates as Slack dates (`sentenceMrkdwn`).
import { escapeText, mentionUser, slackDate } from './mrkdwn';

/**
 * A sentence as data: the Slack layer renders `text` and `reason` escaped, `user` as a mention,
 * `date` as a Slack date; nothing here is mrkdwn.
 */
export type SentencePart =
  | { kind: 'text'; text: string }
  | { kind: 'user'; id: string }
  | { kind: 'date'; iso: string }
  | { kind: 'reason'; text: string };

const PLAIN: { [K in SentencePart['kind']]: (part: Extract<SentencePart, { kind: K }>) => string } = {
  text: (part) => part.text,
  user: (part) => part.id,
  date: (part) => part.iso,
  reason: (part) => `“${part.text}”`,
};

/** The sentence as plain text (logs, tests, plain_text blocks). */
export function sentenceText(parts: SentencePart[]): string {
  return parts.map((part) => (PLAIN[part.kind] as (p: SentencePart) => string)(part)).join('');
}

const MRKDWN: { [K in SentencePart['kind']]: (part: Extract<SentencePart, { kind: K }>) => string } = {
  text: (part) => escapeText(part.text),
  user: (part) => mentionUser(part.id),
  date: (part) => slackDate(part.iso),
  reason: (part) => `“${escapeText(part.text)}”`,
};

/** The sentence as Slack mrkdwn: every part escaped or built from a validated id. */
export function sentenceMrkdwn(parts: SentencePart[]): string {
  return parts.map((part) => (MRKDWN[part.kind] as (p: SentencePart) => string)(part)).join('');
}
