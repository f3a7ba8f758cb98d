import { describe, expect, it } from 'vitest';
import type { AuditAction } from '../../../../src/domain/request';
import { historyMessage } from '../../../../src/slack/blocks/history';
import { allStrings, auditEvent, changeRequest, managedFunction } from '../../fixtures';
import { blocksOf, expectWithinSlackLimits, visibleText } from './slack-limits';

const request = changeRequest();
const sectionTexts = (message: ReturnType<typeof historyMessage>) =>
  blocksOf(message, 'section').map((block) => (block.text as { text: string }).text);

describe('historyMessage', () => {
  it('shows each event in the order given, with actor, versions, time and request', () => {
    // Act
    const message = historyMessage({
      fn: managedFunction(),
      alias: 'prod',
      events: [
        auditEvent(request, 'APPLIED', 'UBOB', 3),
        auditEvent(request, 'APPROVED', 'UBOB', 2),
        auditEvent(request, 'REQUESTED', 'UREQUESTER', 1),
      ],
    });

    // Assess
    expect(blocksOf(message, 'header')[0]).toMatchObject({ text: { text: 'orders prod: history' } });
    const [applied, approved, requested] = sectionTexts(message);
    expect(applied).toMatch(
      /^:rocket: \*APPLIED\* {2}prod 41 → 42 {2}· {2}<@UBOB> {2}· {2}<!date\^\d+\^[^>]+> {2}· {2}`R7K2M9QX4A`$/,
    );
    expect(approved).toMatch(/^:white_check_mark: \*APPROVED\*/);
    expect(requested).toMatch(/^:memo: \*REQUESTED\*.*<@UREQUESTER>/);
    expect(message.text).toBe('orders prod: history');
    expectWithinSlackLimits(message);
  });

  it.each<AuditAction>([
    'REQUESTED',
    'APPROVED',
    'DENIED',
    'REJECTED',
    'CANCELLED',
    'EXPIRED',
    'APPLIED',
    'STALE',
    'FAILED',
  ])('shows %s with an icon', (action) => {
    const [text] = sectionTexts(
      historyMessage({ fn: managedFunction(), events: [auditEvent(request, action, 'UBOB', 2)] }),
    );
    expect(text).toMatch(new RegExp(`^:[a-z_]+: \\*${action}\\*`));
  });

  it('calls the system actor the bot, and escapes reasons', () => {
    // Act
    const message = historyMessage({
      fn: managedFunction(),
      events: [
        auditEvent(request, 'STALE', 'system', 3, { reason: 'moved <!channel> <https://evil.example|x>' }),
        auditEvent(request, 'DENIED', 'UMALLORY', 2, { reason: 'not an approver for this alias' }),
      ],
    });

    // Assess
    const [stale, denied] = sectionTexts(message);
    expect(stale).toContain('·  the bot  ·');
    expect(stale).toContain('\n_moved &lt;!channel&gt; &lt;https://evil.example|x&gt;_');
    expect(denied).toContain('<@UMALLORY>');
    expect(denied).toContain('\n_not an approver for this alias_');
    for (const value of allStrings(message)) expect(value).not.toContain('<!channel>');
    expect(blocksOf(message, 'header')[0]).toMatchObject({ text: { text: 'orders: history' } });
  });

  it('says when nothing was recorded', () => {
    expect(visibleText(historyMessage({ fn: managedFunction(), events: [] }))).toContain(
      '_No changes recorded yet._',
    );
  });

  it.each([
    { events: 49, omitted: 0 },
    { events: 50, omitted: 2 },
    { events: 60, omitted: 12 },
  ])('stays within 50 blocks for $events events, counting the $omitted left out', ({ events, omitted }) => {
    // Act
    const message = historyMessage({
      fn: managedFunction(),
      events: Array.from({ length: events }, (_, i) => auditEvent(request, 'APPROVED', 'UBOB', events - i)),
    });

    // Assess
    expectWithinSlackLimits(message);
    expect(sectionTexts(message)).toHaveLength(events - omitted);
    if (omitted > 0) expect(visibleText(message)).toContain(`${omitted} more events not shown.`);
    else expect(visibleText(message)).not.toContain('not shown');
  });
});
