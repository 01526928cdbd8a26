/**
 * Typed errors for every way a transfer can fail. Each carries a stable `code`, a `retryable`
 * flag (whether running the same job again may succeed) and, where it applies, the `side`
 * (source or destination) whose endpoint answered.
 */

/**
 * Every code an error of this product carries, closed: the transfer's, the worker's refusals
 * ({@link RefusedWorkError}), its give-ups and the reasons a message is dead-lettered before any
 * work. Compare errors by class, never by these strings (the classifier alone maps AWS's names
 * to them).
 */
export const ERROR_CODES = [
  "Transient",
  "IntegrityMismatch",
  "SourceChanged",
  "UploadGone",
  "DestinationExists",
  "SourceMissing",
  "BucketMissing",
  "WrongRegion",
  "AccessDenied",
  "ArchivedObject",
  "InvalidConfiguration",
  "UnexpectedResponse",
  "InsufficientMemory",
  "ChecksumUnavailable",
  "Unexpected",
  "NoProgress",
  "StillBusy",
  // refusals: the configuration does not allow the work, or the message lies
  "NotConfigured",
  "DestinationNotMapped",
  "ForeignEventSource",
  "DeletesDisabled",
  "ForgedClaim",
  // a message refused before any work
  "MalformedMessage",
  "Unauthenticated",
  // a bucket pair refused before its pass (preflight's problems)
  "PartitionMismatch",
  "OwnerMismatch",
  "KmsDenied",
  "ListDenied",
  "ReadDenied",
  "WriteDenied",
  "EventQueueRegion",
  "CheckFailed",
] as const;

/** One of {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The codes of {@link RefusedWorkError}. */
export type RefusalCode = Extract<
  ErrorCode,
  "NotConfigured" | "DestinationNotMapped" | "ForeignEventSource" | "DeletesDisabled" | "ForgedClaim"
>;

/** Which endpoint an error came from. */
export type Side = "source" | "destination";

/** Options shared by every {@link MigrationError}. */
export interface MigrationErrorOptions {
  side?: Side;
  cause?: unknown;
}

/** Base class of all errors raised by s3-migrate. */
export class MigrationError extends Error {
  /** Stable machine-readable code, e.g. `SourceMissing`. */
  readonly code: ErrorCode;
  /** Whether a later attempt at the same job may succeed. */
  readonly retryable: boolean;
  /** The endpoint that answered, when known. */
  readonly side: Side | undefined;

  constructor(code: ErrorCode, message: string, retryable: boolean, options: MigrationErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = "MigrationError";
    this.code = code;
    this.retryable = retryable;
    this.side = options.side;
  }
}

/** A network fault, throttling or 5xx answer: worth retrying after a pause. */
export class TransientError extends MigrationError {
  constructor(message: string, options: MigrationErrorOptions = {}) {
    super("Transient", message, true, options);
    this.name = "TransientError";
  }
}

/** Bytes did not arrive intact (checksum or ETag mismatch); retrying re-sends them. */
export class IntegrityError extends MigrationError {
  constructor(message: string, options: MigrationErrorOptions = {}) {
    super("IntegrityMismatch", message, true, options);
    this.name = "IntegrityError";
  }
}

/** The source object changed (or its pinned version vanished) while it was being copied. */
export class SourceChangedError extends MigrationError {
  constructor(message: string, options: MigrationErrorOptions = {}) {
    super("SourceChanged", message, false, { side: "source", ...options });
    this.name = "SourceChangedError";
  }
}

/**
 * The multipart upload being written is gone at the destination (completed or aborted by another
 * attempt). Retryable: the next attempt finds the object done or opens a new upload.
 */
export class UploadGoneError extends MigrationError {
  constructor(message: string, options: MigrationErrorOptions = {}) {
    super("UploadGone", message, true, { side: "destination", ...options });
    this.name = "UploadGoneError";
  }
}

