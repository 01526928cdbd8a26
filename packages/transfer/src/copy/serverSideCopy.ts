import { CopyObjectCommand, UploadPartCopyCommand } from "@aws-sdk/client-s3";
import { classifyError } from "../classifyError.js";
import { mapConcurrent } from "../concurrency/mapConcurrent.js";
import type { ResolvedSettings } from "../defaults.js";
import { IntegrityError, SourceChangedError, SourceMissingError } from "../errors.js";
import { checksumField } from "../integrity/checksums.js";
import { crcFromBase64 } from "../integrity/crcCombine.js";
import { isPlainMd5Etag, normalizeEtag } from "../integrity/md5.js";
import { partRange } from "../plan/partPlan.js";
import { retryPolicy, withRetry } from "../retry.js";
import { crcToProve, proveAgainstSource } from "./checksumProof.js";
import { completeVerified } from "./multipart/completeVerified.js";
import { openUpload } from "./multipart/openUpload.js";
import type { SentPart } from "./multipart/sendParts.js";
import { abortUpload } from "./multipart/uploads.js";
import { etagIsBodyMd5, etagIsMd5, writeParameters } from "./objectHeaders.js";
import { quote, type SourceObject } from "./sourceObject.js";
import type { CopyRequest, DoneOutcome, PausedOutcome, ProvenChecksum, TransferContext, Verification } from "./types.js";

/**
 * Copies an object inside S3, with no byte through this process, when one identity (the
 * destination client's) reads the source and writes the destination (`serverSideCopy`; within
 * one partition). Objects up to the small-object threshold take one CopyObject; larger ones a
 * multipart upload of UploadPartCopy ranges, resumable from the destination's parts and bound by
 * its manifest as a streamed upload is. Every request is pinned to the source version with
 * `x-amz-copy-source-if-match` (and its versionId), so a source replaced meanwhile is
 * `SourceChanged`, never mixed. Metadata, tags (`copyTags`), storage class and encryption are
 * carried as a streamed copy carries them.
 *
 * Proof: when the source stores a full-object CRC, the destination is asked to compute the same
 * algorithm (CopyObject's `ChecksumAlgorithm`; the upload's, which S3 applies to every copied
 * part) and the result must equal the source's (`source-checksum`; for a multipart copy, the
 * parts' CRCs as ListParts gives them, combined). Otherwise a single-part, plain-MD5 source is
 * proven by the copy's ETag equal to the source's, and a multipart one by the composite ETag when
 * its layout is reused (`source-etag`); anything else is `part-checksums`.
 */
export async function copyServerSide(
  context: TransferContext,
  request: CopyRequest,
  settings: ResolvedSettings,
  source: SourceObject,
): Promise<DoneOutcome | PausedOutcome> {
  const crc = await crcToProve(source.checksum, settings);
  if (source.size <= settings.smallObjectThreshold) return copyWhole(context, request, settings, source, crc);
  const upload = await openUpload(context, request, settings, source, crc);
  const { plan, uploadId, stored } = upload;
  const sentByPart = new Map<number, SentPart>();
  const missing = Array.from({ length: plan.partCount }, (_, index) => index + 1).filter((partNumber) => !stored.has(partNumber));
  const copySource = copySourceOf(source);
  const { destination } = request;
  const signal = context.cancel ?? context.pause;
  let failure: unknown;
  await mapConcurrent(missing, settings.partConcurrency, async (partNumber) => {
    if (context.pause?.aborted || failure !== undefined) return;
    await copyPart(partNumber).catch((error: unknown) => {
      failure ??= error;
    });
  });
  if (failure !== undefined) {
    // a source replaced or gone mid-way: the upload can never be completed, so it goes now
    if (failure instanceof SourceChangedError || failure instanceof SourceMissingError)
      await abortUpload(context.destination, destination.bucket, destination.key, uploadId).catch(() => undefined);
    throw failure;
  }
  if (stored.size + sentByPart.size < plan.partCount)
    return {
      status: "paused",
      uploadId,
      partCount: plan.partCount,
      partsDone: stored.size + sentByPart.size,
      bytesDone:
        [...stored.values()].reduce((sum, part) => sum + part.size, 0) +
        [...sentByPart.keys()].reduce((sum, partNumber) => sum + partRange(plan, partNumber).length, 0),
    };
  return completeVerified(context, request, settings, source, upload, {
    sentByPart,
    partsUploaded: sentByPart.size,
    partsResumed: stored.size,
    superseded: upload.superseded,
  });

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
          classifyError(error, { side: "destination", operation: "UploadPartCopy", bucket: destination.bucket, key: destination.key }),
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
    context.metrics?.addMetric("BytesWritten", "Bytes", range.length);
    context.onProgress?.({ key: source.key, bytes: range.length, partsDone: stored.size + sentByPart.size, partCount: plan.partCount });
  }
}

