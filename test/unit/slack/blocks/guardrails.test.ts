// What the guardrails add to messages: the card's bold flags (freeze override, promotion order,
// soak, the holder's lock), the card of a request waiting for a lock, and the lock notes. Text
// people typed (an override reason, a lock reason) never becomes a mention or a link.
import { describe, expect, it } from 'vitest';
import { newLock } from '../../../../src/domain/lock';
import { foldRequest } from '../../../../src/domain/request';
import type { RequestGuards } from '../../../../src/domain/request-guards';
import { lockedMessage, locksMessage, unlockedMessage } from '../../../../src/slack/blocks/locks';
import { requestCard } from '../../../../src/slack/blocks/request-card';
import { auditEvent, CREATED_AT, changeRequest } from '../../fixtures';
import { expectWithinSlackLimits, visibleText } from './slack-limits';

const HOSTILE = 'fix <!channel> see <https://evil.example|click> & <@U0VICTIM>';

const LOCK = newLock({
  id: 'LABCDEFGH1',
  function: 'orders',
  alias: 'prod',
  holder: 'UHOLDER',
  reason: HOSTILE,
  at: new Date(CREATED_AT),
  forMs: 2 * 60 * 60_000,
});

function card(guards: RequestGuards, approvals: string[] = [], options = {}) {
  const request = changeRequest({ guards });
  const events = [
    auditEvent(request, 'REQUESTED', request.requester, 1),
    ...approvals.map((actor, index) => auditEvent(request, 'APPROVED', actor, index + 2)),
  ];
  return requestCard(foldRequest(request, events), options);
}

describe('the request card with guardrails', () => {
  it('says in bold that a freeze was overridden, with the escaped reason and the extra approval', () => {
    const message = card({
      override: {
        reason: HOSTILE,
        freeze: 'weekend',
        timezone: 'Europe/Berlin',
        until: '2030-05-10T06:00:00.000Z',
        rule: { approvers: ['UINCIDENT'], required: 1 },
      },
    });

    const text = JSON.stringify(message.blocks);
    expect(text).toContain('*Made during the freeze weekend (Europe/Berlin');
    expect(text).toContain('+ freeze override:* 0 of 1');
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<@U0VICTIM>');
    expectWithinSlackLimits(message);
  });

  it('flags promotion-order problems in bold and shows the soak', () => {
    const message = card({
      stageWarnings: [{ code: 'skips', from: 'dev', to: 'prod', skipped: ['test'] }],
      skipStages: true,
      soak: { previous: 'test', ranMs: 95 * 60_000, requiredMs: 30 * 60_000 },
    });

    expect(visibleText(message)).toContain('*dev→prod skips test (`--skip-stages`).*');
    expect(visibleText(message)).toContain('Soaked on test: 1h 35m (minSoak 30m)');
  });

  it('an approved request waiting for a lock says whose, without buttons', () => {
    const request = changeRequest({ rule: { approvers: 'anyone', required: 1 } });
    const state = foldRequest(request, [
      auditEvent(request, 'REQUESTED', request.requester, 1),
      auditEvent(request, 'APPROVED', 'UAPPROVER', 2),
    ]);

    const message = requestCard(state, { waitingFor: LOCK });

    expect(visibleText(message)).toContain('*Approved, waiting for a lock*');
    expect(visibleText(message)).toContain('orders prod is locked by <@UHOLDER>');
    expect(JSON.stringify(message.blocks)).not.toContain('request.approve');
    expect(JSON.stringify(message.blocks)).not.toContain('<!channel>');
    expect(message.text).toContain('waiting for a lock');
  });
});

describe('lock notes', () => {
  it('name the holder, the end and the escaped reason', () => {
    for (const message of [
      lockedMessage(LOCK),
      locksMessage([LOCK]),
      unlockedMessage(LOCK, 'UOTHER', ['R123456789']),
    ]) {
      const text = JSON.stringify(message.blocks);
      expect(text).toContain('<@UHOLDER>');
      expect(text).not.toContain('<!channel>');
      expect(text).not.toContain('<https://evil.example');
      expectWithinSlackLimits(message);
    }
    expect(visibleText(lockedMessage(LOCK))).toContain('/lambda unlock orders prod');
    expect(visibleText(unlockedMessage(LOCK, 'UOTHER', ['R123456789']))).toContain('R123456789');
    expect(visibleText(locksMessage([]))).toContain('No locks in force.');
  });
});
