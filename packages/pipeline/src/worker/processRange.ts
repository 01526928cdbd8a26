import { randomUUID } from "node:crypto";
import {
  abortSharedUpload,
  type CopyRequest,
  completeSharedUpload,
  copyUploadSpan,
  type MigrationError,
  type PendingCompletion,
  RefusedWorkError,
  TransientError,
  UploadGoneError,
} from "@s3-migrate/transfer";
import type { HeldRange, RangeRef } from "../ledger/fanoutTransitions.js";
import { FANOUT_LEASE_MS } from "../ledger/leaseTerms.js";
import type { ObjectRecord } from "../ledger/ledgerSchema.js";
import { serializeJob } from "../messages/jobMessage.js";
import type { RangeWork } from "../messages/queueMessage.js";
import { nextProgress, stalledTooOften } from "./continuationProgress.js";
import { refusedClaim, underLease } from "./leaseRunner.js";
import { recordDone, recordFailure } from "./settleObject.js";
import { type Attempt, leaseLost, now, transferContext, type WorkerContext, type WorkOutcome } from "./workerContext.js";

/**
 * Processes one range job of a fanned-out object, in steps:
 * 1. takes the range's lease (a done range, a duplicate and a job of an upload the object is no
 *    longer fanned out to copy nothing);
 * 2. copies the range's parts that the destination lacks, pinned to the source version;
 * 3. records the range done and counts it on the object;
 * 4. when it finds every range done, takes the object's lease over and completes the upload,
 *    verified, exactly once: a completion that fails leaves the message to come back and try again.
 * A source that changed aborts the upload and gives the whole fan-out up (`SourceChanged`); an
 * upload gone at the destination while the fan-out lives restarts the object with a fresh job.
 */
export async function processRange(context: WorkerContext, work: RangeWork, attempt: Attempt): Promise<WorkOutcome> {
  const ledger = context.fanout.ledger;
  const range: RangeRef = {
    desBucket: work.destination.bucket,
    desKey: work.destination.key,
    uploadId: work.upload.uploadId,
    index: work.range.index,
  };
  const where = { key: work.source.key, destinationKey: work.destination.key, range: work.range.index, messageId: attempt.messageId };
  const forged = forgedClaims(await ledger.objectOf(range), work);
  if (forged !== undefined) {
    context.metrics?.addMetric("MessagesRefused", "Count", 1);
    context.logger?.error("Range job whose claims the ledger does not hold; refused, nothing read or written", { ...where, forged });
    return {
      action: "dead-letter",
      error: new RefusedWorkError("ForgedClaim", `range job of s3://${range.desBucket}/${range.desKey}: ${forged}`),
    };
  }
  const token = work.leaseToken ?? randomUUID();
  const claim = { token, messageId: attempt.messageId, expiresAt: attempt.leaseUntil(), continuing: work.leaseToken !== undefined };
  const begun = await ledger.beginRange(range, claim, work.continuation, now(context));
  const what = `range ${range.index} of s3://${range.desBucket}/${range.desKey}`;
  // A repeat of a range done before: its count (and the completion) may be what was lost.
  if (begun.status === "already-done") return completeIfLast(context, work, attempt, range);
  if (begun.status !== "started") return refusedClaim(context, begun, what, where);

  const held: HeldRange = { range, token };
  const { result: outcome, lost } = await underLease(
    attempt,
    { held, renew: (until) => ledger.renewRange(held, until), expiresAt: claim.expiresAt },
    (lease) =>
      copyUploadSpan(transferContext(context, attempt, lease.lost), request(work), context.settings, work.upload, work.source, {
        first: work.range.firstPart,
        last: work.range.lastPart,
      }),
  );
  if (lost && outcome.status !== "done") return leaseLost(context, what);
  const at = now(context);
  switch (outcome.status) {
    case "done":
      await ledger.finishRange(held, { partsUploaded: outcome.partsUploaded, partsResumed: outcome.partsResumed }, at);
      context.metrics?.addMetric("RangesDone", "Count", 1);
      context.logger?.info("Range copied", { ...where, partsUploaded: outcome.partsUploaded, partsResumed: outcome.partsResumed });
      return completeIfLast(context, work, attempt, range);
    case "paused": {
      const progress = nextProgress(work.progress, outcome.partsDone, outcome.partCount);
      if (progress.stalls > 0) context.metrics?.addMetric("StalledContinuations", "Count", 1);
      const stalled = stalledTooOften(progress, `range ${range.index} of s3://${range.desBucket}/${range.desKey}`);
      if (stalled !== undefined) return rangeFailed(context, held, where, stalled);
      await ledger.pauseRange(held, at);
      context.metrics?.addMetric("Continuations", "Count", 1);
      context.logger?.info("Range paused at the deadline; continuing in a new message", { ...where, partsDone: outcome.partsDone });
      return { action: "paused", next: { ...work, continuation: work.continuation + 1, leaseToken: token, progress } };
    }
    case "source-changed":
      return giveUp(context, work, range, outcome.error);
    case "failed": {
      const error = outcome.error;
      if (error instanceof UploadGoneError) {
        await ledger.releaseRange(held, error.code, error.message, at);
        return restartObject(context, work, range, error);
      }
      return rangeFailed(context, held, where, error);
    }
  }
}

