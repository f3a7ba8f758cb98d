// The playground's Block Kit renderer (src/local/playground/render-blocks.js): every block type and
// mrkdwn feature the bot uses, and the escaping that keeps Slack text from becoming markup.
import { describe, expect, it } from 'vitest';
import type { ChangeRequest, RequestState } from '../../src/domain/request';
import {
  EMOJI,
  escapeHtml,
  formatSlackDate,
  type RenderContext,
  renderBlocks,
  renderConfirm,
  renderMessage,
  renderMrkdwn,
  renderText,
} from '../../src/local/playground/render-blocks';
import { errorMessage } from '../../src/slack/blocks/error';
import { helpMessage } from '../../src/slack/blocks/help';
import { requestCard } from '../../src/slack/blocks/request-card';

const NOW = new Date('2026-11-26T18:00:00Z');
const context: RenderContext = {
  users: { U0DANA: 'Dana', U0SAM: 'Sam' },
  groups: { S0RELEASE: 'release-approvers' },
  channels: { C0RELEASES: 'releases' },
  timeZone: 'UTC',
  now: NOW,
};
const mrkdwn = (text: string) => renderMrkdwn(text, context);
const epoch = (iso: string) => Date.parse(iso) / 1000;

describe('escapeHtml', () => {
  it('escapes the five characters that can end HTML text or an attribute', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });
});

