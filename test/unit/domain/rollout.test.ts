import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALL_AT_ONCE, DEFAULT_ROLLOUT_GUARD, type RolloutPlan } from '../../../src/domain/config-model';
import type { Health } from '../../../src/domain/health';
import { type AuditEvent, eventFor } from '../../../src/domain/request';
import {
  checkTick,
  decideButton,
  decideContinue,
  decideTick,
  describePlan,
  foldRollout,
  mayClick,
  type RolloutDecision,
  type RolloutState,
  type Tick,
} from '../../../src/domain/rollout';
import { changeRequest } from '../fixtures';

const MINUTE = 60_000;
const BAKE = 10 * MINUTE;
const T0 = Date.parse('2030-05-06T10:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * MINUTE);

const CANARY: RolloutPlan = {
  strategy: 'canary',
  steps: [10],
  bakeMs: BAKE,
  guard: { ...DEFAULT_ROLLOUT_GUARD, maxExtensions: 2 },
};
const LINEAR: RolloutPlan = { ...CANARY, strategy: 'linear', steps: [25, 50, 75] };

const metrics = { invocations: 100, errors: 0 };
const HEALTHY: Health = { kind: 'healthy', reason: 'fine', metrics };
const UNHEALTHY: Health = {
  kind: 'unhealthy',
  reason: '5% errors (5 of 100 invocations), above the 1% limit',
  metrics,
  alarms: [],
};
const INCONCLUSIVE: Health = {
  kind: 'inconclusive',
  reason: '3 invocations, fewer than the 20 needed to judge',
  metrics,
};

const request = changeRequest({ rule: { approvers: 'anyone', required: 1 } });

/** A rollout driven through its decisions: appends what they say, as the worker would. */
class Rollout {
  events: AuditEvent[];
  revisions = 0;

  constructor(readonly plan: RolloutPlan) {
    this.events = [{ ...ev('REQUESTED', request.requester, 1) }, { ...ev('APPROVED', 'UAPPROVER', 2) }];
  }

  get state(): RolloutState {
    return foldRollout(request, this.plan, this.events);
  }

  /** Stores an append decision (with a fresh RevisionId when it moved the alias); returns it. */
  take(decision: RolloutDecision): RolloutDecision {
    if (decision.kind === 'append') {
      const moved = decision.effect.type !== 'none';
      if (moved) this.revisions += 1;
      this.events.push({
        ...decision.event,
        seq: this.events.length + 1,
        ...(moved ? { revisionId: `rev-${this.revisions}` } : {}),
      });
    }
    return decision;
  }

  start(minutes = 0) {
    return this.take(decideContinue(this.state, at(minutes)));
  }

  tick(tick: Tick, health: Health, minutes: number, blockedBy?: string) {
    return this.take(decideTick(this.state, tick, health, at(minutes), blockedBy));
  }

  click(
    button: 'promote' | 'pause' | 'resume' | 'rollback',
    minutes: number,
    actor = 'UCLICKER',
    allowed = true,
  ) {
    return this.take(decideButton(this.state, { button, actor, allowed }, at(minutes)));
  }

  actions() {
    return this.events.slice(2).map((e) => (e.weight === undefined ? e.action : `${e.action} ${e.weight}`));
  }
}

function ev(action: AuditEvent['action'], actor: string, seq: number): AuditEvent {
  return { ...eventFor(request, action, actor, at(-10 + seq)), seq };
}

const tick = (step: number, extension = 0): Tick => ({ requestId: request.id, step, extension });

describe('describePlan', () => {
  it.each<[RolloutPlan, string]>([
    [CANARY, '10% for 10m, then 100%'],
    [{ ...LINEAR, bakeMs: 5 * MINUTE }, '25% → 50% → 75%, 5m each, then 100%'],
    [ALL_AT_ONCE, 'all at once'],
  ])('%j → %s', (plan, text) => {
    expect(describePlan(plan)).toBe(text);
  });
});

describe('a rollout, step by step', () => {
  it('a canary that completes: SHIFTED 10 by system, then APPLIED at the tick', () => {
    const rollout = new Rollout(CANARY);

    const first = rollout.start(0);
    expect(first).toMatchObject({
      kind: 'append',
      effect: { type: 'shift', weight: 10 },
      schedule: { at: at(10).toISOString(), tick: tick(1) },
    });
    expect(rollout.state).toMatchObject({ phase: 'progressing', step: 1, weight: 10, revisionId: 'rev-1' });

    const last = rollout.tick(tick(1), HEALTHY, 10);
    expect(last).toMatchObject({ kind: 'append', effect: { type: 'complete' } });
    expect(last.kind === 'append' && last.schedule).toBeFalsy();
    expect(rollout.actions()).toEqual(['SHIFTED 10', 'APPLIED']);
    expect(rollout.events.slice(2).every((e) => e.actor === 'system')).toBe(true);
    expect(rollout.events.slice(2).every((e) => e.fromVersion === '41' && e.toVersion === '42')).toBe(true);
    expect(rollout.state).toMatchObject({ phase: 'ended', weight: 100, revisionId: 'rev-2' });
  });

  it('a linear rollout: each share in order, each scheduled for its own step', () => {
    const rollout = new Rollout(LINEAR);
    rollout.start(0);
    const schedules = [1, 2, 3].map((step) => {
      const decision = rollout.tick(tick(step), HEALTHY, step * 10);
      return decision.kind === 'append' ? decision.schedule?.tick.step : undefined;
    });

    expect(rollout.actions()).toEqual(['SHIFTED 25', 'SHIFTED 50', 'SHIFTED 75', 'APPLIED']);
    expect(schedules).toEqual([2, 3, undefined]);
  });

  it('an all-at-once plan is applied in one step', () => {
    const rollout = new Rollout(ALL_AT_ONCE);

    expect(rollout.start(0)).toMatchObject({ kind: 'append', effect: { type: 'complete' } });
    expect(rollout.actions()).toEqual(['APPLIED']);
  });

  it('rolls back on an unhealthy step, with the numbers, by system', () => {
    const rollout = new Rollout(LINEAR);
    rollout.start(0);
    rollout.tick(tick(1), HEALTHY, 10);

    expect(rollout.tick(tick(2), UNHEALTHY, 20)).toMatchObject({ effect: { type: 'rollback' } });
    expect(rollout.actions()).toEqual(['SHIFTED 25', 'SHIFTED 50', 'ROLLED_BACK']);
    expect(rollout.events.at(-1)).toMatchObject({
      actor: 'system',
      reason: UNHEALTHY.reason,
      fromVersion: '41',
      toVersion: '42',
    });
    expect(rollout.state).toMatchObject({ phase: 'ended', weight: 0 });
  });

  it('extends an inconclusive step up to maxExtensions, then pauses for a person', () => {
    const rollout = new Rollout(CANARY);
    rollout.start(0);

    const first = rollout.tick(tick(1, 0), INCONCLUSIVE, 10);
    const second = rollout.tick(tick(1, 1), INCONCLUSIVE, 20);
    const third = rollout.tick(tick(1, 2), INCONCLUSIVE, 30);

    expect(rollout.actions()).toEqual(['SHIFTED 10', 'EXTENDED', 'EXTENDED', 'PAUSED']);
    expect(first).toMatchObject({ schedule: { at: at(20).toISOString(), tick: tick(1, 1) } });
    expect(second).toMatchObject({ schedule: { tick: tick(1, 2) } });
    expect(third.kind === 'append' && third.schedule).toBeFalsy();
    expect(rollout.events.at(-1)).toMatchObject({
      actor: 'system',
      reason: `${INCONCLUSIVE.reason} after 2 extensions: paused for a person to decide`,
    });
    expect(rollout.state.phase).toBe('paused');
  });

  it('never extends when maxExtensions is 0', () => {
    const rollout = new Rollout({ ...CANARY, guard: { ...CANARY.guard, maxExtensions: 0 } });
    rollout.start(0);
    rollout.tick(tick(1), INCONCLUSIVE, 10);

    expect(rollout.actions()).toEqual(['SHIFTED 10', 'PAUSED']);
  });

  it('a healthy step after an extension moves on', () => {
    const rollout = new Rollout(LINEAR);
    rollout.start(0);
    rollout.tick(tick(1, 0), INCONCLUSIVE, 10);
    rollout.tick(tick(1, 1), HEALTHY, 20);

    expect(rollout.actions()).toEqual(['SHIFTED 25', 'EXTENDED', 'SHIFTED 50']);
    expect(rollout.state).toMatchObject({ step: 2, extensions: 0, dueAt: at(30).toISOString() });
  });

  it('pauses a step due in a freeze or under a lock, and still rolls back a broken one', () => {
    const frozen = new Rollout(LINEAR);
    frozen.start(0);
    frozen.tick(tick(1), HEALTHY, 10, 'freeze weekend until Monday 08:00');
    expect(frozen.actions()).toEqual(['SHIFTED 25', 'PAUSED']);
    expect(frozen.events.at(-1)).toMatchObject({
      actor: 'system',
      reason: 'freeze weekend until Monday 08:00',
    });

    const broken = new Rollout(LINEAR);
    broken.start(0);
    broken.tick(tick(1), UNHEALTHY, 10, 'freeze weekend');
    expect(broken.actions()).toEqual(['SHIFTED 25', 'ROLLED_BACK']);
  });

  it('pauses instead of starting when blocked at the start, and starts on resume', () => {
    const rollout = new Rollout(CANARY);
    rollout.take(decideContinue(rollout.state, at(0), 'locked by U1'));
    expect(rollout.actions()).toEqual(['PAUSED']);

    const resume = rollout.click('resume', 5);
    expect(resume.kind === 'append' && resume.schedule).toBeFalsy();
    expect(rollout.state.phase).toBe('approved');
    rollout.start(5);
    expect(rollout.actions()).toEqual(['PAUSED', 'RESUMED', 'SHIFTED 10']);
  });
});

describe('ticks that must append nothing', () => {
  it('a repeated tick after the step moved on', () => {
    const rollout = new Rollout(LINEAR);
    rollout.start(0);
    rollout.tick(tick(1), HEALTHY, 10);

    expect(rollout.tick(tick(1), HEALTHY, 10)).toEqual({ kind: 'noop', reason: 'stale-tick' });
    expect(rollout.actions()).toEqual(['SHIFTED 25', 'SHIFTED 50']);
  });

  it('the first tick of a step that was extended since (late)', () => {
    const rollout = new Rollout(LINEAR);
    rollout.start(0);
    rollout.tick(tick(1, 0), INCONCLUSIVE, 10);

    expect(rollout.tick(tick(1, 0), HEALTHY, 25)).toEqual({ kind: 'noop', reason: 'stale-tick' });
  });

  it('a tick from the future (out of order)', () => {
    const rollout = new Rollout(LINEAR);
    rollout.start(0);

    expect(rollout.tick(tick(2), HEALTHY, 10)).toEqual({ kind: 'noop', reason: 'stale-tick' });
  });

  it("another request's tick", () => {
    const rollout = new Rollout(LINEAR);
    rollout.start(0);

    expect(rollout.tick({ ...tick(1), requestId: 'ROTHER0000' }, HEALTHY, 10)).toEqual({
      kind: 'noop',
      reason: 'stale-tick',
    });
  });

  it.each<[string, (r: Rollout) => void, string]>([
    ['while paused', (r) => r.click('pause', 5), 'paused'],
    ['after the end', (r) => r.tick(tick(1), UNHEALTHY, 10), 'ended'],
    ['after Promote now', (r) => r.click('promote', 5), 'not-progressing'],
  ])('a tick %s', (_name, before, reason) => {
    const rollout = new Rollout(CANARY);
    rollout.start(0);
    before(rollout);
    const count = rollout.events.length;

    expect(rollout.tick(tick(1), HEALTHY, 10)).toMatchObject({ kind: 'noop', reason });
    expect(rollout.events).toHaveLength(count);
  });

  it('a tick more than a minute early asks to be scheduled again at the due time', () => {
    const rollout = new Rollout(CANARY);
    rollout.start(0);

    expect(checkTick(rollout.state, tick(1), new Date(T0 + 8 * MINUTE))).toEqual({
      kind: 'noop',
      reason: 'early-tick',
      retryAt: at(10).toISOString(),
    });
    expect(checkTick(rollout.state, tick(1), new Date(T0 + 9 * MINUTE))).toEqual({ current: true });
  });

  it('a tick before the approvals are complete', () => {
    const rollout = new Rollout(CANARY);
    rollout.events = rollout.events.slice(0, 1);

    expect(decideTick(rollout.state, tick(1), HEALTHY, at(10))).toEqual({
      kind: 'noop',
      reason: 'not-progressing',
    });
    expect(decideContinue(rollout.state, at(10))).toEqual({ kind: 'noop', reason: 'not-progressing' });
  });
});

describe('the buttons', () => {
  it('Promote now: PROMOTED_NOW by the user, then the worker completes it', () => {
    const rollout = new Rollout(LINEAR);
    rollout.start(0);

    expect(rollout.click('promote', 3, 'UBOSS')).toMatchObject({ effect: { type: 'none' } });
    expect(rollout.state.phase).toBe('promoting');
    expect(rollout.start(3)).toMatchObject({ effect: { type: 'complete' } });
    expect(rollout.actions()).toEqual(['SHIFTED 25', 'PROMOTED_NOW', 'APPLIED']);
    expect(rollout.events.at(-2)?.actor).toBe('UBOSS');
  });

  it('Pause then Resume: the step is judged a full bake after the resume, extensions reset', () => {
    const rollout = new Rollout(LINEAR);
    rollout.start(0);
    rollout.tick(tick(1, 0), INCONCLUSIVE, 10);
    rollout.click('pause', 12);

    const resume = rollout.click('resume', 30);
    expect(resume).toMatchObject({ schedule: { at: at(40).toISOString(), tick: tick(1, 0) } });
    expect(rollout.state).toMatchObject({ phase: 'progressing', step: 1, extensions: 0 });
    expect(rollout.tick(tick(1, 1), HEALTHY, 40)).toEqual({ kind: 'noop', reason: 'stale-tick' });
    rollout.tick(tick(1, 0), HEALTHY, 40);
    expect(rollout.actions()).toEqual(['SHIFTED 25', 'EXTENDED', 'PAUSED', 'RESUMED', 'SHIFTED 50']);
  });

  it('Roll back by a user: ROLLED_BACK with the user, the alias moved back', () => {
    const rollout = new Rollout(LINEAR);
    rollout.start(0);

    expect(rollout.click('rollback', 4, 'UREQUESTER')).toMatchObject({ effect: { type: 'rollback' } });
    expect(rollout.events.at(-1)).toMatchObject({ action: 'ROLLED_BACK', actor: 'UREQUESTER' });
    expect(rollout.state.phase).toBe('ended');
  });

  it.each<[string, 'promote' | 'pause' | 'resume' | 'rollback', ((r: Rollout) => void) | undefined, string]>([
    ['pause twice', 'pause', (r) => r.click('pause', 1), 'paused'],
    ['resume while running', 'resume', undefined, 'not-paused'],
    ['anything after the end', 'rollback', (r) => r.click('rollback', 1), 'ended'],
    ['promote after Promote now', 'promote', (r) => r.click('promote', 1), 'not-progressing'],
  ])('appends nothing for %s', (_name, button, before, reason) => {
    const rollout = new Rollout(CANARY);
    rollout.start(0);
    before?.(rollout);
    const count = rollout.events.length;

    expect(rollout.click(button, 2)).toEqual({ kind: 'noop', reason });
    expect(rollout.events).toHaveLength(count);
  });

  it.each(['promote', 'pause', 'resume', 'rollback'] as const)(
    'refuses %s by someone not allowed',
    (button) => {
      const rollout = new Rollout(CANARY);
      rollout.start(0);
      rollout.click('pause', 1);
      const count = rollout.events.length;

      expect(rollout.click(button, 2, 'UNOBODY', false)).toEqual({ kind: 'noop', reason: 'not-allowed' });
      expect(rollout.events).toHaveLength(count);
    },
  );

  it('Roll back also stops a rollout that is being promoted', () => {
    const rollout = new Rollout(CANARY);
    rollout.start(0);
    rollout.click('promote', 1);

    expect(rollout.click('rollback', 1)).toMatchObject({ effect: { type: 'rollback' } });
  });
});

describe('foldRollout', () => {
  it('chains the RevisionId from the request to each recorded step', () => {
    const rollout = new Rollout(LINEAR);
    expect(rollout.state.revisionId).toBe(request.fromRevisionId);
    rollout.start(0);
    rollout.tick(tick(1), INCONCLUSIVE, 10);
    expect(rollout.state.revisionId).toBe('rev-1');
    rollout.tick(tick(1, 1), HEALTHY, 20);
    expect(rollout.state.revisionId).toBe('rev-2');
  });

  it.each(['STALE', 'FAILED', 'REJECTED', 'CANCELLED', 'EXPIRED'] as const)(
    'ends at %s and ignores what follows',
    (action) => {
      const rollout = new Rollout(CANARY);
      rollout.start(0);
      rollout.events.push(
        ev(action, 'system', rollout.events.length + 1),
        ev('SHIFTED', 'system', rollout.events.length + 2),
      );

      expect(rollout.state).toMatchObject({ phase: 'ended', step: 1, final: { action } });
    },
  );

  it.each([
    ['between two steps', ['APPROVED', 'SHIFTED', 'PAUSED', 'SHIFTED']],
    ['before the first step', ['APPROVED', 'PAUSED', 'SHIFTED']],
  ] as const)(
    'keeps a pause that lands %s as the shift under way: the shift is recorded, the pause stands',
    (_when, actions) => {
      const events = [
        ev('REQUESTED', 'UREQUESTER', 1),
        ...actions.map((action, index) => ev(action, 'UA', index + 2)),
      ];

      const state = foldRollout(request, LINEAR, events);

      expect(state.phase).toBe('paused');
      expect(state.step).toBe(actions.filter((action) => action === 'SHIFTED').length);
      expect(foldRollout(request, LINEAR, [...events, ev('RESUMED', 'UA', events.length + 1)]).phase).toBe(
        'progressing',
      );
    },
  );

  it('needs the rule’s number of distinct approvers before it starts', () => {
    const two = changeRequest({ rule: { approvers: 'anyone', required: 2 } });
    const events = [ev('REQUESTED', 'UREQUESTER', 1), ev('APPROVED', 'UA', 2), ev('APPROVED', 'UA', 3)];

    expect(foldRollout(two, CANARY, events).phase).toBe('pending');
    expect(foldRollout(two, CANARY, [...events, ev('APPROVED', 'UB', 4)]).phase).toBe('approved');
  });
});

describe('any sequence of ticks and clicks (property)', () => {
  const healthArb = fc.constantFrom(HEALTHY, UNHEALTHY, INCONCLUSIVE);
  const action = fc.oneof(
    fc.record({ type: fc.constant('current-tick' as const), health: healthArb }),
    fc.record({
      type: fc.constant('any-tick' as const),
      step: fc.integer({ min: 0, max: 4 }),
      extension: fc.integer({ min: 0, max: 3 }),
      health: healthArb,
    }),
    fc.record({
      type: fc.constant('click' as const),
      button: fc.constantFrom('promote', 'pause', 'resume', 'rollback'),
    }),
    fc.constant({ type: 'continue' as const }),
  );

  it('shifts in plan order, ends once, applies only after the last share or Promote now', () => {
    fc.assert(
      fc.property(fc.array(action, { maxLength: 25 }), (actions) => {
        const rollout = new Rollout(LINEAR);
        rollout.start(0);
        let minute = 0;
        for (const step of actions) {
          minute += 11;
          const { state } = rollout;
          if (step.type === 'current-tick')
            rollout.tick(tick(state.step, state.extensions), step.health, minute);
          else if (step.type === 'any-tick')
            rollout.tick(tick(step.step, step.extension), step.health, minute);
          else if (step.type === 'click') rollout.click(step.button, minute);
          else rollout.start(minute);
        }
        const actionsTaken = rollout.events.slice(2).map((e) => e.action);
        const weights = rollout.events.filter((e) => e.action === 'SHIFTED').map((e) => e.weight);
        expect(weights).toEqual(LINEAR.steps.slice(0, weights.length));
        const ends = actionsTaken.filter((a) => a === 'APPLIED' || a === 'ROLLED_BACK');
        expect(ends.length).toBeLessThanOrEqual(1);
        if (ends.length === 1) expect(['APPLIED', 'ROLLED_BACK']).toContain(actionsTaken.at(-1));
        if (actionsTaken.includes('APPLIED')) {
          expect(weights.length === LINEAR.steps.length || actionsTaken.includes('PROMOTED_NOW')).toBe(true);
        }
        const seqs = rollout.events.map((e) => e.seq);
        expect(seqs).toEqual(seqs.map((_, i) => i + 1));
      }),
    );
  });
});

describe('mayClick', () => {
  it.each<['promote' | 'pause' | 'resume' | 'rollback', string, boolean, boolean]>([
    ['promote', 'UAPPROVER', true, true],
    ['promote', 'UREQUESTER', false, false],
    ['promote', 'UOTHER', false, false],
    ['pause', 'UREQUESTER', false, true],
    ['resume', 'UREQUESTER', false, true],
    ['rollback', 'UREQUESTER', false, true],
    ['rollback', 'UAPPROVER', true, true],
    ['rollback', 'UOTHER', false, false],
    ['pause', 'UOTHER', false, false],
  ])('%s by %s (approver: %s) → %s', (button, actor, mayApprove, allowed) => {
    expect(mayClick(button, { actor, requester: 'UREQUESTER', mayApprove })).toBe(allowed);
  });
});
