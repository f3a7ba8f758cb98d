// Parallel I/O that waits for every call it started. `Promise.all` rejects at the first failure
// and leaves the other calls running: on Lambda they would run on after the handler returned,
// frozen with the container and resumed (or cut off) in a later invocation. This settles them
// all first, then throws the first failure in the order given.

type Results<T extends readonly unknown[]> = { -readonly [K in keyof T]: Awaited<T[K]> };

export async function allSettledOrThrow<const T extends readonly unknown[]>(calls: T): Promise<Results<T>> {
  const settled = await Promise.allSettled(calls);
  const failed = settled.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<unknown>).value) as Results<T>;
}
