import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  describeLock,
  isInForce,
  isLockId,
  type Lock,
  lockFor,
  locksFromEvents,
  lockToLift,
  mayPassLocks,
  mayUnlock,
  newLock,
  newLockId,
  WHOLE_FUNCTION,
} from '../../../src/domain/lock';
import type { AuditEvent } from '../../../src/domain/request';
import { sentenceText } from '../../../src/domain/sentence';

const T0 = new Date('2030-05-06T10:00:00.000Z');
const later = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

function lock(overrides: Partial<Lock> = {}): Lock {
  return {
    id: 'L7K2M9QX4A',
    function: 'orders',
    alias: 'prod',
    holder: 'UHOLDER',
    reason: 'incident 123',
    at: T0.toISOString(),
    ...overrides,
  };
}

const prodLock = lock({ id: 'LPROD00001' });
const wholeLock = lock({ id: 'LWHOLE0001', alias: WHOLE_FUNCTION, holder: 'UOTHER' });
const expiring = lock({ id: 'LEXP000001', alias: 'test', until: later(60).toISOString() });
const otherFunction = lock({ id: 'LPAY000001', function: 'payments', alias: WHOLE_FUNCTION });

describe('newLockId', () => {
  it('is L and nine characters of the request id alphabet', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 9, maxLength: 9 }), (bytes) => {
        const id = newLockId(bytes);
        expect(id).toMatch(/^L[0-9A-HJKMNP-TV-Z]{9}$/);
        expect(isLockId(id)).toBe(true);
      }),
    );
  });

  it.each([
    ['R7K2M9QX4A', false],
    ['L7K2M9QX4', false],
    ['L7K2M9QX4I', false], // I is not in Crockford's alphabet
    ['l7k2m9qx4a', false],
    ['L7K2M9QX4A', true],
  ])('isLockId(%j) → %s', (id, expected) => {
    expect(isLockId(id)).toBe(expected);
  });
});

describe('isInForce', () => {
  it.each<[string, Lock, Date, boolean]>([
    ['without end', prodLock, later(100_000), true],
    ['before its end', expiring, later(59), true],
    ['at its end: expired by itself', expiring, later(60), false],
    ['after its end', expiring, later(61), false],
  ])('%s → %s', (_name, subject, at, expected) => {
    expect(isInForce(subject, at)).toBe(expected);
  });
});

describe('lockFor', () => {
  it.each<[string, Lock[], string, Date, string | undefined]>([
    ['an alias lock covers its alias', [prodLock], 'prod', T0, 'LPROD00001'],
    ['an alias lock does not cover another alias', [prodLock], 'test', T0, undefined],
    ['a function-wide lock covers every alias', [wholeLock], 'dev', T0, 'LWHOLE0001'],
    ["another function's lock covers nothing here", [otherFunction], 'prod', T0, undefined],
    ['an expired lock is not in force', [expiring], 'test', later(60), undefined],
    ['with both, the one without end', [expiring, wholeLock], 'test', T0, 'LWHOLE0001'],
    [
      'with two ending, the one ending last',
      [expiring, lock({ id: 'LWHOLE0002', alias: '*', until: later(90).toISOString() })],
      'test',
      T0,
      'LWHOLE0002',
    ],
  ])('%s', (_name, locks, alias, at, expected) => {
    expect(lockFor(locks, 'orders', alias, at)?.id).toBe(expected);
  });
});

describe('lockToLift', () => {
  const locks = [prodLock, wholeLock, expiring];

  it.each<[string, string | undefined, Date, string | undefined]>([
    ['the alias lock', 'prod', T0, 'LPROD00001'],
    ['no alias: the function-wide lock', undefined, T0, 'LWHOLE0001'],
    [
      'an alias without its own lock: nothing (the function lock needs `unlock orders`)',
      'dev',
      T0,
      undefined,
    ],
    ['an expired lock: nothing to lift', 'test', later(60), undefined],
  ])('%s', (_name, alias, at, expected) => {
    expect(lockToLift(locks, 'orders', alias, at)?.id).toBe(expected);
  });
});

describe('mayPassLocks', () => {
  it.each<[string, Lock[], string, string, Date, string | undefined]>([
    ['nobody, when nothing is locked', [], 'prod', 'UANY', T0, undefined],
    ['the holder passes their own lock', [prodLock], 'prod', 'UHOLDER', T0, undefined],
    ['anyone else is refused', [prodLock], 'prod', 'UANY', T0, 'LPROD00001'],
    ['a function-wide lock refuses on every alias', [wholeLock], 'dev', 'UANY', T0, 'LWHOLE0001'],
    [
      'holding the alias lock does not pass the function lock',
      [prodLock, wholeLock],
      'prod',
      'UHOLDER',
      T0,
      'LWHOLE0001',
    ],
    [
      'holding the function lock does not pass the alias lock',
      [prodLock, wholeLock],
      'prod',
      'UOTHER',
      T0,
      'LPROD00001',
    ],
    ['an expired lock refuses nobody', [expiring], 'test', 'UANY', later(60), undefined],
  ])('%s', (_name, locks, alias, user, at, blockedBy) => {
    const verdict = mayPassLocks(locks, 'orders', alias, user, at);

    expect(verdict.allowed).toBe(blockedBy === undefined);
    if (!verdict.allowed) expect(verdict.lock.id).toBe(blockedBy);
  });
});

