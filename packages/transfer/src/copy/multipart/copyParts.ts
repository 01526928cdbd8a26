import { UploadPartCopyCommand } from "@aws-sdk/client-s3";
import { classifyError, type ErrorContext } from "../../classifyError.js";
import { mapConcurrent } from "../../concurrency/mapConcurrent.js";
import type { ResolvedSettings } from "../../defaults.js";
import { type MigrationError, SourceChangedError, SourceMissingError } from "../../errors.js";
import { checksumField } from "../../integrity/checksums.js";
import { isPlainMd5Etag, normalizeEtag } from "../../integrity/md5.js";
import { partRange } from "../../plan/partPlan.js";
import { retryPolicy, withRetry } from "../../retry.js";
import { quote, type SourceObject } from "../sourceObject.js";
import type { CopyRequest, TransferContext } from "../types.js";
import type { OpenedUpload } from "./openUpload.js";
import type { PartSpan, SentPart, SentParts } from "./sendParts.js";
import { abortUpload } from "./uploads.js";

/**
 * Step 2 of a server-side multipart copy, its counterpart of `sendMissingParts`: copies the parts
 * of `within` (by default all) that the upload lacks with UploadPartCopy, S3 reading the source
 * itself, every request pinned to the source version (`x-amz-copy-source-if-match`, versionId). In
 * an upload created with a CRC, S3 computes it for each copied part, and the part's checksum as
 * answered is kept for the completion's proof; otherwise the part's ETag (its MD5 where plain).
 * A source that changed or vanished aborts the whole upload: it can never be completed. Returns
 * with fewer parts done when the pause fires.
 */
export async function copyMissingParts(
  context: TransferContext,
  request: CopyRequest,
  settings: ResolvedSettings,
  source: Pick<SourceObject, "bucket" | "key" | "etag" | "versionId">,
  upload: Pick<OpenedUpload, "uploadId" | "plan" | "stored" | "crc">,
  within: PartSpan = { first: 1, last: upload.plan.partCount },
): Promise<Omit<SentParts, "hashedWhole">> {
  const { destination } = request;
  const { plan, uploadId, stored, crc } = upload;
  const missing = Array.from({ length: within.last - within.first + 1 }, (_, index) => within.first + index).filter(
    (partNumber) => !stored.has(partNumber),
  );
  const sentByPart = new Map<number, SentPart>();
  let partsDone = stored.size;
  let bytesDone = [...stored.values()].reduce((sum, part) => sum + part.size, 0);
  const copySource = copySourceOf(source);
  const signal = context.cancel ?? context.pause;
  let failure: unknown;

  async function copyPart(partNumber: number): Promise<void> {
    const range = partRange(plan, partNumber);
    const answer = await withRetry(
      () =>
        context.destination.send(
          new UploadPartCopyCommand({
            Bucket: destination.bucket,
            Key: destination.key,
            UploadId: uploadId,
            PartNumber: partNumber,
            CopySource: copySource,
            CopySourceRange: `bytes=${range.start}-${range.end}`,
            CopySourceIfMatch: quote(source.etag),
          }),
          signal === undefined ? {} : { abortSignal: signal },
        ),
      {
        classify: (error) =>
          classifyCopyError(error, source, { operation: "UploadPartCopy", bucket: destination.bucket, key: destination.key }),
        policy: retryPolicy("transfer", settings.retry),
        ...(signal === undefined ? {} : { signal }),
      },
    );
    const checksum = crc === undefined ? undefined : answer.CopyPartResult?.[checksumField(crc.algorithm.name)];
    const etag = normalizeEtag(answer.CopyPartResult?.ETag);
    sentByPart.set(partNumber, {
      ...(checksum === undefined ? {} : { checksum }),
      ...(etag === undefined || !isPlainMd5Etag(etag) ? {} : { md5Hex: etag }),
    });
    partsDone++;
    bytesDone += range.length;
    context.metrics?.addMetric("BytesWritten", "Bytes", range.length);
    context.onProgress?.({ key: source.key, bytes: range.length, partsDone, partCount: plan.partCount });
  }

  await mapConcurrent(missing, settings.partConcurrency, async (partNumber) => {
    if (context.pause?.aborted || failure !== undefined) return;
    await copyPart(partNumber).catch((error: unknown) => {
      failure ??= error;
    });
  });
  if (failure !== undefined) {
    if (failure instanceof SourceChangedError || failure instanceof SourceMissingError)
      await abortUpload(context.destination, destination.bucket, destination.key, uploadId).catch(() => undefined);
    throw failure;
  }
  return { sentByPart, partsDone, bytesDone };
}

/** `x-amz-copy-source`: the bucket and the URL-encoded key (and the pinned version). */
export function copySourceOf(source: Pick<SourceObject, "bucket" | "key" | "versionId">): string {
  const key = source.key.split("/").map(encodeURIComponent).join("/");
  return `${source.bucket}/${key}${source.versionId === undefined ? "" : `?versionId=${encodeURIComponent(source.versionId)}`}`;
}

/**
 * Classifies what a server-side copy request (CopyObject, UploadPartCopy) threw: sent to the
 * destination, which answers for both. A missing key can only be the source's (the destination's
 * is being written), so it is the source's `SourceMissing`, which gives the copy up; anything else
 * is the destination side's.
 */
export function classifyCopyError(
  error: unknown,
  source: Pick<SourceObject, "bucket" | "key">,
  at: Omit<ErrorContext, "side">,
): MigrationError {
  const name = (error as { name?: string } | undefined)?.name;
  return name === "NoSuchKey"
    ? classifyError(error, { side: "source", operation: at.operation, bucket: source.bucket, key: source.key })
    : classifyError(error, { side: "destination", ...at });
}
