import { createHash } from "node:crypto";
import { MAX_PARTS } from "../../plan/limits.js";
import type { PartPlan } from "../../plan/partPlan.js";
import type { SourceObject } from "../sourceObject.js";

/**
 * Binds an open multipart upload to the exact source version it copies, inside the upload itself.
 *
 * S3 keeps no custom data on an in-progress upload, yet a resumed upload must never mix parts of
 * two versions of the source. So each new upload gets a tiny extra part, number 10,000, holding a
 * JSON manifest of the source identity and the plan. ListParts reports that part's ETag, the MD5
 * of the manifest, so a later run proves the binding without reading anything back. Completion
 * lists only the data parts, and S3 discards the manifest part then. New plans therefore use at
 * most 9,999 data parts; an object that needs all 10,000 goes without a manifest and relies on the
 * composite-ETag check alone.
 */
export const MANIFEST_PART_NUMBER = MAX_PARTS;

/**
 * The manifest bytes for one source version, plan and part checksum (`checksum`: the algorithm
 * the upload was created with, absent for MD5-only uploads, whose manifests stay as they were
 * before checksums, so their uploads still resume).
 */
export function manifestFor(source: Pick<SourceObject, "etag" | "versionId" | "size">, plan: PartPlan, checksum?: string): Buffer {
  return Buffer.from(
    JSON.stringify({
      "s3-migrate": 1,
      etag: source.etag,
      versionId: source.versionId ?? null,
      size: source.size,
      partSize: plan.partSize,
      ...(checksum === undefined ? {} : { checksum }),
    }),
  );
}

/** The ETag S3 gives the manifest part (hex MD5, SSE-S3 or no encryption). */
export function manifestEtag(source: Pick<SourceObject, "etag" | "versionId" | "size">, plan: PartPlan, checksum?: string): string {
  return createHash("md5")
    .update(manifestFor(source, plan, checksum))
    .digest("hex");
}

/** Whether a plan leaves room for the manifest part. */
export function hasManifestSlot(plan: PartPlan): boolean {
  return plan.partCount < MANIFEST_PART_NUMBER;
}
