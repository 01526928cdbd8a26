import { compareKeys } from "../compare/keyOrder.js";

/** Passes entries through while their key is at most `until` (S3 key order), then stops listing. */
export async function* takeUntil<T extends { key: string }>(entries: AsyncIterable<T>, until: string | undefined): AsyncGenerator<T> {
  for await (const entry of entries) {
    if (until !== undefined && compareKeys(entry.key, until) > 0) return;
    yield entry;
  }
}

/** Maps destination keys back into source-key space by removing the destination head. */
export async function* stripHead<T extends { key: string }>(entries: AsyncIterable<T>, head: string): AsyncGenerator<T> {
  for await (const entry of entries) {
    if (entry.key.startsWith(head)) yield { ...entry, key: entry.key.slice(head.length) };
  }
}
