import { describe, expect, it } from 'vitest';
import { formatDuration } from '../../../src/domain/duration';

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
