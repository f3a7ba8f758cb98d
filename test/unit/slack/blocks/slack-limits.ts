// Slack's documented Block Kit limits, checked over a whole message: a message past any of them
// is refused by chat.postMessage with `invalid_blocks`.
import { expect } from 'vitest';
import type { Message } from '../../../../src/slack/blocks/common';

interface Node {
  [key: string]: unknown;
}

const textOf = (value: unknown): string => ((value as Node | undefined)?.text as string | undefined) ?? '';

export function expectWithinSlackLimits(message: Message): void {
  expect(message.text.length).toBeGreaterThan(0);
  expect(message.text.length).toBeLessThanOrEqual(40_000);
  expect(message.blocks.length).toBeLessThanOrEqual(50);
  for (const block of message.blocks as unknown as Node[]) {
    switch (block.type) {
      case 'header':
        expect(textOf(block.text).length).toBeLessThanOrEqual(150);
        break;
      case 'section': {
        const fields = (block.fields as Node[] | undefined) ?? [];
        expect(block.text !== undefined || fields.length > 0).toBe(true);
        if (block.text !== undefined) expect(textOf(block.text).length).toBeLessThanOrEqual(3000);
        expect(fields.length).toBeLessThanOrEqual(10);
        for (const field of fields) expect(textOf(field).length).toBeLessThanOrEqual(2000);
        break;
      }
      case 'context': {
        const elements = block.elements as Node[];
        expect(elements.length).toBeGreaterThan(0);
        expect(elements.length).toBeLessThanOrEqual(10);
        for (const element of elements) expect(textOf(element).length).toBeLessThanOrEqual(2000);
        break;
      }
      case 'actions': {
        const elements = block.elements as Node[];
        expect(elements.length).toBeLessThanOrEqual(25);
        for (const button of elements) {
          expect(textOf(button.text).length).toBeLessThanOrEqual(75);
          expect(String(button.value ?? '').length).toBeLessThanOrEqual(2000);
          expect(String(button.action_id).length).toBeLessThanOrEqual(255);
          const confirm = button.confirm as Node | undefined;
          if (confirm) {
            expect(textOf(confirm.title).length).toBeLessThanOrEqual(100);
            expect(textOf(confirm.text).length).toBeLessThanOrEqual(300);
            expect(textOf(confirm.confirm).length).toBeLessThanOrEqual(30);
            expect(textOf(confirm.deny).length).toBeLessThanOrEqual(30);
          }
        }
        break;
      }
      case 'divider':
        break;
      default:
        throw new Error(`unexpected block type ${String(block.type)}`);
    }
  }
}

/** The blocks of a type, typed loosely for assertions. */
export const blocksOf = (message: Message, type: string): Node[] =>
  (message.blocks as unknown as Node[]).filter((block) => block.type === type);

/** The mrkdwn text of each section that has one, in order. */
export const sectionTexts = (message: Message): string[] =>
  blocksOf(message, 'section').flatMap((block) => {
    const text = (block.text as { text?: unknown } | undefined)?.text;
    return typeof text === 'string' ? [text] : [];
  });

/** Everything a reader sees: every `text` of every block, and the message's own text. */
export function visibleText(message: Message): string {
  const texts: string[] = [];
  const walk = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (typeof value === 'object' && value !== null) {
      for (const [key, inner] of Object.entries(value)) {
        if (key === 'text' && typeof inner === 'string') texts.push(inner);
        else walk(inner);
      }
    }
  };
  walk(message);
  return texts.join('\n');
}
