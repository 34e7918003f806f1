/**
 * Runs `start` for each item as it comes, with at most `limit` running at once, and hands the
 * results on in the items' order (a result waits for the ones before it). The producer of items
 * waits while the limit is reached, so memory holds `limit` items' work, never all of them.
 * After a failure nothing new starts; those already running finish and are handed on, then the
 * first failure is thrown.
 */
export async function inOrderWithLimit<T, R>(items: AsyncIterable<T>, limit: number, start: (item: T) => Promise<R>, onResult: (result: R) => void): Promise<void> {
  const results: ({ done: false } | { done: true; ok: true; value: R } | { done: true; ok: false })[] = [];
  const running = new Set<Promise<void>>();
  let handedOn = 0;
  let failure: { error: unknown } | undefined;

  const handOn = () => {
    for (let next = results[handedOn]; next?.done; next = results[++handedOn]) if (next.ok) onResult(next.value);
  };
  const iterator = items[Symbol.asyncIterator]();
  while (!failure) {
    const next = await iterator.next();
    if (next.done) break;
    if (failure) break;
    const item = next.value;
    const slot = results.push({ done: false }) - 1;
    const run: Promise<void> = start(item).then(
      value => void (results[slot] = { done: true, ok: true, value }),
      error => void ((results[slot] = { done: true, ok: false }), (failure ??= { error })),
    ).finally(() => {
      running.delete(run);
      handOn();
    });
    running.add(run);
    while (running.size >= limit) await Promise.race(running);
  }
  await Promise.all(running);
  if (failure) {
    await iterator.return?.();
    throw failure.error;
  }
}
