import { randomUUID } from "node:crypto";
import { DeleteObjectCommand } from "@aws-sdk/client-s3";
import {
  type CopyRequest,
  classifyError,
  copyObject,
  headSource,
  RefusedWorkError,
  sourceKeyExists,
  type TransferOutcome,
} from "@s3-migrate/transfer";
import type { Busy, TransferIdentity } from "../ledger/objectTransitions.js";
import type { CopyWork, DeleteWork, Work } from "../messages/queueMessage.js";
import { fanOut, fansOut } from "./fanOut.js";
import { ObjectLease } from "./objectLease.js";
import { processRange } from "./processRange.js";
import { recordDone, recordFailure } from "./settleObject.js";
import {
  type Attempt,
  leaseLost,
  now,
  retryWhenLeaseLapses,
  transferContext,
  type WorkerContext,
  type WorkOutcome,
} from "./workerContext.js";
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
  const lease = await takeLease(context, work, attempt, identity);
  if (!(lease instanceof ObjectLease)) return lease;
  attempt.onLease?.(lease);
  const started = Date.now();
  const outcome = fansOut(context, identity.size)
    ? await fanOut(context, sourceRequest(context, work, identity), attempt, lease)
    : await copyUnderLease(context, work, attempt, identity, lease);
  // No renewal from here on: the lease is finished, released or handed off below.
  lease.end();
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

/** Step 2: the object's lease, or why this delivery copies nothing. */
async function takeLease(
  context: WorkerContext,
  work: CopyWork,
  attempt: Attempt,
  identity: TransferIdentity,
): Promise<ObjectLease | WorkOutcome> {
  const token = work.leaseToken ?? randomUUID();
  const ledger = context.ledger;
  const sequencer = eventSequencer(work);
  const claim = {
    token,
    messageId: attempt.messageId,
    expiresAt: attempt.leaseUntil(),
    continuing: work.leaseToken !== undefined,
    ...(sequencer === undefined ? {} : { sequencer }),
  };
  const result = await ledger.begin(identity, claim, work.continuation, now(context));
  const where = { key: identity.srcKey, destinationKey: identity.desKey, messageId: attempt.messageId };
  switch (result.status) {
    case "started":
      return new ObjectLease((until) => ledger.renew({ identity, token }, until), { identity, token }, claim.expiresAt);
    case "already-done":
      context.metrics?.addMetric("ObjectsSkipped", "Count", 1);
      context.logger?.info("Already copied; duplicate delivery skipped", where);
      return { action: "skipped", reason: "already-done" };
    case "duplicate":
      // The holder's own message stays on the queue until the copy is done, so this one adds
      // nothing but a second crossing of the border: settle it.
      context.metrics?.addMetric("DuplicateDeliveries", "Count", 1);
      context.logger?.info("Another worker holds a live lease on this version; duplicate settled", where);
      return { action: "skipped", reason: "duplicate" };
    case "stale":
      context.metrics?.addMetric("StaleEvents", "Count", 1);
      context.logger?.warn("A newer S3 event of this key was applied already; stale event dropped", where);
      return { action: "skipped", reason: "stale-event" };
    case "busy":
      context.metrics?.addMetric("ObjectsBusy", "Count", 1);
      context.logger?.info("The object's lease is held; looking again when it lapses", { ...where, retryAfterMs: result.retryAfterMs });
      return retryWhenLeaseLapses(result, `s3://${identity.desBucket}/${identity.desKey} is leased by another attempt`);
  }
}

/** Step 3: the copy itself, stopped at once if the lease is lost. */
async function copyUnderLease(
  context: WorkerContext,
  work: CopyWork,
  attempt: Attempt,
  identity: TransferIdentity,
  lease: ObjectLease,
): Promise<TransferOutcome> {
  return copyObject(transferContext(context, attempt, lease.lost), sourceRequest(context, work, identity), context.settings);
}

