import { resolveSettings } from "../../defaults.js";
import { MigrationError } from "../../errors.js";
import { type CrcImplementation, loadCrc } from "../../integrity/checksums.js";
import type { CrcAlgorithm } from "../../integrity/crcCombine.js";
import { planWithPartSize } from "../../plan/partPlan.js";
import { crcToProve } from "../checksumProof.js";
import { transferFailure } from "../copyObject.js";
import { headSource } from "../sourceObject.js";
import type {
  CopyRequest,
  DoneOutcome,
  FailedOutcome,
  PausedOutcome,
  SourceChangedOutcome,
  TransferContext,
  TransferSettings,
} from "../types.js";
import { completeVerified, type SourceIdentity } from "./completeVerified.js";
import { copyMissingParts } from "./copyParts.js";
import { lostCompletion } from "./lostCompletion.js";
import { bufferCount, openUpload } from "./openUpload.js";
import { type PartSpan, sendMissingParts } from "./sendParts.js";
import { abortUpload, listAllParts } from "./uploads.js";
/*
 * One multipart upload written by many workers (fan-out): one opens it, each copies a span of its
 * parts, the last completes it. The three calls are the three steps of a multipart copy
 * (`copyMultipart.ts`) taken apart; what ties them together (who copies which span, who completes)
 * is the caller's ledger.
 */

/** A multipart upload shared out in spans of parts: what every span's copy and the completion need. */
export interface SharedUpload {
  readonly uploadId: string;
  readonly partSize: number;
  readonly partCount: number;
  /** The plan is the source's own part layout, so the completed ETag must equal the source's. */
  readonly layoutMatches: boolean;
  /**
   * The CRC the upload was created with (`FULL_OBJECT`, the source's own): every span sends it
   * with each part, and the completion proves the combined CRC equal to the source's. Absent:
   * parts carry Content-MD5.
   */
  readonly checksumAlgorithm?: CrcAlgorithm["name"];
}

/** The upload is open, bound to the source version it copies (see `uploadManifest.ts`). */
export interface OpenedSharedUpload {
  readonly status: "opened";
  readonly upload: SharedUpload;
  /** The source version every span must read: the ETag (and version) the HEAD pinned. */
  readonly source: SourceIdentity;
  /** Parts the upload held already (a resumed upload). */
  readonly partsStored: number;
  /** Other uploads of the key, aborted. */
  readonly superseded: readonly string[];
}

/** A span's parts are all at the destination. */
export interface SpanDoneOutcome {
  readonly status: "done";
  readonly partsUploaded: number;
  readonly partsResumed: number;
  readonly bytesUploaded: number;
}

/** What copying one span came to. */
export type SpanOutcome = SpanDoneOutcome | PausedOutcome | SourceChangedOutcome | FailedOutcome;

/**
 * Opens (or resumes) the multipart upload for `request`, as a multipart copy's first step does:
 * the source HEAD pins the version, the plan follows the source's own layout when it can, the
 * manifest part binds the upload to the version, and every other open upload of the key is
 * aborted. Never throws for an S3 answer.
 */
export async function openSharedUpload(
  context: TransferContext,
  request: CopyRequest,
  settings: TransferSettings = {},
): Promise<OpenedSharedUpload | PausedOutcome | SourceChangedOutcome | FailedOutcome> {
  const resolved = resolveSettings(settings);
  try {
    const source = await headSource(context.source, request.source, context.pause);
    const opened = await openUpload(context, request, resolved, source, await crcToProve(source.checksum, resolved));
    return {
      status: "opened",
      upload: {
        uploadId: opened.uploadId,
        partSize: opened.plan.partSize,
        partCount: opened.plan.partCount,
        layoutMatches: opened.layoutMatches,
        ...(opened.crc === undefined ? {} : { checksumAlgorithm: opened.crc.algorithm.name }),
      },
      source: {
        size: source.size,
        etag: source.etag,
        ...(source.versionId === undefined ? {} : { versionId: source.versionId }),
        ...(opened.crc === undefined || source.checksum === undefined ? {} : { checksum: source.checksum }),
      },
      partsStored: opened.stored.size,
      superseded: opened.superseded,
    };
  } catch (thrown) {
    return transferFailure(context, request, thrown);
  }
}

/**
 * Copies the parts of `span` that the shared upload lacks (read back from the destination), each
 * read pinned to `source`'s ETag and version: streamed through this process, or with
 * `serverSideCopy` copied by S3 itself (UploadPartCopy). A source that changed or vanished aborts
 * the whole upload (`source-changed`); an upload gone at the destination fails with `UploadGone`.
 * Returns `paused` when the pause fires before the span is complete.
 */
