import { randomUUID } from "node:crypto";
import {
  type CopyRequest,
  classifyError,
  copyObject,
  headSource,
  type PendingCompletion,
  type TransferOutcome,
  TransientError,
} from "@s3-migrate/transfer";
import type { EarlierAttempt, HeldLease, TransferIdentity } from "../ledger/objectTransitions.js";
import type { CopyWork, Work } from "../messages/queueMessage.js";
import { nextProgress, stalledTooOften } from "./continuationProgress.js";
import { fanOut, fansOut } from "./fanOut.js";
import { refusedClaim, type TakenLease, underLease } from "./leaseRunner.js";
import type { ObjectLease } from "./objectLease.js";
import { processDelete } from "./processDelete.js";
import { processRange } from "./processRange.js";
import { refuse } from "./refuse.js";
import { recordDone, recordFailure } from "./settleObject.js";
import { type Attempt, leaseLost, now, transferContext, type WorkerContext, type WorkOutcome } from "./workerContext.js";
import { checkScope } from "./workScope.js";

export type { Attempt, SkipReason, WorkerContext, WorkOutcome } from "./workerContext.js";

/**
 * Processes one piece of work: checks it against the worker's scope (a refused message reads
 * and writes nothing), then copies (verified, resumable) or deletes one object under the
 * object's ledger lease; an object above the fan-out threshold is fanned out into range jobs
 * instead (fanOut.ts), and a range job copies its range (processRange.ts). Never throws for S3 answers; the outcome says what to do with the message.
 */
export async function processWork(context: WorkerContext, work: Work, attempt: Attempt): Promise<WorkOutcome> {
  const verdict = checkScope(context.scope, work);
  if (verdict.kind === "refused") return { action: "dead-letter", error: refuse(context, attempt.messageId, verdict.code, verdict.reason) };
  if (verdict.kind === "ignored") {
    context.metrics?.addMetric("ObjectsIgnored", "Count", 1);
    context.logger?.info("On the ignore list; not copied", { messageId: attempt.messageId, reason: verdict.reason });
    return { action: "skipped", reason: "ignored" };
  }
  switch (work.kind) {
    case "copy":
      return processCopy(context, work, attempt);
    case "range":
      return processRange(context, work, attempt);
    case "delete":
      return processDelete(context, work, attempt);
  }
}

async function processCopy(context: WorkerContext, work: CopyWork, attempt: Attempt): Promise<WorkOutcome> {
  const identity = await identifySource(context, work, attempt);
  if ("action" in identity) return identity;
  const taken = await takeLease(context, work, attempt, identity);
  if ("action" in taken) return taken;
  const started = Date.now();
  // No renewal once the run is over: the lease is finished, released or handed off below.
  const { result: outcome, lease } = await underLease<HeldLease, TransferOutcome | WorkOutcome>(attempt, taken.lease, (lease) =>
    fansOut(context, identity.size)
      ? fanOut(context, sourceRequest(context, work, identity), attempt, lease)
      : copyUnderLease(context, work, attempt, identity, lease, taken.earlier),
  );
  if ("action" in outcome) return outcome;
  return settleTransfer(context, work, identity, lease, outcome, started);
}

/** Step 1: the source version to copy, from the job or (when it lacks ETag or size) a HEAD. */
async function identifySource(context: WorkerContext, work: CopyWork, attempt: Attempt): Promise<TransferIdentity | WorkOutcome> {
  let source = work.source;
  try {
    if (source.etag === undefined || source.size === undefined || context.updateVersionId) {
      const head = await headSource(
        context.source,
        { bucket: source.bucket, key: source.key, ...(source.versionId === undefined ? {} : { versionId: source.versionId }) },
        attempt.pause,
      );
      source = { ...source, etag: head.etag, size: head.size, ...(head.versionId === undefined ? {} : { versionId: head.versionId }) };
    }
  } catch (thrown) {
    const error = classifyError(thrown, { side: "source", operation: "HeadObject", bucket: source.bucket, key: source.key });
    if (!error.retryable) {
      const object = { srcBucket: source.bucket, srcKey: source.key, desBucket: work.destination.bucket, desKey: work.destination.key };
      await context.ledger.failBeforeStart(object, error.code, error.message, now(context));
    }
    return recordFailure(context, undefined, error);
  }
  return {
    srcBucket: source.bucket,
    srcKey: source.key,
    desBucket: work.destination.bucket,
    desKey: work.destination.key,
    size: source.size ?? 0,
    srcEtag: source.etag ?? "",
    ...(source.versionId === undefined ? {} : { srcVersionId: source.versionId }),
  };
}