describe('renderMrkdwn', () => {
  it.each([
    ['*bold*', '<strong>bold</strong>'],
    ['_italic_', '<em>italic</em>'],
    ['~struck~', '<del>struck</del>'],
    ['*Applied* by nobody', '<strong>Applied</strong> by nobody'],
    ['*bold with _italic_ inside*', '<strong>bold with <em>italic</em> inside</strong>'],
    ['_no description_', '<em>no description</em>'],
    ['one\ntwo', 'one<br>two'],
    ['`code`', '<code class="bk-code">code</code>'],
    ['`*not bold* _nor italic_`', '<code class="bk-code">*not bold* _nor italic_</code>'],
    ['```line 1\nline 2```', '<pre class="bk-pre">line 1\nline 2</pre>'],
  ])('%j → %j', (text, html) => {
    expect(mrkdwn(text)).toBe(html);
  });

  it.each([
    ['FEATURE_FAST_TOTALS', 'snake_case words'],
    ['2 * 3 * 4', 'markers next to spaces'],
    ['a*b*c', 'markers inside a word'],
    ['* not bold*', 'an opening marker followed by a space'],
  ])('leaves %j alone (%s)', (text) => {
    expect(mrkdwn(text)).toBe(escapeHtml(text));
  });

  it("shows Slack's escapes as the characters they stand for, escaped for HTML", () => {
    expect(mrkdwn('a &lt;b&gt; &amp; c')).toBe('a &lt;b&gt; &amp; c');
    expect(mrkdwn('&amp;lt;')).toBe('&amp;lt;');
  });

  it('renders an escaped description with markup in it as text', () => {
    const html = mrkdwn('3 · &lt;img src=x onerror=alert(1)&gt;');

    expect(html).toBe('3 · &lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<img');
  });

  it('renders an unescaped <tag> as text, not as a link or markup', () => {
    const html = mrkdwn('<img src=x onerror=alert(1)>');

    expect(html).toBe('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('renders escaped code as text', () => {
    expect(mrkdwn('`&lt;script&gt;`')).toBe('<code class="bk-code">&lt;script&gt;</code>');
  });

  it('makes http(s) and mailto links, opened safely', () => {
    expect(mrkdwn('<https://example.com/a?b=1&amp;c=2|the docs>')).toBe(
      '<a class="bk-link" href="https://example.com/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">the docs</a>',
    );
    expect(mrkdwn('<mailto:ops@example.com>')).toContain('href="mailto:ops@example.com"');
  });

  it('refuses other URL schemes and escapes quotes in URLs', () => {
    expect(mrkdwn('<javascript:alert(1)|click>')).toBe('&lt;javascript:alert(1)|click&gt;');
    const quoted = mrkdwn('<https://example.com/"onmouseover="alert(1)|x>');

    expect(quoted).toContain('href="https://example.com/&quot;onmouseover=&quot;alert(1)"');
  });

  it('names mentioned users, groups and channels', () => {
    expect(mrkdwn('<@U0DANA>')).toBe('<span class="bk-mention" data-user="U0DANA">@Dana</span>');
    expect(mrkdwn('<@U0NOBODY>')).toBe('<span class="bk-mention" data-user="U0NOBODY">@U0NOBODY</span>');
    expect(mrkdwn('<@U0OTHER|other>')).toContain('@other');
    expect(mrkdwn('<!subteam^S0RELEASE>')).toBe(
      '<span class="bk-mention bk-group">@release-approvers</span>',
    );
    expect(mrkdwn('<!subteam^S0OTHER|@platform>')).toContain('@platform');
    expect(mrkdwn('<#C0RELEASES>')).toBe('<span class="bk-mention bk-channel">#releases</span>');
    expect(mrkdwn('<!here>')).toBe('<span class="bk-mention bk-broadcast">@here</span>');
  });

  it('applies emphasis around mentions and keeps underscores in ids', () => {
    expect(mrkdwn('*<@U0SAM>*')).toBe(
      '<strong><span class="bk-mention" data-user="U0SAM">@Sam</span></strong>',
    );
  });

  it('escapes a mention label', () => {
    expect(mrkdwn('<@U0X|<b>x</b>>')).not.toContain('<b>');
  });

  it('formats dates in the reader’s time zone, with the fallback as a title', () => {
    const seconds = epoch('2026-11-26T17:05:00Z');
    const html = mrkdwn(`<!date^${seconds}^{date_short_pretty} {time}|2026-11-26 17:05 UTC>`);

    expect(html).toBe(
      '<time class="bk-date" datetime="2026-11-26T17:05:00.000Z" title="2026-11-26 17:05 UTC">today 5:05 PM</time>',
    );
  });

  it('shows the fallback of a date it cannot read, and links a date that has a link', () => {
    expect(mrkdwn('<!date^soon^{date}|in a while>')).toBe('in a while');
    expect(mrkdwn(`<!date^${epoch('2026-01-02T00:00:00Z')}^{date_num}^https://example.com|x>`)).toContain(
      '<a class="bk-link" href="https://example.com"',
    );
  });

  it('turns the shortcodes the bot uses into emoji, and leaves unknown ones', () => {
    for (const name of [
      'rocket',
      'x',
      'leftwards_arrow_with_hook',
      'hourglass',
      'hourglass_flowing_sand',
      'warning',
      'boom',
      'gear',
      'scissors',
      'memo',
      'white_check_mark',
      'no_entry_sign',
      'mag',
    ]) {
      expect(mrkdwn(`:${name}:`)).toContain(EMOJI[name]);
    }
    expect(mrkdwn(':not_an_emoji:')).toBe(':not_an_emoji:');
    expect(mrkdwn('`:rocket:`')).toBe('<code class="bk-code">:rocket:</code>');
  });

  it('ignores the characters it uses internally', () => {
    expect(mrkdwn('a\uE0000\uE001b')).toBe('a0b');
  });
});

describe('formatSlackDate', () => {
  const seconds = epoch('2026-02-03T04:05:06Z');

  it.each([
    ['{date_num}', '2026-02-03'],
    ['{date}', 'February 3rd, 2026'],
    ['{date_short}', 'Feb 3, 2026'],
    ['{date_long}', 'Tuesday, February 3rd, 2026'],
    ['{time}', '4:05 AM'],
    ['{time_secs}', '4:05:06 AM'],
    ['{date_short_pretty}', 'Feb 3, 2026'],
    ['on {date_num} at {time}', 'on 2026-02-03 at 4:05 AM'],
    ['{unknown}', '{unknown}'],
  ])('%s → %s', (format, text) => {
    expect(formatSlackDate(seconds, format, context)).toBe(text);
  });

  it.each([
    ['2026-11-25T23:59:00Z', 'yesterday'],
    ['2026-11-26T00:00:00Z', 'today'],
    ['2026-11-27T08:00:00Z', 'tomorrow'],
  ])('{date_pretty} of %s is %s', (iso, text) => {
    expect(formatSlackDate(epoch(iso), '{date_pretty}', context)).toBe(text);
  });

  it('says how long ago, or how long until', () => {
    expect(formatSlackDate(epoch('2026-11-26T17:57:00Z'), '{ago}', context)).toBe('3 minutes ago');
    expect(formatSlackDate(epoch('2026-11-26T20:00:00Z'), '{ago}', context)).toBe('in 2 hours');
  });

  it('uses the time zone it is given', () => {
    expect(formatSlackDate(seconds, '{date_num} {time}', { timeZone: 'America/Los_Angeles' })).toBe(
      '2026-02-02 8:05 PM',
    );
  });

  it('writes ordinals as Slack does', () => {
    const day = (n: number) =>
      formatSlackDate(epoch(`2026-03-${String(n).padStart(2, '0')}T12:00:00Z`), '{date}', context);
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 23].map(day)).toEqual(
      ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '23rd'].map(
        (d) => `March ${d}, 2026`,
      ),
    );
  });
});

