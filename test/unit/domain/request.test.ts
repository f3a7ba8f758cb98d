import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AuditAction,
  applyOverdue,
  type Click,
  changeMarker,
  decideCancel,
  decideClick,
  ENDING_ACTIONS,
  foldRequest,
  hasMarker,
  holdsAlias,
  isOpen,
  needsApply,
  newRequestId,
  type RequestState,
  type RequestStatus,
  type StepClaim,
  withMarker,
} from '../../../src/domain/request';
import { auditEvent, changeRequest, EXPIRES_AT } from '../fixtures';

const BEFORE_EXPIRY = new Date(Date.parse(EXPIRES_AT) - 1);
const AT_EXPIRY = new Date(EXPIRES_AT);
const AFTER_EXPIRY = new Date(Date.parse(EXPIRES_AT) + 60_000);

const TERMINAL: [AuditAction, RequestStatus][] = [
  ['REJECTED', 'REJECTED'],
  ['CANCELLED', 'CANCELLED'],
  ['EXPIRED', 'EXPIRED'],
  ['APPLIED', 'APPLIED'],
  ['STALE', 'STALE'],
  ['FAILED', 'FAILED'],
];

/** A request needing `required` approvals, folded from its REQUESTED event and then `steps` (action, actor). */
function stateAfter(required: number, steps: [AuditAction, string][]): RequestState {
  const request = changeRequest({ rule: { approvers: ['UALICE', 'UBOB', 'UCAROL'], required } });
  const events = [
    auditEvent(request, 'REQUESTED', request.requester, 1),
    ...steps.map(([action, actor], index) => auditEvent(request, action, actor, index + 2)),
  ];
  return foldRequest(request, events);
}

describe('foldRequest', () => {
  it('starts PENDING with no approvals', () => {
    // Act
    const state = stateAfter(1, []);

    // Assess
    expect(state.status).toBe('PENDING');
    expect(state.approvals).toEqual([]);
    expect(state.final).toBeUndefined();
    expect(state.events).toHaveLength(1);
  });

  it.each<{
    name: string;
    required: number;
    steps: [AuditAction, string][];
    status: RequestStatus;
    approvals: string[];
  }>([
    {
      name: 'one of two approvals',
      required: 2,
      steps: [['APPROVED', 'UALICE']],
      status: 'PENDING',
      approvals: ['UALICE'],
    },
    {
      name: 'the same user twice counts once',
      required: 2,
      steps: [
        ['APPROVED', 'UALICE'],
        ['APPROVED', 'UALICE'],
      ],
      status: 'PENDING',
      approvals: ['UALICE'],
    },
    {
      name: 'two users reach two required',
      required: 2,
      steps: [
        ['APPROVED', 'UALICE'],
        ['APPROVED', 'UBOB'],
      ],
      status: 'APPLYING',
      approvals: ['UALICE', 'UBOB'],
    },
    {
      name: 'one approval of one required',
      required: 1,
      steps: [['APPROVED', 'UBOB']],
      status: 'APPLYING',
      approvals: ['UBOB'],
    },
    {
      name: 'a denied click is no approval',
      required: 1,
      steps: [['DENIED', 'UMALLORY']],
      status: 'PENDING',
      approvals: [],
    },
    {
      name: 'applying, then applied',
      required: 1,
      steps: [
        ['APPROVED', 'UALICE'],
        ['APPLIED', 'UALICE'],
      ],
      status: 'APPLIED',
      approvals: ['UALICE'],
    },
    {
      name: 'an approval after a rejection is ignored',
      required: 1,
      steps: [
        ['REJECTED', 'UBOB'],
        ['APPROVED', 'UALICE'],
      ],
      status: 'REJECTED',
      approvals: [],
    },
    {
      name: 'a second ending after the first is ignored',
      required: 1,
      steps: [
        ['APPROVED', 'UALICE'],
        ['APPLIED', 'UALICE'],
        ['STALE', 'system'],
      ],
      status: 'APPLIED',
      approvals: ['UALICE'],
    },
  ])('$name → $status', ({ required, steps, status, approvals }) => {
    // Act
    const state = stateAfter(required, steps);

    // Assess
    expect(state.status).toBe(status);
    expect(state.approvals).toEqual(approvals);
  });

  it.each(TERMINAL)('%s ends the request as %s and is its final event', (action, status) => {
    // Prepare
    const request = changeRequest();
    const ending = auditEvent(request, action, 'UBOB', 2, { reason: 'why' });
    const after = auditEvent(request, 'APPROVED', 'UALICE', 3);

    // Act
    const state = foldRequest(request, [
      auditEvent(request, 'REQUESTED', request.requester, 1),
      ending,
      after,
    ]);

    // Assess
    expect(state.status).toBe(status);
    expect(state.final).toEqual(ending);
    expect(state.approvals).toEqual([]);
    expect(isOpen(state.status)).toBe(false);
  });
});

