import { describe, expect, it } from 'vitest';
import type { ApprovalRule } from '../../../../src/domain/model';
import {
  type AuditAction,
  type ChangeRequest,
  foldRequest,
  type RequestState,
  type RequestStatus,
} from '../../../../src/domain/request';
import { diffVersions } from '../../../../src/domain/version-diff';
import { APPROVE_ACTION, REJECT_ACTION, requestCard } from '../../../../src/slack/blocks/request-card';
import { allStrings, auditEvent, changeRequest, versionInfo } from '../../fixtures';
import { blocksOf, expectWithinSlackLimits, sectionTexts, visibleText } from './slack-limits';

const HOSTILE = 'fix <!channel> see <https://evil.example|click> & <@U0VICTIM> `x`';

/** The request's state after `steps` (action, actor, reason) following its REQUESTED event. */
function cardState(
  overrides: Partial<ChangeRequest> = {},
  steps: [AuditAction, string, string?][] = [],
): RequestState {
  const request = changeRequest(overrides);
  const events = [
    auditEvent(request, 'REQUESTED', request.requester, 1),
    ...steps.map(([action, actor, reason], index) =>
      auditEvent(request, action, actor, index + 2, reason === undefined ? {} : { reason }),
    ),
  ];
  return foldRequest(request, events);
}

const TWO_OF_LISTED: ApprovalRule = { approvers: ['UALICE', 'UBOB', 'S0PLATFORM'], required: 2 };

const ENDED: { status: RequestStatus; steps: [AuditAction, string, string?][]; says: string[] }[] = [
  {
    status: 'APPLIED',
    steps: [
      ['APPROVED', 'UBOB'],
      ['APPLIED', 'UBOB'],
    ],
    says: ['*Applied* by <@UBOB>', 'prod now points at 42'],
  },
  { status: 'REJECTED', steps: [['REJECTED', 'UBOB']], says: ['*Rejected* by <@UBOB>', 'prod stays at 41'] },
  {
    status: 'CANCELLED',
    steps: [['CANCELLED', 'UREQUESTER']],
    says: ['*Cancelled* by <@UREQUESTER>', 'prod stays at 41'],
  },
  {
    status: 'EXPIRED',
    steps: [['EXPIRED', 'system']],
    says: ['*Expired*', 'prod stays at 41', '/lambda promote orders test→prod'],
  },
  {
    status: 'STALE',
    steps: [
      ['APPROVED', 'UBOB'],
      ['STALE', 'system', 'prod moved to 43 since the request'],
    ],
    says: ['*Not applied*', 'prod moved to 43 since the request', '/lambda status orders'],
  },
  {
    status: 'FAILED',
    steps: [
      ['APPROVED', 'UBOB'],
      ['FAILED', 'system', 'Lambda said: throttled'],
    ],
    says: ['*Failed*', 'Lambda said: throttled', 'prod was not changed'],
  },
];

