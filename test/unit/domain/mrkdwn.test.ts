import { describe, expect, it } from 'vitest';
import { code, escapeText, mentionGroup, mentionUser, slackDate, truncate } from '../../../src/domain/mrkdwn';

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
});
