// The approvals of a request made through a freeze with --override: the alias's rule and the
// freeze override rule, one person's approval counting once, for one rule (DESIGN.md 3b).
import { describe, expect, it } from 'vitest';
import { countApprovals, type GivenApproval } from '../../../src/domain/approvals';
import { type AuditEvent, decideClick, foldRequest } from '../../../src/domain/request';
import type { ApprovalRuleName } from '../../../src/domain/request-guards';
import { auditEvent, CREATED_AT, changeRequest } from '../fixtures';

const NOW = new Date(Date.parse(CREATED_AT) + 60_000);

function overridden(required = 2, overrideRequired = 1) {
  return changeRequest({
    rule: { approvers: ['UALICE', 'UBOB', 'UCAROL'], required },
    guards: {
      override: {
        reason: 'hotfix INC-42',
        freeze: 'weekend',
        timezone: 'Europe/Berlin',
        until: '2030-05-07T06:00:00.000Z',
        rule: { approvers: ['UCAROL', 'UDAVE'], required: overrideRequired },
      },
    },
  });
}

const A = (actor: string, ...rules: ApprovalRuleName[]): GivenApproval => ({ actor, for: rules });

describe('countApprovals', () => {
  it.each<{
    name: string;
    given: GivenApproval[];
    approvals: string[];
    override: string[];
    complete: boolean;
  }>([
    {
      name: 'alias approvers alone never complete an overridden request',
      given: [A('UALICE', 'approvals'), A('UBOB', 'approvals')],
      approvals: ['UALICE', 'UBOB'],
      override: [],
      complete: false,
    },
    {
      name: 'the override approver completes it',
      given: [A('UALICE', 'approvals'), A('UDAVE', 'freezeOverride'), A('UBOB', 'approvals')],
      approvals: ['UALICE', 'UBOB'],
      override: ['UDAVE'],
      complete: true,
    },
    {
      name: 'someone allowed for both counts once: for one rule still missing, never for two',
      given: [A('UCAROL', 'approvals', 'freezeOverride'), A('UALICE', 'approvals')],
      approvals: ['UALICE', 'UCAROL'],
      override: [],
      complete: false,
    },
    {
      name: 'shared out again as approvals arrive: an override-only approver later moves them',
      given: [
        A('UCAROL', 'approvals', 'freezeOverride'),
        A('UALICE', 'approvals'),
        A('UDAVE', 'freezeOverride'),
      ],
      approvals: ['UALICE', 'UCAROL'],
      override: ['UDAVE'],
      complete: true,
    },
    {
      name: 'someone allowed for both is not used up on a rule others fill (an optimal share)',
      given: [A('UCAROL', 'approvals', 'freezeOverride'), A('UALICE', 'approvals'), A('UBOB', 'approvals')],
      approvals: ['UALICE', 'UBOB'],
      override: ['UCAROL'],
      complete: true,
    },
    {
      name: 'two people allowed for both cover the two rules only partly when three approvals are needed',
      given: [A('UCAROL', 'approvals', 'freezeOverride'), A('UDAVE', 'approvals', 'freezeOverride')],
      approvals: ['UCAROL', 'UDAVE'],
      override: [],
      complete: false,
    },
  ])('$name', ({ given, approvals, override, complete }) => {
    const progress = countApprovals(overridden(), given);

    expect(progress.approvals).toEqual(approvals);
    expect(progress.freezeOverride).toEqual(override);
    expect(progress.complete).toBe(complete);
  });

  it('a request without override counts every approver for its rule, as before', () => {
    const request = changeRequest({ rule: { approvers: 'anyone', required: 2 } });

    const progress = countApprovals(request, [A('UALICE'), A('UBOB')]);

    expect(progress).toEqual({ approvals: ['UALICE', 'UBOB'], freezeOverride: [], complete: true });
  });
});

describe('decideClick on an overridden request', () => {
  function stateAfter(approvals: [string, ApprovalRuleName[]][]) {
    const request = overridden();
    const events: AuditEvent[] = [
      auditEvent(request, 'REQUESTED', request.requester, 1),
      ...approvals.map(([actor, rules], index) => ({
        ...auditEvent(request, 'APPROVED', actor, index + 2),
        approvedFor: rules,
      })),
    ];
    return foldRequest(request, events);
  }

  it('stays PENDING after the alias rule is met, and APPLYING once the override approves', () => {
    const afterAlias = stateAfter([
      ['UALICE', ['approvals']],
      ['UBOB', ['approvals']],
    ]);
    expect(afterAlias.status).toBe('PENDING');

    const decision = decideClick(
      afterAlias,
      { type: 'approve', actor: 'UDAVE', allowed: true, approvedFor: ['freezeOverride'] },
      NOW,
    );

    expect(decision).toMatchObject({
      kind: 'append',
      event: { action: 'APPROVED', actor: 'UDAVE', approvedFor: ['freezeOverride'] },
      next: 'apply',
    });
  });

  it('a third alias approver is refused and recorded DENIED: their approval would count for nothing', () => {
    const state = stateAfter([
      ['UALICE', ['approvals']],
      ['UBOB', ['approvals']],
    ]);

    const decision = decideClick(
      state,
      { type: 'approve', actor: 'UCAROL2', allowed: true, approvedFor: ['approvals'] },
      NOW,
    );

    expect(decision).toMatchObject({
      kind: 'append',
      event: { action: 'DENIED', actor: 'UCAROL2' },
      next: 'refused',
    });
    expect(decision.kind === 'append' && decision.event.reason).toContain('freeze override');
  });

  it('the override approver alone waits for the alias approvals', () => {
    const decision = decideClick(
      stateAfter([]),
      { type: 'approve', actor: 'UDAVE', allowed: true, approvedFor: ['freezeOverride'] },
      NOW,
    );

    expect(decision).toMatchObject({ kind: 'append', event: { action: 'APPROVED' }, next: 'wait' });
  });

  it('folds the approvals shared out on the state', () => {
    const state = stateAfter([
      ['UCAROL', ['approvals', 'freezeOverride']],
      ['UALICE', ['approvals']],
      ['UBOB', ['approvals']],
    ]);

    expect(state.status).toBe('APPLYING');
    expect(state.progress).toEqual({
      approvals: ['UALICE', 'UBOB'],
      freezeOverride: ['UCAROL'],
      complete: true,
    });
  });
});
