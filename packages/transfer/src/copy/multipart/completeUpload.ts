import { CompleteMultipartUploadCommand, HeadObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { classifyError } from "../../classifyError.js";
import { IntegrityError } from "../../errors.js";
import { checksumField } from "../../integrity/checksums.js";
import { normalizeEtag } from "../../integrity/md5.js";
import { type RetryOverrides, retryPolicy, withRetry } from "../../retry.js";
import { confirmStored } from "../checksumProof.js";
import { quote } from "../sourceObject.js";
import type { ObjectLocation, ProvenChecksum, TransferContext } from "../types.js";
import type { StoredPart } from "./uploads.js";

/** The completed object as the destination reports it. */
export interface CompletedObject {
  readonly etag: string;
  readonly versionId?: string;
  /** The whole object's checksum as the completion answered it (absent when found by a HEAD). */
  readonly checksum?: string;
}

/**
 * Completes an upload with {@link completeUpload}, retried with backoff on top of the SDK's quick
 * retries (S3 answers completions with an occasional 500 that a pause cures), and checks the
 * answer's ETag when one is expected. With `checksum`, the completion sends the whole object's
 * `FULL_OBJECT` checksum for the destination to verify, and its answer must confirm it. Cut by the
 * context's hard `cancel` only, never by its soft `pause`: a cut completion loses the answer, not
 * necessarily the work.
 */
export async function completeWithRetry(
  context: Pick<TransferContext, "destination" | "cancel">,
  destination: ObjectLocation,
  uploadId: string,
  parts: readonly StoredPart[],
  expectedEtag: string | undefined,
  retry?: RetryOverrides,
  checksum?: ProvenChecksum,
): Promise<CompletedObject> {
  const completed = await withRetry(
    () => completeUpload(context.destination, destination, uploadId, parts, expectedEtag, context.cancel, checksum),
    {
      classify: (error) =>
        classifyError(error, {
          side: "destination",
          operation: "CompleteMultipartUpload",
          bucket: destination.bucket,
          key: destination.key,
        }),
      policy: retryPolicy("completion", retry),
      ...(context.cancel === undefined ? {} : { signal: context.cancel }),
    },
  );
  if (checksum !== undefined && completed.checksum !== undefined)
    confirmStored(checksum.value, completed.checksum, `CompleteMultipartUpload s3://${destination.bucket}/${destination.key}`);
  if (expectedEtag !== undefined && completed.etag !== expectedEtag)
    throw new IntegrityError(
      `CompleteMultipartUpload s3://${destination.bucket}/${destination.key}: ETag ${completed.etag}, expected ${expectedEtag}`,
      { side: "destination" },
    );
  return completed;
}

/**
 * Completes an upload from the part list the destination gave. A completion can outlive the run
 * that sent it (a deadline or a reset loses the answer, not the work); when a retry then finds
 * the upload gone, the object already at the key with exactly the expected composite ETag is
 * that completion, and counts as done instead of restarting the copy.
 */
export async function completeUpload(
  client: S3Client,
  destination: ObjectLocation,
  uploadId: string,
  parts: readonly StoredPart[],
  expectedEtag: string | undefined,
  signal?: AbortSignal,
  checksum?: ProvenChecksum,
): Promise<CompletedObject> {
  const options = signal === undefined ? {} : { abortSignal: signal };
  const field = checksum === undefined ? undefined : checksumField(checksum.algorithm);
  try {
    const answer = await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: destination.bucket,
        Key: destination.key,
        UploadId: uploadId,
        MultipartUpload: {
          Parts: parts.map((part) => ({
            PartNumber: part.partNumber,
            ETag: quote(part.etag),
            ...(field === undefined || part.checksum === undefined ? {} : { [field]: part.checksum }),
          })),
        },
        ...(checksum === undefined || field === undefined ? {} : { [field]: checksum.value, ChecksumType: "FULL_OBJECT" }),
      }),
      options,
    );
    const answered = field === undefined ? undefined : answer[field];
    return {
      etag: normalizeEtag(answer.ETag) ?? "",
      ...(answer.VersionId === undefined ? {} : { versionId: answer.VersionId }),
      ...(answered === undefined ? {} : { checksum: answered }),
    };
  } catch (error) {
    const classified = classifyError(error, {
      side: "destination",
      operation: "CompleteMultipartUpload",
      bucket: destination.bucket,
      key: destination.key,
    });
    if ((error as { name?: string }).name !== "NoSuchUpload" || expectedEtag === undefined) throw classified;
    const completed = await findCompletedObject(client, destination, expectedEtag, signal);
    if (completed === undefined) throw classified;
    return completed;
  }
}

/**
 * The object a lost completion left at the key: there when the destination holds exactly the
 * expected composite ETag (the MD5 of the very parts this copy uploaded and checked), undefined
 * otherwise. The one rule for telling a lost completion from a copy still to do.
 */
export async function findCompletedObject(
  client: S3Client,
  destination: ObjectLocation,
  expectedEtag: string,
  signal?: AbortSignal,
): Promise<CompletedObject | undefined> {
  const head = await client
    .send(new HeadObjectCommand({ Bucket: destination.bucket, Key: destination.key }), signal === undefined ? {} : { abortSignal: signal })
    .catch(() => undefined);
  if (head === undefined || normalizeEtag(head.ETag) !== expectedEtag) return undefined;
  return { etag: expectedEtag, ...(head.VersionId === undefined ? {} : { versionId: head.VersionId }) };
}
