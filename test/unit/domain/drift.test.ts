import { describe, expect, it } from 'vitest';
import {
  decideDrift,
  driftIdFrom,
  foldDrift,
  isKnownState,
  periodSlot,
  routingOf,
} from '../../../src/domain/drift';
import type { AliasInfo } from '../../../src/domain/model';
import {
  type AuditAction,
  type AuditEvent,
  changeMarker,
  readMarker,
  withMarker,
} from '../../../src/domain/request';

const event = (action: AuditAction, overrides: Partial<AuditEvent> = {}): AuditEvent => ({
  function: 'orders',
  functionName: 'orders-service',
  alias: 'prod',
  action,
  requestId: 'R7K2M9QX4A',
  actor: 'system',
  team: 'T0TEAM',
  channel: 'C0RELEASES',
  fromVersion: '3',
  toVersion: '4',
  at: '2030-05-06T10:00:00.000Z',
  revisionId: 'rev-known',
  seq: 3,
  ...overrides,
});

const alias = (overrides: Partial<AliasInfo> = {}): AliasInfo => ({
  name: 'prod',
  version: '4',
  additionalWeights: {},
  revisionId: 'rev-known',
  description: '',
  ...overrides,
});

describe('isKnownState', () => {
  it.each([
    ['APPLIED', true],
    ['SHIFTED', true],
    ['ROLLED_BACK', true],
    ['ADOPTED', true],
    ['DRIFTED', false],
    ['APPROVED', false],
    ['STALE', false],
  ] as const)('%s with a RevisionId: %s', (action, known) => {
    expect(isKnownState(event(action))).toBe(known);
  });

  it('an event without a RevisionId records no state (a ROLLED_BACK that moved nothing)', () => {
    const { revisionId: _, ...without } = event('ROLLED_BACK');
    expect(isKnownState(without)).toBe(false);
  });
});

describe('routingOf', () => {
  it.each([
    ['APPLIED', { version: '4', weights: {} }],
    ['ROLLED_BACK', { version: '3', weights: {} }],
    ['ADOPTED', { version: '4', weights: undefined }],
  ] as const)('%s', (action, routing) => {
    expect(routingOf(event(action))).toEqual(routing);
  });

  it('SHIFTED keeps the old version primary and gives the new one its share', () => {
    expect(routingOf(event('SHIFTED', { weight: 10 }))).toEqual({ version: '3', weights: { '4': 0.1 } });
  });
});

describe('decideDrift', () => {
  it('gives an alias never seen a baseline', () => {
    expect(decideDrift(alias(), undefined)).toEqual({ kind: 'baseline' });
  });

  it('knows the RevisionId it recorded', () => {
    expect(decideDrift(alias({ version: '9' }), event('APPLIED'))).toEqual({ kind: 'known' });
  });

  it('a new RevisionId with the same routing is not drift (a description edit)', () => {
    expect(decideDrift(alias({ revisionId: 'rev-new' }), event('APPLIED'))).toEqual({ kind: 'known' });
  });

  it('reports another version, from the known one', () => {
    expect(decideDrift(alias({ revisionId: 'rev-new', version: '7' }), event('APPLIED'))).toEqual({
      kind: 'drifted',
      fromVersion: '4',
      toVersion: '7',
      reason: 'prod was changed outside the bot: version 4 → version 7',
    });
  });

  it('reports a split added by hand, with its shares', () => {
    const decision = decideDrift(
      alias({ revisionId: 'rev-new', additionalWeights: { '5': 0.25 } }),
      event('APPLIED'),
    );
    expect(decision).toMatchObject({ kind: 'drifted', fromVersion: '4', toVersion: '4' });
    expect(decision.kind === 'drifted' && decision.reason).toBe(
      'prod was changed outside the bot: version 4 → version 4 (5 gets 25%)',
    );
  });

  it('a rollout step the bot shifted is known even after a description edit', () => {
    const shifted = event('SHIFTED', { weight: 10 });
    expect(
      decideDrift(alias({ revisionId: 'rev-new', version: '3', additionalWeights: { '4': 0.1 } }), shifted),
    ).toEqual({
      kind: 'known',
    });
    expect(
      decideDrift(alias({ revisionId: 'rev-new', version: '3', additionalWeights: { '4': 0.5 } }), shifted)
        .kind,
    ).toBe('drifted');
  });
});

describe('foldDrift', () => {
  it('is undefined for a baseline (no DRIFTED)', () => {
    expect(foldDrift([event('ADOPTED', { seq: 1 })])).toBeUndefined();
  });

  it('is open until adopted', () => {
    const drifted = event('DRIFTED', { seq: 1 });
    const adopted = event('ADOPTED', { seq: 2, actor: 'U0APPROVER' });
    expect(foldDrift([drifted])).toEqual({ drifted });
    expect(foldDrift([drifted, adopted])).toEqual({ drifted, adopted });
  });
});

describe('periodSlot', () => {
  it('is the same all through one period, and the next one after it', () => {
    const period = 15 * 60_000;
    const start = Date.UTC(2030, 4, 6, 10, 0, 0);
    expect(periodSlot(new Date(start), period)).toBe(periodSlot(new Date(start + period - 1), period));
    expect(periodSlot(new Date(start + period), period)).toBe(periodSlot(new Date(start), period) + 1);
  });
});

describe('driftIdFrom', () => {
  it('is D and nine base32 characters, the same for the same digest', () => {
    const digest = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(driftIdFrom(digest)).toMatch(/^D[0-9A-Z]{9}$/);
    expect(driftIdFrom(digest)).toBe(driftIdFrom(Uint8Array.from(digest)));
    expect(driftIdFrom(Uint8Array.from([9, 2, 3, 4, 5, 6, 7, 8, 9, 10]))).not.toBe(driftIdFrom(digest));
  });
});

describe('readMarker', () => {
  it('reads the request and step of the change marker withMarker wrote', () => {
    const description = withMarker('orders hotfix', changeMarker('R7K2M9QX4A', 3));
    expect(readMarker(description)).toEqual({ requestId: 'R7K2M9QX4A', step: 3 });
  });

  it.each(['', 'orders hotfix', '[lambda-chatops D7K2M9QX4A#3]', '[lambda-chatops R7K2#3]'])(
    'finds none in %j',
    (description) => {
      expect(readMarker(description)).toBeUndefined();
    },
  );
});
