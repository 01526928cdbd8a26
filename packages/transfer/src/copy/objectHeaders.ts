import type { CreateMultipartUploadCommandInput, HeadObjectCommandOutput } from "@aws-sdk/client-s3";
import type { ResolvedSettings } from "../defaults.js";
import { isPlainMd5Etag } from "../integrity/md5.js";

/** The system and user metadata S3 keeps per object and we carry over. */
export type ObjectHeaders = Pick<
  HeadObjectCommandOutput,
  | "ContentType"
  | "ContentEncoding"
  | "ContentLanguage"
  | "ContentDisposition"
  | "CacheControl"
  | "Expires"
  | "WebsiteRedirectLocation"
  | "Metadata"
>;

/** Picks the headers to carry over from a HEAD or GET answer. */
export function pickObjectHeaders(answer: ObjectHeaders): ObjectHeaders {
  const headers: ObjectHeaders = {};
  if (answer.ContentType !== undefined) headers.ContentType = answer.ContentType;
  if (answer.ContentEncoding !== undefined) headers.ContentEncoding = answer.ContentEncoding;
  if (answer.ContentLanguage !== undefined) headers.ContentLanguage = answer.ContentLanguage;
  if (answer.ContentDisposition !== undefined) headers.ContentDisposition = answer.ContentDisposition;
  if (answer.CacheControl !== undefined) headers.CacheControl = answer.CacheControl;
  if (answer.Expires !== undefined && !Number.isNaN(answer.Expires.getTime())) headers.Expires = answer.Expires;
  if (answer.WebsiteRedirectLocation !== undefined) headers.WebsiteRedirectLocation = answer.WebsiteRedirectLocation;
  if (answer.Metadata !== undefined && Object.keys(answer.Metadata).length > 0) headers.Metadata = answer.Metadata;
  return headers;
}

/** Parameters of a PutObject / CreateMultipartUpload: carried headers plus the configured storage and encryption. */
export function writeParameters(
  headers: ObjectHeaders,
  settings: Pick<ResolvedSettings, "storageClass" | "encryption">,
  tagging: string | undefined,
): Omit<CreateMultipartUploadCommandInput, "Bucket" | "Key"> {
  const params: Omit<CreateMultipartUploadCommandInput, "Bucket" | "Key"> = { ...headers };
  if (settings.storageClass !== undefined) params.StorageClass = settings.storageClass as CreateMultipartUploadCommandInput["StorageClass"];
  if (settings.encryption !== undefined) {
    params.ServerSideEncryption = settings.encryption.mode;
    if (settings.encryption.mode === "aws:kms" && settings.encryption.kmsKeyId !== undefined)
      params.SSEKMSKeyId = settings.encryption.kmsKeyId;
  }
  if (tagging !== undefined && tagging !== "") params.Tagging = tagging;
  return params;
}

/**
 * Whether the ETag in a write's answer is the MD5 of the bytes: true for no encryption and SSE-S3,
 * false under SSE-KMS / DSSE-KMS, whose ETags are opaque.
 */
export function etagIsMd5(serverSideEncryption: string | undefined): boolean {
  return serverSideEncryption === undefined || serverSideEncryption === "AES256";
}

/**
 * Whether an object's ETag is the MD5 of its whole body, so that the MD5 of the bytes read proves
 * them the object's: a plain-MD5 ETag (one PUT, not multipart) under no encryption or SSE-S3.
 */
export function etagIsBodyMd5(etag: string, serverSideEncryption: string | undefined): boolean {
  return isPlainMd5Etag(etag) && etagIsMd5(serverSideEncryption);
}
