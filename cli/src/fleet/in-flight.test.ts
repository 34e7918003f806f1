import { inOrderWithLimit } from './in-flight';

async function* fromArray<T>(items: T[], seen: T[] = []): AsyncGenerator<T> {
  for (const item of items) {
    seen.push(item);
    yield item;
  }
}

const after = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

describe('inOrderWithLimit', () => {
  it('hands results on in order although they finish out of order, with at most the limit running', async () => {
    let running = 0;
    let most = 0;
    const results: number[] = [];
    await inOrderWithLimit(fromArray([30, 5, 20, 1, 10]), 2, async ms => {
      most = Math.max(most, ++running);
      await after(ms);
      running--;
      return ms;
    }, r => results.push(r));
    expect(results).toEqual([30, 5, 20, 1, 10]);
    expect(most).toBe(2);
  });

  it('stops taking items after a failure, hands on what finished, and throws the first failure', async () => {
    const seen: number[] = [];
    const results: number[] = [];
    const run = inOrderWithLimit(fromArray([1, 2, 3, 4, 5, 6], seen), 2, async n => {
      await after(n === 2 ? 1 : 15);
      if (n === 2) throw new Error('two failed');
      return n;
    }, r => results.push(r));
    await expect(run).rejects.toThrow('two failed');
    expect(results).toEqual([1]);
    expect(seen).toEqual([1, 2]);
  });
});
