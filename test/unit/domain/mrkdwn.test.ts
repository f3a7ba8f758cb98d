import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import {
  code,
  escapeText,
  link,
  mentionGroup,
  mentionUser,
  slackDate,
  truncate,
} from '../../../src/domain/mrkdwn';

describe('escapeText', () => {
  it.each([
    ['<!channel>', '&lt;!channel&gt;'],
    ['<!here> <!everyone>', '&lt;!here&gt; &lt;!everyone&gt;'],
    ['<@U123>', '&lt;@U123&gt;'],
    ['<!subteam^S123>', '&lt;!subteam^S123&gt;'],
    ['<https://evil.example|click>', '&lt;https://evil.example|click&gt;'],
    ['fish & chips', 'fish &amp; chips'],
    ['already &lt; escaped', 'already &amp;lt; escaped'],
    ['a > b < c', 'a &gt; b &lt; c'],
    ['plain text, *bold* _it_ `code`', 'plain text, *bold* _it_ `code`'],
    ['', ''],
  ])('%j → %j', (input, output) => {
    expect(escapeText(input)).toBe(output);
  });

  it('leaves no angle bracket for Slack to read as a mention or link', () => {
    const escaped = escapeText('<!channel> <@U1> <https://x|y> <#C1> <!date^1^x|y>');
    expect(escaped).not.toMatch(/[<>]/);
  });
});

