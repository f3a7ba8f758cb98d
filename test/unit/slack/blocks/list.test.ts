import { describe, expect, it } from 'vitest';
import { ChatopsError } from '../../../../src/domain/errors';
import { listMessage } from '../../../../src/slack/blocks/list';
import type { FunctionAliases } from '../../../../src/use-cases/read-commands';
import { aliasInfo, allStrings, managedFunction } from '../../fixtures';
import { blocksOf, expectWithinSlackLimits, visibleText } from './slack-limits';

const sectionTexts = (functions: FunctionAliases[]) =>
  blocksOf(listMessage(functions), 'section').map((block) => (block.text as { text: string }).text);

describe('listMessage', () => {
  it('shows each function with its aliases and versions', () => {
    // Act
    const message = listMessage([
      {
        fn: managedFunction(),
        aliases: [aliasInfo('dev', '43'), aliasInfo('test', '42'), aliasInfo('prod', '41')],
        missingStages: [],
      },
      { fn: managedFunction({ key: 'payments', functionName: 'payments' }), aliases: [], missingStages: [] },
    ]);

    // Assess
    expect(blocksOf(message, 'header')[0]).toMatchObject({ text: { text: 'Managed functions (2)' } });
    const [orders, payments] = blocksOf(message, 'section').map(
      (block) => (block.text as { text: string }).text,
    );
    expect(orders).toBe('*orders*  ·  `orders-service`\n*dev* → 43   *test* → 42   *prod* → 41');
    expect(payments).toBe('*payments*\n_no aliases_');
    expect(message.text).toBe('Managed functions: orders, payments');
    expectWithinSlackLimits(message);
  });

  it('shows both versions of a split alias with their weights', () => {
    // Act
    const [orders] = sectionTexts([
      { fn: managedFunction(), aliases: [aliasInfo('prod', '41', { '42': 0.1 })], missingStages: [] },
    ]);

    // Assess
    expect(orders).toContain('*prod* → 41 (90%) + 42 (10%)');
  });

  it('names configured stages that Lambda lacks', () => {
    // Act
    const message = listMessage([
      { fn: managedFunction(), aliases: [aliasInfo('prod', '41')], missingStages: ['dev', 'test'] },
    ]);

    // Assess
    expect(visibleText(message)).toContain('Configured but missing in Lambda: dev, test');
  });

  it('shows a function that could not be read, escaping the error', () => {
    // Act
    const message = listMessage([
      {
        fn: managedFunction(),
        aliases: [],
        missingStages: [],
        error: new ChatopsError(
          'FUNCTION_NOT_FOUND',
          'Function not found: <!channel> <https://evil.example|x>',
        ),
      },
    ]);

    // Assess
    expect(visibleText(message)).toContain(
      ':warning: Function not found: &lt;!channel&gt; &lt;https://evil.example|x&gt;',
    );
    for (const value of allStrings(message)) expect(value).not.toContain('<!channel>');
  });

  it('stays within 50 blocks, saying how many were left out', () => {
    // Prepare: each function takes two blocks (aliases, missing stages)
    const functions = Array.from({ length: 30 }, (_, i) => ({
      fn: managedFunction({ key: `fn${i}`, functionName: `fn${i}` }),
      aliases: [aliasInfo('prod', '1')],
      missingStages: ['dev'],
    }));

    // Act
    const message = listMessage(functions);

    // Assess
    expectWithinSlackLimits(message);
    expect(message.blocks).toHaveLength(50);
    expect(visibleText(message)).toContain('12 more blocks not shown.');
  });
});
