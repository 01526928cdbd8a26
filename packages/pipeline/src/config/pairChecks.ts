/*
 * Refuses configurations whose copies would be copied again, or whose routes would race for one
 * destination key. A route (a bucket pair, or the S3 event route) lists the source keys that
 * begin with its listing prefix L and writes each key k to `destinationKey(des_prefix, k)`, that
 * is F + k where F is the destination folder (`""`, or `copy/` for `copy` and `copy/`). So it
 * writes exactly the keys that begin with W = F + L (the *written prefix*), and two sets of keys
 * "every key beginning with X" meet exactly when one of X, Y begins with the other. Hence:
 *
 * - a loop: route w writes into route l's source when w's destination bucket is l's source bucket
 *   and W(w), L(l) overlap (w = l included: `a/*` -> `a/backup/`);
 * - a race: routes p and q write one key from two source objects when their destination buckets
 *   are one and W(p), W(q) overlap, unless they read the same source bucket into the same folder
 *   (then a shared key comes from one source key, and both write the same bytes).
 *
 * A source and a destination bucket of one name are one bucket unless the configuration places
 * them in two partitions (`us-east-1` and `cn-north-1`): bucket names are unique per partition.
 */

import { ConfigError, destinationKey, listingPrefix, partitionOf } from "@s3-migrate/transfer";
import type { BucketPair } from "./bucketPairs.js";

/**
 * The S3 event route, as {@link refuseLoopingEvents} needs it (a worker's `EventScope` fits):
 * notifications of `bucket` under `filterPrefix` are copied to `destinationBucket`, at
 * `destinationKey(destinationPrefix, key)`.
 */
export interface EventRoute {
  /** EVENT_SOURCE_BUCKET. */
  readonly bucket: string;
  /** EVENT_FILTER_PREFIX, as S3 matches it (a raw prefix: `/` is not the whole bucket here). */
  readonly filterPrefix: string;
  /** DEFAULT_DEST_BUCKET. */
  readonly destinationBucket: string;
  /** DEFAULT_DEST_PREFIX. */
  readonly destinationPrefix: string;
  /** The event bucket's region, when the configuration gives it. */
  readonly bucketRegion?: string;
  /** DEFAULT_DEST_REGION, when set. */
  readonly destinationRegion?: string;
}

/** A route with what a message needs to name it. */
interface Route {
  readonly srcBucket: string;
  /** Every key the route reads begins with this. */
  readonly listed: string;
  readonly desBucket: string;
  /** The destination folder: `""` or ends with `/`; a key k is written at folder + k. */
  readonly folder: string;
  /** Every key the route writes begins with this: folder + listed. */
  readonly written: string;
  /** Opens a message: `Parameter p, entry 2`. */
  readonly name: string;
  /** Names it inside a message: `entry 2`. */
  readonly ref: string;
  /** The settings that say its source, and its destination. */
  readonly sourceFields: string;
  readonly destinationFields: string;
  /** What it does with a key that appears in its source. */
  readonly again: string;
}

/** Regions the configuration gives buckets, per side. */
interface KnownRegions {
  readonly source: ReadonlyMap<string, string>;
  readonly destination: ReadonlyMap<string, string>;
}

/**
 * Refuses bucket pairs that loop (a pair writes keys that a pair, itself included, lists) or race
 * (two pairs write one destination key from two source objects). Pure; `parseBucketPairs` calls
 * it. Accepted: `a/` -> same bucket `b/` (keys land at `b/a/...`, never listed by `a/`).
 *
 * @throws ConfigError naming the parameter, the entry, its fields and an example key.
 * @example
 * refuseOverlappingPairs([{ srcBucket: "a-b", srcPrefix: "", desBucket: "a-b", desPrefix: "backup" }], "pairs")
 * // ConfigError: ... s3://a-b/example is copied to s3://a-b/backup/example, which it lists and copies again
 */
export function refuseOverlappingPairs(pairs: readonly BucketPair[], parameterName = "bucket pairs"): void {
  const routes = pairs.map((pair, index) => pairRoute(pair, index, parameterName));
  const regions = regionsOf(pairs);
  for (const writer of routes) for (const lister of routes) refuseLoop(writer, lister, regions);
  routes.forEach((first, index) => {
    for (const second of routes.slice(index + 1)) refuseRace(first, second);
  });
}

/**
 * Refuses an S3 event route that loops: its copies land in the event bucket under the filter
 * (each write fires another event), a pair writes there (each of the pair's writes fires an
 * event), or its copies land in a pair's source (the jobsender lists and copies them again).
 * Pure; the worker's setup calls it before anything is sent. The event route and a pair may
 * write the same keys from the same source (the usual backfill-plus-events setup).
 *
 * @param pairsParameter - the bucket-pair parameter's name, for the messages
 * @throws ConfigError naming the environment variables, the pair's entry and fields, and an example key.
 * @example
 * refuseLoopingEvents({ bucket: "in-b", filterPrefix: "", destinationBucket: "in-b", destinationPrefix: "copies" }, [])
 * // ConfigError: The S3 event route: DEFAULT_DEST_BUCKET and DEFAULT_DEST_PREFIX put the copies inside its own source ...
 */
