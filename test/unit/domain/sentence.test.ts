import { describe, expect, it } from 'vitest';
import { type SentencePart, sentenceMrkdwn, sentenceText } from '../../../src/domain/sentence';

const parts: SentencePart[] = [
  { kind: 'text', text: 'a <b> & ' },
  { kind: 'user', id: 'U123' },
  { kind: 'text', text: ' at ' },
  { kind: 'date', iso: '2030-05-06T10:00:00.000Z' },
  { kind: 'reason', text: '<!channel> fire' },
];

describe('sentenceText', () => {
  it('joins the parts as they are, quoting the reason', () => {
    expect(sentenceText(parts)).toBe('a <b> & U123 at 2030-05-06T10:00:00.000Z“<!channel> fire”');
  });
});

describe('sentenceMrkdwn', () => {
  it('escapes text and reasons, mentions users, formats dates', () => {
    const seconds = Date.parse('2030-05-06T10:00:00.000Z') / 1000;

    expect(sentenceMrkdwn(parts)).toBe(
      `a &lt;b&gt; &amp; <@U123> at <!date^${seconds}^{date_short_pretty} {time}|2030-05-06 10:00 UTC>“&lt;!channel&gt; fire”`,
    );
  });

  it('does not turn a user part that is not a user id into a mention', () => {
    expect(sentenceMrkdwn([{ kind: 'user', id: '<!here>' }])).toBe('&lt;!here&gt;');
  });
});
