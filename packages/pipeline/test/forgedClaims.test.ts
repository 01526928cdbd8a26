import { describe, expect, it } from "vitest";
import type { RangeWork } from "../src/messages/queueMessage.js";
import { forgedClaims } from "../src/worker/processRange.js";

/** A range job of upload `u1` for a 20 MiB object in 4 parts of 5 MiB, 2 ranges. */
const work: RangeWork = {
  kind: "range",
  source: { bucket: "src", key: "big.bin", size: 20 * 1024 * 1024, etag: "a".repeat(32) },
  destination: { bucket: "dst", key: "big.bin" },
  upload: { uploadId: "u1", partSize: 5 * 1024 * 1024, partCount: 4, layoutMatches: false },
  range: { index: 0, firstPart: 1, lastPart: 2 },
  rangeCount: 2,
  continuation: 0,
  origin: { format: "range" },
};
const record = {
  uploadId: "u1",
  srcEtag: "a".repeat(32),
  size: 20 * 1024 * 1024,
  partSize: 5 * 1024 * 1024,
  partCount: 4,
  rangeCount: 2,
};

describe("a range job's claims against the object's record", () => {
  it("accepts a job that matches the record, and leaves a job of another upload to beginRange (superseded)", () => {
    expect(forgedClaims(record, work)).toBeUndefined();
    expect(forgedClaims({ ...record, uploadId: "u2" }, work)).toBeUndefined();
    expect(forgedClaims(undefined, work)).toBeUndefined();
  });

  it("names every claim the record does not hold", () => {
    expect(forgedClaims(record, { ...work, source: { ...work.source, etag: "b".repeat(32) } })).toBe(
      "source.etag differ from the ledger's record",
    );
    expect(forgedClaims(record, { ...work, source: { ...work.source, size: 1 }, rangeCount: 3 })).toBe(
      "source.size, rangeCount differ from the ledger's record",
    );
    expect(forgedClaims(record, { ...work, upload: { ...work.upload, partSize: 1, partCount: 9 } })).toBe(
      "upload.partSize, upload.partCount differ from the ledger's record",
    );
  });

  it("checks the version only where the record holds one", () => {
    expect(forgedClaims(record, { ...work, source: { ...work.source, versionId: "v9" } })).toBeUndefined();
    expect(forgedClaims({ ...record, srcVersionId: "v1" }, { ...work, source: { ...work.source, versionId: "v9" } })).toBe(
      "source.versionId differ from the ledger's record",
    );
    expect(forgedClaims({ ...record, srcVersionId: "v1" }, work)).toBe("source.versionId differ from the ledger's record");
  });
});