export async function copyUploadSpan(
  context: TransferContext,
  request: CopyRequest,
  settings: TransferSettings,
  upload: SharedUpload,
  source: SourceIdentity,
  span: PartSpan,
): Promise<SpanOutcome> {
  const resolved = resolveSettings(settings);
  try {
    const plan = planWithPartSize(source.size, upload.partSize);
    if (plan === undefined || plan.partCount !== upload.partCount || span.first < 1 || span.last > plan.partCount || span.first > span.last)
      throw new RangeError(
        `Parts ${span.first}-${span.last} of ${upload.partCount} of ${upload.partSize} bytes do not fit ${source.size} bytes`,
      );
    const { destination } = request;
    const crc = await uploadCrc(upload);
    const listed = await listAllParts(context.destination, destination.bucket, destination.key, upload.uploadId, context.pause, span);
    const stored = new Map(
      listed
        .filter((part) => part.size === partLength(plan, part.partNumber) && (crc === undefined || part.checksum !== undefined))
        .map((part) => [part.partNumber, part]),
    );
    const pinned = {
      bucket: request.source.bucket,
      key: request.source.key,
      etag: source.etag,
      ...(source.versionId === undefined ? {} : { versionId: source.versionId }),
    };
    const parts = { uploadId: upload.uploadId, plan, stored, ...(crc === undefined ? {} : { crc }) };
    const sent = resolved.serverSideCopy
      ? await copyMissingParts(context, request, resolved, pinned, parts, span)
      : await sendMissingParts(context, request, resolved, pinned, { ...parts, buffers: bufferCount(resolved, plan) }, span);
    const spanParts = span.last - span.first + 1;
    if (sent.partsDone < spanParts)
      return { status: "paused", uploadId: upload.uploadId, partCount: spanParts, partsDone: sent.partsDone, bytesDone: sent.bytesDone };
    return {
      status: "done",
      partsUploaded: sent.sentByPart.size,
      partsResumed: stored.size,
      bytesUploaded: [...sent.sentByPart.keys()].reduce((sum, partNumber) => sum + partLength(plan, partNumber), 0),
    };
  } catch (thrown) {
    return transferFailure(context, request, thrown);
  }
}

/**
 * Completes the shared upload once every span is done, as a multipart copy's last step does: the
 * destination's part list must cover the plan (and reproduce the source ETag when the layouts
 * match), then CompleteMultipartUpload from that list. A completion whose answer was lost counts
 * as done when the object at the key has exactly the expected ETag. Never throws for an S3 answer.
 *
 * @param tally - the parts the spans uploaded and resumed, for the outcome
 */
export async function completeSharedUpload(
  context: TransferContext,
  request: CopyRequest,
  settings: TransferSettings,
  upload: SharedUpload,
  source: SourceIdentity,
  tally: { readonly partsUploaded: number; readonly partsResumed: number },
): Promise<DoneOutcome | PausedOutcome | SourceChangedOutcome | FailedOutcome> {
  const resolved = resolveSettings(settings);
  try {
    const completedEarlier = await lostCompletion(context, request, resolved.retry);
    if (completedEarlier !== undefined) return completedEarlier;
    const plan = planWithPartSize(source.size, upload.partSize);
    if (plan === undefined || plan.partCount !== upload.partCount)
      throw new RangeError(`${upload.partCount} parts of ${upload.partSize} bytes do not fit ${source.size} bytes`);
    const crc = await uploadCrc(upload);
    return await completeVerified(
      context,
      request,
      resolved,
      source,
      { uploadId: upload.uploadId, plan, layoutMatches: upload.layoutMatches, ...(crc === undefined ? {} : { crc }) },
      { sentByPart: new Map(), ...tally, superseded: [] },
    );
  } catch (thrown) {
    return transferFailure(context, request, thrown);
  }
}

/** Aborts a shared upload (the source changed, or the fan-out was given up); one already gone counts as aborted. */
export async function abortSharedUpload(
  context: TransferContext,
  request: CopyRequest,
  upload: Pick<SharedUpload, "uploadId">,
): Promise<void> {
  await abortUpload(context.destination, request.destination.bucket, request.destination.key, upload.uploadId);
}

/** The CRC implementation of an upload created with one. @throws MigrationError when this process cannot compute it. */
async function uploadCrc(upload: Pick<SharedUpload, "checksumAlgorithm">): Promise<CrcImplementation | undefined> {
  if (upload.checksumAlgorithm === undefined) return undefined;
  const crc = await loadCrc(upload.checksumAlgorithm);
  if (crc === undefined)
    throw new MigrationError("ChecksumUnavailable", `This process cannot compute ${upload.checksumAlgorithm} (aws-crt did not load)`, true);
  return crc;
}

function partLength(plan: { size: number; partSize: number }, partNumber: number): number {
  return Math.min(plan.partSize, plan.size - (partNumber - 1) * plan.partSize);
}
