import { randomUUID } from "node:crypto";
import { classifyError, copyObject, DestinationExistsError, findSameBytes, type MigrationError, mapConcurrent } from "@s3-migrate/transfer";
import { objectPk } from "../ledger/ledgerSchema.js";
import { isDoneFor, isUnclaimed, type LedgerRecord, type TransferIdentity } from "../ledger/objectTransitions.js";
import type { CopyWork, Work } from "../messages/queueMessage.js";
import { refusedClaim, underLease } from "./leaseRunner.js";
import { processWork } from "./processWork.js";
import { refuseForged } from "./refuse.js";
import { recordFailure, type VerifiedCopy } from "./settleObject.js";
import { type Attempt, now, transferContext, type WorkerContext, type WorkOutcome } from "./workerContext.js";
import { checkScope } from "./workScope.js";

/** One piece of a message that holds several, and how it went. */
export interface SettledPiece {
  readonly work: Work;
  readonly outcome: WorkOutcome;
}

/** How a batch went: as a whole (refused, a duplicate, or waiting for a lease), or piece by piece. */
export type BatchOutcome =
  | { readonly settled: "whole"; readonly outcome: WorkOutcome }
  | { readonly settled: "each"; readonly pieces: readonly SettledPiece[] };

/**
 * Copies the small objects of one `s3-migrate/batch` message, each settled on its own:
 *
 * 1. every object is checked against the scope first; one outside it refuses the whole message
 *    (it is forged: the jobsender only batches configured pairs), and nothing is read;
 * 2. one ledger write takes the batch's lease, so a second delivery of the batch copies nothing
 *    while the first runs (and, once it is settled, finds every object's record);
 * 3. one BatchGetItem reads the objects' records: those done for this version are skipped; those
 *    no attempt has claimed are copied create-only (PutObject `If-None-Match: *`, which S3 decides
 *    atomically) and committed `done` in one conditional write; the rest (a lease, a failure,
 *    another version) take the object's own lease as a single job would;
 * 4. one write lets the batch's lease go.
 *
 * So a batch of n new objects costs n + 2 ledger writes, against 2n for n jobs, and the lease
 * rules still hold per object: a create-only copy never overwrites a key another attempt wrote,
 * and its commit never overwrites a record another attempt moved.
 */
export async function processBatch(context: WorkerContext, pieces: readonly CopyWork[], attempt: Attempt): Promise<BatchOutcome> {
  const first = pieces[0];
  if (first === undefined || first.origin.format !== "batch") return { settled: "each", pieces: [] };
  const refused = refuseForged(context, attempt.messageId, pieces, (piece) => piece.source.key);
  if (refused !== undefined) return { settled: "whole", outcome: { action: "dead-letter", error: refused } };
  const batchId = first.origin.batchId;
  const leases = context.batch.leases;
  const claim = { token: randomUUID(), messageId: attempt.messageId, expiresAt: attempt.leaseUntil() };
  const taken = await leases.begin(batchId, pieces.length, claim, now(context));
  if (taken.status !== "started")
    return { settled: "whole", outcome: refusedClaim(context, taken, `batch ${batchId}`, { messageId: attempt.messageId, batchId }) };
  const held = taken.lease;
  try {
    const { result } = await underLease(
      attempt,
      { held, renew: (until: number) => leases.renew(held, until), expiresAt: claim.expiresAt },
      () => copyPieces(context, pieces, attempt),
    );
    return result;
  } finally {
    await leases.settle(held, now(context));
  }
}

/** The objects of a batch under its lease, each settled on its own. */
async function copyPieces(context: WorkerContext, pieces: readonly CopyWork[], attempt: Attempt): Promise<BatchOutcome> {
  const records = await context.batch.records.getMany(
    pieces.map((piece) => ({ desBucket: piece.destination.bucket, desKey: piece.destination.key })),
  );
  const settled: SettledPiece[] = [];
  await mapConcurrent(pieces, context.batch.concurrency, async (piece) => {
    const record = records.get(objectPk(piece.destination.bucket, piece.destination.key));
    const outcome = await copyPiece(context, piece, record, attempt).catch(
      // A ledger request that failed past its retries: this object comes back alone; the others go on.
      (thrown: unknown): WorkOutcome => ({
        action: "retry",
        error: classifyError(thrown, {
          side: "destination",
          operation: "ledger",
          bucket: piece.destination.bucket,
          key: piece.destination.key,
        }),
        asNewMessage: true,
      }),
    );
    settled.push({ work: piece, outcome });
  });
  return { settled: "each", pieces: settled };
}