describe('decideClick', () => {
  const approve = (actor: string, allowed = true, deniedReason?: string): Click => ({
    type: 'approve',
    actor,
    allowed,
    ...(deniedReason === undefined ? {} : { deniedReason }),
  });
  const reject = (actor: string, allowed = true): Click => ({ type: 'reject', actor, allowed });

  it.each<{ name: string; click: Click; now: Date }>([
    { name: 'approve at the expiry instant', click: approve('UALICE'), now: AT_EXPIRY },
    { name: 'approve after expiry', click: approve('UALICE'), now: AFTER_EXPIRY },
    { name: 'reject after expiry', click: reject('UBOB'), now: AFTER_EXPIRY },
    { name: 'a refused click after expiry', click: approve('UMALLORY', false), now: AFTER_EXPIRY },
    { name: 'the requester rejecting after expiry', click: reject('UREQUESTER'), now: AFTER_EXPIRY },
  ])('expires the request on $name, by system', ({ click, now }) => {
    // Prepare
    const state = stateAfter(2, [['APPROVED', 'UCAROL']]);

    // Act
    const decision = decideClick(state, click, now);

    // Assess
    expect(decision).toEqual({
      kind: 'append',
      event: expect.objectContaining({ action: 'EXPIRED', actor: 'system', at: now.toISOString() }),
      next: 'closed',
    });
  });

  it('records the event with the request’s identity and versions', () => {
    // Prepare
    const state = stateAfter(1, []);

    // Act
    const decision = decideClick(state, approve('UALICE'), BEFORE_EXPIRY);

    // Assess
    expect(decision).toEqual({
      kind: 'append',
      event: {
        function: 'orders',
        functionName: 'orders-service',
        alias: 'prod',
        action: 'APPROVED',
        requestId: 'R7K2M9QX4A',
        actor: 'UALICE',
        team: 'T0TEAM',
        channel: 'C0RELEASES',
        fromVersion: '41',
        toVersion: '42',
        at: BEFORE_EXPIRY.toISOString(),
      },
      next: 'apply',
    });
  });

  it.each<{
    name: string;
    required: number;
    steps: [AuditAction, string][];
    click: Click;
    expected: unknown;
  }>([
    {
      name: 'the requester rejecting withdraws (CANCELLED)',
      required: 2,
      steps: [],
      click: reject('UREQUESTER', false),
      expected: { kind: 'append', action: 'CANCELLED', actor: 'UREQUESTER', next: 'closed' },
    },
    {
      name: 'an approver rejecting rejects (REJECTED)',
      required: 2,
      steps: [['APPROVED', 'UALICE']],
      click: reject('UBOB'),
      expected: { kind: 'append', action: 'REJECTED', actor: 'UBOB', next: 'closed' },
    },
    {
      name: 'an approver who approved may still reject',
      required: 2,
      steps: [['APPROVED', 'UALICE']],
      click: reject('UALICE'),
      expected: { kind: 'append', action: 'REJECTED', actor: 'UALICE', next: 'closed' },
    },
    {
      name: 'a refused approval is DENIED with its reason',
      required: 1,
      steps: [],
      click: approve('UMALLORY', false, 'not an approver for this alias'),
      expected: {
        kind: 'append',
        action: 'DENIED',
        actor: 'UMALLORY',
        reason: 'not an approver for this alias',
        next: 'refused',
      },
    },
    {
      name: 'a refused approval without a reason gets one',
      required: 1,
      steps: [],
      click: approve('UMALLORY', false),
      expected: {
        kind: 'append',
        action: 'DENIED',
        actor: 'UMALLORY',
        reason: 'not an approver',
        next: 'refused',
      },
    },
    {
      name: 'a refused rejection is DENIED',
      required: 1,
      steps: [],
      click: reject('UMALLORY', false),
      expected: {
        kind: 'append',
        action: 'DENIED',
        actor: 'UMALLORY',
        reason: 'not an approver',
        next: 'refused',
      },
    },
    {
      name: 'the first of two approvals waits',
      required: 2,
      steps: [],
      click: approve('UALICE'),
      expected: { kind: 'append', action: 'APPROVED', actor: 'UALICE', next: 'wait' },
    },
    {
      name: 'the approval reaching two applies',
      required: 2,
      steps: [['APPROVED', 'UALICE']],
      click: approve('UBOB'),
      expected: { kind: 'append', action: 'APPROVED', actor: 'UBOB', next: 'apply' },
    },
    {
      name: 'the second of three approvals waits',
      required: 3,
      steps: [['APPROVED', 'UALICE']],
      click: approve('UBOB'),
      expected: { kind: 'append', action: 'APPROVED', actor: 'UBOB', next: 'wait' },
    },
    {
      name: 'a double approval does nothing',
      required: 2,
      steps: [['APPROVED', 'UALICE']],
      click: approve('UALICE'),
      expected: { kind: 'noop', reason: 'already-approved' },
    },
    {
      name: 'a click while applying does nothing',
      required: 1,
      steps: [['APPROVED', 'UALICE']],
      click: approve('UBOB'),
      expected: { kind: 'noop', reason: 'applying' },
    },
    {
      name: 'a rejection while applying does nothing',
      required: 1,
      steps: [['APPROVED', 'UALICE']],
      click: reject('UBOB'),
      expected: { kind: 'noop', reason: 'applying' },
    },
    ...TERMINAL.map(([action]) => ({
      name: `a click on a ${action} request does nothing`,
      required: 1,
      steps: [[action, 'system']] as [AuditAction, string][],
      click: approve('UALICE'),
      expected: { kind: 'noop', reason: 'closed' },
    })),
  ])('$name', ({ required, steps, click, expected }) => {
    // Prepare
    const state = stateAfter(required, steps);

    // Act
    const decision = decideClick(state, click, BEFORE_EXPIRY);

    // Assess
    const { kind, next, action, actor, reason } = expected as Record<string, string | undefined>;
    if (kind === 'noop') {
      expect(decision).toEqual(expected);
      return;
    }
    expect(decision).toEqual({
      kind: 'append',
      event: expect.objectContaining({
        action,
        actor,
        requestId: 'R7K2M9QX4A',
        at: BEFORE_EXPIRY.toISOString(),
      }),
      next,
    });
    if (decision.kind === 'append') expect(decision.event.reason).toBe(reason);
  });

  it('does nothing on a closed request even after its expiry', () => {
    // Prepare
    const state = stateAfter(1, [['REJECTED', 'UBOB']]);

    // Act
    const decision = decideClick(state, approve('UALICE'), AFTER_EXPIRY);

    // Assess
    expect(decision).toEqual({ kind: 'noop', reason: 'closed' });
  });
});