/** Step 2: the object's lease and what an earlier attempt left (the ledger's word), or why this delivery copies nothing. */
async function takeLease(
  context: WorkerContext,
  work: CopyWork,
  attempt: Attempt,
  identity: TransferIdentity,
): Promise<{ readonly lease: TakenLease<HeldLease>; readonly earlier: EarlierAttempt } | WorkOutcome> {
  const token = work.leaseToken ?? randomUUID();
  const ledger = context.ledger;
  // Only an S3 event orders anything; a continuation's order is in its predecessor's lease.
  const sequencer = work.origin.format === "s3-event" ? work.origin.sequencer : undefined;
  const claim = {
    token,
    messageId: attempt.messageId,
    expiresAt: attempt.leaseUntil(),
    continuing: work.leaseToken !== undefined,
    ...(sequencer === undefined ? {} : { sequencer }),
  };
  let result = await ledger.begin(identity, claim, work.continuation, now(context));
  if (result.status === "stale" && (await isCurrentVersion(context, identity, attempt))) {
    // The event names the version the source holds now: copying it is right whatever was ordered
    // before (an event that claimed a later sequencer, forged or not, cannot freeze the key).
    const { sequencer: _judged, ...unordered } = claim;
    result = await ledger.begin(identity, unordered, work.continuation, now(context));
    if (result.status === "started" && sequencer !== undefined) result = { ...result, sequencer };
  }
  if (result.status !== "started") {
    const where = { key: identity.srcKey, destinationKey: identity.desKey, messageId: attempt.messageId };
    return refusedClaim(context, result, `s3://${identity.desBucket}/${identity.desKey}`, where);
  }
  const held = { identity, token, ...(result.sequencer === undefined ? {} : { sequencer: result.sequencer }) };
  const { status: _started, sequencer: _held, ...earlier } = result;
  return { lease: { held, renew: (until: number) => ledger.renew(held, until), expiresAt: claim.expiresAt }, earlier };
}

/**
 * Step 3: the copy itself, stopped at once if the lease is lost. What an earlier attempt at this
 * version left is looked for first (its pending completion, its single PUT), as the ledger, not the
 * message, records it; a completion is recorded under the lease before it is sent.
 */
async function copyUnderLease(
  context: WorkerContext,
  work: CopyWork,
  attempt: Attempt,
  identity: TransferIdentity,
  lease: ObjectLease,
  earlier: EarlierAttempt,
): Promise<TransferOutcome> {
  if (work.completing !== undefined && !sameCompletion(work.completing, earlier.pendingCompletion))
    context.logger?.warn("The message names a completion the ledger does not hold; ignored", {
      key: identity.srcKey,
      claimed: work.completing.etag,
    });
  const request: CopyRequest = {
    ...sourceRequest(context, work, identity),
    ...(earlier.pendingCompletion === undefined ? {} : { completing: earlier.pendingCompletion }),
    ...(earlier.mayBeWritten ? { mayBeWritten: true } : {}),
  };
  const onCompleting = async (pending: PendingCompletion): Promise<void> => {
    if (!(await context.ledger.notePendingCompletion(lease.held, pending, now(context))))
      throw new TransientError(`Lost the lease on s3://${identity.desBucket}/${identity.desKey} before completing`, {
        side: "destination",
      });
  };
  return copyObject({ ...transferContext(context, attempt, lease.lost), onCompleting }, request, context.settings);
}