/** One object of a batch, by what its record says. */
async function copyPiece(
  context: WorkerContext,
  piece: CopyWork,
  record: LedgerRecord | undefined,
  attempt: Attempt,
): Promise<WorkOutcome> {
  const identity = identityOf(piece);
  const where = { key: identity.srcKey, destinationKey: identity.desKey, messageId: attempt.messageId };
  if (checkScope(context.scope, piece).kind === "ignored") return processWork(context, piece, attempt);
  if (isDoneFor(record, identity)) {
    context.metrics?.addMetric("ObjectsSkipped", "Count", 1);
    context.logger?.info("Already copied; skipped", where);
    return { action: "skipped", reason: "already-done" };
  }
  // Claimed by another attempt, failed before, or another version: the object's own lease decides.
  // So does every object of a server-side copy: a create-only write needs the bytes in hand.
  if (!isUnclaimed(record, identity) || context.updateVersionId || context.settings.serverSideCopy)
    return processWork(context, piece, attempt);
  const started = Date.now();
  const readVersion = context.getObjectWithVersionId && identity.srcVersionId !== undefined ? { versionId: identity.srcVersionId } : {};
  const outcome = await copyObject(
    transferContext(context, attempt),
    {
      source: { bucket: identity.srcBucket, key: identity.srcKey, size: identity.size, etag: identity.srcEtag, ...readVersion },
      destination: piece.destination,
      createOnly: true,
    },
    context.settings,
  );
  switch (outcome.status) {
    case "done":
      return commit(context, identity, record, outcome, { ...where, ms: Date.now() - started });
    case "paused":
      return { action: "paused", next: piece };
    case "source-changed":
      context.metrics?.addMetric("ObjectsSkipped", "Count", 1);
      context.logger?.warn("Source changed since it was queued; the newer version is copied by its own job", {
        ...where,
        error: outcome.error.message,
      });
      return { action: "skipped", reason: "source-changed" };
    case "failed":
      if (outcome.error instanceof DestinationExistsError) return adoptOrLease(context, piece, identity, record, attempt);
      return failAlone(context, identity, outcome.error);
  }
}

/** Records a create-only copy; a record another attempt moved meanwhile stands (its copy wrote after ours). */
async function commit(
  context: WorkerContext,
  identity: TransferIdentity,
  record: LedgerRecord | undefined,
  copy: Pick<VerifiedCopy, "bytes" | "destinationEtag" | "destinationVersionId" | "verification" | "checksum">,
  where: Record<string, unknown>,
): Promise<WorkOutcome> {
  const recorded = await context.ledger.commitCopy(
    identity,
    record === undefined ? undefined : { updated_at: String(record.updated_at) },
    {
      status: "done",
      desEtag: copy.destinationEtag,
      verification: copy.verification,
      ...(copy.checksum === undefined ? {} : { checksum: copy.checksum }),
      ...(copy.destinationVersionId === undefined ? {} : { desVersionId: copy.destinationVersionId }),
    },
    now(context),
  );
  if (!recorded) {
    context.metrics?.addMetric("DuplicateDeliveries", "Count", 1);
    context.logger?.info("Copied, but another attempt took the object meanwhile; its record stands", where);
    return { action: "skipped", reason: "duplicate" };
  }
  context.metrics?.addMetric("ObjectsDone", "Count", 1);
  context.metrics?.addMetric("BytesCompleted", "Bytes", copy.bytes);
  context.logger?.info("Copied", { ...where, bytes: copy.bytes, mode: "single", verification: copy.verification });
  return { action: "done", bytes: copy.bytes };
}

/**
 * The key was written before our create-only PUT: by another attempt at this very object (killed
 * before it recorded it, or racing us), or by someone else. Same bytes (ETag equal to the source's
 * MD5): record it, copying nothing. Otherwise the object's own lease decides, as for a single job.
 */
async function adoptOrLease(
  context: WorkerContext,
  piece: CopyWork,
  identity: TransferIdentity,
  record: LedgerRecord | undefined,
  attempt: Attempt,
): Promise<WorkOutcome> {
  const found = await findSameBytes(context.destination, piece.destination, identity.srcEtag, attempt.pause);
  if (found === undefined) return processWork(context, piece, attempt);
  const where = {
    key: identity.srcKey,
    destinationKey: identity.desKey,
    messageId: attempt.messageId,
    found: "at the destination already",
  };
  return commit(
    context,
    identity,
    record,
    {
      bytes: 0,
      destinationEtag: found.etag,
      ...(found.versionId === undefined ? {} : { destinationVersionId: found.versionId }),
      verification: "source-etag",
    },
    where,
  );
}

/** A failed object of a batch: recorded (when it can never work) and sent on alone, retried or dead-lettered. */
async function failAlone(context: WorkerContext, identity: TransferIdentity, error: MigrationError): Promise<WorkOutcome> {
  if (!error.retryable) await context.ledger.failBeforeStart(identity, error.code, error.message, now(context));
  const outcome = await recordFailure(context, undefined, error);
  // A retry comes back as a job of its own; the batch's other objects are done with.
  return outcome.action === "retry" ? { ...outcome, asNewMessage: true } : outcome;
}

function identityOf(piece: CopyWork): TransferIdentity {
  return {
    srcBucket: piece.source.bucket,
    srcKey: piece.source.key,
    desBucket: piece.destination.bucket,
    desKey: piece.destination.key,
    size: piece.source.size ?? 0,
    srcEtag: piece.source.etag ?? "",
    ...(piece.source.versionId === undefined ? {} : { srcVersionId: piece.source.versionId }),
  };
}
