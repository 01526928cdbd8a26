import { planForNewUpload } from "@s3-migrate/transfer";
import type { CopyShape } from "../config/environment.js";

/** What a run will copy, by the way the worker copies it: the input of the estimate. */
export interface RunTally {
  /** Keys listed at each side (the listings' requests). */
  listedKeys: number;
  objects: number;
  bytes: number;
  /** Objects copied with one GET and one PUT. */
  smallObjects: number;
  /** Objects copied as a multipart upload (fanned out or not). */
  multipartObjects: number;
  /** Data parts of those uploads. */
  parts: number;
  /** ListParts pages to read those uploads back at completion (1,000 parts a page, the manifest part included). */
  partListPages: number;
  /** Objects fanned out into range jobs, and their ranges. */
  fannedOutObjects: number;
  ranges: number;
  /** Continuation messages: an object copied by one worker needs one per invocation after its first. */
  continuations: number;
  /** Objects queued in batches (`s3-migrate/batch`), and the batch messages that carry them. */
  batchedObjects: number;
  batches: number;
}

/** How the worker will copy what the run queues: its copy shape, and the bytes one invocation moves. */
export interface TallyRules {
  readonly shape: CopyShape;
  readonly bytesPerInvocation: number;
}

/** An empty tally. */
export function emptyTally(): RunTally {
  return {
    listedKeys: 0,
    objects: 0,
    bytes: 0,
    smallObjects: 0,
    multipartObjects: 0,
    parts: 0,
    partListPages: 0,
    fannedOutObjects: 0,
    ranges: 0,
    continuations: 0,
    batchedObjects: 0,
    batches: 0,
  };
}

/**
 * Counts one object the run will queue, the way the worker will copy it: at or below the small
 * object threshold in one PUT, above it in parts of the configured size (larger when 10,000
 * would not hold it), above the fan-out threshold in ranges of `fanoutRangeParts` parts (each
 * sized to fit an invocation); an object copied whole continues once per invocation it outlasts.
 */
export function tallyObject(tally: RunTally, size: number, { shape, bytesPerInvocation }: TallyRules): void {
  tally.objects++;
  tally.bytes += size;
  if (size <= shape.smallObjectThreshold) {
    tally.smallObjects++;
    return;
  }
  const { partCount } = planForNewUpload(size, shape.partSize);
  tally.multipartObjects++;
  tally.parts += partCount;
  tally.partListPages += Math.ceil((partCount + 1) / 1000);
  if (shape.fanoutThreshold > 0 && size > shape.fanoutThreshold) {
    tally.fannedOutObjects++;
    tally.ranges += Math.ceil(partCount / shape.fanoutRangeParts);
    return;
  }
  tally.continuations += Math.max(0, Math.ceil(size / bytesPerInvocation) - 1);
}

/** Counts one batch message of `objects` objects (each counted by {@link tallyObject} too). */
export function tallyBatch(tally: RunTally, objects: number): void {
  tally.batches++;
  tally.batchedObjects += objects;
}
