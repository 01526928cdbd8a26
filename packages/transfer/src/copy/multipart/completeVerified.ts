import type { ResolvedSettings } from "../../defaults.js";
import { IntegrityError } from "../../errors.js";
import { compositeEtag } from "../../integrity/md5.js";
import { type PartPlan, partFits } from "../../plan/partPlan.js";
import type { SourceObject } from "../sourceObject.js";
import type { CopyRequest, DoneOutcome, PausedOutcome, TransferContext } from "../types.js";
import { completeWithRetry } from "./completeUpload.js";
import type { OpenedUpload } from "./openUpload.js";
import { hasManifestSlot, MANIFEST_PART_NUMBER } from "./uploadManifest.js";
import { abortUpload, listAllParts, type StoredPart } from "./uploads.js";

/** What step 3 proves the copy against: the source version every part was read from. */
export type SourceIdentity = Pick<SourceObject, "size" | "etag" | "versionId">;

/** What the copy did before completing, for its outcome and the part check. */
export interface CopyTally {
  /** MD5 of each part this run sent: the destination's listing must agree. */
  readonly md5ByPart: ReadonlyMap<number, string>;
  readonly partsUploaded: number;
  readonly partsResumed: number;
  readonly superseded: readonly string[];
}

/**
 * Step 3: reads the part list back from the destination, checks it covers the plan (and
 * reproduces the source ETag when the layouts match), and completes the upload from that list.
 */
export async function completeVerified(
  context: TransferContext,
  request: CopyRequest,
  settings: ResolvedSettings,
  source: SourceIdentity,
  upload: Pick<OpenedUpload, "uploadId" | "plan" | "layoutMatches">,
  tally: CopyTally,
): Promise<DoneOutcome | PausedOutcome> {
  const { destination } = request;
  const { plan, uploadId, layoutMatches } = upload;
  const parts = await verifiedPartList(context, request, uploadId, plan, tally.md5ByPart);
  const expectedEtag = compositeEtag(parts.map((part) => part.etag));
  const etagsAreMd5 = parts.every((part) => /^[0-9a-f]{32}$/.test(part.etag));
  if (layoutMatches && etagsAreMd5 && expectedEtag !== source.etag) {
    await abortUpload(context.destination, destination.bucket, destination.key, uploadId);
    throw new IntegrityError(
      `s3://${destination.bucket}/${destination.key}: parts reproduce ETag ${expectedEtag}, source has ${source.etag}; the upload was discarded and will restart`,
      { side: "source" },
    );
  }
  const verification = layoutMatches && etagsAreMd5 ? "source-etag" : "part-checksums";
  // A hard abort loses the answer, not necessarily the work: the next run looks for the result (lostCompletion.ts).
  const completed = await completeWithRetry(
    context,
    destination,
    uploadId,
    parts,
    etagsAreMd5 ? expectedEtag : undefined,
    settings.retry,
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
      completing: { uploadId, etag: expectedEtag, verification },
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
    sourceEtag: source.etag,
    ...(source.versionId === undefined ? {} : { sourceVersionId: source.versionId }),
    destinationEtag,
    ...(completed.versionId === undefined ? {} : { destinationVersionId: completed.versionId }),
    abortedUploads: [...tally.superseded],
  };
}

/**
 * The upload's data parts as the destination lists them, checked against the plan and against the
 * MD5s this run sent. The destination is the single point of truth for completion.
 */
async function verifiedPartList(
  context: TransferContext,
  request: CopyRequest,
  uploadId: string,
  plan: PartPlan,
  sentMd5: ReadonlyMap<number, string>,
): Promise<StoredPart[]> {
  const { bucket, key } = request.destination;
  const parts = (await listAllParts(context.destination, bucket, key, uploadId, context.cancel)).filter(
    (part) => part.partNumber <= plan.partCount && (hasManifestSlot(plan) ? part.partNumber !== MANIFEST_PART_NUMBER : true),
  );
  const problems: string[] = [];
  if (parts.length !== plan.partCount) problems.push(`${parts.length} of ${plan.partCount} parts present`);
  for (const part of parts) {
    if (!partFits(plan, part)) problems.push(`part ${part.partNumber} has ${part.size} bytes`);
    const sent = sentMd5.get(part.partNumber);
    if (sent !== undefined && /^[0-9a-f]{32}$/.test(part.etag) && sent !== part.etag)
      problems.push(`part ${part.partNumber} ETag ${part.etag} != sent ${sent}`);
  }
  if (problems.length > 0) {
    throw new IntegrityError(`Upload ${uploadId} of s3://${bucket}/${key} does not match its plan: ${problems.slice(0, 5).join("; ")}`, {
      side: "destination",
    });
  }
  return parts;
}
