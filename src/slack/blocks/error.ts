import type { KnownBlock } from '@slack/types';
import { escapeText } from '../../domain/mrkdwn';
import { context, type Message, section } from './common';

/** An error reply: what was wrong, and the usage line that applies. */
export function errorMessage(problem: string, usage?: string): Message {
  const blocks: KnownBlock[] = [section(`:warning: ${escapeText(problem)}`)];
  if (usage) blocks.push(context(`Usage: \`${escapeText(usage)}\``));
  return { text: usage ? `${problem} Usage: ${usage}` : problem, blocks };
}
