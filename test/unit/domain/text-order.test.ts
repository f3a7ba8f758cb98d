import { afterEach, describe, expect, it, vi } from 'vitest';
import { compareText } from '../../../src/domain/text-order';
import { diffVersions } from '../../../src/domain/version-diff';
import { stageOrder } from '../../../src/use-cases/deps';

afterEach(() => vi.restoreAllMocks());

describe('compareText', () => {
  it('orders by UTF-16 code unit, whatever the locale', () => {
    expect(['prod', 'Beta', 'alpha', 'live-2', 'live_1', '10', '9'].sort(compareText)).toEqual([
      '10',
      '9',
      'Beta',
      'alpha',
      'live-2',
      'live_1',
      'prod',
    ]);
    expect(compareText('2026-11-29T01:00:00.000Z', '2026-11-29T00:59:59.999Z')).toBeGreaterThan(0);
    expect(compareText('same', 'same')).toBe(0);
  });

  // A first localeCompare builds ICU's collator: several ms of a cold start.
  it('is what the bot sorts by: no localeCompare in status or a request', () => {
    const localeCompare = vi.spyOn(String.prototype, 'localeCompare');
    const fn = { key: 'orders', functionName: 'orders', stages: ['dev', 'prod'], links: {} };
    expect(
      stageOrder(fn as never, [{ name: 'zeta' }, { name: 'prod' }, { name: 'Alpha' }, { name: 'dev' }]).map(
        (alias) => alias.name,
      ),
    ).toEqual(['dev', 'prod', 'Alpha', 'zeta']);
    const version = (environmentDigests: Record<string, string>) => ({
      version: '1',
      description: '',
      lastModified: '2026-11-29T00:00:00.000Z',
      codeSha256: 'abc',
      architectures: ['arm64'],
      environmentDigests,
    });
    const diff = diffVersions(
      version({ B: '1', a: '1' }) as never,
      version({ Z: '1', a: '2', C: '1' }) as never,
    );
    expect(diff.envAdded).toEqual(['C', 'Z']);
    expect(diff.envRemoved).toEqual(['B']);
    expect(diff.envChanged).toEqual(['a']);
    expect(localeCompare).not.toHaveBeenCalled();
  });
});
