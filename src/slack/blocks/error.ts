import type { KnownBlock } from '@slack/types';
import { escapeText } from '../../domain/mrkdwn';
import { type SentencePart, sentenceMrkdwn, sentenceText } from '../../domain/sentence';
import { context, type Message, section } from './common';

/** An error reply: what was wrong, and the usage line that applies. */
export function errorMessage(problem: string, usage?: string): Message {
  const blocks: KnownBlock[] = [section(`:warning: ${withChannelLinks(escapeText(problem))}`)];
  if (usage) blocks.push(context(`Usage: \`${escapeText(usage)}\``));
  const text = escapeText(usage ? `${problem} Usage: ${usage}` : problem);
  return { text, blocks };
}

/** Channel links (`<#C…>`, ids from the configuration) are the one markup errors keep: they notify nobody. */
function withChannelLinks(escaped: string): string {
  return escaped.replace(/&lt;#([CG][A-Z0-9]{2,})&gt;/g, '<#$1>');
}

/** A refusal whose sentence names people and times (a lock's holder, a freeze's end). */
export function refusalMessage(sentence: SentencePart[], usage?: string): Message {
  const blocks: KnownBlock[] = [section(`:no_entry: ${sentenceMrkdwn(sentence)}`)];
  if (usage) blocks.push(context(`Usage: \`${escapeText(usage)}\``));
  return { text: escapeText(sentenceText(sentence)), blocks };
}
