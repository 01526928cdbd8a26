import { destinationKey, type ListedObject, listingPrefix, listLatestVersions, listObjects } from "@s3-migrate/transfer";
import type { BucketPair } from "../config/bucketPairs.js";
import type { IgnoreList } from "../config/ignoreList.js";
import type { JobsenderContext, PairCounts } from "./jobsenderTypes.js";
import { type JoinedEntry, mergeJoin } from "./mergeJoin.js";
import type { SegmentState } from "./passState.js";

/** A source object the comparison says must be copied (or, comparing versions, checked). */
export type Candidate = JoinedEntry<ListedObject & { versionId?: string }, ListedObject>;

/** What a segment needs from its pair's run. */
export interface SegmentRun {
  readonly context: JobsenderContext;
  readonly pair: BucketPair;
  readonly ignore: IgnoreList;
  readonly compareVersions: boolean;
  readonly roundSize: number;
  readonly pageSize?: number;
  readonly counts: PairCounts;
  readonly signal: AbortSignal;
  /** Handles one round of candidates: ledger check, send, record. */
  readonly sendRound: (candidates: Candidate[]) => Promise<void>;
  /** Persists the segment's new cursor (called after each round). */
  readonly checkpoint: (segment: SegmentState) => Promise<void>;
}

/**
 * One key-space segment of a pair, listed on both sides from its cursor (or lower bound) to its
 * upper bound: the source's keys (its latest versions with `latestVersions`), and the
 * destination's under the pair's mapping, with the mapping stripped so both are in source-key
 * space and in the same order. `head` is what the mapping puts before a source key.
 */
export function listSegment(
  clients: Pick<JobsenderContext, "source" | "destination">,
  pair: BucketPair,
  segment: SegmentState,
  options: { readonly signal: AbortSignal; readonly pageSize?: number; readonly latestVersions?: boolean },
): { source: AsyncIterable<ListedObject & { versionId?: string }>; destination: AsyncIterable<ListedObject>; head: string } {
  const sourcePrefix = listingPrefix(pair.srcPrefix);
  const head = destinationKey(pair.desPrefix, "");
  const startAfter = segment.cursor ?? segment.after;
  const bounds = {
    signal: options.signal,
    ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
    ...(segment.until === undefined ? {} : { until: segment.until }),
  };
  const sourceOptions = {
    bucket: pair.srcBucket,
    prefix: sourcePrefix,
    side: "source",
    ...bounds,
    ...(startAfter === undefined ? {} : { startAfter }),
  } as const;
  return {
    source: options.latestVersions ? listLatestVersions(clients.source, sourceOptions) : listObjects(clients.source, sourceOptions),
    destination: listObjects(clients.destination, {
      bucket: pair.desBucket,
      prefix: head + sourcePrefix,
      side: "destination",
      ...bounds,
      ...(startAfter === undefined ? {} : { startAfter: head + startAfter }),
      stripPrefix: head,
    }),
    head,
  };
}

/**
 * Lists one key-space segment on both sides, joins them, and sends rounds of candidates,
 * checkpointing the cursor after each round. Stops early (not done) when the signal fires.
 */
export async function processSegment(run: SegmentRun, segment: SegmentState): Promise<SegmentState> {
  const { context, pair, counts } = run;
  const { source, destination } = listSegment(context, pair, segment, {
    signal: run.signal,
    latestVersions: run.compareVersions,
    ...(run.pageSize === undefined ? {} : { pageSize: run.pageSize }),
  });
  const joined = mergeJoin(source, destination);

  let current: SegmentState = segment;
  let round: Candidate[] = [];
  let lastKey: string | undefined;
  const finishRound = async () => {
    if (round.length > 0) await run.sendRound(round);
    round = [];
    if (lastKey !== undefined && lastKey !== current.cursor) {
      current = { ...current, cursor: lastKey };
      await run.checkpoint(current);
    }
  };

  for await (const entry of joined) {
    counts.listed++;
    lastKey = entry.source.key;
    if (counts.largest === undefined || entry.source.size > counts.largest.size)
      counts.largest = { key: entry.source.key, size: entry.source.size };
    if (run.ignore.matches(pair.srcBucket, entry.source.key)) counts.ignored++;
    else if (entry.destination !== undefined && entry.destination.size === entry.source.size && !run.compareVersions) counts.present++;
    else round.push(entry);
    if (round.length >= run.roundSize || counts.listed % 1000 === 0) await finishRound();
    if (run.signal.aborted) {
      await finishRound();
      return current;
    }
  }
  await finishRound();
  current = { ...current, done: true };
  await run.checkpoint(current);
  return current;
}
