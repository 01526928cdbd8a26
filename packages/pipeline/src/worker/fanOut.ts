import {
  type CopyRequest,
  type FailedOutcome,
  openSharedUpload,
  type PausedOutcome,
  type SourceChangedOutcome,
} from "@s3-migrate/transfer";
import { FANOUT_LEASE_MS } from "../ledger/leaseTerms.js";
import type { HeldLease } from "../ledger/objectTransitions.js";
import { serializeRange } from "../messages/rangeMessage.js";
import { planRanges } from "./fanoutPlan.js";
import type { ObjectLease } from "./objectLease.js";
import { type Attempt, leaseLost, now, transferContext, type WorkerContext, type WorkOutcome } from "./workerContext.js";

/** Whether an object of `size` bytes is fanned out into range jobs rather than copied by one worker. */
export function fansOut(context: WorkerContext, size: number): boolean {
  const threshold = context.fanout.thresholdBytes;
  return threshold > 0 && size > threshold && size > (context.settings.smallObjectThreshold ?? 0);
}

/**
 * Fans a giant object out, under the object's lease: opens the one multipart upload (bound to the
 * source version by its manifest part; other uploads of the key are aborted, a bound one is
 * resumed), records the fan-out and its ranges in the ledger, and finishes the message by queueing
 * one range job per range. The object's lease stays with the fan-out (see FANOUT_LEASE_MS).
 *
 * @returns the message's outcome, or the transfer outcome (paused, source changed, failed) for
 *   the caller to settle as it settles a copy.
 */
export async function fanOut(
  context: WorkerContext,
  request: CopyRequest,
  attempt: Attempt,
  lease: ObjectLease<HeldLease>,
): Promise<WorkOutcome | PausedOutcome | SourceChangedOutcome | FailedOutcome> {
  const opened = await openSharedUpload(transferContext(context, attempt, lease.lost), request, context.settings);
  if (opened.status !== "opened") return opened;
  const { upload, source } = opened;
  const ranges = planRanges({ size: source.size, ...upload }, context.fanout.rangeParts);
  const at = now(context);
  const plan = { ...upload, rangeParts: context.fanout.rangeParts, ranges };
  if (!(await context.fanout.ledger.startFanout(lease.held, plan, at.getTime() + FANOUT_LEASE_MS, at)))
    return leaseLost(context, `s3://${request.destination.bucket}/${request.destination.key}`);
  context.metrics?.addMetric("ObjectsFannedOut", "Count", 1);
  context.metrics?.addMetric("RangesQueued", "Count", ranges.length);
  context.logger?.info("Fanned out into range jobs", {
    key: request.source.key,
    destinationKey: request.destination.key,
    uploadId: upload.uploadId,
    bytes: source.size,
    partSize: upload.partSize,
    partCount: upload.partCount,
    ranges: ranges.length,
    partsStored: opened.partsStored,
  });
  const queuedAt = at.toISOString();
  return {
    action: "queue",
    bodies: ranges.map((range) =>
      serializeRange({
        source: {
          bucket: request.source.bucket,
          key: request.source.key,
          size: source.size,
          etag: source.etag,
          ...(source.versionId === undefined ? {} : { versionId: source.versionId }),
          ...(source.checksum === undefined ? {} : { checksum: source.checksum }),
        },
        destination: request.destination,
        upload,
        range: { index: range.index, firstPart: range.firstPart, lastPart: range.lastPart },
        rangeCount: ranges.length,
        queuedAt,
      }),
    ),
  };
}
