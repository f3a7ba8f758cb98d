import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DURATION_BOUNDS_MS, formatDuration, parseDuration } from '../../../src/domain/duration';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('parseDuration', () => {
  it.each<{ text: string; ms: number }>([
    { text: '1m', ms: MINUTE },
    { text: '10m', ms: 10 * MINUTE },
    { text: '90m', ms: 90 * MINUTE },
    { text: '2h', ms: 2 * HOUR },
    { text: '2H', ms: 2 * HOUR },
    { text: ' 5m ', ms: 5 * MINUTE },
    { text: '10080m', ms: 7 * 24 * HOUR },
    { text: '168h', ms: 7 * 24 * HOUR },
    { text: '007m', ms: 7 * MINUTE },
  ])('reads $text', ({ text, ms }) => {
    expect(parseDuration(text)).toEqual({ ok: true, ms });
  });

  it.each([
    '',
    'm',
    '10',
    '10s',
    '1d',
    '1w',
    '1h30m',
    '1.5h',
    '-5m',
    '+5m',
    '5 m',
    'ten m',
    '1e3m',
    '1234567m',
  ])('refuses %j as no duration', (text) => {
    expect(parseDuration(text)).toEqual({
      ok: false,
      problem: 'is not a duration: use minutes or hours from 1m to 168h (7 days), e.g. 30m or 2h',
    });
  });

  it.each(['0m', '0h', '10081m', '169h', '999999h'])('refuses %s as out of range', (text) => {
    expect(parseDuration(text)).toEqual({
      ok: false,
      problem: 'is out of range: use minutes or hours from 1m to 168h (7 days), e.g. 30m or 2h',
    });
  });

  it('accepts exactly the minutes within its bounds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20_000 }), (minutes) => {
        const result = parseDuration(`${minutes}m`);
        const inside =
          minutes * MINUTE >= DURATION_BOUNDS_MS.min && minutes * MINUTE <= DURATION_BOUNDS_MS.max;
        expect(result).toEqual(
          inside ? { ok: true, ms: minutes * MINUTE } : expect.objectContaining({ ok: false }),
        );
      }),
    );
  });
});

describe('formatDuration', () => {
  it.each<[number, string]>([
    [0, '0m'],
    [59_999, '<1m'],
    [60_000, '1m'],
    [45 * 60_000, '45m'],
    [60 * 60_000, '1h'],
    [125 * 60_000, '2h 5m'],
    [24 * 60 * 60_000, '1d'],
    [(3 * 24 + 4) * 60 * 60_000 + 59_000, '3d 4h'],
  ])('%i ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