describe('code', () => {
  it.each([
    ['orders-service', '`orders-service`'],
    ['a`b', "`a'b`"],
    ['```', "`'''`"],
    ['<!channel>', '`&lt;!channel&gt;`'],
    ['', ''],
  ])('%j → %j', (input, output) => {
    expect(code(input)).toBe(output);
  });

  it('has exactly two backticks, its own', () => {
    expect(code('x` <!here> `y').match(/`/g)).toHaveLength(2);
  });
});

describe('mentionUser', () => {
  it.each([
    ['U012AB3CD', '<@U012AB3CD>'],
    ['W012AB3CD', '<@W012AB3CD>'],
    ['system', 'system'],
    ['u012ab3cd', 'u012ab3cd'],
    ['S0PLATFORM', 'S0PLATFORM'],
    ['U', 'U'],
    ['U1> <!channel', 'U1&gt; &lt;!channel'],
    ['<!channel>', '&lt;!channel&gt;'],
  ])('%j → %j', (input, output) => {
    expect(mentionUser(input)).toBe(output);
  });
});

describe('mentionGroup', () => {
  it.each([
    ['S0PLATFORM', '<!subteam^S0PLATFORM>'],
    ['U012AB3CD', 'U012AB3CD'],
    ['S1|x> <!channel', 'S1|x&gt; &lt;!channel'],
  ])('%j → %j', (input, output) => {
    expect(mentionGroup(input)).toBe(output);
  });
});

describe('slackDate', () => {
  it.each([
    [
      '2030-05-06T10:00:00.000Z',
      undefined,
      '<!date^1904292000^{date_short_pretty} {time}|2030-05-06 10:00 UTC>',
    ],
    [
      '2030-05-06T10:00:59.999Z',
      undefined,
      '<!date^1904292059^{date_short_pretty} {time}|2030-05-06 10:00 UTC>',
    ],
    ['2030-05-06T12:00:00+02:00', '{time}', '<!date^1904292000^{time}|2030-05-06 10:00 UTC>'],
    ['not a date', undefined, 'not a date'],
    ['<!channel>', undefined, '&lt;!channel&gt;'],
    ['', undefined, ''],
  ])('%j (%s)', (iso, format, output) => {
    expect(slackDate(iso, format)).toBe(output);
  });
});

describe('truncate', () => {
  it.each<[string, number, string]>([
    ['short', 10, 'short'],
    ['exactly10!', 10, 'exactly10!'],
    ['eleven char', 10, 'eleven ch…'],
    ['', 5, ''],
  ])('%j to %i → %j', (text, max, output) => {
    expect(truncate(text, max)).toBe(output);
  });

  it('never exceeds the limit', () => {
    for (const max of [1, 2, 50, 150, 3000]) expect(truncate('x'.repeat(5000), max)).toHaveLength(max);
  });

  const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
  const FAMILY = '👨\u200d👩\u200d👧\u200d👦'; // one grapheme, 11 code units
  const THUMBS_DARK = '👍🏿'; // emoji + skin tone: one grapheme, 4 code units
  const FLAG = '🇩🇪'; // two regional indicators: one grapheme, 4 code units

  it.each<[string, string, number, string]>([
    ['a surrogate pair at the cut', 'ab😀cd', 4, 'ab…'],
    ['a surrogate pair just before the cut', 'a😀bcd', 4, 'a😀…'],
    ['an emoji with a skin tone', `ab${THUMBS_DARK}cd`, 5, 'ab…'],
    ['a ZWJ family', `x${FAMILY}yz`, 10, 'x…'],
    ['a ZWJ family that fits', `x${FAMILY}yz`, 13, `x${FAMILY}…`],
    ['a flag', `ab${FLAG}${FLAG}`, 7, `ab${FLAG}…`],
    ['a combining accent', 'cafe\u0301 noir', 5, 'caf…'],
    ['a cluster longer than the limit', `${FAMILY}${FAMILY}`, 5, '…'],
  ])('does not split %s', (_name, text, max, output) => {
    expect(truncate(text, max)).toBe(output);
  });

  it('returns nothing for a limit of zero', () => {
    expect(truncate('abc', 0)).toBe('');
  });

  it('never leaves a lone surrogate and keeps a prefix of whole clusters (property)', () => {
    const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
    const clusters = (text: string) => [...segmenter.segment(text)].map((s) => s.segment);
    const alphabet = fc.constantFrom('a', 'é', 'e\u0301', '😀', THUMBS_DARK, FAMILY, FLAG, '中', ' ');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 30 }), fc.integer({ min: 1, max: 60 }), (parts, max) => {
        const text = parts.join('');
        const result = truncate(text, max);
        expect(result.length).toBeLessThanOrEqual(max);
        expect(result).not.toMatch(LONE_SURROGATE);
        if (result === text) return;
        expect(result.endsWith('…')).toBe(true);
        const kept = clusters(result.slice(0, -1));
        expect(clusters(text).slice(0, kept.length)).toEqual(kept);
      }),
    );
  });
});

describe('link', () => {
  it.each<[string, string, string]>([
    ['https://g.example/c/abc', 'abc1234', '<https://g.example/c/abc|abc1234>'],
    ['https://g.example/?a=1&b=2', 'build', '<https://g.example/?a=1&amp;b=2|build>'],
    ['https://g.example/x', '<!channel> & co', '<https://g.example/x|&lt;!channel&gt; &amp; co>'],
    ['https://g.example/x', '', '<https://g.example/x|https://g.example/x>'],
    ['http://g.example/x', 'label', 'label'],
    ['https://g.example/x|evil', 'label', 'label'],
    ['javascript:alert(1)', '<b>', '&lt;b&gt;'],
  ])('%j, %j → %j', (url, label, output) => {
    expect(link(url, label)).toBe(output);
  });
});

describe('the grapheme segmenter', () => {
  // Made on the first cut that needs it, not when the module loads: a cold start that cuts
  // nothing, or cuts between plain characters, never pays for ICU's break rules.
  it('is made on the first cut that needs it, once', async () => {
    vi.resetModules();
    const Original = Intl.Segmenter;
    let made = 0;
    const counting = class extends Original {
      constructor(...args: ConstructorParameters<typeof Intl.Segmenter>) {
        super(...args);
        made++;
      }
    };
    Object.defineProperty(Intl, 'Segmenter', { value: counting, configurable: true, writable: true });
    try {
      const fresh = await import('../../../src/domain/mrkdwn');
      expect(fresh.truncate('short', 10)).toBe('short');
      expect(fresh.truncate('a longer text', 5)).toBe('a lo…');
      expect(fresh.truncate('sha=abc\r\nbuild=1', 11)).toBe('sha=abc\r\nb…');
      expect(fresh.truncate('déjà vu — orders → prod', 5)).toBe('déjà…');
      expect(made).toBe(0);
      expect(fresh.truncate('e\u0301e\u0301e\u0301', 3)).toBe('e\u0301…');
      expect(fresh.truncate('👍🏽👍🏽👍🏽', 5)).toBe('👍🏽…');
      expect(made).toBe(1);
    } finally {
      Object.defineProperty(Intl, 'Segmenter', { value: Original, configurable: true, writable: true });
    }
  });

  it('cuts where the segmenter would', () => {
    const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
    const bySegments = (text: string, max: number) => {
      if (text.length <= max) return text;
      if (max <= 0) return '';
      let kept = '';
      for (const { segment } of segmenter.segment(text)) {
        if (kept.length + segment.length > max - 1) break;
        kept += segment;
      }
      return `${kept}…`;
    };
    const text = fc
      .array(
        fc.oneof(
          fc.constantFrom(
            ...[
              '\r',
              '\n',
              '\r\n',
              '\t',
              'a',
              'Z',
              '0',
              ' ',
              '=',
              'é',
              'ü',
              '\u00ad',
              '—',
              '…',
              '→',
              '↔',
              '∑',
            ],
            ...['\u0301', '\u20dd', '\u200c', '\u200d', '\ufe0f', '\u2028', '\u0600', '👍', '🏽', '🇫🇷'],
            ...['\u1100', '\u1161', '\u11a8', '가', 'क', '\u094d', 'ष', '\u093f'],
          ),
          fc.string({ unit: 'binary', maxLength: 1 }),
        ),
        { maxLength: 30 },
      )
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(text, fc.integer({ min: 0, max: 32 }), (value, max) => {
        expect(truncate(value, max)).toBe(bySegments(value, max));
      }),
      { numRuns: 5000 },
    );
  });
});