describe('renderText', () => {
  it('renders plain_text as written, emoji included unless turned off', () => {
    expect(renderText({ type: 'plain_text', text: '*not bold* :rocket:' })).toBe(
      `*not bold* ${emojiSpan('rocket')}`,
    );
    expect(renderText({ type: 'plain_text', text: ':rocket:', emoji: false })).toBe(':rocket:');
    expect(renderText({ type: 'plain_text', text: '<b>&amp;</b>' })).toBe('&lt;b&gt;&amp;amp;&lt;/b&gt;');
  });

  it('renders nothing for something that is not a text object', () => {
    expect(renderText(undefined)).toBe('');
    expect(renderText({ type: 'mrkdwn' })).toBe('');
  });
});

const emojiSpan = (name: string) =>
  `<span class="bk-emoji" role="img" aria-label="${name}" title=":${name}:">${EMOJI[name]}</span>`;

describe('renderBlocks', () => {
  it('renders a header as plain text', () => {
    expect(renderBlocks([{ type: 'header', text: { type: 'plain_text', text: 'Promote <orders>' } }])).toBe(
      '<div class="bk-header">Promote &lt;orders&gt;</div>',
    );
  });

  it('renders a section with text and with fields', () => {
    const html = renderBlocks(
      [
        { type: 'section', text: { type: 'mrkdwn', text: '*What changes*' } },
        {
          type: 'section',
          fields: [
            { type: 'mrkdwn', text: '*Now*\n2' },
            { type: 'plain_text', text: 'Proposed 3' },
          ],
        },
      ],
      context,
    );

    expect(html).toBe(
      '<div class="bk-section"><div class="bk-section-body"><div class="bk-text"><strong>What changes</strong></div></div></div>' +
        '<div class="bk-section"><div class="bk-section-body"><div class="bk-fields">' +
        '<div class="bk-field"><strong>Now</strong><br>2</div><div class="bk-field">Proposed 3</div></div></div></div>',
    );
  });

  it('renders a context with text and images, images only from https', () => {
    const html = renderBlocks([
      {
        type: 'context',
        elements: [
          { type: 'mrkdwn', text: '`R1`  ·  expires' },
          { type: 'image', image_url: 'https://example.com/a.png', alt_text: 'icon' },
          { type: 'image', image_url: 'javascript:alert(1)', alt_text: 'bad' },
        ],
      },
    ]);

    expect(html).toBe(
      '<div class="bk-context"><span class="bk-context-text"><code class="bk-code">R1</code>  ·  expires</span>' +
        '<img class="bk-context-image" src="https://example.com/a.png" alt="icon"><span class="bk-context-image">bad</span></div>',
    );
  });

  it('renders a divider', () => {
    expect(renderBlocks([{ type: 'divider' }])).toBe('<hr class="bk-divider">');
  });

  it('renders buttons with their style, where they sit, and whether they ask to confirm', () => {
    const html = renderBlocks([
      { type: 'divider' },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            action_id: 'request.approve',
            style: 'primary',
            value: 'R1"><script>',
            text: { type: 'plain_text', text: 'Approve' },
            confirm: {},
          },
          {
            type: 'button',
            action_id: 'request.reject',
            style: 'danger',
            value: 'R1',
            text: { type: 'plain_text', text: 'Reject' },
          },
          { type: 'button', action_id: 'other', text: { type: 'plain_text', text: 'Other' } },
          { type: 'button', url: 'https://example.com', text: { type: 'plain_text', text: 'Open' } },
          { type: 'static_select' },
        ],
      },
    ]);

    expect(html).toBe(
      '<hr class="bk-divider"><div class="bk-actions">' +
        '<button type="button" class="bk-button bk-button-primary" data-block="1" data-element="0" data-action-id="request.approve" data-value="R1&quot;&gt;&lt;script&gt;" data-confirm="true">Approve</button>' +
        '<button type="button" class="bk-button bk-button-danger" data-block="1" data-element="1" data-action-id="request.reject" data-value="R1">Reject</button>' +
        '<button type="button" class="bk-button" data-block="1" data-element="2" data-action-id="other" data-value="">Other</button>' +
        '<a class="bk-button" href="https://example.com" target="_blank" rel="noopener noreferrer">Open</a>' +
        '<span class="bk-unsupported">static_select</span></div>',
    );
  });

  it('says which blocks it does not draw, escaping their type', () => {
    expect(renderBlocks([{ type: '<b>video</b>' }])).toBe(
      '<div class="bk-unsupported">The playground does not draw &lt;b&gt;video&lt;/b&gt; blocks.</div>',
    );
  });
});

