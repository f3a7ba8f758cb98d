// Where a version came from (DESIGN.md section 3c) on every view, through the real handler and
// worker: the tokens CI writes in a version's description become links through the configured
// templates (per function over top level, key by key); hostile tokens stay escaped text.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, requestIdIn, startHarness, textOf, USERS } from '../support/harness';

const V1 = 'First cut sha=1111111aaa pr=10';
const V2 = 'Retry callbacks sha=2222222bbb pr=11 build=https://ci.example.com/run/2 ref=main';
const HOSTILE =
  'Evil sha=<!channel> pr=1/../x build=javascript:alert(1) ref=<@U0VICTIM> build=https://ci.example.com/x>|<!here>';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({
    functions: {
      'orders-service': {
        versions: [V1, V2, HOSTILE, 'no tokens here'].map((description) => ({ description })),
        aliases: { dev: '2', test: '1', prod: '1' },
      },
    },
    config: `
functions:
  orders:
    functionName: orders-service
    stages: [dev, test, prod]
    links:
      pr: https://github.com/acme/orders/pull/{pr}
links:
  commit: https://github.com/acme/monorepo/commit/{sha}
  pr: https://github.com/acme/monorepo/pull/{pr}
  compare: https://github.com/acme/monorepo/compare/{from}...{to}
approvals:
  default: { approvers: anyone, required: 1 }
`,
  });
});

afterAll(() => h.close());

/** The `<url|label>` links of a message, as Slack would render them. */
const linksIn = (value: unknown) =>
  [...textOf(value).matchAll(/<(https:[^|>]*)\|([^>]*)>/g)].map((m) => `${m[2]} ${m[1]}`);
const markupIn = (value: unknown) => [...textOf(value).matchAll(/<[^>]*>/g)].map((m) => m[0]);

describe('links on every view', () => {
  it('versions: the short SHA to its commit (top-level template), the PR (the function own template), the build', async () => {
    const reply = await h.command('versions orders');

    const links = linksIn(reply.json?.blocks);
    expect(links).toContain('2222222 https://github.com/acme/monorepo/commit/2222222bbb');
    expect(links).toContain('PR #11 https://github.com/acme/orders/pull/11');
    expect(links).toContain('build https://ci.example.com/run/2');
    expect(links).toContain('1111111 https://github.com/acme/monorepo/commit/1111111aaa');
    expect(textOf(reply.json?.blocks)).toContain('Retry callbacks');
    expect(textOf(reply.json?.blocks)).toContain('no tokens here');
  });

  it('versions: hostile tokens are escaped text, never links or mentions', async () => {
    const reply = await h.command('versions orders');

    const text = textOf(reply.json?.blocks);
    expect(text).toContain('sha=&lt;!channel&gt;');
    expect(text).toContain('ref=&lt;@U0VICTIM&gt;');
    expect(text).toContain('build=javascript:alert(1)');
    expect(markupIn(reply.json?.blocks).every((markup) => /^<(https:|!date\^)/.test(markup))).toBe(true);
    expect(text).not.toContain('<!here>');
  });

  it('status: each alias version with its links', async () => {
    const reply = await h.command('status orders');

    const links = linksIn(reply.json?.blocks);
    expect(links).toContain('2222222 https://github.com/acme/monorepo/commit/2222222bbb');
    expect(links).toContain('PR #10 https://github.com/acme/orders/pull/10');
  });

  it('the card links both versions and compares the current SHA to the new one; history shows it after', async () => {
    await h.command('promote orders dev→test');
    const posted = h.slack.calls.filter((call) => call.method === 'chat.postMessage' && call.ok).at(-1);
    const id = requestIdIn(posted?.body.blocks);
    const card = h.card(id);

    expect(linksIn(card?.blocks)).toEqual(
      expect.arrayContaining([
        '1111111 https://github.com/acme/monorepo/commit/1111111aaa',
        '2222222 https://github.com/acme/monorepo/commit/2222222bbb',
        'compare https://github.com/acme/monorepo/compare/1111111aaa...2222222bbb',
      ]),
    );

    await h.click(id, 'approve', { user: USERS.approver });
    await h.settle();
    const replaced = h.card(id);
    const history = await h.command('history orders test');

    expect(linksIn(replaced?.blocks)).toContain(
      'compare https://github.com/acme/monorepo/compare/1111111aaa...2222222bbb',
    );
    expect(linksIn(history.json?.blocks)).toEqual(
      expect.arrayContaining([
        '2222222 https://github.com/acme/monorepo/commit/2222222bbb',
        'compare https://github.com/acme/monorepo/compare/1111111aaa...2222222bbb',
      ]),
    );
  });

  it('a card for the hostile version shows no link from its tokens', async () => {
    await h.command('promote orders prod 3');
    const posted = h.slack.calls.filter((call) => call.method === 'chat.postMessage' && call.ok).at(-1);
    const card = h.card(requestIdIn(posted?.body.blocks));

    expect(linksIn(card?.blocks)).toEqual([
      '1111111 https://github.com/acme/monorepo/commit/1111111aaa',
      'PR #10 https://github.com/acme/orders/pull/10',
    ]);
    expect(textOf(card?.blocks)).not.toContain('<!channel>');
    expect(textOf(card?.blocks)).not.toContain('<@U0VICTIM>');
  });
});
