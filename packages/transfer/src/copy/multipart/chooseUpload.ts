import { inferPlanFromParts, type PartPlan } from "../../plan/partPlan.js";
import { MANIFEST_PART_NUMBER } from "./uploadManifest.js";
import type { OpenUpload, StoredPart } from "./uploads.js";

/** An open upload with the parts it holds. */
export interface UploadWithParts extends OpenUpload {
  readonly parts: readonly StoredPart[];
}

/** Which upload to resume and which to abort. */
export interface UploadChoice {
  /** The upload to continue, with the plan its parts imply and its data parts; absent: start a new one. */
  readonly resume?: { readonly uploadId: string; readonly plan: PartPlan; readonly parts: readonly StoredPart[] };
  /** Uploads for the same key that will never be completed. */
  readonly supersede: readonly string[];
}

/**
 * Picks the upload to resume among those open for one key: the one holding the most bytes in data
 * parts that fit one valid plan for `size` and that `isBound` accepts as copying the current source
 * (the newest on a tie). An upload without data parts is judged with `fallbackPlan`. Every other
 * upload is superseded.
 *
 * @param isBound whether an upload's parts belong to the current source version under `plan`.
 */
export function chooseUpload(
  size: number,
  uploads: readonly UploadWithParts[],
  fallbackPlan: PartPlan,
  isBound: (upload: UploadWithParts, plan: PartPlan) => boolean,
): UploadChoice {
  let best: { upload: UploadWithParts; plan: PartPlan; bytes: number } | undefined;
  for (const upload of uploads) {
    const dataParts = upload.parts.filter((part) => part.partNumber !== MANIFEST_PART_NUMBER);
    const plan = dataParts.length === 0 ? fallbackPlan : inferPlanFromParts(size, dataParts);
    if (plan === undefined || !isBound(upload, plan)) continue;
    const bytes = dataParts.reduce((sum, part) => sum + part.size, 0);
    if (best === undefined || bytes > best.bytes || (bytes === best.bytes && isNewer(upload, best.upload))) best = { upload, plan, bytes };
  }
  return {
    ...(best === undefined
      ? {}
      : {
          resume: {
            uploadId: best.upload.uploadId,
            plan: best.plan,
            parts: best.upload.parts.filter((part) => part.partNumber !== MANIFEST_PART_NUMBER),
          },
        }),
    supersede: uploads.filter((upload) => upload !== best?.upload).map((upload) => upload.uploadId),
  };
}

function isNewer(a: OpenUpload, b: OpenUpload): boolean {
  return (a.initiated?.getTime() ?? 0) > (b.initiated?.getTime() ?? 0);
}
