import { DeleteObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { classifyError } from "../classifyError.js";
import { type MigrationError, TransientError } from "../errors.js";
import type { ObjectTransitions, TransferIdentity } from "../ledger/objectTransitions.js";
import type { CopyWork, DeleteWork, Work } from "../messages/queueMessage.js";
import type { ProgressListener, TransferLogger, TransferMetrics } from "../observability.js";
import { copyObject } from "../transfer/copyObject.js";
import { headSource } from "../transfer/sourceObject.js";
import type { TransferSettings } from "../transfer/types.js";

/** What processing one piece of work needs. */
export interface WorkerContext {
  readonly source: S3Client;
  readonly destination: S3Client;
  readonly ledger?: ObjectTransitions;
  readonly logger?: TransferLogger;
  readonly metrics?: TransferMetrics;
  readonly onProgress?: ProgressListener;
  readonly settings: TransferSettings;
  /** The original's UpdateVersionId: HEAD the source first and record its current versionId. */
  readonly updateVersionId?: boolean;
  /** The original's GetObjectWithVersionId: read the versionId the job names (else the latest, pinned by ETag). */
  readonly getObjectWithVersionId?: boolean;
  readonly now?: () => Date;
}

/** What the queue layer (Lambda or cluster mode) should do with the message. */
export type WorkOutcome =
  | { readonly action: "done"; readonly bytes: number }
  | { readonly action: "skipped"; readonly reason: string }
  | { readonly action: "paused"; readonly next: CopyWork }
  | { readonly action: "retry"; readonly error: MigrationError }
  | { readonly action: "dead-letter"; readonly error: MigrationError };

/**
 * Processes one piece of work: copies (verified, resumable) or deletes one object, keeping the
 * ledger record in step. Never throws for S3 answers; the outcome says what to do with the message.
 */
export async function processWork(
  context: WorkerContext,
  work: Work,
  signal?: AbortSignal,
  abortSignal?: AbortSignal,
  redelivered = false,
): Promise<WorkOutcome> {
  return work.kind === "delete" ? processDelete(context, work) : processCopy(context, work, signal, abortSignal, redelivered);
}

async function processCopy(
  context: WorkerContext,
  work: CopyWork,
  signal?: AbortSignal,
  abortSignal?: AbortSignal,
  redelivered = false,
): Promise<WorkOutcome> {
  const now = () => context.now?.() ?? new Date();
  const started = Date.now();
  let source = work.source;
  try {
    if (source.etag === undefined || source.size === undefined || context.updateVersionId) {
      const head = await headSource(
        context.source,
        { bucket: source.bucket, key: source.key, ...(source.versionId === undefined ? {} : { versionId: source.versionId }) },
        signal,
      );
      source = { ...source, etag: head.etag, size: head.size, ...(head.versionId === undefined ? {} : { versionId: head.versionId }) };
    }
  } catch (thrown) {
    const error = classifyError(thrown, { side: "source", operation: "HeadObject", bucket: source.bucket, key: source.key });
    if (!error.retryable) {
      const object = { srcBucket: source.bucket, srcKey: source.key, desBucket: work.destination.bucket, desKey: work.destination.key };
      await context.ledger?.failBeforeStart(object, error.code, error.message, now());
    }
    return failure(context, undefined, error);
  }
  const identity: TransferIdentity = {
    srcBucket: source.bucket,
    srcKey: source.key,
    desBucket: work.destination.bucket,
    desKey: work.destination.key,
    size: source.size ?? 0,
    srcEtag: source.etag ?? "",
    ...(source.versionId === undefined ? {} : { srcVersionId: source.versionId }),
  };
  const lease = await context.ledger?.begin(identity, work.continuation, now(), work.continuation > 0 || redelivered);
  if (lease === "busy") {
    context.metrics?.addMetric("ObjectsBusy", "Count", 1);
    context.logger?.info("Another worker is copying this object; trying again later", {
      key: source.key,
      destinationKey: work.destination.key,
    });
    return {
      action: "retry",
      error: new TransientError(`s3://${work.destination.bucket}/${work.destination.key} is being copied by another worker`, {
        side: "destination",
      }),
    };
  }
  if (lease === "already-done") {
    context.metrics?.addMetric("ObjectsSkipped", "Count", 1);
    context.logger?.info("Already copied; duplicate delivery skipped", { key: source.key, destinationKey: work.destination.key });
    return { action: "skipped", reason: "already-done" };
  }
  const readVersion = context.getObjectWithVersionId && source.versionId !== undefined ? { versionId: source.versionId } : {};
  const outcome = await copyObject(
    {
      source: context.source,
      destination: context.destination,
      ...(context.logger === undefined ? {} : { logger: context.logger }),
      ...(context.metrics === undefined ? {} : { metrics: context.metrics }),
      ...(context.onProgress === undefined ? {} : { onProgress: context.onProgress }),
      ...(signal === undefined ? {} : { signal }),
      ...(abortSignal === undefined ? {} : { abortSignal }),
    },
    {
      source: { bucket: source.bucket, key: source.key, size: identity.size, etag: identity.srcEtag, ...readVersion },
      destination: work.destination,
    },
    context.settings,
  );
  switch (outcome.status) {
    case "done":
      await context.ledger?.finish(
        identity,
        {
          status: "done",
          desEtag: outcome.destinationEtag,
          verification: outcome.verification,
          ...(outcome.destinationVersionId === undefined ? {} : { desVersionId: outcome.destinationVersionId }),
        },
        now(),
      );
      context.metrics?.addMetric("ObjectsDone", "Count", 1);
      context.metrics?.addMetric("BytesCompleted", "Bytes", outcome.bytes);
      context.logger?.info("Copied", {
        key: source.key,
        destinationKey: work.destination.key,
        bytes: outcome.bytes,
        mode: outcome.mode,
        verification: outcome.verification,
        partsResumed: outcome.partsResumed,
        ms: Date.now() - started,
      });
      return { action: "done", bytes: outcome.bytes };
    case "paused":
      await context.ledger?.pause(identity, outcome.uploadId, now());
      context.metrics?.addMetric("Continuations", "Count", 1);
      context.logger?.info("Paused at the deadline; continuing in a new message", {
        key: source.key,
        uploadId: outcome.uploadId,
        partsDone: outcome.partsDone,
        partCount: outcome.partCount,
      });
      return {
        action: "paused",
        next: {
          ...work,
          source: {
            ...work.source,
            etag: identity.srcEtag,
            size: identity.size,
            ...(source.versionId === undefined ? {} : { versionId: source.versionId }),
          },
          continuation: work.continuation + 1,
        },
      };
    case "source-changed":
      await context.ledger?.finish(identity, { status: "skipped", errorCode: outcome.error.code, error: outcome.error.message }, now());
      context.metrics?.addMetric("ObjectsSkipped", "Count", 1);
      context.logger?.warn("Source changed while being copied; the newer version is copied by its own job", {
        key: source.key,
        error: outcome.error.message,
      });
      return { action: "skipped", reason: "source-changed" };
    case "failed":
      return failure(context, identity, outcome.error);
  }
}

async function failure(context: WorkerContext, identity: TransferIdentity | undefined, error: MigrationError): Promise<WorkOutcome> {
  const now = context.now?.() ?? new Date();
  if (identity !== undefined) {
    if (error.retryable) await context.ledger?.recordError(identity, error.code, error.message, now);
    else await context.ledger?.finish(identity, { status: "failed", errorCode: error.code, error: error.message }, now);
  }
  context.metrics?.addMetric(error.retryable ? "TransferErrors" : "ObjectsFailed", "Count", 1);
  context.logger?.error(error.retryable ? "Transfer failed; will retry" : "Transfer failed for good", {
    code: error.code,
    side: error.side,
    retryable: error.retryable,
    error: error.message,
  });
  return error.retryable ? { action: "retry", error } : { action: "dead-letter", error };
}

async function processDelete(context: WorkerContext, work: DeleteWork): Promise<WorkOutcome> {
  try {
    await context.destination.send(new DeleteObjectCommand({ Bucket: work.destination.bucket, Key: work.destination.key }));
    context.metrics?.addMetric("ObjectsDeleted", "Count", 1);
    context.logger?.info("Deleted at the destination (ObjectRemoved)", { destinationKey: work.destination.key });
    return { action: "done", bytes: 0 };
  } catch (thrown) {
    return failure(
      context,
      undefined,
      classifyError(thrown, { side: "destination", operation: "DeleteObject", bucket: work.destination.bucket, key: work.destination.key }),
    );
  }
}