/** The copy request for the source version the lease was taken for (read by version when configured). */
function sourceRequest(context: WorkerContext, work: CopyWork, identity: TransferIdentity): CopyRequest {
  const readVersion = context.getObjectWithVersionId && identity.srcVersionId !== undefined ? { versionId: identity.srcVersionId } : {};
  return {
    source: { bucket: identity.srcBucket, key: identity.srcKey, size: identity.size, etag: identity.srcEtag, ...readVersion },
    destination: work.destination,
    ...(work.completing === undefined ? {} : { completing: work.completing }),
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
      await ledger.pause(lease.held, outcome.uploadId, now(context));
      context.metrics?.addMetric("Continuations", "Count", 1);
      context.logger?.info("Paused at the deadline; continuing in a new message", {
        key: identity.srcKey,
        uploadId: outcome.uploadId,
        partsDone: outcome.partsDone,
        partCount: outcome.partCount,
      });
      // a completion this run lost is handed on; one an earlier run lost was looked for already
      const { completing: _lookedFor, ...continued } = work;
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
          ...(outcome.completing === undefined ? {} : { completing: outcome.completing }),
          ...(eventSequencer(work) === undefined ? {} : { eventSequencer: eventSequencer(work) }),
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

/**
 * Applies an S3 `ObjectRemoved` event: only when the source object is really gone (a forged or
 * outdated removal of an object that exists deletes nothing), only when no newer event of the
 * key was applied, and never under a live copy.
 */
async function processDelete(context: WorkerContext, work: DeleteWork, attempt: Attempt): Promise<WorkOutcome> {
  const where = { key: work.source.key, destinationKey: work.destination.key, messageId: attempt.messageId };
  const object = {
    srcBucket: work.source.bucket,
    srcKey: work.source.key,
    desBucket: work.destination.bucket,
    desKey: work.destination.key,
  };
  const sequencer = work.origin.sequencer;
  const stale = (): WorkOutcome => {
    context.metrics?.addMetric("StaleEvents", "Count", 1);
    context.logger?.warn("A newer S3 event of this key was applied already; stale removal dropped", where);
    return { action: "skipped", reason: "stale-event" };
  };
  const busy = (result: Busy) =>
    retryWhenLeaseLapses(result, `s3://${object.desBucket}/${object.desKey} is being copied; its removal waits`);
  // Step 1: the ledger alone says whether the event is stale or must wait (nothing read at S3).
  const judged = await context.ledger.judgeDelete(object, sequencer, now(context));
  if (judged.status === "stale") return stale();
  if (judged.status === "busy") return busy(judged);
  // Step 2: a removal of an object that exists (forged, or overtaken by a new upload) deletes nothing.
  try {
    if (await sourceKeyExists(context.source, work.source.bucket, work.source.key, attempt.pause)) {
      context.metrics?.addMetric("DeletesSkipped", "Count", 1);
      context.logger?.warn("ObjectRemoved event, but the source object exists; nothing deleted", where);
      return { action: "skipped", reason: "source-exists" };
    }
  } catch (thrown) {
    return recordFailure(context, undefined, classifyError(thrown, { side: "source", operation: "ListObjectsV2", ...work.source }));
  }
  // Step 3: take the object's lease (atomically re-checked), delete, record `deleted`.
  const claim = {
    token: randomUUID(),
    messageId: attempt.messageId,
    expiresAt: attempt.leaseUntil(),
    ...(sequencer === undefined ? {} : { sequencer }),
  };
  const taken = await context.ledger.beginDelete(object, claim, now(context));
  if (taken.status === "busy") return busy(taken);
  if (taken.status === "stale") return stale();
  try {
    await context.destination.send(new DeleteObjectCommand({ Bucket: work.destination.bucket, Key: work.destination.key }));
  } catch (thrown) {
    return recordFailure(
      context,
      taken.lease,
      classifyError(thrown, { side: "destination", operation: "DeleteObject", bucket: work.destination.bucket, key: work.destination.key }),
    );
  }
  await context.ledger.finishDelete(taken.lease, now(context));
  context.metrics?.addMetric("ObjectsDeleted", "Count", 1);
  context.logger?.info("Deleted at the destination (ObjectRemoved)", where);
  return { action: "done", bytes: 0 };
}

/** The sequencer of the S3 event behind the work, also when it comes as a continuation. */
function eventSequencer(work: CopyWork): string | undefined {
  return work.origin.format === "s3-event" ? work.origin.sequencer : work.eventSequencer;
}

/**
 * The refusal of a message that holds several pieces of work (a batch's objects, an S3 event's
 * records), when any is outside the scope: such a message is forged as a whole (the jobsender
 * batches only configured pairs, S3 sends one record a message), so it is refused whole, each
 * refused piece named by `label`, and nothing is read. Undefined when every piece is in scope.
 */
export function refuseForged(
  context: WorkerContext,
  messageId: string,
  pieces: readonly Work[],
  label: (piece: Work, index: number) => string,
): RefusedWorkError | undefined {
  const refused = pieces.flatMap((piece, index) => {
    const verdict = checkScope(context.scope, piece);
    return verdict.kind === "refused" ? [{ code: verdict.code, reason: `${label(piece, index)}: ${verdict.code}: ${verdict.reason}` }] : [];
  });
  const first = refused[0];
  if (first === undefined) return undefined;
  return refuse(context, messageId, first.code, refused.map((refusal) => refusal.reason).join("; "));
}

/** Counts and logs a message refused by the scope check; the error it returns is its dead letter's reason. */
export function refuse(context: WorkerContext, messageId: string, code: string, reason: string): RefusedWorkError {
  context.metrics?.addMetric("MessagesRefused", "Count", 1);
  context.logger?.error("Message refused: outside this worker's configuration; nothing read or written", { messageId, code, reason });
  return new RefusedWorkError(code, reason);
}
