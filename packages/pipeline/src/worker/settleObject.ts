import type { MigrationError, ProvenChecksum, Verification } from "@s3-migrate/transfer";
import type { HeldLease } from "../ledger/objectTransitions.js";
import { now, type WorkerContext, type WorkOutcome } from "./workerContext.js";

/** What a verified copy (one worker's, or a fan-out's completion) leaves for the ledger. */
export interface VerifiedCopy {
  readonly bytes: number;
  readonly destinationEtag: string;
  readonly destinationVersionId?: string;
  readonly verification: Verification;
  readonly checksum?: ProvenChecksum;
}

/**
 * Records a verified copy as `done` under the lease and counts it (ObjectsDone, BytesCompleted).
 * A lease that passed to another attempt meanwhile keeps that attempt's record: the copy is
 * verified, so it is only logged.
 */
export async function recordDone(context: WorkerContext, lease: HeldLease, copy: VerifiedCopy): Promise<void> {
  const recorded = await context.ledger.finish(
    lease,
    {
      status: "done",
      desEtag: copy.destinationEtag,
      verification: copy.verification,
      ...(copy.checksum === undefined ? {} : { checksum: copy.checksum }),
      ...(copy.destinationVersionId === undefined ? {} : { desVersionId: copy.destinationVersionId }),
    },
    now(context),
  );
  if (!recorded)
    context.logger?.warn("Copied and verified, but the lease had passed to another attempt; its record stands", {
      key: lease.identity.srcKey,
    });
  context.metrics?.addMetric("ObjectsDone", "Count", 1);
  context.metrics?.addMetric("BytesCompleted", "Bytes", copy.bytes);
}

/**
 * Records a failure under the lease, if one is held (retryable: the lease is released for the
 * message's next delivery; else the object is `failed`), counts and logs it as `step` failing,
 * and maps it to the message: retried or dead-lettered.
 */
export async function recordFailure(
  context: WorkerContext,
  lease: HeldLease | undefined,
  error: MigrationError,
  step = "Transfer",
): Promise<WorkOutcome> {
  const at = now(context);
  if (lease !== undefined) {
    if (error.retryable) await context.ledger.recordError(lease, error.code, error.message, at);
    else await context.ledger.finish(lease, { status: "failed", errorCode: error.code, error: error.message }, at);
  }
  context.metrics?.addMetric(error.retryable ? "TransferErrors" : "ObjectsFailed", "Count", 1);
  context.logger?.error(error.retryable ? `${step} failed; will retry` : `${step} failed for good`, {
    ...(lease === undefined ? {} : { key: lease.identity.srcKey }),
    code: error.code,
    side: error.side,
    retryable: error.retryable,
    error: error.message,
  });
  return error.retryable ? { action: "retry", error } : { action: "dead-letter", error };
}
