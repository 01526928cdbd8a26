import { CopyObjectCommand } from "@aws-sdk/client-s3";
import type { ResolvedSettings } from "../defaults.js";
import { IntegrityError } from "../errors.js";
import { checksumField } from "../integrity/checksums.js";
import { crcFromBase64 } from "../integrity/crcCombine.js";
import { normalizeEtag } from "../integrity/md5.js";
import { retryPolicy, withRetry } from "../retry.js";
import { crcToProve, proveAgainstSource } from "./checksumProof.js";
import { completeVerified } from "./multipart/completeVerified.js";
import { classifyCopyError, copyMissingParts, copySourceOf } from "./multipart/copyParts.js";
import { openUpload } from "./multipart/openUpload.js";
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
  const copied = await copyMissingParts(context, request, settings, source, upload);
  if (copied.partsDone < plan.partCount)
    return { status: "paused", uploadId, partCount: plan.partCount, partsDone: copied.partsDone, bytesDone: copied.bytesDone };
  return completeVerified(context, request, settings, source, upload, {
    sentByPart: copied.sentByPart,
    partsUploaded: copied.sentByPart.size,
    partsResumed: stored.size,
    superseded: upload.superseded,
  });
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
      classify: (error) => classifyCopyError(error, source, { operation: "CopyObject", bucket: destination.bucket, key: destination.key }),
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
