import {
  type GetObjectCommand,
  GetObjectTaggingCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
  ListObjectsV2Command,
  type S3Client,
} from "@aws-sdk/client-s3";
import { classifyError } from "../classifyError.js";
import { ArchivedObjectError, BucketMissingError, MigrationError, SourceMissingError } from "../errors.js";
import { type StoredChecksum, storedChecksumOf } from "../integrity/checksums.js";
import { normalizeEtag } from "../integrity/md5.js";
import { type ObjectHeaders, pickObjectHeaders } from "./objectHeaders.js";
import type { CopyRequest } from "./types.js";

/** What a HEAD of the source told us, pinned for the rest of the transfer. */
export interface SourceObject {
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
  /** ETag without quotes; every later read sends it as If-Match. */
  readonly etag: string;
  /** Set only when the request named a version: reads then pin to it. */
  readonly versionId?: string;
  readonly serverSideEncryption?: string;
  readonly headers: ObjectHeaders;
  /** Part count of a multipart source (from its ETag), for matching its layout. */
  readonly multipartPartCount?: number;
  /** The checksum S3 stores with the source (none for objects written before December 2024 without one). */
  readonly checksum?: StoredChecksum;
}

const ARCHIVED = new Set(["GLACIER", "DEEP_ARCHIVE"]);

/**
 * HEADs the source, pinned to the request's version and ETag when it has them.
 *
 * @throws SourceChangedError when the pinned ETag or version no longer matches,
 *   ArchivedObjectError when the object must be restored first, SourceMissingError,
 *   BucketMissingError, AccessDeniedError, or a retryable error.
 */
export async function headSource(client: S3Client, request: CopyRequest["source"], signal?: AbortSignal): Promise<SourceObject> {
  const context = { side: "source", operation: "HeadObject", bucket: request.bucket, key: request.key } as const;
  let answer: HeadObjectCommandOutput;
  try {
    answer = await client.send(
      new HeadObjectCommand({
        Bucket: request.bucket,
        Key: request.key,
        ...(request.versionId === undefined ? {} : { VersionId: request.versionId }),
        ...(request.etag === undefined ? {} : { IfMatch: quote(request.etag) }),
        // A HEAD has no body for the SDK to validate: checksum mode only makes S3 answer the stored checksum.
        ChecksumMode: "ENABLED",
      }),
      signal === undefined ? {} : { abortSignal: signal },
    );
  } catch (error) {
    const classified = classifyError(error, context);
    if (classified instanceof SourceMissingError && !(await bucketExists(client, request.bucket, signal))) {
      throw new BucketMissingError(
        `HeadObject source s3://${request.bucket}/${request.key}: bucket ${request.bucket} does not exist on the source side`,
        { side: "source", cause: error },
      );
    }
    throw classified;
  }
  if (isArchived(answer.StorageClass, answer.Restore, answer.ArchiveStatus)) {
    throw new ArchivedObjectError(
      `s3://${request.bucket}/${request.key} is in ${answer.ArchiveStatus ?? answer.StorageClass} and not restored; restore it first`,
    );
  }
  const etag = normalizeEtag(answer.ETag);
  if (etag === undefined || answer.ContentLength === undefined) {
    throw new MigrationError(
      "UnexpectedResponse",
      `HeadObject source s3://${request.bucket}/${request.key} returned no ETag or size`,
      true,
      { side: "source" },
    );
  }
  const partCount = /-(\d+)$/.exec(etag)?.[1];
  const checksum = storedChecksumOf(answer);
  return {
    bucket: request.bucket,
    key: request.key,
    size: answer.ContentLength,
    etag,
    ...(request.versionId === undefined ? {} : { versionId: request.versionId }),
    ...(answer.ServerSideEncryption === undefined ? {} : { serverSideEncryption: answer.ServerSideEncryption }),
    headers: pickObjectHeaders(answer),
    ...(partCount === undefined ? {} : { multipartPartCount: Number(partCount) }),
    ...(checksum === undefined ? {} : { checksum }),
  };
}