describe('decideCancel', () => {
  it.each<{ name: string; steps: [AuditAction, string][]; actor: string; now: Date; expected: unknown }>([
    {
      name: 'the requester withdraws a pending request',
      steps: [],
      actor: 'UREQUESTER',
      now: BEFORE_EXPIRY,
      expected: { action: 'CANCELLED', actor: 'UREQUESTER', next: 'closed' },
    },
    {
      name: 'the requester withdraws a partly approved request',
      steps: [['APPROVED', 'UALICE']],
      actor: 'UREQUESTER',
      now: BEFORE_EXPIRY,
      expected: { action: 'CANCELLED', actor: 'UREQUESTER', next: 'closed' },
    },
    {
      name: 'an expired request expires instead',
      steps: [],
      actor: 'UREQUESTER',
      now: AT_EXPIRY,
      expected: { action: 'EXPIRED', actor: 'system', next: 'closed' },
    },
    {
      name: 'someone else may not cancel',
      steps: [],
      actor: 'UALICE',
      now: BEFORE_EXPIRY,
      expected: { noop: 'not-requester' },
    },
    {
      name: 'someone else may not cancel, even an expired request',
      steps: [],
      actor: 'UALICE',
      now: AFTER_EXPIRY,
      expected: { noop: 'not-requester' },
    },
    {
      name: 'too late once applying',
      steps: [
        ['APPROVED', 'UALICE'],
        ['APPROVED', 'UBOB'],
      ],
      actor: 'UREQUESTER',
      now: BEFORE_EXPIRY,
      expected: { noop: 'applying' },
    },
    {
      name: 'nothing to cancel once rejected',
      steps: [['REJECTED', 'UBOB']],
      actor: 'UREQUESTER',
      now: BEFORE_EXPIRY,
      expected: { noop: 'closed' },
    },
    {
      name: 'nothing to cancel once applied',
      steps: [
        ['APPROVED', 'UALICE'],
        ['APPLIED', 'UALICE'],
      ],
      actor: 'UREQUESTER',
      now: BEFORE_EXPIRY,
      expected: { noop: 'closed' },
    },
  ])('$name', ({ steps, actor, now, expected }) => {
    // Prepare
    const state = stateAfter(2, steps);

    // Act
    const decision = decideCancel(state, actor, now);

    // Assess
    const { noop, ...event } = expected as { noop?: string; action?: string; actor?: string; next?: string };
    if (noop) {
      expect(decision).toEqual({ kind: 'noop', reason: noop });
      return;
    }
    expect(decision).toEqual({
      kind: 'append',
      event: expect.objectContaining({ action: event.action, actor: event.actor, at: now.toISOString() }),
      next: event.next,
    });
  });
});

