import { createHash } from "node:crypto";
import type { ResolvedSettings } from "../../defaults.js";
import { IntegrityError } from "../../errors.js";
import { loadCrc } from "../../integrity/checksums.js";
import { crcToProve } from "../checksumProof.js";
import { etagIsBodyMd5 } from "../objectHeaders.js";
import type { SourceObject } from "../sourceObject.js";
import type { CopyRequest, DoneOutcome, PausedOutcome, TransferContext } from "../types.js";
import { completeVerified } from "./completeVerified.js";
import { openUpload } from "./openUpload.js";
import { sendMissingParts } from "./sendParts.js";
import { abortUpload } from "./uploads.js";

/**
 * Copies a large object as a multipart upload that survives crashes and deadlines, in three steps:
 * 1. `openUpload` plans the parts (the source's own part size when it is multipart, so the ETags
 *    match), resumes the open upload for the key that is bound to this source version (see
 *    `uploadManifest.ts`) or starts one, and aborts every other;
 * 2. `sendMissingParts` streams only the parts it lacks, each sent with its CRC when the source
 *    stores a full-object CRC (`crcToProve`), with Content-MD5 otherwise, and checks the answer;
 * 3. `completeVerified` reads the part list back from the destination, checks it covers the plan
 *    and proves it the source's (the parts' CRCs combine into the source's checksum, or their MD5s
 *    reproduce the source ETag when the layouts match), and completes the upload from it.
 *
 * A source with neither (written in one PUT before S3 stored checksums, so its ETag is the MD5 of
 * the whole object) is proven by that MD5: the parts are read in order through one hash, stored
 * parts of a resumed upload read again for it but not sent, and sent with a CRC32 for the
 * destination to verify (docs/integrity.md, "Which proof for which source").
 * Returns `paused` when the context's `pause` fires; the next run resumes.
 */
export async function copyMultipart(
  context: TransferContext,
  request: CopyRequest,
  settings: ResolvedSettings,
  source: SourceObject,
): Promise<DoneOutcome | PausedOutcome> {
  const sourceCrc = await crcToProve(source.checksum, settings);
  const whole = sourceCrc === undefined && etagIsBodyMd5(source.etag, source.serverSideEncryption) ? createHash("md5") : undefined;
  const partCrc = sourceCrc ?? (whole !== undefined && settings.useChecksums ? await loadCrc("CRC32") : undefined);
  const upload = await openUpload(context, request, settings, source, partCrc);
  const sent = await sendMissingParts(context, request, settings, source, upload, undefined, whole);
  if (context.pause?.aborted && (sent.partsDone < upload.plan.partCount || (whole !== undefined && !sent.hashedWhole)))
    return {
      status: "paused",
      uploadId: upload.uploadId,
      partCount: upload.plan.partCount,
      partsDone: sent.partsDone,
      bytesDone: sent.bytesDone,
    };
  const wholeMd5 = whole?.digest("hex");
  if (wholeMd5 !== undefined && wholeMd5 !== source.etag) {
    const { bucket, key } = request.destination;
    await abortUpload(context.destination, bucket, key, upload.uploadId);
    throw new IntegrityError(
      `s3://${source.bucket}/${source.key}: MD5 of the bytes read ${wholeMd5} differs from the source ETag ${source.etag}; the upload was discarded and will restart`,
      { side: "source" },
    );
  }
  return completeVerified(context, request, settings, source, upload, {
    sentByPart: sent.sentByPart,
    partsUploaded: sent.sentByPart.size,
    partsResumed: upload.stored.size,
    superseded: upload.superseded,
    provenByWholeMd5: wholeMd5 !== undefined,
  });
}
