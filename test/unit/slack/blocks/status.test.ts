import { describe, expect, it } from 'vitest';
import { ChatopsError } from '../../../../src/domain/errors';
import { foldRequest } from '../../../../src/domain/request';
import { statusMessage } from '../../../../src/slack/blocks/status';
import type { AliasStatus, FunctionStatus } from '../../../../src/use-cases/read-commands';
import {
  aliasInfo,
  allStrings,
  auditEvent,
  changeRequest,
  managedFunction,
  versionInfo,
} from '../../fixtures';
import { blocksOf, expectWithinSlackLimits, visibleText } from './slack-limits';

const HOSTILE = '<!channel> <https://evil.example|click> & <@U0VICTIM>';

function aliasStatus(overrides: Partial<AliasStatus> = {}): AliasStatus {
  return {
    alias: aliasInfo('prod', '41'),
    version: versionInfo('41'),
    lastChange: undefined,
    pending: [],
    waiting: [],
    ...overrides,
  };
}

const status = (overrides: Partial<FunctionStatus> = {}): FunctionStatus => ({
  fn: managedFunction(),
  aliases: [aliasStatus()],
  missingStages: [],
  ...overrides,
});

describe('statusMessage', () => {
  it('shows each alias with its version, its description and its last change', () => {
    // Prepare
    const request = changeRequest({ alias: 'prod', fromVersion: '40', toVersion: '41' });
    const lastChange = auditEvent(request, 'APPLIED', 'UBOB', 3);

    // Act
    const message = statusMessage([status({ aliases: [aliasStatus({ lastChange })] })]);

    // Assess
    expect(blocksOf(message, 'header')[0]).toMatchObject({ text: { text: 'orders (orders-service)' } });
    const [prod] = blocksOf(message, 'section').map((block) => (block.text as { text: string }).text);
    expect(prod).toMatch(
      /^\*prod\* → 41\n“release 41” {2}· {2}published <!date\^\d+\^[^>]+> {2}· {2}`CODE0041`\n/,
    );
    expect(prod).toMatch(/Last change: 40 → 41 by <@UBOB>, <!date\^\d+\^/);
    expect(message.text).toBe('Status of orders');
    expectWithinSlackLimits(message);
  });

  it('says when this bot recorded no change', () => {
    expect(visibleText(statusMessage([status()]))).toContain('Last change: _none recorded by this bot_');
  });

  it('shows both versions of a split alias with their weights', () => {
    // Act
    const message = statusMessage([
      status({ aliases: [aliasStatus({ alias: aliasInfo('prod', '41', { '42': 0.25 }) })] }),
    ]);

    // Assess
    expect(visibleText(message)).toContain('*prod* → 41 (75%) + 42 (25%)');
  });

  it('lists pending requests with their id, requester and approvals', () => {
    // Prepare
    const request = changeRequest({ rule: { approvers: ['UALICE', 'UBOB'], required: 2 } });
    const pending = foldRequest(request, [
      auditEvent(request, 'REQUESTED', request.requester, 1),
      auditEvent(request, 'APPROVED', 'UALICE', 2),
    ]);

    // Act
    const message = statusMessage([status({ aliases: [aliasStatus({ pending: [pending] })] })]);

    // Assess
    expect(visibleText(message)).toMatch(
      /:hourglass_flowing_sand: `R7K2M9QX4A` → 42, asked by <@UREQUESTER>, 1 of 2 approvals, expires <!date\^\d+\^\{time\}\|/,
    );
  });

  it('escapes descriptions and errors', () => {
    // Act
    const message = statusMessage([
      status({ aliases: [aliasStatus({ version: versionInfo('41', { description: HOSTILE }) })] }),
      status({
        fn: managedFunction({ key: 'payments', functionName: 'payments' }),
        aliases: [],
        error: new ChatopsError('UPSTREAM_FAILURE', `AWS said ${HOSTILE}`),
      }),
    ]);

    // Assess
    for (const value of allStrings(message)) {
      expect(value).not.toContain('<!channel>');
      expect(value).not.toContain('<https://evil');
      expect(value).not.toContain('<@U0VICTIM>');
    }
    expect(visibleText(message)).toContain(
      '“&lt;!channel&gt; &lt;https://evil.example|click&gt; &amp; &lt;@U0VICTIM&gt;”',
    );
    expect(visibleText(message)).toContain(':warning: AWS said &lt;!channel&gt;');
  });

  it('separates functions and names the missing stages', () => {
    // Act
    const message = statusMessage([
      status({ missingStages: ['dev'] }),
      status({ fn: managedFunction({ key: 'payments', functionName: 'payments' }), aliases: [] }),
    ]);

    // Assess
    expect(message.blocks.map((block) => block.type)).toEqual([
      'header',
      'section',
      'context',
      'divider',
      'header',
      'section',
    ]);
    expect(visibleText(message)).toContain('Configured but missing in Lambda: dev');
    expect(visibleText(message)).toContain('_This function has no aliases yet._');
    expect(message.text).toBe('Status of orders, payments');
  });

  it('shows a version it could not read as the pointer alone', () => {
    // Act
    const message = statusMessage([status({ aliases: [aliasStatus({ version: undefined })] })]);

    // Assess
    const [prod] = blocksOf(message, 'section').map((block) => (block.text as { text: string }).text);
    expect(prod).toBe('*prod* → 41\nLast change: _none recorded by this bot_');
  });

  it('stays within Slack limits for many functions and many pending requests', () => {
    // Prepare
    const request = changeRequest();
    const pending = Array.from({ length: 40 }, (_, i) =>
      foldRequest({ ...request, id: `R${String(i).padStart(9, '0')}` }, []),
    );
    const statuses = Array.from({ length: 20 }, (_, i) =>
      status({
        fn: managedFunction({
          key: `fn${i}`,
          functionName: `arn:aws:lambda:eu-west-1:123456789012:function:${'f'.repeat(64)}`,
        }),
        aliases: [aliasStatus({ pending }), aliasStatus({ alias: aliasInfo('test', '42') })],
      }),
    );

    // Act
    const message = statusMessage(statuses);

    // Assess
    expectWithinSlackLimits(message);
    expect(message.blocks).toHaveLength(50);
    expect(visibleText(message)).toMatch(/\d+ more blocks not shown: ask for one function\./);
  });
});
