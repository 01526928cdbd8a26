import { describe, expect, it } from "vitest";
import { parseQueueMessage } from "../src/messages/queueMessage.js";
import { serializeRange } from "../src/messages/rangeMessage.js";
import { planRanges } from "../src/worker/fanoutPlan.js";

describe("planRanges", () => {
  it("cuts the parts into ranges of rangeParts, the last one shorter, with the bytes each holds", () => {
    // Act
    const ranges = planRanges({ size: 95, partSize: 10, partCount: 10 }, 4);
    // Assess
    expect(ranges).toEqual([
      { index: 0, firstPart: 1, lastPart: 4, bytes: 40 },
      { index: 1, firstPart: 5, lastPart: 8, bytes: 40 },
      { index: 2, firstPart: 9, lastPart: 10, bytes: 15 },
    ]);
    expect(ranges.reduce((sum, range) => sum + range.bytes, 0)).toBe(95);
  });

  it("makes one range when rangeParts covers every part, and refuses a range of no parts", () => {
    expect(planRanges({ size: 30, partSize: 10, partCount: 3 }, 16)).toEqual([{ index: 0, firstPart: 1, lastPart: 3, bytes: 30 }]);
    expect(() => planRanges({ size: 30, partSize: 10, partCount: 3 }, 0)).toThrow(RangeError);
  });
});

describe("range job messages", () => {
  const range = {
    source: { bucket: "src", key: "big +%😀.bin", size: 100, etag: "abc-4" },
    destination: { bucket: "dst", key: "copied/big +%😀.bin" },
    upload: { uploadId: "u-1", partSize: 30, partCount: 4, layoutMatches: true },
    range: { index: 1, firstPart: 3, lastPart: 4 },
    rangeCount: 2,
    queuedAt: "2026-12-02T05:00:00.000Z",
  };

  it("round-trips through serializeRange and parseQueueMessage as range work", () => {
    // Act
    const [work] = parseQueueMessage(serializeRange({ ...range, continuation: 2, leaseToken: "t" }));
    // Assess
    expect(work).toEqual({
      kind: "range",
      source: range.source,
      destination: range.destination,
      upload: range.upload,
      range: range.range,
      rangeCount: 2,
      continuation: 2,
      leaseToken: "t",
      origin: { format: "range" },
    });
  });

  it("carries the upload's CRC and the source's stored checksum together, and refuses one without the other", () => {
    const checksum = { algorithm: "CRC64NVME", type: "FULL_OBJECT", value: "rosUhgp5mIg=" } as const;
    const withCrc = {
      ...range,
      source: { ...range.source, checksum },
      upload: { ...range.upload, checksumAlgorithm: "CRC64NVME" as const },
    };
    const [work] = parseQueueMessage(serializeRange(withCrc));
    expect(work).toMatchObject({ kind: "range", source: { checksum }, upload: { checksumAlgorithm: "CRC64NVME" } });
    expect(() => parseQueueMessage(serializeRange({ ...withCrc, source: range.source }))).toThrow(/go together/);
    expect(() =>
      parseQueueMessage(
        serializeRange({ ...withCrc, source: { ...range.source, checksum: { ...checksum, algorithm: "CRC32" as "CRC64NVME" } } }),
      ),
    ).toThrow(/source.checksum must be the upload's algorithm/);
    expect(() =>
      parseQueueMessage(serializeRange({ ...withCrc, upload: { ...range.upload, checksumAlgorithm: "MD5" as "CRC32" } })),
    ).toThrow(/upload.checksumAlgorithm must be/);
  });

  it.each([
    ["a part beyond the plan", { range: { index: 1, firstPart: 3, lastPart: 5 } }, /range.lastPart/],
    ["a last part before the first", { range: { index: 1, firstPart: 3, lastPart: 2 } }, /range.lastPart/],
    ["an index beyond the range count", { range: { index: 2, firstPart: 3, lastPart: 4 } }, /range.index/],
    ["no upload id", { upload: { ...range.upload, uploadId: "" } }, /upload.uploadId/],
    ["no source ETag", { source: { ...range.source, etag: undefined } }, /source.etag/],
    ["an empty destination key", { destination: { bucket: "dst", key: "" } }, /destination.key/],
  ])("refuses %s with a clear error", (_, change, reason) => {
    expect(() => parseQueueMessage(JSON.stringify({ schema: "s3-migrate/range", version: 1, ...range, ...change }))).toThrow(reason);
  });
});
