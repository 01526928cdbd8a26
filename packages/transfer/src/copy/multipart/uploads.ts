import { AbortMultipartUploadCommand, ListMultipartUploadsCommand, ListPartsCommand, type S3Client } from "@aws-sdk/client-s3";
import { classifyError } from "../../classifyError.js";
import { storedChecksumOf } from "../../integrity/checksums.js";
import { normalizeEtag } from "../../integrity/md5.js";

/** A part as the destination holds it. */
export interface StoredPart {
  readonly partNumber: number;
  readonly size: number;
  /** Hex MD5 without quotes (opaque under SSE-KMS). */
  readonly etag: string;
  /** The part's checksum (base64) when its upload was created with a checksum algorithm. */
  readonly checksum?: string;
}

/** An in-progress multipart upload for one key. */
export interface OpenUpload {
  readonly uploadId: string;
  readonly initiated?: Date;
}

/**
 * Every in-progress upload for exactly `key` (ListMultipartUploads, all pages). S3 lists by
 * prefix, so uploads of longer keys sharing the prefix are filtered out.
 */
export async function listUploadsForKey(client: S3Client, bucket: string, key: string, signal?: AbortSignal): Promise<OpenUpload[]> {
  const uploads: OpenUpload[] = [];
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  for (;;) {
    const page = await client
      .send(
        new ListMultipartUploadsCommand({
          Bucket: bucket,
          Prefix: key,
          ...(keyMarker === undefined ? {} : { KeyMarker: keyMarker }),
          ...(uploadIdMarker === undefined ? {} : { UploadIdMarker: uploadIdMarker }),
        }),
        signal === undefined ? {} : { abortSignal: signal },
      )
      .catch((error: unknown) => {
        throw classifyError(error, { side: "destination", operation: "ListMultipartUploads", bucket, key });
      });
    for (const upload of page.Uploads ?? []) {
      if (upload.Key === key && upload.UploadId !== undefined) {
        uploads.push({ uploadId: upload.UploadId, ...(upload.Initiated === undefined ? {} : { initiated: upload.Initiated }) });
      }
    }
    if (!page.IsTruncated) return uploads;
    keyMarker = page.NextKeyMarker;
    uploadIdMarker = page.NextUploadIdMarker;
    if (keyMarker === undefined && uploadIdMarker === undefined) return uploads;
  }
}

/**
 * Every part of an upload, in part-number order (ListParts, all pages past 1,000); with `span`,
 * only the parts numbered within it (listing starts at its first part and stops past its last).
 */
export async function listAllParts(
  client: S3Client,
  bucket: string,
  key: string,
  uploadId: string,
  signal?: AbortSignal,
  span?: { readonly first: number; readonly last: number },
): Promise<StoredPart[]> {
  const parts: StoredPart[] = [];
  let marker: string | undefined = span === undefined || span.first <= 1 ? undefined : String(span.first - 1);
  for (;;) {
    const page = await client
      .send(
        new ListPartsCommand({
          Bucket: bucket,
          Key: key,
          UploadId: uploadId,
          ...(marker === undefined ? {} : { PartNumberMarker: marker }),
        }),
        signal === undefined ? {} : { abortSignal: signal },
      )
      .catch((error: unknown) => {
        throw classifyError(error, { side: "destination", operation: "ListParts", bucket, key });
      });
    let pastSpan = false;
    for (const part of page.Parts ?? []) {
      if (part.PartNumber === undefined || part.Size === undefined) continue;
      if (span !== undefined && (part.PartNumber < span.first || part.PartNumber > span.last)) {
        pastSpan ||= part.PartNumber > span.last;
        continue;
      }
      const checksum = storedChecksumOf(part)?.value;
      parts.push({
        partNumber: part.PartNumber,
        size: part.Size,
        etag: normalizeEtag(part.ETag) ?? "",
        ...(checksum === undefined ? {} : { checksum }),
      });
    }
    const next = page.NextPartNumberMarker;
    if (pastSpan || !page.IsTruncated || next === undefined || next === marker) break;
    marker = next;
  }
  return parts.sort((a, b) => a.partNumber - b.partNumber);
}

/** Aborts an upload; an upload already gone counts as aborted. */
export async function abortUpload(client: S3Client, bucket: string, key: string, uploadId: string): Promise<void> {
  try {
    await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }));
  } catch (error) {
    if ((error as { name?: string }).name === "NoSuchUpload") return;
    throw classifyError(error, { side: "destination", operation: "AbortMultipartUpload", bucket, key });
  }
}
