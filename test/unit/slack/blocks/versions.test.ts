import { describe, expect, it } from 'vitest';
import { versionsMessage } from '../../../../src/slack/blocks/versions';
import type { VersionRow } from '../../../../src/use-cases/read-commands';
import { allStrings, managedFunction, versionInfo } from '../../fixtures';
import { blocksOf, expectWithinSlackLimits, visibleText } from './slack-limits';

const row = (version: string, aliases: VersionRow['aliases'] = [], description?: string): VersionRow => ({
  version: versionInfo(version, description === undefined ? {} : { description }),
  aliases,
});

const rowsFrom = (newest: number, count: number) =>
  Array.from({ length: count }, (_, i) => row(String(newest - i)));

describe('versionsMessage', () => {
  it('lists versions newest first with the aliases pointing at them', () => {
    // Act
    const message = versionsMessage({
      fn: managedFunction(),
      rows: [row('42', [{ name: 'test', weight: 1 }]), row('41', [{ name: 'prod', weight: 1 }]), row('40')],
      total: 3,
    });

    // Assess
    const sections = blocksOf(message, 'section').map((block) => (block.text as { text: string }).text);
    expect(blocksOf(message, 'header')[0]).toMatchObject({
      text: { text: 'orders: newest 3 versions of 3' },
    });
    expect(sections).toHaveLength(3);
    expect(sections[0]).toMatch(/^\*42\* {2}← {2}\*test\*\nrelease 42\n<!date\^\d+\^.*> {2}· {2}`CODE0042`$/);
    expect(sections[1]).toMatch(/^\*41\* {2}← {2}\*prod\*\n/);
    expect(sections[2]).toMatch(/^\*40\*\nrelease 40\n/);
    expect(visibleText(message)).not.toContain('Older versions');
    expect(message.text).toBe('Versions of orders');
    expectWithinSlackLimits(message);
  });

  it('shows both versions of a split alias with their weights', () => {
    // Act
    const message = versionsMessage({
      fn: managedFunction(),
      rows: [
        row('42', [
          { name: 'test', weight: 1 },
          { name: 'prod', weight: 0.1 },
        ]),
        row('41', [{ name: 'prod', weight: 0.9 }]),
      ],
      total: 2,
    });

    // Assess
    const text = visibleText(message);
    expect(text).toContain('*42*  ←  *test*, *prod* (10%)');
    expect(text).toContain('*41*  ←  *prod* (90%)');
  });

  it('says when there are no versions', () => {
    // Act
    const message = versionsMessage({ fn: managedFunction(), rows: [], total: 0 });

    // Assess
    expect(visibleText(message)).toContain('_No published versions yet._');
    expectWithinSlackLimits(message);
  });

  it('points at --limit when older versions exist', () => {
    // Act
    const message = versionsMessage({ fn: managedFunction(), rows: rowsFrom(60, 10), total: 60 });

    // Assess
    expect(blocksOf(message, 'header')[0]).toMatchObject({
      text: { text: 'orders: newest 10 versions of 60' },
    });
    expect(visibleText(message)).toContain('`/lambda versions orders --limit N`');
  });

  it('escapes descriptions and marks missing ones', () => {
    // Act
    const message = versionsMessage({
      fn: managedFunction(),
      rows: [row('2', [], '<!channel> <https://evil.example|click> & co'), row('1', [], '')],
      total: 2,
    });

    // Assess
    for (const value of allStrings(message)) {
      expect(value).not.toContain('<!channel>');
      expect(value).not.toContain('<https://evil');
    }
    expect(visibleText(message)).toContain('&lt;!channel&gt; &lt;https://evil.example|click&gt; &amp; co');
    expect(visibleText(message)).toContain('_no description_');
  });

  it.each([
    { rows: 49, total: 49, omitted: 0 },
    { rows: 50, total: 50, omitted: 2 },
    { rows: 50, total: 80, omitted: 2 },
  ])(
    'stays within 50 blocks for $rows of $total versions, counting the $omitted left out',
    ({ rows, total, omitted }) => {
      // Act
      const message = versionsMessage({ fn: managedFunction(), rows: rowsFrom(total, rows), total });

      // Assess
      expectWithinSlackLimits(message);
      const shown = blocksOf(message, 'section').length;
      expect(shown).toBe(rows - omitted);
      if (omitted > 0) {
        expect(message.blocks).toHaveLength(50);
        expect(visibleText(message)).toContain(
          `${omitted} more version${omitted === 1 ? '' : 's'} not shown.`,
        );
      } else {
        expect(visibleText(message)).not.toContain('not shown');
      }
    },
  );
});