/** A range that failed: released for a retry, or failed for good (its parts stay) and dead-lettered. */
async function rangeFailed(
  context: WorkerContext,
  held: HeldRange,
  where: Record<string, unknown>,
  error: MigrationError,
): Promise<WorkOutcome> {
  const at = now(context);
  if (error.retryable) await context.fanout.ledger.releaseRange(held, error.code, error.message, at);
  else await context.fanout.ledger.failRange(held, error.code, error.message, at);
  context.metrics?.addMetric(error.retryable ? "TransferErrors" : "RangesFailed", "Count", 1);
  context.logger?.error(error.retryable ? "Range failed; will retry" : "Range failed for good", {
    ...where,
    code: error.code,
    error: error.message,
  });
  return error.retryable ? { action: "retry", error } : { action: "dead-letter", error };
}

/** Step 3 and 4: counts the range on the object and, if it was the last, completes the upload. */
async function completeIfLast(context: WorkerContext, work: RangeWork, attempt: Attempt, range: RangeRef): Promise<WorkOutcome> {
  const ledger = context.fanout.ledger;
  const at = now(context);
  const tally = await ledger.countRangeDone(range, at.getTime() + FANOUT_LEASE_MS, at);
  if (tally.status === "object-done") return { action: "skipped", reason: "already-done" };
  if (tally.status === "superseded") return { action: "skipped", reason: "superseded" };
  if (tally.rangesDone < tally.rangeCount) return { action: "done", bytes: rangeBytes(work) };

  const claimed = await ledger.claimCompletion(
    range,
    tally.rangeCount,
    { token: randomUUID(), messageId: attempt.messageId, expiresAt: attempt.leaseUntil() },
    at,
  );
  if (claimed.status === "object-done") return { action: "skipped", reason: "already-done" };
  if (claimed.status === "superseded") return { action: "skipped", reason: "superseded" };
  if (claimed.status === "held") {
    context.logger?.info("Another attempt is completing the upload; settled", { key: work.destination.key, range: range.index });
    return { action: "skipped", reason: "superseded" };
  }
  const ranges = (await ledger.ranges(range.desBucket, range.desKey)).filter((record) => record.uploadId === range.uploadId);
  const tallyParts = {
    partsUploaded: ranges.reduce((sum, record) => sum + Number(record.partsUploaded ?? 0), 0),
    partsResumed: ranges.reduce((sum, record) => sum + Number(record.partsResumed ?? 0), 0),
  };
  const started = Date.now();
  const pending = claimed.record.pendingCompletion;
  const completionRequest = { ...request(work), ...(pending?.uploadId === work.upload.uploadId ? { completing: pending } : {}) };
  const objectLease = {
    held: claimed.lease,
    renew: (until: number) => context.ledger.renew(claimed.lease, until),
    expiresAt: attempt.leaseUntil(),
  };
  const { result: outcome } = await underLease(attempt, objectLease, (lease) => {
    // Completion is not cut by the soft deadline (`pause`), only by `cancel` and a lost lease.
    const completionContext = {
      ...transferContext(context, { ...(attempt.cancel === undefined ? {} : { cancel: attempt.cancel }) }, lease.lost),
      // Recorded before it is sent, so a crash after S3 completed it finds the object.
      onCompleting: async (pending: PendingCompletion): Promise<void> => {
        if (!(await context.ledger.notePendingCompletion(claimed.lease, pending, now(context))))
          throw new TransientError(`Lost the lease on s3://${range.desBucket}/${range.desKey} before completing`, { side: "destination" });
      },
    };
    return completeSharedUpload(completionContext, completionRequest, context.settings, work.upload, work.source, tallyParts);
  });
  switch (outcome.status) {
    case "done": {
      await recordDone(context, claimed.lease, outcome);
      context.logger?.info("Copied (fanned out)", {
        key: work.source.key,
        destinationKey: work.destination.key,
        bytes: outcome.bytes,
        ranges: tally.rangeCount,
        verification: outcome.verification,
        partsUploaded: outcome.partsUploaded,
        partsResumed: outcome.partsResumed,
        completionMs: Date.now() - started,
      });
      return { action: "done", bytes: outcome.bytes };
    }
    case "source-changed":
      return giveUp(context, work, range, outcome.error);
    case "paused":
    case "failed": {
      // A failed completion leaves the message to come back and claim it again: never a human's job.
      if (outcome.status === "paused" && outcome.completing !== undefined)
        await context.ledger.notePendingCompletion(claimed.lease, outcome.completing, now(context));
      const error =
        outcome.status === "failed" ? outcome.error : new TransientError("cancelled before the completion ended", { side: "destination" });
      if (error instanceof UploadGoneError) {
        await context.ledger.recordError(claimed.lease, error.code, error.message, now(context));
        return restartObject(context, work, range, error);
      }
      return recordFailure(context, claimed.lease, error, "Completion");
    }
  }
}