export function refuseLoopingEvents(events: EventRoute, pairs: readonly BucketPair[], pairsParameter = "bucket pairs"): void {
  const route = eventRoute(events);
  const routes = pairs.map((pair, index) => pairRoute(pair, index, pairsParameter));
  const regions = regionsOf(pairs, events);
  refuseLoop(route, route, regions);
  for (const pair of routes) {
    refuseLoop(pair, route, regions);
    refuseLoop(route, pair, regions);
  }
}

function pairRoute(pair: BucketPair, index: number, parameterName: string): Route {
  const listed = listingPrefix(pair.srcPrefix);
  const folder = destinationKey(pair.desPrefix, "");
  return {
    srcBucket: pair.srcBucket,
    listed,
    desBucket: pair.desBucket,
    folder,
    written: folder + listed,
    name: `Parameter ${parameterName}, entry ${index}`,
    ref: `${parameterName} entry ${index}`,
    sourceFields: 'fields "src_bucket" and "src_prefix"',
    destinationFields: 'fields "des_bucket" and "des_prefix"',
    again: "lists and copies again",
  };
}

function eventRoute(events: EventRoute): Route {
  const folder = destinationKey(events.destinationPrefix, "");
  return {
    srcBucket: events.bucket,
    listed: events.filterPrefix,
    desBucket: events.destinationBucket,
    folder,
    written: folder + events.filterPrefix,
    name: "The S3 event route",
    ref: "the S3 event route",
    sourceFields: "EVENT_SOURCE_BUCKET and EVENT_FILTER_PREFIX",
    destinationFields: "DEFAULT_DEST_BUCKET and DEFAULT_DEST_PREFIX",
    again: "copies again when its creation fires an event",
  };
}

function refuseLoop(writer: Route, lister: Route, regions: KnownRegions): void {
  if (!oneBucket(lister.srcBucket, writer.desBucket, regions) || !overlap(writer.written, lister.listed)) return;
  const written = exampleKey(writer.written, lister.listed);
  const read = written.slice(writer.folder.length);
  const copy = `s3://${writer.srcBucket}/${read} is copied to s3://${writer.desBucket}/${written}`;
  const listing = `s3://${lister.srcBucket}/${lister.listed}*`;
  if (writer === lister)
    throw new ConfigError(
      written === read
        ? `${writer.name}: ${writer.destinationFields} name the source itself (${writer.sourceFields}, ${listing}): s3://${writer.srcBucket}/${read} would be copied onto itself`
        : `${writer.name}: ${writer.destinationFields} put the copies inside its own source (${writer.sourceFields}, ${listing}): ${copy}, which it ${writer.again}`,
    );
  throw new ConfigError(
    `${writer.name}: ${writer.destinationFields} write into the source of ${lister.ref} (${lister.sourceFields}, ${listing}): ${copy}, which ${lister.ref} ${lister.again}`,
  );
}

function refuseRace(first: Route, second: Route): void {
  if (first.desBucket !== second.desBucket || !overlap(first.written, second.written)) return;
  if (first.srcBucket === second.srcBucket && first.folder === second.folder) return;
  const written = exampleKey(first.written, second.written);
  throw new ConfigError(
    `${second.name}: ${second.destinationFields} write where ${first.ref} writes, from other objects: ` +
      `s3://${first.srcBucket}/${written.slice(first.folder.length)} (${first.ref}) and ` +
      `s3://${second.srcBucket}/${written.slice(second.folder.length)} would both be copied to s3://${second.desBucket}/${written}`,
  );
}

/** Whether the sets of keys beginning with `a` and with `b` meet. */
function overlap(a: string, b: string): boolean {
  return a.startsWith(b) || b.startsWith(a);
}

/** A key that begins with both overlapping prefixes, for a message. */
function exampleKey(a: string, b: string): string {
  const longer = a.length >= b.length ? a : b;
  return longer === "" || longer.endsWith("/") ? `${longer}example` : `${longer}/example`;
}

/** Whether a source bucket and a destination bucket of these names may be one bucket. */
function oneBucket(source: string, destination: string, regions: KnownRegions): boolean {
  if (source !== destination) return false;
  const sourceRegion = regions.source.get(source);
  const destinationRegion = regions.destination.get(destination);
  return sourceRegion === undefined || destinationRegion === undefined || partitionOf(sourceRegion) === partitionOf(destinationRegion);
}

/** The first region given to each bucket on each side (`bucketFactsOf` refuses two different ones). */
function regionsOf(pairs: readonly BucketPair[], events?: EventRoute): KnownRegions {
  const source = new Map<string, string>();
  const destination = new Map<string, string>();
  const note = (side: Map<string, string>, bucket: string, region: string | undefined) => {
    if (region !== undefined && !side.has(bucket)) side.set(bucket, region);
  };
  for (const pair of pairs) {
    note(source, pair.srcBucket, pair.srcRegion);
    note(destination, pair.desBucket, pair.desRegion);
  }
  if (events !== undefined) {
    note(source, events.bucket, events.bucketRegion);
    note(destination, events.destinationBucket, events.destinationRegion);
  }
  return { source, destination };
}
