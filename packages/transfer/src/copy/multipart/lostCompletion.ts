import type { CopyRequest, DoneOutcome, TransferContext } from "../types.js";
import { findCompletedObject } from "./completeUpload.js";

/**
 * The outcome of a completion an earlier run lost (the deadline cut it, S3 finished it): done,
 * when the destination holds exactly its composite ETag. Otherwise undefined, and the copy goes
 * on as usual (the upload, if S3 did not finish it, is still open and is resumed).
 */
export async function lostCompletion(context: TransferContext, request: CopyRequest): Promise<DoneOutcome | undefined> {
  const pending = request.completing;
  if (pending === undefined) return undefined;
  const completed = await findCompletedObject(context.destination, request.destination, pending.etag, context.cancel);
  if (completed === undefined) return undefined;
  context.logger?.info("The completion an earlier run lost had finished; nothing to copy again", {
    key: request.destination.key,
    uploadId: pending.uploadId,
    etag: pending.etag,
  });
  const partCount = Number(pending.etag.split("-")[1] ?? 0);
  return {
    status: "done",
    mode: "multipart",
    bytes: request.source.size ?? 0,
    partCount,
    partsUploaded: 0,
    partsResumed: partCount,
    verification: pending.verification,
    sourceEtag: request.source.etag ?? "",
    ...(request.source.versionId === undefined ? {} : { sourceVersionId: request.source.versionId }),
    destinationEtag: completed.etag,
    ...(completed.versionId === undefined ? {} : { destinationVersionId: completed.versionId }),
    abortedUploads: [],
  };
}