describe('renderConfirm', () => {
  it('renders the title, the text and both buttons, confirm styled as asked', () => {
    const html = renderConfirm(
      {
        title: { type: 'plain_text', text: 'Change prod?' },
        text: { type: 'mrkdwn', text: 'orders prod moves from *2* to *3*.' },
        confirm: { type: 'plain_text', text: 'Approve' },
        deny: { type: 'plain_text', text: 'Not yet' },
        style: 'danger',
      },
      context,
    );

    expect(html).toBe(
      '<h2 class="bk-confirm-title" id="bk-confirm-title">Change prod?</h2>' +
        '<div class="bk-confirm-text">orders prod moves from <strong>2</strong> to <strong>3</strong>.</div>' +
        '<div class="bk-confirm-buttons"><button type="button" class="bk-button" data-confirm-choice="deny">Not yet</button>' +
        '<button type="button" class="bk-button bk-button-danger" data-confirm-choice="confirm">Approve</button></div>',
    );
  });

  it('falls back to generic labels', () => {
    expect(renderConfirm({ text: { type: 'plain_text', text: 'Sure?' } })).toContain('>Confirm</button>');
  });
});

describe("the bot's own messages", () => {
  it('renders the help message', () => {
    const html = renderMessage(helpMessage(), context);

    expect(html).toContain('<div class="bk-header">Release Lambda functions from Slack</div>');
    expect(html).toContain('<code class="bk-code">/lambda promote orders test→prod</code>');
  });

  it('renders an error that echoes what was typed as text', () => {
    const html = renderMessage(
      errorMessage('`<img src=x onerror=alert(1)>` is not a valid function name.'),
      context,
    );

    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('renders a message without blocks from its text', () => {
    expect(renderMessage({ text: '/lambda failed with the error "operation_timeout"' })).toBe(
      '<div class="bk-section"><div class="bk-text">/lambda failed with the error &quot;operation_timeout&quot;</div></div>',
    );
  });

  it('renders an approval card whose description carries markup as text', () => {
    const html = renderMessage(requestCard(pendingRequest('<img src=x onerror=alert(1)>')), context);

    expect(html).not.toMatch(/<img|<script/);
    expect(html).toContain('3 · &lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('<div class="bk-header">Promote orders: prod 2 → 3</div>');
    expect(html).toContain('<span class="bk-mention" data-user="U0DANA">@Dana</span>');
    expect(html).toContain('<span class="bk-mention bk-group">@release-approvers</span>');
    expect(html).toContain(
      'data-action-id="request.approve" data-value="R1234ABCDE" data-confirm="true">Approve</button>',
    );
    expect(html).toContain('>Reject</button>');
    expect(html).toMatch(/expires <time class="bk-date"[^>]*>today 7:00 PM<\/time>/);
  });
});

function pendingRequest(description: string): RequestState {
  const request: ChangeRequest = {
    id: 'R1234ABCDE',
    kind: 'promote',
    function: 'orders',
    functionName: 'orders-service',
    alias: 'prod',
    toVersion: '3',
    fromVersion: '2',
    fromRevisionId: 'rev-1',
    fromWeights: {},
    sourceAlias: 'test',
    requester: 'U0DANA',
    team: 'T0SANDBOX',
    channel: 'C0RELEASES',
    createdAt: '2026-11-26T18:00:00.000Z',
    expiresAt: '2026-11-26T19:00:00.000Z',
    rule: { approvers: ['U0SAM', 'S0RELEASE'], required: 2 },
    selfApproval: false,
    lastStage: true,
    versions: {
      from: {
        version: '2',
        description: 'Order search',
        lastModified: '2026-10-05T14:40:00Z',
        codeSha256: 'aaaa',
      },
      to: { version: '3', description, lastModified: '2026-10-27T10:05:00Z', codeSha256: 'bbbb' },
    },
    diff: {
      changes: [{ field: 'code', from: 'aaaa', to: 'bbbb' }],
      envAdded: ['PAYMENTS_QUEUE_URL'],
      envRemoved: [],
      envChanged: [],
    },
  };
  return { request, status: 'PENDING', approvals: [], events: [] };
}
