import { describe, expect, it } from 'vitest';
import { parseCommand, USAGE } from '../../../../src/domain/parse-command';
import { errorMessage } from '../../../../src/slack/blocks/error';
import { allStrings } from '../../fixtures';
import { blocksOf, expectWithinSlackLimits, visibleText } from './slack-limits';

describe('errorMessage', () => {
  it('says what was wrong and shows the usage line', () => {
    // Act
    const message = errorMessage('Which function? Give its name.', USAGE.versions);

    // Assess
    expect(message.blocks.map((block) => block.type)).toEqual(['section', 'context']);
    expect(visibleText(message)).toContain(':warning: Which function? Give its name.');
    expect(visibleText(message)).toContain('Usage: `/lambda versions &lt;function&gt; [--limit N]`');
    expect(message.text).toContain('Which function? Give its name.');
    expectWithinSlackLimits(message);
  });

  it('has no usage line when none applies', () => {
    // Act
    const message = errorMessage('Something went wrong on our side.');

    // Assess
    expect(blocksOf(message, 'context')).toEqual([]);
    expect(message.text).toBe('Something went wrong on our side.');
  });

  it('never carries raw mentions or links from the command text, in any text', () => {
    // Prepare: Slack sends `<` and `>` escaped; the parser decodes them and quotes the word
    const parsed = parseCommand('&lt;!channel&gt;&lt;https://evil.example|click&gt;');
    if (parsed.ok) throw new Error('expected a parse error');

    // Act
    const message = errorMessage(parsed.error, parsed.usage);

    // Assess
    expect(visibleText(message)).toContain('&lt;!channel&gt;');
    for (const value of allStrings(message)) {
      expect(value).not.toContain('<!channel>');
      expect(value).not.toContain('<https://evil');
    }
  });
});
