import { compareKeys } from "@s3-migrate/transfer";

/** What a listing entry must have for the comparison. */
export interface Keyed {
  readonly key: string;
}

/** One source entry and its counterpart at the destination, if any. */
export interface JoinedEntry<S extends Keyed, D extends Keyed> {
  readonly source: S;
  readonly destination?: D;
}

/**
 * Joins two listings that are both in S3 key order (UTF-8 byte order), yielding every source
 * entry with the destination entry of the same key. Memory is one page of each listing, whatever
 * the bucket sizes; destination keys must already be mapped into source-key space.
 *
 * @throws Error if either listing is out of order, which would make the join unsound.
 */
export async function* mergeJoin<S extends Keyed, D extends Keyed>(
  source: AsyncIterable<S>,
  destination: AsyncIterable<D>,
): AsyncGenerator<JoinedEntry<S, D>> {
  const destinations = destination[Symbol.asyncIterator]();
  let current = await destinations.next();
  let previousSource: string | undefined;
  let previousDestination: string | undefined;
  try {
    for await (const entry of source) {
      if (previousSource !== undefined && compareKeys(previousSource, entry.key) >= 0) {
        throw new Error(`Source listing out of order: ${JSON.stringify(entry.key)} after ${JSON.stringify(previousSource)}`);
      }
      previousSource = entry.key;
      while (!current.done && compareKeys(current.value.key, entry.key) < 0) {
        previousDestination = assertAscending(previousDestination, current.value.key);
        current = await destinations.next();
      }
      if (!current.done && current.value.key === entry.key) {
        previousDestination = assertAscending(previousDestination, current.value.key);
        yield { source: entry, destination: current.value };
        current = await destinations.next();
      } else {
        yield { source: entry };
      }
    }
  } finally {
    await destinations.return?.();
  }
}

function assertAscending(previous: string | undefined, key: string): string {
  if (previous !== undefined && compareKeys(previous, key) >= 0) {
    throw new Error(`Destination listing out of order: ${JSON.stringify(key)} after ${JSON.stringify(previous)}`);
  }
  return key;
}