describe('requestCard', () => {
  describe('a pending request', () => {
    it('offers Approve and Reject buttons carrying the request id', () => {
      // Act
      const card = requestCard(cardState());

      // Assess
      const [actions, ...others] = blocksOf(card, 'actions');
      expect(others).toEqual([]);
      expect(actions?.elements).toEqual([
        expect.objectContaining({
          type: 'button',
          action_id: APPROVE_ACTION,
          value: 'R7K2M9QX4A',
          style: 'primary',
        }),
        expect.objectContaining({
          type: 'button',
          action_id: REJECT_ACTION,
          value: 'R7K2M9QX4A',
          style: 'danger',
        }),
      ]);
      expect(APPROVE_ACTION).toBe('request.approve');
      expect(REJECT_ACTION).toBe('request.reject');
    });

    it.each([
      { lastStage: true, confirm: true },
      { lastStage: false, confirm: false },
    ])('asks to confirm Approve only on the last stage (lastStage: $lastStage)', ({ lastStage, confirm }) => {
      // Act
      const card = requestCard(cardState({ lastStage }));

      // Assess
      const [approve, reject] = (blocksOf(card, 'actions')[0]?.elements ?? []) as Record<string, unknown>[];
      expect(approve?.confirm !== undefined).toBe(confirm);
      expect(reject?.confirm).toBeUndefined();
    });

    it.each([
      {
        name: 'the approval that moves it',
        rule: { approvers: 'anyone', required: 1 } as ApprovalRule,
        now: true,
      },
      { name: 'one approval of two', rule: TWO_OF_LISTED, now: false },
    ])('says in the confirm dialog what happens on $name', ({ rule, now }) => {
      // Act
      const card = requestCard(cardState({ lastStage: true, rule }));

      // Assess
      const [approve] = (blocksOf(card, 'actions')[0]?.elements ?? []) as {
        confirm?: { text: { text: string } };
      }[];
      const text = approve?.confirm?.text.text ?? '';
      expect(text).toContain('orders prod moves from 41 to 42');
      expect(text.includes('as soon as you approve')).toBe(now);
    });

    it('says who asked, who may approve, how many approvals are in and which versions', () => {
      // Act
      const card = requestCard(cardState({ rule: TWO_OF_LISTED }, [['APPROVED', 'UALICE']]));

      // Assess
      const text = visibleText(card);
      expect(blocksOf(card, 'header')[0]).toMatchObject({ text: { text: 'Promote orders: prod 41 → 42' } });
      expect(text).toContain('*Requested by*\n<@UREQUESTER>');
      expect(text).toContain('1 of 2: <@UALICE>');
      expect(text).toContain('from <@UALICE>, <@UBOB>, <!subteam^S0PLATFORM>, not the requester');
      expect(text).toContain('*Now*\n41 · orders 1.4.0');
      expect(text).toContain('*Proposed*\n42 · orders 1.5.0');
      expect(text).toContain('prod (from test)');
      expect(text).toContain('1 approval to go');
      expect(text).toContain('/lambda cancel R7K2M9QX4A');
      expect(card.text).toBe('Promote orders: prod 41 → 42: 1 of 2 approvals');
    });

    it('says a rollback is one', () => {
      // Act
      const card = requestCard(cardState({ kind: 'rollback', sourceAlias: undefined, toVersion: '40' }));

      // Assess
      expect(blocksOf(card, 'header')[0]).toMatchObject({ text: { text: 'Roll back orders: prod 41 → 40' } });
    });

    it('shows the traffic split the change clears, with its weights', () => {
      // Act
      const card = requestCard(cardState({ fromWeights: { '43': 0.25 } }));

      // Assess
      const text = visibleText(card);
      expect(text).toContain('prod splits its traffic now (43 gets 25%)');
      expect(text).toContain('clears the split');
    });

    it('says nothing about a split when there is none', () => {
      expect(visibleText(requestCard(cardState()))).not.toContain('split');
    });
  });

  describe('what changes', () => {
    it('lists changed fields and environment keys, never values or digests', () => {
      // Prepare
      const digests = {
        kept: 'd1gest-kept-0000000000000000000000000000000000000000000000000000',
        oldValue: 'd1gest-old-11111111111111111111111111111111111111111111111111111',
        newValue: 'd1gest-new-22222222222222222222222222222222222222222222222222222',
        gone: 'd1gest-gone-3333333333333333333333333333333333333333333333333333',
        added: 'd1gest-added-444444444444444444444444444444444444444444444444444',
      };
      const from = versionInfo('41', {
        runtime: 'nodejs18.x',
        memorySize: 128,
        environmentDigests: { TABLE: digests.kept, API_KEY: digests.oldValue, LEGACY_FLAG: digests.gone },
      });
      const to = versionInfo('42', {
        runtime: 'nodejs20.x',
        memorySize: 512,
        environmentDigests: { TABLE: digests.kept, API_KEY: digests.newValue, NEW_FLAG: digests.added },
      });
      const request = changeRequest({
        versions: {
          from: {
            version: '41',
            description: from.description,
            lastModified: from.lastModified,
            codeSha256: from.codeSha256,
          },
          to: {
            version: '42',
            description: to.description,
            lastModified: to.lastModified,
            codeSha256: to.codeSha256,
          },
        },
        diff: diffVersions(from, to),
      });

      // Act
      const card = requestCard(foldRequest(request, []));

      // Assess
      const text = visibleText(card);
      expect(text).toContain('• runtime nodejs18.x → nodejs20.x');
      expect(text).toContain('• memory 128 MB → 512 MB');
      expect(text).toContain('• code `CODE0041` → `CODE0042`');
      expect(text).toContain('• environment added: `NEW_FLAG`');
      expect(text).toContain('• environment removed: `LEGACY_FLAG`');
      expect(text).toContain('• environment changed: `API_KEY`');
      expect(text).not.toMatch(/TABLE/);
      for (const value of allStrings(card)) expect(value).not.toMatch(/d1gest/);
    });

    it('says when nothing but the version number differs', () => {
      expect(visibleText(requestCard(cardState()))).toContain('Nothing but the version number');
    });

    it('caps long environment key lists', () => {
      // Prepare
      const keys = Array.from({ length: 30 }, (_, i) => `KEY_${String(i).padStart(2, '0')}`);
      const state = cardState({ diff: { changes: [], envAdded: keys, envRemoved: [], envChanged: [] } });

      // Act
      const text = visibleText(requestCard(state));

      // Assess
      expect(text).toContain('`KEY_19` …');
      expect(text).not.toContain('KEY_20');
    });
  });

  describe('an ended request', () => {
    it.each(ENDED)('$status: no buttons, and the outcome', ({ steps, status, says }) => {
      // Prepare
      const state = cardState({}, steps);
      expect(state.status).toBe(status);

      // Act
      const card = requestCard(state);

      // Assess
      expect(blocksOf(card, 'actions')).toEqual([]);
      expect(allStrings(card)).not.toContain(APPROVE_ACTION);
      expect(allStrings(card)).not.toContain(REJECT_ACTION);
      const outcome = sectionTexts(card).at(-1) ?? '';
      for (const phrase of says) expect(outcome).toContain(phrase);
      expect(outcome).toMatch(/<!date\^\d+\^/);
      expect(card.text).toBe(`Promote orders: prod 41 → 42: ${status.toLowerCase()}`);
      expectWithinSlackLimits(card);
    });

    it.each(ENDED.filter(({ steps }) => steps.at(-1)?.[1] === 'system'))(
      '$status: the bot ended it, so no one is named as its actor',
      ({ steps }) => {
        // Act
        const card = requestCard(cardState({}, steps));

        // Assess
        const outcome = sectionTexts(card).at(-1) ?? '';
        expect(outcome).not.toMatch(/ by |<@|system/);
      },
    );

    it('while applying: only Retry (a click restarts an update nobody is applying), and who approved', () => {
      // Act
      const card = requestCard(
        cardState({ rule: TWO_OF_LISTED }, [
          ['APPROVED', 'UALICE'],
          ['APPROVED', 'UBOB'],
        ]),
      );

      // Assess
      const buttons = JSON.stringify(blocksOf(card, 'actions'));
      expect(buttons).toContain('"action_id":"request.approve"');
      expect(buttons).toContain('"text":"Retry"');
      expect(buttons).not.toContain('request.reject');
      expect(visibleText(card)).toContain('Approved by <@UALICE>, <@UBOB>: moving prod');
      expect(card.text).toBe('Promote orders: prod 41 → 42: applying');
    });

    it('offers the right command to ask again', () => {
      // Act
      const explicit = visibleText(
        requestCard(cardState({ sourceAlias: undefined }, [['EXPIRED', 'system']])),
      );
      const rollback = visibleText(
        requestCard(cardState({ kind: 'rollback', sourceAlias: undefined }, [['EXPIRED', 'system']])),
      );

      // Assess
      expect(explicit).toContain('`/lambda promote orders prod 42`');
      expect(rollback).toContain('`/lambda rollback orders prod`');
    });
  });

  describe('text that users or AWS control', () => {
    const hostile = cardState({
      versions: {
        from: { ...changeRequest().versions.from, description: HOSTILE },
        to: { ...changeRequest().versions.to, description: `${HOSTILE} v2` },
      },
      diff: {
        changes: [
          { field: 'description', from: HOSTILE, to: `${HOSTILE} v2` },
          { field: 'runtime', from: '<!here>', to: '<https://evil.example|rt>' },
        ],
        envAdded: ['A<!channel>'],
        envRemoved: [],
        envChanged: [],
      },
    });

    it.each<{ name: string; state: RequestState }>([
      { name: 'pending', state: hostile },
      {
        name: 'stale, with a hostile reason',
        state: foldRequest(hostile.request, [
          auditEvent(hostile.request, 'STALE', 'system', 2, { reason: HOSTILE }),
        ]),
      },
      {
        name: 'failed, with a hostile reason',
        state: foldRequest(hostile.request, [
          auditEvent(hostile.request, 'FAILED', 'system', 2, { reason: HOSTILE }),
        ]),
      },
    ])('is escaped everywhere when $name', ({ state }) => {
      // Act
      const card = requestCard(state);

      // Assess
      const strings = allStrings(card);
      for (const value of strings) {
        expect(value).not.toContain('<!channel>');
        expect(value).not.toContain('<!here>');
        expect(value).not.toContain('<https://evil.example');
        expect(value).not.toContain('<@U0VICTIM>');
      }
      expect(visibleText(card)).toContain('&lt;!channel&gt;');
      expect(visibleText(card)).toContain('&lt;https://evil.example|click&gt;');
      expect(visibleText(card)).toContain('&amp;');
    });
  });

  describe('Slack limits', () => {
    const longAlias = `a${'l'.repeat(127)}`;
    const longFn = `f${'n'.repeat(63)}`;
    const many = (prefix: string) =>
      Array.from({ length: 60 }, (_, i) => `${prefix}_${'K'.repeat(120)}_${i}`);

    it.each<{ name: string; state: RequestState }>([
      { name: 'an ordinary card', state: cardState() },
      {
        name: 'a card with the longest names, many approvers and many changed keys',
        state: cardState(
          {
            function: longFn,
            functionName: `arn:aws:lambda:eu-west-1:123456789012:function:${longFn}`,
            alias: longAlias,
            sourceAlias: `b${'x'.repeat(127)}`,
            fromVersion: '9999999998',
            toVersion: '9999999999',
            lastStage: false,
            rule: {
              approvers: Array.from({ length: 300 }, (_, i) => `U${String(i).padStart(10, '0')}`),
              required: 10,
            },
            versions: {
              from: { ...changeRequest().versions.from, description: 'd'.repeat(256) },
              to: { ...changeRequest().versions.to, description: 'e'.repeat(256) },
            },
            diff: {
              changes: [{ field: 'runtime', from: 'r'.repeat(500), to: 's'.repeat(500) }],
              envAdded: many('ADDED'),
              envRemoved: many('REMOVED'),
              envChanged: many('CHANGED'),
            },
          },
          [['APPROVED', 'U0000000001']],
        ),
      },
    ])('keeps $name within Block Kit limits', ({ state }) => {
      expectWithinSlackLimits(requestCard(state));
    });

    it('keeps the confirm dialog within its limits for the longest alias name', () => {
      // Prepare: AWS allows alias names of 128 characters
      const state = cardState({ alias: longAlias, function: longFn, lastStage: true });

      // Act
      const card = requestCard(state);

      // Assess
      const [approve] = (blocksOf(card, 'actions')[0]?.elements ?? []) as {
        confirm?: { title: { text: string }; text: { text: string } };
      }[];
      expect(approve?.confirm?.title.text.length).toBeLessThanOrEqual(100);
      expect(approve?.confirm?.text.text.length).toBeLessThanOrEqual(300);
    });

    it('cuts a header that would pass 150 characters', () => {
      // Act
      const card = requestCard(cardState({ function: `f${'n'.repeat(63)}`, alias: longAlias }));

      // Assess
      const header = blocksOf(card, 'header')[0]?.text as { text: string };
      expect(header.text).toHaveLength(150);
      expect(header.text.endsWith('…')).toBe(true);
    });
  });
});

describe('a request from CI', () => {
  const origin = {
    kind: 'ci' as const,
    requestedBy: 'gha <!channel> <@U0VICTIM> *bold* & co',
    invocationId: 'abc',
  };

  it('says CI asked, with its declared identity escaped, and how it can end', () => {
    const card = requestCard(cardState({ requester: 'ci', origin }));
    const text = JSON.stringify(card.blocks);

    expect(text).toContain('CI: gha &lt;!channel&gt; &lt;@U0VICTIM&gt; *bold* &amp; co');
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<@U0VICTIM>');
    expect(text).toContain('an approver can reject it');
    expect(text).not.toContain('/lambda cancel');
    expectWithinSlackLimits(card);
  });

  it('keeps saying so once decided', () => {
    const card = requestCard(cardState({ requester: 'ci', origin }, [['REJECTED', 'UBOB']]));

    expect(JSON.stringify(card.blocks)).toContain('requested by :robot_face: CI: gha');
  });
});