/**
 * A create-only write (`CopyRequest.createOnly`: PutObject with `If-None-Match: *`) found the
 * destination key written already, by another attempt or before the migration: nothing was
 * overwritten.
 */
export class DestinationExistsError extends MigrationError {
  constructor(message: string, options: MigrationErrorOptions = {}) {
    super("DestinationExists", message, false, { side: "destination", ...options });
    this.name = "DestinationExistsError";
  }
}

/** The source key does not exist. */
export class SourceMissingError extends MigrationError {
  constructor(message: string, options: MigrationErrorOptions = {}) {
    super("SourceMissing", message, false, { side: "source", ...options });
    this.name = "SourceMissingError";
  }
}

/** A bucket does not exist on the side that was asked. */
export class BucketMissingError extends MigrationError {
  constructor(message: string, options: MigrationErrorOptions = {}) {
    super("BucketMissing", message, false, options);
    this.name = "BucketMissingError";
  }
}

/**
 * A request was signed for a region other than its bucket's. Retryable when S3 named the
 * bucket's region: the side's client has learned it, and the next attempt goes there.
 */
export class WrongRegionError extends MigrationError {
  /** The region S3 named for the bucket, when it named one. */
  readonly bucketRegion: string | undefined;

  constructor(message: string, bucketRegion: string | undefined, options: MigrationErrorOptions = {}) {
    super("WrongRegion", message, bucketRegion !== undefined, options);
    this.name = "WrongRegionError";
    this.bucketRegion = bucketRegion;
  }
}

/** The credentials of one side may not do what was asked. */
export class AccessDeniedError extends MigrationError {
  constructor(message: string, options: MigrationErrorOptions = {}) {
    super("AccessDenied", message, false, options);
    this.name = "AccessDeniedError";
  }
}

/** The source object sits in Glacier Flexible Retrieval or Deep Archive and is not restored. */
export class ArchivedObjectError extends MigrationError {
  constructor(message: string, options: MigrationErrorOptions = {}) {
    super("ArchivedObject", message, false, { side: "source", ...options });
    this.name = "ArchivedObjectError";
  }
}

/** Configuration or input that can never work as given. */
export class ConfigError extends MigrationError {
  constructor(message: string, options: MigrationErrorOptions = {}) {
    super("InvalidConfiguration", message, false, options);
    this.name = "ConfigError";
  }
}

/** Any other answer an endpoint gave that retrying will not change. */
export class UnexpectedResponseError extends MigrationError {
  constructor(message: string, retryable: boolean, options: MigrationErrorOptions = {}) {
    super("UnexpectedResponse", message, retryable, options);
    this.name = "UnexpectedResponseError";
  }
}

/**
 * A message asked for work the configuration does not allow (an unconfigured bucket, a
 * destination other than the mapped key, a foreign event source); nothing was read or written.
 * `code` says which rule refused it (`NotConfigured`, `DestinationNotMapped`, ...).
 */
export class RefusedWorkError extends MigrationError {
  constructor(code: RefusalCode, message: string, options: MigrationErrorOptions = {}) {
    super(code, message, false, options);
    this.name = "RefusedWorkError";
  }
}

/**
 * A transfer continued `WAITS.maxStalledContinuations` times in a row without a part more at the
 * destination: it is dead-lettered instead of being continued forever. Its parts stay; a redrive
 * resumes them.
 */
export class NoProgressError extends MigrationError {
  constructor(message: string, options: MigrationErrorOptions = {}) {
    super("NoProgress", message, false, options);
    this.name = "NoProgressError";
  }
}

/**
 * A message waited `WAITS.maxBusyWaits` times for another attempt's lease on its object: it is
 * dead-lettered instead of waiting forever. A redrive waits again.
 */
export class StillBusyError extends MigrationError {
  constructor(message: string, options: MigrationErrorOptions = {}) {
    super("StillBusy", message, false, options);
    this.name = "StillBusyError";
  }
}