/** The first part's size of a multipart source (HEAD with partNumber=1), or undefined if unknown. */
export async function sourceFirstPartSize(client: S3Client, source: SourceObject, signal?: AbortSignal): Promise<number | undefined> {
  try {
    const answer = await client.send(
      new HeadObjectCommand({
        Bucket: source.bucket,
        Key: source.key,
        PartNumber: 1,
        // No If-Match: some S3-compatible endpoints (moto) compare it with the part's own ETag.
        // The data reads that follow are pinned, and the composite-ETag check catches a mismatch.
        ...(source.versionId === undefined ? {} : { VersionId: source.versionId }),
      }),
      signal === undefined ? {} : { abortSignal: signal },
    );
    return answer.PartsCount === source.multipartPartCount ? answer.ContentLength : undefined;
  } catch (error) {
    throw classifyError(error, { side: "source", operation: "HeadObject(partNumber=1)", bucket: source.bucket, key: source.key });
  }
}

/** The source's tags as a query string for PutObject/CreateMultipartUpload's `Tagging`. */
export async function readSourceTagging(
  client: S3Client,
  source: Pick<SourceObject, "bucket" | "key" | "versionId">,
  signal?: AbortSignal,
): Promise<string | undefined> {
  try {
    const answer = await client.send(
      new GetObjectTaggingCommand({
        Bucket: source.bucket,
        Key: source.key,
        ...(source.versionId === undefined ? {} : { VersionId: source.versionId }),
      }),
      signal === undefined ? {} : { abortSignal: signal },
    );
    const tags = answer.TagSet ?? [];
    if (tags.length === 0) return undefined;
    return new URLSearchParams(tags.map((tag): [string, string] => [tag.Key ?? "", tag.Value ?? ""])).toString();
  } catch (error) {
    throw classifyError(error, { side: "source", operation: "GetObjectTagging", bucket: source.bucket, key: source.key });
  }
}

/**
 * Whether `key` exists (its latest version is an object, not a delete marker). Asked with a
 * one-key listing under the key itself rather than a HEAD: S3 answers a HEAD of a missing key
 * 404 only to a caller with `s3:ListBucket` on the whole bucket (a grant limited by `s3:prefix`
 * does not count, as a HEAD carries no prefix), 403 otherwise; the listing carries the key as its
 * `s3:prefix`, which the prefix-scoped grant allows. The key sorts before every longer key it
 * prefixes, so the first key listed is the key itself when it exists.
 *
 * @throws BucketMissingError, AccessDeniedError or a retryable error.
 */
export async function sourceKeyExists(client: S3Client, bucket: string, key: string, signal?: AbortSignal): Promise<boolean> {
  try {
    const answer = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: key, MaxKeys: 1 }),
      signal === undefined ? {} : { abortSignal: signal },
    );
    return answer.Contents?.[0]?.Key === key;
  } catch (error) {
    throw classifyError(error, { side: "source", operation: "ListObjectsV2", bucket, key });
  }
}

/** Whether an object must be restored before it can be read. */
export function isArchived(storageClass: string | undefined, restore: string | undefined, archiveStatus: string | undefined): boolean {
  if (archiveStatus === "ARCHIVE_ACCESS" || archiveStatus === "DEEP_ARCHIVE_ACCESS") return true;
  if (storageClass === undefined || !ARCHIVED.has(storageClass)) return false;
  return !(restore ?? "").includes('ongoing-request="false"');
}

/**
 * Makes a GetObject answer the checksum S3 stores (`x-amz-checksum-mode: ENABLED`) without
 * setting the command's `ChecksumMode`, which would make the SDK validate the body with its
 * pure-JavaScript CRCs (2 to 6 times MD5's cost, docs/integrity.md); the copy validates it itself.
 */
export function askForStoredChecksum(command: GetObjectCommand): GetObjectCommand {
  command.middlewareStack.add(
    (next) => (args) => {
      const request = args.request as { headers?: Record<string, string> };
      if (request.headers !== undefined) request.headers["x-amz-checksum-mode"] = "ENABLED";
      return next(args);
    },
    { step: "build", name: "s3MigrateChecksumMode" },
  );
  return command;
}

/** Wraps an ETag in the quotes If-Match expects. */
export function quote(etag: string): string {
  return `"${normalizeEtag(etag)}"`;
}

async function bucketExists(client: S3Client, bucket: string, signal?: AbortSignal): Promise<boolean> {
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }), signal === undefined ? {} : { abortSignal: signal });
    return true;
  } catch (error) {
    return (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode !== 404;
  }
}
