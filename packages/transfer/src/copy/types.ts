import type { S3Client } from "@aws-sdk/client-s3";
import type { MigrationError, SourceChangedError } from "../errors.js";
import type { ProgressListener, TransferLogger, TransferMetrics } from "../observability.js";
import type { RetryOverrides } from "../retry.js";

/** A bucket and a key. */
export interface ObjectLocation {
  readonly bucket: string;
  readonly key: string;
}

/** One object to copy, with what the caller already knows of the source. */
export interface CopyRequest {
  readonly source: ObjectLocation & {
    /** Read exactly this version (needs s3:GetObjectVersion). */
    readonly versionId?: string;
    /** The ETag the job saw; reads are pinned to it with If-Match, so a replaced object is detected. */
    readonly etag?: string;
    /** The size the job saw; lets small objects skip the HEAD request. */
    readonly size?: number;
  };
  readonly destination: ObjectLocation;
  /**
   * The completion an earlier run of this copy started and lost (its `PausedOutcome.completing`,
   * or what `TransferContext.onCompleting` recorded). Give only what your own record holds, never
   * what a message claims: the copy counts as done when the destination holds its ETag.
   */
  readonly completing?: PendingCompletion;
  /**
   * An earlier attempt at this very source version may have written the object and died before
   * recording it (a crash or a lost lease after the PUT): a single-PUT copy then HEADs the source
   * (pinned) and the destination first, and copies nothing when the destination already holds the
   * source's bytes (its ETag equals the source's plain-MD5 ETag).
   */
  readonly mayBeWritten?: boolean;
  /**
   * Write only where the destination key does not exist yet (PutObject with `If-None-Match: *`,
   * which S3 decides atomically): a key written meanwhile, by anyone, fails the copy with
   * `DestinationExistsError` and is left as it is. Only a single-PUT copy can be create-only; an
   * object that needs a multipart upload fails with a `ConfigError`.
   */
  readonly createOnly?: boolean;
}

/** Encryption of the objects written at the destination. */
export type DestinationEncryption = { readonly mode: "AES256" } | { readonly mode: "aws:kms"; readonly kmsKeyId?: string };

/** How objects are copied. Every field has a default. */
export interface TransferSettings {
  /** Objects of at most this many bytes are copied with one GET and one PUT. @default TRANSFER_DEFAULTS.smallObjectThreshold */
  readonly smallObjectThreshold?: number;
  /** Part size for new multipart uploads, raised automatically for huge objects. @default TRANSFER_DEFAULTS.partSize */
  readonly partSize?: number;
  /** Parts held in memory (being read or uploaded) per object. @default TRANSFER_DEFAULTS.partConcurrency */
  readonly partConcurrency?: number;
  /** Parallel ranged GET streams per object; each streams a contiguous run of parts. @default TRANSFER_DEFAULTS.readStreams */
  readonly readStreams?: number;
  /** Upper bound on part buffers in memory per object, in bytes; lowers the concurrency for huge parts. */
  readonly memoryBudgetBytes?: number;
  /** Use the source's own part size when it is a multipart object, so the destination ETag equals the source's. @default TRANSFER_DEFAULTS.matchSourceParts */
  readonly matchSourceParts?: boolean;
  /** Storage class of the copies; absent keeps the destination bucket's default. */
  readonly storageClass?: string;
  /** Server-side encryption of the copies; absent keeps the destination bucket's default. */
  readonly encryption?: DestinationEncryption;
  /** Copy object tags too (needs s3:GetObjectTagging and s3:PutObjectTagging). @default TRANSFER_DEFAULTS.copyTags */
  readonly copyTags?: boolean;
  /**
   * Prove copies with the full-object CRC the source stores, and send it for the destination to
   * verify and keep; off for S3-compatible stores without flexible checksums. @default TRANSFER_DEFAULTS.useChecksums
   */
  readonly useChecksums?: boolean;
  /**
   * Copy inside S3 (CopyObject, UploadPartCopy) instead of streaming the bytes: only where the
   * destination client's identity can also read the source (one partition; cross-account or
   * cross-region). @default TRANSFER_DEFAULTS.serverSideCopy
   */
  readonly serverSideCopy?: boolean;
  /** Changes to the retry policies of parts, small objects and completion (`RETRY_POLICIES`). */
  readonly retry?: RetryOverrides;
}

/**
 * The two ways to stop work, by the same two names everywhere (a copy, a batch, a cluster
 * worker): `pause` lets what is in flight finish and leaves the rest resumable; `cancel` cuts
 * what is in flight too.
 */
