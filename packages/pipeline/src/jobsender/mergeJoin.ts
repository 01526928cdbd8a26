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
  for await (const entry of outerJoin(source, destination)) if (entry.source !== undefined) yield entry as JoinedEntry<S, D>;
}

/** An entry of either listing, with its counterpart on the other side when there is one. */
export type OuterJoinedEntry<S extends Keyed, D extends Keyed> =
  | { readonly source: S; readonly destination?: D }
  | { readonly source?: undefined; readonly destination: D };

/**
 * Joins two listings in S3 key order as {@link mergeJoin} does, but yields the destination's
 * entries that have no source entry too (an audit's "extra" objects). Memory is one page of each
 * listing.
 *
 * @throws Error if either listing is out of order.
 */
export async function* outerJoin<S extends Keyed, D extends Keyed>(
  source: AsyncIterable<S>,
  destination: AsyncIterable<D>,
): AsyncGenerator<OuterJoinedEntry<S, D>> {
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
        yield { destination: current.value };
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
    while (!current.done) {
      previousDestination = assertAscending(previousDestination, current.value.key);
      yield { destination: current.value };
      current = await destinations.next();
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
