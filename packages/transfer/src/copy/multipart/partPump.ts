import type { Hash } from "node:crypto";
import { setMaxListeners } from "node:events";
import type { MigrationError } from "../../errors.js";
import { type PartPlan, partRange } from "../../plan/partPlan.js";
import { type RetryPolicy, withRetry } from "../../retry.js";
import { BufferPool } from "../bufferPool.js";
import { ByteStreamReader, type Digests, type HashedBytes } from "../byteStreamReader.js";
import type { StopSignals } from "../types.js";

/** What the pump needs from the outside world; both functions throw classified errors. */
export interface PartPumpIo {
  /** Opens a ranged GET of the pinned source for bytes `start..end` (inclusive). */
  openRead(start: number, end: number, signal: AbortSignal): Promise<AsyncIterable<Uint8Array>>;
  /** Uploads one part and verifies the destination's answer. */
  uploadPart(partNumber: number, data: HashedBytes, signal: AbortSignal): Promise<void>;
  classifyRead(error: unknown): MigrationError;
  classifyWrite(error: unknown): MigrationError;
  onRetry?(error: MigrationError, attempt: number, delayMs: number): void;
  /** Called once per part read whole from the source, with its size. */
  onBytesRead?(count: number): void;
}

/** How many parts, streams and buffers. */
export interface PartPumpOptions extends StopSignals {
  readonly plan: PartPlan;
  /** Part numbers still to send, ascending. */
  readonly missing: readonly number[];
  /** Ranged GET streams at once; each reads a contiguous run of parts. */
  readonly readStreams: number;
  /** Part buffers in memory at once (being read or uploaded). */
  readonly buffers: number;
  readonly retry: RetryPolicy;
  /** What each part is hashed with as it streams in (MD5 by default). */
  readonly digests?: Digests;
  /**
   * Feeds every part to one hash of the whole object, in part order: the pump then reads with one
   * lane, and reads the parts of `readOnly` too (for the hash) without uploading them.
   */
  readonly inOrder?: { readonly whole: Hash; readonly readOnly: ReadonlySet<number> };
}

/**
 * Moves the missing parts from source to destination. The missing parts are dealt out to
 * `readStreams` lanes of neighbouring parts; each lane streams its run with one ranged GET
 * (reopened only after an error or a gap), slices it into parts and hands each to an upload while
 * it reads on. A shared semaphore caps the part buffers in memory. The first error that retries do
 * not cure stops every lane and is thrown. When `pause` fires no new part starts and the pump
 * returns once the uploads in flight end: they finish (a drain) unless `cancel` cuts them.
 *
 * @returns how many of the parts were read whole (all of `missing` unless the pause fired)
 */
export async function pumpParts(options: PartPumpOptions, io: PartPumpIo): Promise<{ partsRead: number }> {
  const failure = new AbortController();
  const signal = options.pause === undefined ? failure.signal : AbortSignal.any([options.pause, failure.signal]);
  const hard = options.cancel ?? options.pause;
  const uploadSignal = hard === undefined ? failure.signal : AbortSignal.any([hard, failure.signal]);
  // Every request in flight listens on these signals; thousands of parts are expected, not a leak.
  setMaxListeners(0, signal);
  setMaxListeners(0, uploadSignal);
  let firstError: unknown;
  const fail = (error: unknown) => {
    if (firstError === undefined) firstError = error;
    failure.abort();
  };
  const buffers = new BufferPool(options.buffers, options.plan.partSize);
  const uploads: Promise<void>[] = [];
  const tally = { partsRead: 0 };
  const laneCount = options.inOrder === undefined ? Math.max(1, Math.min(options.readStreams, options.buffers, options.missing.length)) : 1;
  const lanes = splitIntoLanes(options.missing, laneCount).map((parts) =>
    runLane(parts, { ...options, signal, uploadSignal }, io, buffers, tally, (upload) => uploads.push(upload.catch(fail))).catch(fail),
  );
  await Promise.all(lanes);
  await Promise.all(uploads);
  if (firstError !== undefined && !options.pause?.aborted) throw firstError;
  return tally;
}

async function runLane(
  parts: readonly number[],
  options: PartPumpOptions & { signal: AbortSignal; uploadSignal: AbortSignal },
  io: PartPumpIo,
  buffers: BufferPool,
  tally: { partsRead: number },
  track: (upload: Promise<void>) => void,
): Promise<void> {
  const { plan, signal } = options;
  let reader: ByteStreamReader | undefined;
  let readerAt: number | undefined;
  try {
    for (let index = 0; index < parts.length; index++) {
      const partNumber = parts[index] as number;
      if (signal.aborted) return;
      const buffer = await buffers.acquire();
      if (signal.aborted) {
        buffers.release(buffer);
        return;
      }
      let data: HashedBytes;
      try {
        data = await withRetry(
          async () => {
            if (reader === undefined || readerAt !== partNumber) {
              await reader?.close();
              reader = undefined;
              const last = parts[runEnd(parts, index)] as number;
              reader = new ByteStreamReader(await io.openRead(partRange(plan, partNumber).start, partRange(plan, last).end, signal));
              readerAt = partNumber;
            }
            try {
              const bytes = await reader.read(partRange(plan, partNumber).length, undefined, buffer, options.digests);
              readerAt = partNumber + 1;
              // once per part read whole: a metric per 64 KiB chunk cost an EMF flush every 100 chunks
              io.onBytesRead?.(bytes.bytes.length);
              return bytes;
            } catch (error) {
              await reader.close();
              reader = undefined;
              throw error;
            }
          },
          { classify: io.classifyRead, policy: options.retry, signal, onRetry: io.onRetry },
        );
      } catch (error) {
        buffers.release(buffer);
        throw error;
      }
      tally.partsRead++;
      // after the read succeeded, so a retried read never feeds the hash twice; one lane keeps part order
      options.inOrder?.whole.update(data.bytes);
      if (options.inOrder?.readOnly.has(partNumber)) {
        buffers.release(buffer);
        continue;
      }
      track(
        withRetry(() => io.uploadPart(partNumber, data, options.uploadSignal), {
          classify: io.classifyWrite,
          policy: options.retry,
          signal: options.uploadSignal,
          onRetry: io.onRetry,
        }).finally(() => buffers.release(buffer)),
      );
    }
  } finally {
    await reader?.close();
  }
}

/** Deals ascending part numbers into `count` lanes of neighbours, as even as possible. */
export function splitIntoLanes(parts: readonly number[], count: number): number[][] {
  const lanes: number[][] = [];
  const base = Math.floor(parts.length / count);
  let extra = parts.length % count;
  let start = 0;
  for (let lane = 0; lane < count && start < parts.length; lane++) {
    const size = base + (extra > 0 ? 1 : 0);
    if (extra > 0) extra--;
    lanes.push(parts.slice(start, start + size));
    start += size;
  }
  return lanes;
}

/** Index of the last part of the contiguous run that starts at `index`. */
function runEnd(parts: readonly number[], index: number): number {
  let end = index;
  while (end + 1 < parts.length && (parts[end + 1] as number) === (parts[end] as number) + 1) end++;
  return end;
}
