import { isWrongRegionAnswer, ownersNamedBy, regionNamedBy } from "./endpoints/regions.js";
import {
  AccessDeniedError,
  ArchivedObjectError,
  BucketMissingError,
  IntegrityError,
  MigrationError,
  type Side,
  SourceChangedError,
  SourceMissingError,
  TransientError,
  UnexpectedResponseError,
  UploadGoneError,
  WrongRegionError,
} from "./errors.js";

/** What was being done when an error happened, for the message and the side. */
export interface ErrorContext {
  readonly side: Side;
  readonly operation: string;
  readonly bucket: string;
  readonly key?: string;
}

interface SdkErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
}

const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ECONNABORTED",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ERR_STREAM_PREMATURE_CLOSE",
  "UND_ERR_SOCKET",
]);

const THROTTLING = new Set([
  "SlowDown",
  "Throttling",
  "ThrottlingException",
  "RequestLimitExceeded",
  "TooManyRequestsException",
  "RequestTimeout",
  "RequestTimeTooSkewed",
  "InternalError",
  "ServiceUnavailable",
  "TimeoutError",
  "RequestTimeoutException",
  // A conditional write that raced another write of the key (409); S3 asks for a retry.
  "ConditionalRequestConflict",
]);

/**
 * Turns anything an SDK call threw into a {@link MigrationError} that says what happened, on which
 * side, and whether trying again can help. MigrationErrors pass through unchanged.
 */
export function classifyError(error: unknown, context: ErrorContext): MigrationError {
  if (error instanceof MigrationError) return error;
  const shape = (typeof error === "object" && error !== null ? error : {}) as SdkErrorShape;
  const name = shape.name ?? shape.code ?? "Error";
  const status = shape.$metadata?.httpStatusCode;
  const where = `${context.operation} ${context.side} s3://${context.bucket}${context.key === undefined ? "" : `/${context.key}`}`;
  const options = { side: context.side, cause: error };

  if (isWrongRegionAnswer(error)) {
    const region = regionNamedBy(error);
    return new WrongRegionError(
      region === undefined
        ? `${where}: S3 answered ${name} (the request was signed for a region other than the bucket's) and named no region; set the bucket's region in the configuration`
        : `${where}: bucket ${context.bucket} is in ${region}; the request was signed for another region (${name})`,
      region,
      options,
    );
  }
  if (name === "NoSuchBucket")
    return new BucketMissingError(`${where}: bucket ${context.bucket} does not exist on the ${context.side} side`, options);
  if (
    name === "AccessDenied" ||
    name === "Forbidden" ||
    name === "InvalidAccessKeyId" ||
    name === "SignatureDoesNotMatch" ||
    name === "AllAccessDisabled" ||
    (status === 403 && name !== "InvalidObjectState" && name !== "RequestTimeTooSkewed")
  ) {
    return new AccessDeniedError(
      `${where}: access denied (${name}); check the ${context.side} side's credentials and bucket policy${ownerHint(error)}`,
      options,
    );
  }
  if (name === "InvalidObjectState")
    return new ArchivedObjectError(`${where}: object is archived (Glacier/Deep Archive) and not restored`, options);
  if (isPreconditionFailed(error)) return new SourceChangedError(`${where}: the source object changed since the transfer started`, options);
  if (name === "NoSuchVersion") return new SourceChangedError(`${where}: the pinned source version no longer exists`, options);
  if ((name === "NoSuchKey" || name === "NotFound") && context.side === "source")
    return new SourceMissingError(`${where}: source object does not exist`, options);
  if (name === "NoSuchUpload")
    return new UploadGoneError(`${where}: the multipart upload is gone (completed or aborted by another attempt)`, options);
  if (name === "BadDigest" || name === "InvalidDigest" || name === "XAmzContentSHA256Mismatch")
    return new IntegrityError(`${where}: the endpoint rejected the bytes as corrupted (${name})`, options);
  if (name === "AbortError") return new TransientError(`${where}: aborted`, options);
  if (
    THROTTLING.has(name) ||
    (status !== undefined && status >= 500) ||
    status === 429 ||
    shape.$retryable !== undefined ||
    NETWORK_CODES.has(shape.code ?? name) ||
    isNetworkMessage(shape.message)
  ) {
    return new TransientError(
      `${where}: ${name}${status === undefined ? "" : ` (HTTP ${status})`}: ${shape.message ?? "transient failure"}`,
      options,
    );
  }
  return new UnexpectedResponseError(
    `${where}: ${name}${status === undefined ? "" : ` (HTTP ${status})`}: ${shape.message ?? "unexpected error"}`,
    false,
    options,
  );
}

/** Whether an SDK error is a refused precondition (HTTP 412, `PreconditionFailed`): of a read's `If-Match`, or a write's `If-None-Match`. */
export function isPreconditionFailed(error: unknown): boolean {
  const shape = (typeof error === "object" && error !== null ? error : {}) as SdkErrorShape;
  return (shape.name ?? shape.code) === "PreconditionFailed" || shape.$metadata?.httpStatusCode === 412;
}

function isNetworkMessage(message: string | undefined): boolean {
  return message !== undefined && /socket hang up|ECONNRESET|premature close|aborted|timed? ?out/i.test(message);
}

/** When the refused request named owners: the bucket may not be the account's the configuration says. */
function ownerHint(error: unknown): string {
  const owners = ownersNamedBy(error);
  return owners === undefined
    ? ""
    : `, and that the bucket belongs to the account the configuration names (the request named ${owners}; S3 refuses a bucket of another owner with AccessDenied)`;
}
