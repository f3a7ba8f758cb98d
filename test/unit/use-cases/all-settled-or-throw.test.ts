import { describe, expect, it } from 'vitest';
import { allSettledOrThrow } from '../../../src/use-cases/all-settled-or-throw';

const settleAfter = <T>(ms: number, act: () => T) =>
  new Promise<T>((resolve, reject) =>
    setTimeout(() => {
      try {
        resolve(act());
      } catch (error) {
        reject(error);
      }
    }, ms),
  );

describe('allSettledOrThrow', () => {
  it('answers every value in the order given', async () => {
    expect(await allSettledOrThrow([settleAfter(20, () => 'a'), Promise.resolve(2), undefined])).toEqual([
      'a',
      2,
      undefined,
    ]);
  });

  it('throws only once the slower calls have ended, the first failure in the order given', async () => {
    let slowEnded = false;
    const failure = allSettledOrThrow([
      settleAfter(5, () => {
        throw new Error('first');
      }),
      settleAfter(40, () => {
        slowEnded = true;
      }),
      settleAfter(1, () => {
        throw new Error('second');
      }),
    ]);

    await expect(failure).rejects.toThrow('first');
    expect(slowEnded).toBe(true);
  });
});
