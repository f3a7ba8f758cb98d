import { describe, expect, it } from 'vitest';
import { USAGE } from '../../../../src/domain/parse-command';
import { helpMessage } from '../../../../src/slack/blocks/help';
import { expectWithinSlackLimits, visibleText } from './slack-limits';

describe('helpMessage', () => {
  it('shows every usage line', () => {
    // Act
    const text = visibleText(helpMessage());

    // Assess
    for (const usage of Object.values(USAGE)) expect(text).toContain(`\`${usage}\``);
  });

  it.each([
    '/lambda list',
    '/lambda status orders',
    '/lambda versions orders --limit 5',
    '/lambda promote orders test→prod',
    '/lambda promote orders prod 42',
    '/lambda rollback orders prod',
    '/lambda history orders prod',
  ])('gives the example %s', (example) => {
    expect(visibleText(helpMessage())).toContain(`\`${example}\``);
  });

  it('stays within Slack limits', () => {
    expectWithinSlackLimits(helpMessage());
  });
});