describe('needsApply', () => {
  const applying = stateAfter(1, [['APPROVED', 'UALICE']]);
  const lastAt = Date.parse(applying.events[applying.events.length - 1]?.at ?? '');
  const claim = (step: number, untilMs: number): StepClaim => ({
    step,
    owner: 'invocation-1',
    at: new Date(lastAt).toISOString(),
    until: new Date(untilMs).toISOString(),
  });
  const step = applying.events.length + 1;

  it.each<{
    name: string;
    state: RequestState;
    claim: StepClaim | undefined;
    now: number;
    expected: boolean;
  }>([
    { name: 'applying, nobody claimed it', state: applying, claim: undefined, now: lastAt, expected: true },
    {
      name: 'applying, a live claim',
      state: applying,
      claim: claim(step, lastAt + 60_000),
      now: lastAt + 1_000,
      expected: false,
    },
    {
      name: 'applying, claim at its end',
      state: applying,
      claim: claim(step, lastAt + 60_000),
      now: lastAt + 60_000,
      expected: false,
    },
    {
      name: 'applying, claim past its end',
      state: applying,
      claim: claim(step, lastAt + 60_000),
      now: lastAt + 60_001,
      expected: true,
    },
    {
      name: 'applying, a claim of an earlier step',
      state: applying,
      claim: claim(step - 1, lastAt + 60_000),
      now: lastAt,
      expected: true,
    },
    { name: 'pending', state: stateAfter(2, []), claim: undefined, now: lastAt, expected: false },
    {
      name: 'applied',
      state: stateAfter(1, [
        ['APPROVED', 'UALICE'],
        ['APPLIED', 'UALICE'],
      ]),
      claim: undefined,
      now: lastAt,
      expected: false,
    },
  ])('$name → $expected', ({ state, claim: held, now, expected }) => {
    expect(needsApply(state, held, new Date(now))).toBe(expected);
  });
});

describe('change markers', () => {
  it('puts this change’s marker in place of an earlier one and keeps the rest of the description', () => {
    const earlier = withMarker('orders prod', changeMarker('R000000001', 3));

    const next = withMarker(earlier, changeMarker('R000000002', 4));

    expect(next).toBe('orders prod [lambda-chatops R000000002#4]');
    expect(hasMarker(next, changeMarker('R000000002', 4))).toBe(true);
    expect(hasMarker(next, changeMarker('R000000001', 3))).toBe(false);
    expect(hasMarker(next, changeMarker('R000000002', 5))).toBe(false);
  });

  it('stays within Lambda’s 256 characters, cutting the description and never the marker', () => {
    const marker = changeMarker('R000000001', 12);

    const result = withMarker('é'.repeat(300), marker);

    expect(Array.from(result)).toHaveLength(256);
    expect(result.endsWith(marker)).toBe(true);
  });

  it('is the marker alone on an empty description', () => {
    expect(withMarker('', changeMarker('R000000001', 2))).toBe('[lambda-chatops R000000001#2]');
  });
});

