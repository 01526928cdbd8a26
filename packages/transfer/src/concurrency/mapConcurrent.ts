/**
 * Runs `work` over every item of an (async) iterable with at most `concurrency` at once. The
 * iterable itself is the queue: each of the `concurrency` runners pulls its next item from it, so
 * a streaming listing is consumed only as fast as work frees up. Errors thrown by `work` stop
 * nothing: `work` is expected to turn failures into results.
 */
export async function mapConcurrent<T>(
  items: Iterable<T> | AsyncIterable<T>,
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new RangeError(`Expected \`concurrency\` to be a whole number from 1 and up, got ${concurrency}`);
  const iterator = Symbol.asyncIterator in items ? items[Symbol.asyncIterator]() : toAsync(items[Symbol.iterator]());
  const runner = async (): Promise<void> => {
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      await work(next.value);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, runner));
}

function toAsync<T>(iterator: Iterator<T>): AsyncIterator<T> {
  return { next: async () => iterator.next() };
}
