// Small Block Kit helpers shared by the message builders. Every builder is a pure function from
// a view model to a message; text that users or AWS control is escaped before it gets here.
import type { ContextBlock, HeaderBlock, KnownBlock, SectionBlock } from '@slack/types';
import { escapeText, truncate } from '../../domain/mrkdwn';

export interface Message {
  /** Notification and screen-reader text; Slack shows it when blocks cannot be shown. */
  text: string;
  blocks: KnownBlock[];
}

/** Slack's limits (characters) for the parts we fill. */
export const LIMITS = { header: 150, sectionText: 3000, field: 2000, contextText: 2000, blocks: 50 } as const;

export const header = (text: string): HeaderBlock => ({
  type: 'header',
  text: { type: 'plain_text', text: truncate(text, LIMITS.header), emoji: true },
});

export const section = (mrkdwn: string): SectionBlock => ({
  type: 'section',
  text: { type: 'mrkdwn', text: truncate(mrkdwn, LIMITS.sectionText) },
});

export const fields = (items: string[]): SectionBlock => ({
  type: 'section',
  fields: items.slice(0, 10).map((text) => ({ type: 'mrkdwn', text: truncate(text, LIMITS.field) })),
});

export const context = (...items: string[]): ContextBlock => ({
  type: 'context',
  elements: items.slice(0, 10).map((text) => ({ type: 'mrkdwn', text: truncate(text, LIMITS.contextText) })),
});

export const divider = (): KnownBlock => ({ type: 'divider' });

/** A message of one mrkdwn section: a note to someone, an error, a one-line answer. */
export const note = (text: string): Message => ({ text, blocks: [section(text)] });

/** User- or AWS-controlled text, escaped and cut to a length that fits a field. */
export const safe = (text: string, max = 200): string => escapeText(truncate(text, max));

/** Keeps a message within Slack's 50 blocks, saying what was left out. */
export function capBlocks(blocks: KnownBlock[], note: (omitted: number) => string): KnownBlock[] {
  if (blocks.length <= LIMITS.blocks) return blocks;
  const kept = blocks.slice(0, LIMITS.blocks - 1);
  return [...kept, context(note(blocks.length - kept.length))];
}

export const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