/** Whether a message's completion claim is the one the ledger holds. */
function sameCompletion(claimed: PendingCompletion, recorded: PendingCompletion | undefined): boolean {
  return recorded !== undefined && claimed.uploadId === recorded.uploadId && claimed.etag === recorded.etag;
}

/** Whether the source's current version (a HEAD, not pinned) is the one `identity` names. */
async function isCurrentVersion(context: WorkerContext, identity: TransferIdentity, attempt: Attempt): Promise<boolean> {
  const current = await headSource(context.source, { bucket: identity.srcBucket, key: identity.srcKey }, attempt.pause).catch(
    () => undefined,
  );
  return (
    current !== undefined &&
    current.etag === identity.srcEtag &&
    current.size === identity.size &&
    (identity.srcVersionId === undefined || current.versionId === identity.srcVersionId)
  );
}

/** The copy request for the source version the lease was taken for (read by version when configured). */
function sourceRequest(context: WorkerContext, work: CopyWork, identity: TransferIdentity): CopyRequest {
  const readVersion = context.getObjectWithVersionId && identity.srcVersionId !== undefined ? { versionId: identity.srcVersionId } : {};
  return {
    source: { bucket: identity.srcBucket, key: identity.srcKey, size: identity.size, etag: identity.srcEtag, ...readVersion },
    destination: work.destination,
  };
}

/** Step 4: the ledger and the message after the copy. */
async function settleTransfer(
  context: WorkerContext,
  work: CopyWork,
  identity: TransferIdentity,
  lease: ObjectLease,
  outcome: TransferOutcome,
  started: number,
): Promise<WorkOutcome> {
  const ledger = context.ledger;
  if (lease.lost.aborted && outcome.status !== "done") return leaseLost(context, `s3://${identity.desBucket}/${identity.desKey}`);
  switch (outcome.status) {
    case "done": {
      await recordDone(context, lease.held, outcome);
      context.logger?.info("Copied", {
        key: identity.srcKey,
        destinationKey: identity.desKey,
        bytes: outcome.bytes,
        mode: outcome.mode,
        verification: outcome.verification,
        partsResumed: outcome.partsResumed,
        ms: Date.now() - started,
      });
      return { action: "done", bytes: outcome.bytes };
    }
    case "paused": {
      const progress = nextProgress(work.progress, outcome.partsDone, outcome.partCount);
      if (progress.stalls > 0) context.metrics?.addMetric("StalledContinuations", "Count", 1);
      const stalled = stalledTooOften(progress, `s3://${identity.srcBucket}/${identity.srcKey}`);
      if (stalled !== undefined) return recordFailure(context, lease.held, stalled);
      await ledger.pause(lease.held, outcome.uploadId, outcome.completing, now(context));
      context.metrics?.addMetric("Continuations", "Count", 1);
      context.logger?.info("Paused at the deadline; continuing in a new message", {
        key: identity.srcKey,
        uploadId: outcome.uploadId,
        partsDone: outcome.partsDone,
        partCount: outcome.partCount,
      });
      // The ledger holds the lost completion and the event's order: the continuation carries neither.
      const { completing: _claimed, eventSequencer: _ordered, ...continued } = work;
      return {
        action: "paused",
        next: {
          ...continued,
          source: {
            ...work.source,
            etag: identity.srcEtag,
            size: identity.size,
            ...(identity.srcVersionId === undefined ? {} : { versionId: identity.srcVersionId }),
          },
          continuation: work.continuation + 1,
          leaseToken: lease.token,
          progress,
        },
      };
    }
    case "source-changed":
      await ledger.finish(lease.held, { status: "skipped", errorCode: outcome.error.code, error: outcome.error.message }, now(context));
      context.metrics?.addMetric("ObjectsSkipped", "Count", 1);
      context.logger?.warn("Source changed while being copied; the newer version is copied by its own job", {
        key: identity.srcKey,
        error: outcome.error.message,
      });
      return { action: "skipped", reason: "source-changed" };
    case "failed":
      return recordFailure(context, lease.held, outcome.error);
  }
}
