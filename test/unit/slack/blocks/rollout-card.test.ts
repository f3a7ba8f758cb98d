import { describe, expect, it } from 'vitest';
import { DEFAULT_ROLLOUT_GUARD, type RolloutPlan } from '../../../../src/domain/config-model';
import type { AuditAction, AuditEvent } from '../../../../src/domain/request';
import { foldRollout } from '../../../../src/domain/rollout';
import { requestCard } from '../../../../src/slack/blocks/request-card';
import {
  ROLLOUT_PAUSE_ACTION,
  ROLLOUT_PROMOTE_ACTION,
  ROLLOUT_RESUME_ACTION,
  ROLLOUT_ROLLBACK_ACTION,
  rolloutCard,
} from '../../../../src/slack/blocks/rollout-card';
import { auditEvent, CREATED_AT, changeRequest } from '../../fixtures';
import { blocksOf, expectWithinSlackLimits, visibleText } from './slack-limits';

const PLAN: RolloutPlan = {
  strategy: 'canary',
  steps: [10],
  bakeMs: 10 * 60_000,
  guard: { ...DEFAULT_ROLLOUT_GUARD, alarms: ['orders-prod-5xx'] },
};
const HOSTILE = 'boom <!channel> <https://evil.example|click>';

/** A rollout's card after `steps` (action, actor, extra) following its REQUESTED and APPROVED. */
function card(steps: [AuditAction, string, Partial<AuditEvent>?][], now = new Date(CREATED_AT)) {
  const request = changeRequest({ rollout: PLAN });
  const events = [
    auditEvent(request, 'REQUESTED', request.requester, 1),
    auditEvent(request, 'APPROVED', 'UAPPROVER', 2),
    ...steps.map(([action, actor, extra], index) =>
      auditEvent(request, action, actor, index + 3, extra ?? {}),
    ),
  ];
  const message = rolloutCard(
    foldRollout(request, PLAN, events),
    events,
    {
      newer: { invocations: 40, errors: 1 },
      older: { invocations: 360, errors: 0 },
    },
    now,
  );
  expectWithinSlackLimits(message);
  return message;
}

const buttons = (message: ReturnType<typeof card>) =>
  blocksOf(message, 'actions').flatMap(
    (block) => (block as { elements: { action_id: string; value: string }[] }).elements,
  );

describe('rolloutCard', () => {
  it('shows the plan, the guard, the split, the next step and both versions’ numbers', () => {
    const text = visibleText(card([['SHIFTED', 'system', { weight: 10 }]]));
    expect(text).toContain('canary: 10% for 10m, then 100%');
    expect(text).toContain('at most 1% of at least 20 invocations');
    expect(text).toContain('10% on 42, 90% on 41');
    expect(text).toContain('100% if healthy');
    expect(text).toContain('40 invocations, 1 errors (2.5%)');
    expect(text).toContain('360 invocations, 0 errors (0%)');
  });

  it('offers Promote now, Pause and Roll back while rolling out, Resume instead of Pause when paused', () => {
    const rolling = buttons(card([['SHIFTED', 'system', { weight: 10 }]]));
    expect(rolling.map((button) => button.action_id)).toEqual([
      ROLLOUT_PROMOTE_ACTION,
      ROLLOUT_PAUSE_ACTION,
      ROLLOUT_ROLLBACK_ACTION,
    ]);
    expect(rolling.every((button) => button.value === 'R7K2M9QX4A')).toBe(true);
    const paused = buttons(
      card([
        ['SHIFTED', 'system', { weight: 10 }],
        ['PAUSED', 'UREQUESTER'],
      ]),
    );
    expect(paused.map((button) => button.action_id)).toContain(ROLLOUT_RESUME_ACTION);
    expect(paused.map((button) => button.action_id)).not.toContain(ROLLOUT_PAUSE_ACTION);
  });

  it('says the step was extended, and why', () => {
    const text = visibleText(
      card([
        ['SHIFTED', 'system', { weight: 10 }],
        ['EXTENDED', 'system', { reason: '3 invocations, fewer than the 20 needed to judge' }],
      ]),
    );
    expect(text).toContain('Step extended');
    expect(text).toContain('(1 of 2)');
    expect(text).toContain('3 invocations, fewer than the 20 needed to judge');
  });

  it('after an automatic rollback: no buttons, the reason escaped, the requester and approvers named', () => {
    const message = card([
      ['SHIFTED', 'system', { weight: 10 }],
      ['ROLLED_BACK', 'system', { reason: HOSTILE }],
    ]);
    const text = visibleText(message);
    expect(buttons(message)).toEqual([]);
    expect(text).toContain('*Rolled back* by the bot');
    expect(text).toContain('<@UREQUESTER> <@UAPPROVER>');
    expect(JSON.stringify(message)).not.toContain('<!channel>');
    expect(JSON.stringify(message)).not.toContain('<https://evil.example');
  });

  it('after the last step: rolled out, all traffic on the new version', () => {
    const text = visibleText(
      card([
        ['SHIFTED', 'system', { weight: 10 }],
        ['APPLIED', 'system'],
      ]),
    );
    expect(text).toContain('*Rolled out*');
    expect(text).toContain('100% on 42');
  });
});

describe('requestCard of a rollout', () => {
  it('pending: the approval card states the plan and the guard', () => {
    const request = changeRequest({ rollout: PLAN });
    const text = visibleText(
      requestCard({
        request,
        status: 'PENDING',
        approvals: [],
        events: [auditEvent(request, 'REQUESTED', 'U1', 1)],
      }),
    );
    expect(text).toContain('10% for 10m, then 100%');
    expect(text).toContain('orders-prod-5xx');
  });
});
