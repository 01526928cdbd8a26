import type { ResolvedSettings } from "../../defaults.js";
import type { SourceObject } from "../sourceObject.js";
import type { CopyRequest, DoneOutcome, PausedOutcome, TransferContext } from "../types.js";
import { completeVerified } from "./completeVerified.js";
import { openUpload } from "./openUpload.js";
import { sendMissingParts } from "./sendParts.js";

/**
 * Copies a large object as a multipart upload that survives crashes and deadlines, in three steps:
 * 1. `openUpload` plans the parts (the source's own part size when it is multipart, so the ETags
 *    match), resumes the open upload for the key that is bound to this source version (see
 *    `uploadManifest.ts`) or starts one, and aborts every other;
 * 2. `sendMissingParts` streams only the parts it lacks, each sent with Content-MD5 and its ETag checked;
 * 3. `completeVerified` reads the part list back from the destination, checks it covers the plan
 *    (and reproduces the source ETag when the layouts match), and completes the upload from it.
 * Returns `paused` when the context's `pause` fires; the next run resumes.
 */
export async function copyMultipart(
  context: TransferContext,
  request: CopyRequest,
  settings: ResolvedSettings,
  source: SourceObject,
): Promise<DoneOutcome | PausedOutcome> {
  const upload = await openUpload(context, request, settings, source);
  const sent = await sendMissingParts(context, request, settings, source, upload);
  if (context.pause?.aborted && sent.partsDone < upload.plan.partCount)
    return {
      status: "paused",
      uploadId: upload.uploadId,
      partCount: upload.plan.partCount,
      partsDone: sent.partsDone,
      bytesDone: sent.bytesDone,
    };
  return completeVerified(context, request, settings, source, upload, {
    md5ByPart: sent.md5ByPart,
    partsUploaded: sent.md5ByPart.size,
    partsResumed: upload.stored.size,
    superseded: upload.superseded,
  });
}
