import { describe, expect, it } from "vitest";
import { chooseUpload, type UploadWithParts } from "../src/copy/multipart/chooseUpload.js";
import { MANIFEST_PART_NUMBER } from "../src/copy/multipart/uploadManifest.js";
import { MIB } from "../src/plan/limits.js";
import { planParts } from "../src/plan/partPlan.js";

const size = 40 * MIB;
const fresh = planParts(size, 8 * MIB);
const part = (partNumber: number, bytes: number) => ({ partNumber, size: bytes, etag: "0".repeat(32) });
const manifest = part(MANIFEST_PART_NUMBER, 90);
const always = () => true;

describe("chooseUpload", () => {
  it("resumes the upload holding the most bytes and supersedes the rest", () => {
    // Prepare
    const uploads: UploadWithParts[] = [
      { uploadId: "few", parts: [manifest, part(1, 8 * MIB)] },
      { uploadId: "many", parts: [manifest, part(1, 8 * MIB), part(2, 8 * MIB)] },
    ];
    // Act
    const choice = chooseUpload(size, uploads, fresh, always);
    // Assess
    expect(choice.resume?.uploadId).toBe("many");
    expect(choice.resume?.parts.map((p) => p.partNumber)).toEqual([1, 2]);
    expect(choice.supersede).toEqual(["few"]);
  });

  it("keeps the part size the upload started with even if the configuration changed", () => {
    const uploads: UploadWithParts[] = [{ uploadId: "six", parts: [manifest, part(1, 6 * MIB)] }];
    expect(chooseUpload(size, uploads, fresh, always).resume?.plan.partSize).toBe(6 * MIB);
  });

  it("supersedes uploads whose parts fit no plan or are not bound to this source", () => {
    const uploads: UploadWithParts[] = [
      { uploadId: "broken", parts: [part(1, 6 * MIB), part(2, 7 * MIB)] },
      { uploadId: "other-version", parts: [part(1, 8 * MIB)] },
    ];
    const choice = chooseUpload(size, uploads, fresh, (upload) => upload.uploadId !== "other-version");
    expect(choice.resume).toBeUndefined();
    expect(choice.supersede).toEqual(["broken", "other-version"]);
  });

  it("judges an upload with only its manifest by the fresh plan", () => {
    const choice = chooseUpload(size, [{ uploadId: "empty", parts: [manifest] }], fresh, always);
    expect(choice.resume).toEqual({ uploadId: "empty", plan: fresh, parts: [] });
  });

  it("prefers the newest upload when two hold the same bytes", () => {
    const uploads: UploadWithParts[] = [
      { uploadId: "old", initiated: new Date(1_000), parts: [part(1, 8 * MIB)] },
      { uploadId: "new", initiated: new Date(2_000), parts: [part(2, 8 * MIB)] },
    ];
    expect(chooseUpload(size, uploads, fresh, always).resume?.uploadId).toBe("new");
  });
});