describe('mayUnlock', () => {
  const stages = ['dev', 'test', 'prod'];
  const approversOf: Record<string, string[]> = { prod: ['UPRODAPPROVER'], test: ['UTESTAPPROVER'] };
  const verdict = (subject: Lock, actor: string, functionStages = stages) => {
    const asked: string[] = [];
    const result = mayUnlock({
      lock: subject,
      actor,
      stages: functionStages,
      mayApproveFor: (alias) => {
        asked.push(alias);
        return approversOf[alias]?.includes(actor) ?? false;
      },
    });
    return { result, asked };
  };

  it.each<[string, Lock, string, boolean]>([
    ['the holder', prodLock, 'UHOLDER', true],
    ["an approver for the lock's alias", prodLock, 'UPRODAPPROVER', true],
    ['an approver for another alias', prodLock, 'UTESTAPPROVER', false],
    ['anyone else', prodLock, 'UANY', false],
    ['the holder of a function-wide lock', wholeLock, 'UOTHER', true],
    ['an approver for the last stage, of a function-wide lock', wholeLock, 'UPRODAPPROVER', true],
    ['an approver for an earlier stage, of a function-wide lock', wholeLock, 'UTESTAPPROVER', false],
  ])('%s → %s', (_name, subject, actor, allowed) => {
    expect(verdict(subject, actor).result.allowed).toBe(allowed);
  });

  it('asks the policy about the last stage for a function-wide lock', () => {
    expect(verdict(wholeLock, 'UANY').asked).toEqual(['prod']);
  });

  it('lets only the holder lift a function-wide lock when the function has no stages', () => {
    const { result, asked } = verdict(wholeLock, 'UPRODAPPROVER', []);

    expect(result).toEqual({ allowed: false, reason: expect.stringContaining('only the holder') });
    expect(asked).toEqual([]);
  });
});

describe('newLock', () => {
  it('locks the whole function without an alias and ends after `forMs`', () => {
    const made = newLock({
      id: 'LNEW000001',
      function: 'orders',
      holder: 'U1',
      reason: 'r',
      at: T0,
      forMs: 2 * 3_600_000,
    });

    expect(made).toEqual({
      id: 'LNEW000001',
      function: 'orders',
      alias: '*',
      holder: 'U1',
      reason: 'r',
      at: '2030-05-06T10:00:00.000Z',
      until: '2030-05-06T12:00:00.000Z',
    });
  });

  it('has no end without `forMs`', () => {
    expect(
      newLock({ id: 'L1', function: 'orders', alias: 'prod', holder: 'U1', reason: '', at: T0 }),
    ).not.toHaveProperty('until');
  });

  it.each([0, -1, Number.NaN])('refuses a duration of %s', (forMs) => {
    expect(() => newLock({ id: 'L1', function: 'orders', holder: 'U1', reason: '', at: T0, forMs })).toThrow(
      RangeError,
    );
  });
});

describe('locksFromEvents', () => {
  const event = (
    action: AuditEvent['action'],
    requestId: string,
    extra: Partial<AuditEvent> = {},
  ): AuditEvent => ({
    function: 'orders',
    functionName: 'orders-service',
    alias: 'prod',
    action,
    requestId,
    actor: 'UHOLDER',
    team: 'T1',
    channel: 'C1',
    fromVersion: '',
    toVersion: '',
    at: T0.toISOString(),
    seq: 1,
    ...extra,
  });

  it('keeps LOCKED events no UNLOCKED ended, with holder, reason and until', () => {
    const locks = locksFromEvents([
      event('LOCKED', 'LA', { reason: 'db migration', until: later(30).toISOString() }),
      event('LOCKED', 'LB', { alias: '*', actor: 'UOTHER' }),
      event('UNLOCKED', 'LB', { actor: 'UOTHER' }),
      event('APPLIED', 'R1'),
      event('LOCKED', 'LC', { alias: 'test' }),
    ]);

    expect(locks.map((l) => l.id)).toEqual(['LA', 'LC']);
    expect(locks[0]).toEqual({
      id: 'LA',
      function: 'orders',
      alias: 'prod',
      holder: 'UHOLDER',
      reason: 'db migration',
      at: T0.toISOString(),
      until: later(30).toISOString(),
    });
    expect(locks[1]?.reason).toBe('');
  });
});

describe('describeLock', () => {
  it.each<[string, Lock, string]>([
    [
      'an alias lock with an end and a reason',
      lock({ until: later(120).toISOString() }),
      'orders prod is locked by UHOLDER since 2030-05-06T10:00:00.000Z until 2030-05-06T12:00:00.000Z: “incident 123”.',
    ],
    [
      'a function-wide lock without end nor reason',
      lock({ alias: '*', reason: '  ' }),
      'orders (every alias) is locked by UHOLDER since 2030-05-06T10:00:00.000Z until unlocked.',
    ],
  ])('%s', (_name, subject, sentence) => {
    expect(sentenceText(describeLock(subject))).toBe(sentence);
  });

  it('keeps user text apart from the sentence, for the Slack layer to escape', () => {
    const hostile = lock({ reason: '<!channel> *now*', holder: 'U1' });
    const parts = describeLock(hostile);

    expect(parts).toContainEqual({ kind: 'reason', text: '<!channel> *now*' });
    expect(parts).toContainEqual({ kind: 'user', id: 'U1' });
    expect(parts.filter((p) => p.kind === 'text').some((p) => p.text.includes('<'))).toBe(false);
  });
});
