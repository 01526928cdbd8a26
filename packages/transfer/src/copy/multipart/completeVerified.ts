import type { ResolvedSettings } from "../../defaults.js";
import { IntegrityError } from "../../errors.js";
import type { CrcImplementation } from "../../integrity/checksums.js";
import { combineCrcs, crcFromBase64, crcToBase64 } from "../../integrity/crcCombine.js";
import { compositeEtag } from "../../integrity/md5.js";
import { type PartPlan, partFits } from "../../plan/partPlan.js";
import { proveAgainstSource } from "../checksumProof.js";
import type { SourceObject } from "../sourceObject.js";
import type {
  CopyRequest,
  DoneOutcome,
  PausedOutcome,
  PendingCompletion,
  ProvenChecksum,
  TransferContext,
  Verification,
} from "../types.js";
import { completeWithRetry } from "./completeUpload.js";
import type { OpenedUpload } from "./openUpload.js";
import type { SentPart } from "./sendParts.js";
import { hasManifestSlot, MANIFEST_PART_NUMBER } from "./uploadManifest.js";
import { abortUpload, listAllParts, type StoredPart } from "./uploads.js";

/** What step 3 proves the copy against: the source version every part was read from. */
export type SourceIdentity = Pick<SourceObject, "size" | "etag" | "versionId" | "checksum">;

/** What the copy did before completing, for its outcome and the part check. */
export interface CopyTally {
  /** What each part this run sent carried (MD5 or checksum): the destination's listing must agree. */
  readonly sentByPart: ReadonlyMap<number, SentPart>;
  readonly partsUploaded: number;
  readonly partsResumed: number;
  readonly superseded: readonly string[];
  /** Every byte read went through one MD5 that equals the source ETag (a single-PUT source). */
  readonly provenByWholeMd5?: boolean;
}

/**
 * Step 3: reads the part list back from the destination, checks it covers the plan, proves it
 * the source's (the parts' CRCs combine into the source's stored checksum, in an upload with a
 * CRC; otherwise their MD5s reproduce the source ETag when the layouts match), and completes the
 * upload from that list, with the whole object's CRC for the destination to verify.
 */
export async function completeVerified(
  context: TransferContext,
  request: CopyRequest,
  settings: ResolvedSettings,
  source: SourceIdentity,
  upload: Pick<OpenedUpload, "uploadId" | "plan" | "layoutMatches" | "crc">,
  tally: CopyTally,
): Promise<DoneOutcome | PausedOutcome> {
  const { destination } = request;
  const { plan, uploadId, layoutMatches, crc } = upload;
  const parts = await verifiedPartList(context, request, uploadId, plan, tally.sentByPart, crc);
  const expectedEtag = compositeEtag(parts.map((part) => part.etag));
  const etagsAreMd5 = parts.every((part) => /^[0-9a-f]{32}$/.test(part.etag));
  const whole = crc === undefined ? undefined : await wholeChecksum(context, request, source, uploadId, crc, parts);
  const checksum = whole?.proven ? whole.checksum : undefined;
  if (checksum === undefined && layoutMatches && etagsAreMd5 && expectedEtag !== source.etag) {
    await abortUpload(context.destination, destination.bucket, destination.key, uploadId);
    throw new IntegrityError(
      `s3://${destination.bucket}/${destination.key}: parts reproduce ETag ${expectedEtag}, source has ${source.etag}; the upload was discarded and will restart`,
      { side: "source" },
    );
  }
  const verification: Verification =
    checksum !== undefined
      ? "source-checksum"
      : tally.provenByWholeMd5 || (layoutMatches && etagsAreMd5)
        ? "source-etag"
        : "part-checksums";
  const pending: PendingCompletion = {
    uploadId,
    etag: expectedEtag,
    verification,
    ...(whole === undefined ? {} : { checksum: whole.checksum }),
  };
  // Recorded first, so a crash after S3 completed it finds the object (lostCompletion.ts).
  if (etagsAreMd5) await context.onCompleting?.(pending);
  // A hard abort loses the answer, not necessarily the work: the next run looks for the result (lostCompletion.ts).
  const completed = await completeWithRetry(
    context,
    destination,
    uploadId,
    parts,
    etagsAreMd5 ? expectedEtag : undefined,
    settings.retry,
    whole?.checksum,
  ).catch((error: unknown) => {
    if (!context.cancel?.aborted || !etagsAreMd5) throw error;
    return undefined;
  });
  if (completed === undefined)
    return {
      status: "paused",
      uploadId,
      partCount: plan.partCount,
      partsDone: plan.partCount,
      bytesDone: source.size,
      completing: pending,
    };
  const destinationEtag = completed.etag;
  return {
    status: "done",
    mode: "multipart",
    bytes: source.size,
    partCount: plan.partCount,
    partsUploaded: tally.partsUploaded,
    partsResumed: tally.partsResumed,
    verification,
    ...(checksum === undefined ? {} : { checksum }),
    sourceEtag: source.etag,
    ...(source.versionId === undefined ? {} : { sourceVersionId: source.versionId }),
    destinationEtag,
    ...(completed.versionId === undefined ? {} : { destinationVersionId: completed.versionId }),
    abortedUploads: [...tally.superseded],
  };
}

