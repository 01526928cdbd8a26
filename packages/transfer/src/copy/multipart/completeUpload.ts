import { CompleteMultipartUploadCommand, HeadObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { classifyError } from "../../classifyError.js";
import { normalizeEtag } from "../../integrity/md5.js";
import { quote } from "../sourceObject.js";
import type { ObjectLocation } from "../types.js";
import type { StoredPart } from "./uploads.js";

/** The completed object as the destination reports it. */
export interface CompletedObject {
  readonly etag: string;
  readonly versionId?: string;
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
): Promise<CompletedObject> {
  const options = signal === undefined ? {} : { abortSignal: signal };
  try {
    const answer = await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: destination.bucket,
        Key: destination.key,
        UploadId: uploadId,
        MultipartUpload: { Parts: parts.map((part) => ({ PartNumber: part.partNumber, ETag: quote(part.etag) })) },
      }),
      options,
    );
    return { etag: normalizeEtag(answer.ETag) ?? "", ...(answer.VersionId === undefined ? {} : { versionId: answer.VersionId }) };
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
