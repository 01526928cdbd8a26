import { UploadGoneError } from "../../errors.js";
import { compositeEtag, parseMultipartEtag } from "../../integrity/md5.js";
import type { RetryOverrides } from "../../retry.js";
import type { CopyRequest, DoneOutcome, PausedOutcome, PendingCompletion, TransferContext } from "../types.js";
import { type CompletedObject, completeWithRetry, findCompletedObject } from "./completeUpload.js";
import { listAllParts } from "./uploads.js";

/**
 * The outcome of a completion an earlier run lost (the deadline cut its answer): done when the
 * destination holds exactly its composite ETag, or when the upload is still open with exactly the
 * parts it was verified with and completing it again gives that ETag. `paused` (the completion
 * still pending) when this run is cut too. Otherwise undefined, and the copy goes on as usual.
 *
 * The upload is completed here rather than resumed: S3 may finish the lost completion at any
 * moment, and a copy that lists the key's uploads just after it did would start a new upload and
 * send every part again.
 */
export async function lostCompletion(
  context: TransferContext,
  request: CopyRequest,
  retry?: RetryOverrides,
): Promise<DoneOutcome | PausedOutcome | undefined> {
  const pending = request.completing;
  if (pending === undefined) return undefined;
  const partCount = parseMultipartEtag(pending.etag)?.partCount ?? 0;
  let completed: CompletedObject | undefined;
  try {
    completed =
      (await findCompletedObject(context.destination, request.destination, pending.etag, context.cancel)) ??
      (await completePending(context, request, pending, partCount, retry));
  } catch (error) {
    if (!context.cancel?.aborted) throw error;
    return {
      status: "paused",
      uploadId: pending.uploadId,
      partCount,
      partsDone: partCount,
      bytesDone: request.source.size ?? 0,
      completing: pending,
    };
  }
  if (completed === undefined) return undefined;
  context.logger?.info("The completion an earlier run lost is done; nothing to copy again", {
    key: request.destination.key,
    uploadId: pending.uploadId,
    etag: pending.etag,
  });
  return {
    status: "done",
    mode: "multipart",
    bytes: request.source.size ?? 0,
    partCount,
    partsUploaded: 0,
    partsResumed: partCount,
    verification: pending.verification,
    ...(pending.checksum === undefined || pending.verification !== "source-checksum" ? {} : { checksum: pending.checksum }),
    sourceEtag: request.source.etag ?? "",
    ...(request.source.versionId === undefined ? {} : { sourceVersionId: request.source.versionId }),
    destinationEtag: completed.etag,
    ...(completed.versionId === undefined ? {} : { destinationVersionId: completed.versionId }),
    abortedUploads: [],
  };
}

/**
 * Completes the pending upload again when it still holds exactly the verified parts (their
 * composite ETag is the pending one). An upload gone since the HEAD was completed in between
 * (S3 stores the object before it drops the upload) or aborted: the object at the key decides.
 */
async function completePending(
  context: TransferContext,
  request: CopyRequest,
  pending: PendingCompletion,
  partCount: number,
  retry: RetryOverrides | undefined,
): Promise<CompletedObject | undefined> {
  const { bucket, key } = request.destination;
  const parts = await listAllParts(context.destination, bucket, key, pending.uploadId, context.cancel).catch((error: unknown) => {
    if (error instanceof UploadGoneError) return undefined;
    throw error;
  });
  if (parts === undefined) return findCompletedObject(context.destination, request.destination, pending.etag, context.cancel);
  const dataParts = parts.filter((part) => part.partNumber <= partCount);
  if (compositeEtag(dataParts.map((part) => part.etag)) !== pending.etag) return undefined;
  return completeWithRetry(context, request.destination, pending.uploadId, dataParts, pending.etag, retry, pending.checksum);
}