/**
 * The whole object's CRC, combined from the parts' CRCs as the destination lists them, for the
 * completion to carry (the destination verifies it), and `proven` when it equals the source's
 * stored checksum of the same algorithm. A mismatch with the source's discards the upload: the
 * next attempt starts over.
 */
async function wholeChecksum(
  context: TransferContext,
  request: CopyRequest,
  source: SourceIdentity,
  uploadId: string,
  crc: CrcImplementation,
  parts: readonly StoredPart[],
): Promise<{ readonly checksum: ProvenChecksum; readonly proven: boolean }> {
  const { bucket, key } = request.destination;
  const whole = combineCrcs(
    crc.algorithm,
    parts.map((part) => ({ crc: crcFromBase64(crc.algorithm, part.checksum ?? ""), length: part.size })),
  );
  const stored = source.checksum;
  if (stored === undefined || stored.type !== "FULL_OBJECT" || stored.algorithm !== crc.algorithm.name)
    return { checksum: { algorithm: crc.algorithm.name, value: crcToBase64(crc.algorithm, whole) }, proven: false };
  try {
    return { checksum: proveAgainstSource(crc, whole, stored, `s3://${bucket}/${key}: parts of upload ${uploadId}`), proven: true };
  } catch (error) {
    await abortUpload(context.destination, bucket, key, uploadId);
    throw error;
  }
}

/**
 * The upload's data parts as the destination lists them, checked against the plan and against
 * what this run sent (MD5s, or CRCs in an upload with one, where every part must list its CRC).
 * The destination is the single point of truth for completion.
 */
async function verifiedPartList(
  context: TransferContext,
  request: CopyRequest,
  uploadId: string,
  plan: PartPlan,
  sentByPart: ReadonlyMap<number, SentPart>,
  crc: CrcImplementation | undefined,
): Promise<StoredPart[]> {
  const { bucket, key } = request.destination;
  const parts = (await listAllParts(context.destination, bucket, key, uploadId, context.cancel)).filter(
    (part) => part.partNumber <= plan.partCount && (hasManifestSlot(plan) ? part.partNumber !== MANIFEST_PART_NUMBER : true),
  );
  const problems: string[] = [];
  if (parts.length !== plan.partCount) problems.push(`${parts.length} of ${plan.partCount} parts present`);
  for (const part of parts) {
    if (!partFits(plan, part)) problems.push(`part ${part.partNumber} has ${part.size} bytes`);
    const sent = sentByPart.get(part.partNumber);
    if (sent?.md5Hex !== undefined && /^[0-9a-f]{32}$/.test(part.etag) && sent.md5Hex !== part.etag)
      problems.push(`part ${part.partNumber} ETag ${part.etag} != sent ${sent.md5Hex}`);
    if (crc !== undefined && part.checksum === undefined) problems.push(`part ${part.partNumber} lists no ${crc.algorithm.name}`);
    if (sent?.checksum !== undefined && part.checksum !== undefined && sent.checksum !== part.checksum)
      problems.push(`part ${part.partNumber} ${crc?.algorithm.name} ${part.checksum} != sent ${sent.checksum}`);
  }
  if (problems.length > 0) {
    throw new IntegrityError(`Upload ${uploadId} of s3://${bucket}/${key} does not match its plan: ${problems.slice(0, 5).join("; ")}`, {
      side: "destination",
    });
  }
  return parts;
}