export interface StopSignals {
  /**
   * When it fires, no new part starts and the outcome is `paused`; parts already uploading finish
   * (so nothing is lost) unless `cancel` fires too.
   */
  readonly pause?: AbortSignal;
  /** When it fires, requests in flight are cancelled at once; absent, `pause` does that too. */
  readonly cancel?: AbortSignal;
}

/** The clients and listeners a transfer runs with, and its stop signals. */
export interface TransferContext extends StopSignals {
  readonly source: S3Client;
  readonly destination: S3Client;
  readonly logger?: TransferLogger;
  readonly metrics?: TransferMetrics;
  readonly onProgress?: ProgressListener;
  /**
   * Called just before a CompleteMultipartUpload is sent, with what its result will be: the caller
   * records it where the next attempt will look (a ledger), so a crash between the completion and
   * the caller's own record finds the object instead of sending every part again. A throw stops
   * the completion (the copy fails with that error).
   */
  readonly onCompleting?: (pending: PendingCompletion) => Promise<void>;
}

/**
 * How the copy was proven equal to the source:
 * - `source-checksum`: the CRC of the bytes read equals the full-object checksum S3 stores with
 *   the source, and the destination verified and stores that same checksum (`DoneOutcome.checksum`);
 * - `source-etag`: the MD5s of the bytes read (and stored) reproduce the source's own ETag;
 * - `part-checksums`: every part / the object was written with Content-MD5 and the destination
 *   answered the same MD5, the whole read pinned to one source version, but nothing the source
 *   stores could be reproduced (a source with no stored checksum whose ETag is no MD5 we can
 *   reproduce, e.g. SSE-KMS, or a different part layout).
 */
export type Verification = "source-checksum" | "source-etag" | "part-checksums";

/** A full-object checksum the destination verified and stores, equal to the source's. */
export interface ProvenChecksum {
  readonly algorithm: "CRC32" | "CRC32C" | "CRC64NVME";
  /** Base64, as S3 writes it. */
  readonly value: string;
}

/**
 * A completion that the hard deadline (`cancel`) cut before its answer came. S3 may finish it
 * anyway and remove the upload, so the next run gets it in `CopyRequest.completing` and looks for
 * its result (an object with exactly this composite ETag) before it copies anything again.
 */
export interface PendingCompletion {
  readonly uploadId: string;
  /** The composite ETag the completed object has: the MD5 of its parts' MD5s, then `-` and their count. */
  readonly etag: string;
  readonly verification: Verification;
  /**
   * The whole object's checksum the completion carries (in an upload with a CRC): the source's
   * own when `verification` is `source-checksum`.
   */
  readonly checksum?: ProvenChecksum;
}

/** The object is at the destination, verified. */
export interface DoneOutcome {
  readonly status: "done";
  readonly mode: "single" | "multipart";
  readonly bytes: number;
  readonly partCount: number;
  /** Parts sent by this run (all of them for a fresh copy). */
  readonly partsUploaded: number;
  /** Parts found already uploaded by an earlier run and reused. */
  readonly partsResumed: number;
  readonly verification: Verification;
  /** Set when `verification` is `source-checksum`. */
  readonly checksum?: ProvenChecksum;
  readonly sourceEtag: string;
  readonly sourceVersionId?: string;
  readonly destinationEtag: string;
  readonly destinationVersionId?: string;
  /** Upload ids of older uploads for the same key that were aborted. */
  readonly abortedUploads: readonly string[];
}

/** The deadline fired; the upload stays open and the next run resumes it. */
export interface PausedOutcome {
  readonly status: "paused";
  readonly uploadId?: string;
  readonly partCount: number;
  readonly partsDone: number;
  readonly bytesDone: number;
  /** Set when the completion itself was cut: give it to the next run as `CopyRequest.completing`. */
  readonly completing?: PendingCompletion;
}

/** The source changed (or its version vanished) mid-copy; nothing was completed, the upload was aborted. */
export interface SourceChangedOutcome {
  readonly status: "source-changed";
  readonly error: SourceChangedError;
}

/** The copy failed; `error.retryable` says whether running the job again may help. */
export interface FailedOutcome {
  readonly status: "failed";
  readonly error: MigrationError;
}

/** Result of one object's transfer. */
export type TransferOutcome = DoneOutcome | PausedOutcome | SourceChangedOutcome | FailedOutcome;
