import { describe, expect, it } from 'vitest';
import type { LinkTemplates } from '../../../../src/domain/config-model';
import { foldRequest } from '../../../../src/domain/request';
import { versionSource } from '../../../../src/domain/version-metadata';
import { historyMessage } from '../../../../src/slack/blocks/history';
import { requestCard } from '../../../../src/slack/blocks/request-card';
import { statusMessage } from '../../../../src/slack/blocks/status';
import { describeVersion, sourceLine } from '../../../../src/slack/blocks/version-source';
import { versionsMessage } from '../../../../src/slack/blocks/versions';
import { aliasInfo, auditEvent, changeRequest, managedFunction, versionInfo } from '../../fixtures';
import { expectWithinSlackLimits } from './slack-limits';

const TEMPLATES: LinkTemplates = {
  commit: 'https://github.com/acme/orders/commit/{sha}',
  pr: 'https://github.com/acme/orders/pull/{pr}',
  compare: 'https://github.com/acme/orders/compare/{from}...{to}',
};
const NEW = 'Retry payment callbacks sha=3f9c2e1aa pr=482 build=https://ci.example.com/run/991 ref=main';
const OLD = 'Previous sha=1a2b3c4 pr=470';

/** Every `<…>` sequence of a mrkdwn text: the links and mentions Slack would render. */
const markup = (mrkdwn: string) => [...mrkdwn.matchAll(/<[^>]*>/g)].map((match) => match[0]);

describe('sourceLine', () => {
  it('links the short SHA, the PR, the build and the compare link', () => {
    const line = sourceLine(versionSource(NEW, TEMPLATES, OLD));

    expect(markup(line)).toEqual([
      '<https://github.com/acme/orders/commit/3f9c2e1aa|3f9c2e1>',
      '<https://github.com/acme/orders/pull/482|PR #482>',
      '<https://ci.example.com/run/991|build>',
      '<https://github.com/acme/orders/compare/1a2b3c4...3f9c2e1aa|compare>',
    ]);
    expect(line).toContain('`main`');
  });

  it('shows the tokens as text where no template is configured', () => {
    const line = sourceLine(versionSource(NEW, {}, OLD));

    expect(markup(line)).toEqual(['<https://ci.example.com/run/991|build>']);
    expect(line).toContain('`3f9c2e1`');
    expect(line).toContain('PR #482');
    expect(line).not.toContain('compare');
  });

  it('is empty for a description without tokens (works as today)', () => {
    expect(sourceLine(versionSource('orders 1.5.0', TEMPLATES))).toBe('');
    expect(describeVersion('orders 1.5.0', TEMPLATES)).toEqual({ text: 'orders 1.5.0', source: '' });
  });

  it.each([
    ['a build that is not https', 'build=http://ci.example.com/run/1', 'build=http://ci.example.com/run/1'],
    ['a javascript: build', 'build=javascript:alert(1)', 'build=javascript:alert(1)'],
    ['a build that closes the link', 'build=https://ci.example.com/x>|<!channel>', '&lt;!channel&gt;'],
    [
      'a build with a label of its own',
      'build=https://evil.example|click',
      'build=https://evil.example|click',
    ],
    ['a SHA with markup', 'sha=<!channel>', 'sha=&lt;!channel&gt;'],
    ['a SHA that is not hex', 'sha=zzzzzzz', 'sha=zzzzzzz'],
    ['a PR with a path', 'pr=1/../../evil', 'pr=1/../../evil'],
    ['a ref with a mention', 'ref=<@U0VICTIM>', 'ref=&lt;@U0VICTIM&gt;'],
    ['a ref with a backtick', 'ref=main`x', 'ref=main`x'],
  ])('shows %s as escaped text, never as markup', (_, token, shown) => {
    const described = describeVersion(`release ${token}`, TEMPLATES);

    expect(described.source).toBe('');
    expect(described.text).toContain(shown);
    expect(markup(described.text)).toEqual([]);
  });

  it('never lets a template carry a token out of its path', () => {
    const hostile: LinkTemplates = { commit: 'https://git.example/{sha}', pr: 'https://git.example/pr/{pr}' };
    const line = sourceLine(versionSource('sha=abcdef0 pr=12', hostile));

    for (const url of markup(line).map((part) => part.slice(1).split('|')[0] as string)) {
      expect(new URL(url).host).toBe('git.example');
    }
  });
});

describe('links on every view', () => {
  const fn = managedFunction();

  it('the approval card links both versions and the compare link', () => {
    const request = changeRequest({
      links: TEMPLATES,
      versions: {
        from: { ...changeRequest().versions.from, description: OLD },
        to: { ...changeRequest().versions.to, description: NEW },
      },
    });
    const card = requestCard(foldRequest(request, [auditEvent(request, 'REQUESTED', request.requester, 1)]));
    const text = JSON.stringify(card.blocks);

    expect(text).toContain('<https://github.com/acme/orders/commit/1a2b3c4|1a2b3c4>');
    expect(text).toContain('<https://github.com/acme/orders/compare/1a2b3c4...3f9c2e1aa|compare>');
    expect(text).toContain('Retry payment callbacks');
    expect(text).not.toContain('sha=');
    expectWithinSlackLimits(card);
  });

  it('a card of a request recorded before links existed shows the SHA as text', () => {
    const request = changeRequest({
      versions: { ...changeRequest().versions, to: { ...changeRequest().versions.to, description: NEW } },
    });
    const card = requestCard(foldRequest(request, [auditEvent(request, 'REQUESTED', request.requester, 1)]));

    expect(JSON.stringify(card.blocks)).toContain('`3f9c2e1`');
    expect(JSON.stringify(card.blocks)).not.toContain('github.com');
  });

  it('versions', () => {
    const message = versionsMessage({
      fn,
      rows: [{ version: versionInfo('42', { description: NEW }), aliases: [] }],
      total: 1,
      links: TEMPLATES,
    });

    expect(JSON.stringify(message.blocks)).toContain('<https://github.com/acme/orders/pull/482|PR #482>');
  });

  it('status', () => {
    const message = statusMessage([
      {
        fn,
        aliases: [
          {
            alias: aliasInfo('prod', '42'),
            version: versionInfo('42', { description: NEW }),
            lastChange: undefined,
            pending: [],
            waiting: [],
          },
        ],
        missingStages: [],
        links: TEMPLATES,
      },
    ]);

    expect(JSON.stringify(message.blocks)).toContain(
      '<https://github.com/acme/orders/commit/3f9c2e1aa|3f9c2e1>',
    );
  });

  it('history, with the compare link from the version each change replaced', () => {
    const request = changeRequest({ fromVersion: '41', toVersion: '42' });
    const message = historyMessage({
      fn,
      events: [auditEvent(request, 'APPLIED', 'UBOB', 3)],
      links: TEMPLATES,
      descriptions: { '41': OLD, '42': NEW },
    });

    expect(JSON.stringify(message.blocks)).toContain(
      '<https://github.com/acme/orders/compare/1a2b3c4...3f9c2e1aa|compare>',
    );
  });
});