describe('newRequestId', () => {
  const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

  it.each<{ bytes: number[]; id: string }>([
    { bytes: [0, 0, 0, 0, 0, 0, 0, 0, 0], id: 'R000000000' },
    { bytes: [31, 31, 31, 31, 31, 31, 31, 31, 31], id: 'RZZZZZZZZZ' },
    { bytes: [10, 11, 12, 13, 14, 15, 16, 17, 18], id: 'RABCDEFGHJ' },
    { bytes: [19, 20, 21, 22, 23, 24, 25, 26, 27], id: 'RKMNPQRSTV' },
    { bytes: [32, 33, 255, 64, 96, 128, 160, 192, 224], id: 'R01Z000000' },
  ])('$bytes → $id', ({ bytes, id }) => {
    expect(newRequestId(Uint8Array.from(bytes))).toBe(id);
  });

  it('is R and nine Crockford base32 characters for any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 9, maxLength: 16 }), (bytes) => {
        // Act
        const id = newRequestId(bytes);

        // Assess
        expect(id).toMatch(/^R[0-9A-Z]{9}$/);
        expect(id).not.toMatch(/[ILOU]/);
        for (const char of id.slice(1)) expect(CROCKFORD).toContain(char);
      }),
    );
  });

  it('uses all nine bytes: ids differ when any byte’s low five bits differ', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 9, maxLength: 9 }),
        fc.integer({ min: 0, max: 8 }),
        fc.integer({ min: 1, max: 31 }),
        (bytes, index, delta) => {
          // Prepare
          const other = Uint8Array.from(bytes);
          other[index] = ((other[index] ?? 0) + delta) % 256;

          // Act / Assess
          expect(newRequestId(other)).not.toBe(newRequestId(bytes));
        },
      ),
    );
  });
});

describe('holdsAlias', () => {
  it.each(TERMINAL)('a request ended %s lets its alias go, even before its expiry', (action) => {
    expect(holdsAlias(stateAfter(1, [[action, 'UALICE']]), BEFORE_EXPIRY)).toBe(false);
  });

  it('a rollout rolled back lets its alias go', () => {
    expect(ENDING_ACTIONS.has('ROLLED_BACK')).toBe(true);
    expect(holdsAlias(stateAfter(2, [['ROLLED_BACK', 'system']]), BEFORE_EXPIRY)).toBe(false);
  });

  it('a pending request holds it until its expiry, not after', () => {
    const pending = stateAfter(2, [['APPROVED', 'UALICE']]);
    expect(holdsAlias(pending, BEFORE_EXPIRY)).toBe(true);
    expect(holdsAlias(pending, AT_EXPIRY)).toBe(false);
  });

  it('an approved request not yet applied holds it whatever its age', () => {
    const applying = stateAfter(1, [['APPROVED', 'UALICE']]);
    expect(applying.status).toBe('APPLYING');
    expect(holdsAlias(applying, AFTER_EXPIRY)).toBe(true);
  });
});

describe('applyOverdue', () => {
  const applying = stateAfter(1, [['APPROVED', 'UALICE']]);
  const approvedAt = Date.parse(applying.events[1]?.at ?? '');

  it.each([
    [30_000, false],
    [60_000, false],
    [60_001, true],
  ])('approved %i ms ago, with 60 s allowed: overdue %s', (ago, overdue) => {
    expect(applyOverdue(applying, new Date(approvedAt + ago), 60_000)).toBe(overdue);
  });

  it('is never true of a request that is not approved and unapplied', () => {
    const later = new Date(approvedAt + 3_600_000);
    expect(applyOverdue(stateAfter(2, [['APPROVED', 'UALICE']]), later, 60_000)).toBe(false);
    expect(
      applyOverdue(
        stateAfter(1, [
          ['APPROVED', 'UALICE'],
          ['APPLIED', 'UALICE'],
        ]),
        later,
        60_000,
      ),
    ).toBe(false);
  });
});