/** The source changed mid fan-out: the upload is aborted and the whole fan-out given up, every range settled. */
async function giveUp(context: WorkerContext, work: RangeWork, range: RangeRef, error: MigrationError): Promise<WorkOutcome> {
  await abortSharedUpload(transferContext(context, {}), request(work), work.upload).catch(() => undefined);
  await context.fanout.ledger.abandonFanout(range, error.code, error.message, now(context));
  context.metrics?.addMetric("ObjectsSkipped", "Count", 1);
  context.logger?.warn("Source changed while fanned out; upload aborted, every range settled. The newer version is copied by its own job", {
    key: work.source.key,
    uploadId: work.upload.uploadId,
    error: error.message,
  });
  return { action: "skipped", reason: "source-changed" };
}

/**
 * The fan-out's upload is gone at the destination while the ledger still fans out to it (aborted
 * by hand or by a lifecycle rule): the fan-out is given up and the object queued again as one job,
 * which fans it out afresh; repeats of this range job find the fan-out over and settle.
 */
async function restartObject(context: WorkerContext, work: RangeWork, range: RangeRef, error: MigrationError): Promise<WorkOutcome> {
  const at = now(context);
  if (!(await context.fanout.ledger.abandonFanout(range, error.code, error.message, at)))
    return { action: "skipped", reason: "superseded" };
  context.metrics?.addMetric("FanoutRestarts", "Count", 1);
  context.logger?.warn("The fan-out's upload is gone at the destination; the object is queued again", {
    key: work.source.key,
    uploadId: work.upload.uploadId,
    error: error.message,
  });
  return {
    action: "queue",
    bodies: [serializeJob({ source: work.source, destination: work.destination, queuedAt: at.toISOString() })],
  };
}

/** The copy request of a range job. */
function request(work: RangeWork): CopyRequest {
  return {
    source: {
      bucket: work.source.bucket,
      key: work.source.key,
      size: work.source.size,
      etag: work.source.etag,
      ...(work.source.versionId === undefined ? {} : { versionId: work.source.versionId }),
    },
    destination: work.destination,
  };
}

/** Bytes the parts of a range job hold. */
function rangeBytes(work: RangeWork): number {
  const start = (work.range.firstPart - 1) * work.upload.partSize;
  return Math.min(work.source.size, work.range.lastPart * work.upload.partSize) - start;
}

/**
 * What a range job claims that the object's record, fanned out to the same upload, does not hold
 * (the source version, the upload's layout): such a job is forged, and acting on it would read
 * another version and abort the live upload. Undefined when every claim holds, or when the record
 * is fanned out to another upload (the job is superseded, which `beginRange` settles).
 */
export function forgedClaims(record: Partial<ObjectRecord> | undefined, work: RangeWork): string | undefined {
  if (record?.uploadId !== work.upload.uploadId) return undefined;
  const claims: Array<[string, unknown, unknown]> = [
    ["source.etag", work.source.etag, record.srcEtag],
    ["source.size", work.source.size, Number(record.size)],
    // (a job that named no version leaves none in the record; the fan-out's HEAD found the one its ranges read)
    ...(record.srcVersionId ? [["source.versionId", work.source.versionId, record.srcVersionId] as [string, unknown, unknown]] : []),
    ["upload.partSize", work.upload.partSize, Number(record.partSize)],
    ["upload.partCount", work.upload.partCount, Number(record.partCount)],
    ["rangeCount", work.rangeCount, Number(record.rangeCount)],
  ];
  const wrong = claims.filter(([, claimed, recorded]) => claimed !== recorded).map(([field]) => field);
  return wrong.length === 0 ? undefined : `${wrong.join(", ")} differ from the ledger's record`;
}