/** One CopyObject, pinned and proven. */
async function copyWhole(
  context: TransferContext,
  request: CopyRequest,
  settings: ResolvedSettings,
  source: SourceObject,
  crc: Awaited<ReturnType<typeof crcToProve>>,
): Promise<DoneOutcome> {
  const { destination } = request;
  const where = `CopyObject s3://${source.bucket}/${source.key} to s3://${destination.bucket}/${destination.key}`;
  const answer = await withRetry(
    () =>
      context.destination.send(
        new CopyObjectCommand({
          Bucket: destination.bucket,
          Key: destination.key,
          CopySource: copySourceOf(source),
          CopySourceIfMatch: quote(source.etag),
          // the source's headers, read by the HEAD, are written as a streamed copy writes them
          MetadataDirective: "REPLACE",
          ...writeParameters(source.headers, settings, undefined),
          TaggingDirective: settings.copyTags ? "COPY" : "REPLACE",
          ...(crc === undefined ? {} : { ChecksumAlgorithm: crc.algorithm.name }),
        }),
        context.pause === undefined ? {} : { abortSignal: context.pause },
      ),
    {
      classify: (error) =>
        classifyError(error, { side: "destination", operation: "CopyObject", bucket: destination.bucket, key: destination.key }),
      policy: retryPolicy("transfer", settings.retry),
      ...(context.pause === undefined ? {} : { signal: context.pause }),
    },
  );
  const destinationEtag = normalizeEtag(answer.CopyObjectResult?.ETag) ?? "";
  let checksum: ProvenChecksum | undefined;
  let verification: Verification = "part-checksums";
  if (crc !== undefined && source.checksum !== undefined) {
    const answered = answer.CopyObjectResult?.[checksumField(crc.algorithm.name)];
    if (answered === undefined)
      throw new IntegrityError(`${where}: the destination answered no ${crc.algorithm.name}`, { side: "destination" });
    checksum = proveAgainstSource(crc, crcFromBase64(crc.algorithm, answered), source.checksum, where);
    verification = "source-checksum";
  } else if (etagIsBodyMd5(source.etag, source.serverSideEncryption) && etagIsMd5(answer.ServerSideEncryption)) {
    if (destinationEtag !== source.etag)
      throw new IntegrityError(`${where}: the copy's ETag ${destinationEtag} differs from the source's ${source.etag}`, {
        side: "destination",
      });
    verification = "source-etag";
  }
  context.metrics?.addMetric("BytesWritten", "Bytes", source.size);
  context.onProgress?.({ key: source.key, bytes: source.size, partsDone: 1, partCount: 1 });
  return {
    status: "done",
    mode: "single",
    bytes: source.size,
    partCount: 1,
    partsUploaded: 1,
    partsResumed: 0,
    verification,
    ...(checksum === undefined ? {} : { checksum }),
    sourceEtag: source.etag,
    ...(source.versionId === undefined ? {} : { sourceVersionId: source.versionId }),
    destinationEtag,
    ...(answer.VersionId === undefined ? {} : { destinationVersionId: answer.VersionId }),
    abortedUploads: [],
  };
}

/** `x-amz-copy-source`: the bucket and the URL-encoded key (and the pinned version). */
function copySourceOf(source: Pick<SourceObject, "bucket" | "key" | "versionId">): string {
  const key = source.key.split("/").map(encodeURIComponent).join("/");
  return `${source.bucket}/${key}${source.versionId === undefined ? "" : `?versionId=${encodeURIComponent(source.versionId)}`}`;
}
