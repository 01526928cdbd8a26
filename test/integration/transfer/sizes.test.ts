import { HeadObjectCommand } from "@aws-sdk/client-s3";
import { copyObject, type DoneOutcome, MIB, type TransferOutcome } from "@s3-migrate/transfer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { putObject, readObject } from "../../support/endpoints.js";
import { openTransferBed, openUploads, putMultipartObject, randomBody, type TransferBed } from "../../support/transferBed.js";

const threshold = 5 * MIB;
const partSize = 5 * MIB;
const settings = { smallObjectThreshold: threshold, partSize, partConcurrency: 4, readStreams: 2 };

function expectDone(outcome: TransferOutcome): DoneOutcome {
  if (outcome.status !== "done") throw new Error(`expected done, got ${JSON.stringify(outcome)}`);
  return outcome;
}

describe("copyObject sizes", () => {
  let bed: TransferBed;
  beforeAll(async () => {
    bed = await openTransferBed("sizes");
  });
  afterAll(async () => bed.close());

  // A source written since S3 stores checksums by default has a CRC64NVME: copies too large for one
  // PUT are proven by it (small ones by their MD5 ETag, which costs nothing more). A legacy source
  // has no checksum: its ETag, the MD5 of its single PUT, proves it, also when copied in parts.
  it.each([
    ["0 B", 0, "single", 1, "source-etag", "source-etag"],
    ["1 B", 1, "single", 1, "source-etag", "source-etag"],
    ["threshold - 1", threshold - 1, "single", 1, "source-etag", "source-etag"],
    ["threshold", threshold, "single", 1, "source-etag", "source-etag"],
    ["threshold + 1", threshold + 1, "multipart", 2, "source-checksum", "source-etag"],
    ["2 x part size", 2 * partSize, "multipart", 2, "source-checksum", "source-etag"],
    ["3 x part size", 3 * partSize, "multipart", 3, "source-checksum", "source-etag"],
    ["3 x part size + 1", 3 * partSize + 1, "multipart", 4, "source-checksum", "source-etag"],
  ])(
    "copies %s byte-identical with the right mode, proven (source with and without a stored checksum)",
    async (_label, size, mode, partCount, withChecksum, legacy) => {
      for (const [writer, verification] of [
        [bed.src, withChecksum],
        [bed.legacySrc, legacy],
      ] as const) {
        // Prepare
        const key = `sizes/${size}-${verification}.bin`;
        const body = randomBody(size);
        await putObject(writer, bed.sourceBucket, key, body, { ContentType: "application/x-test", Metadata: { origin: "sizes" } });
        // Act
        const outcome = expectDone(
          await copyObject(
            bed.context(),
            { source: { bucket: bed.sourceBucket, key }, destination: { bucket: bed.destinationBucket, key } },
            settings,
          ),
        );
        // Assess
        expect(outcome).toMatchObject({ mode, bytes: size, partCount, partsUploaded: partCount, partsResumed: 0, verification });
        expect((await readObject(bed.dst, bed.destinationBucket, key)).equals(body)).toBe(true);
        const head = await bed.dst.send(new HeadObjectCommand({ Bucket: bed.destinationBucket, Key: key, ChecksumMode: "ENABLED" }));
        expect(head.ContentType).toBe("application/x-test");
        expect(head.Metadata).toEqual({ origin: "sizes" });
        expect(await openUploads(bed.dst, bed.destinationBucket, key)).toEqual([]);
        if (verification === "source-checksum") {
          // the destination keeps the source's own checksum, which it verified at completion
          const sourceHead = await bed.src.send(new HeadObjectCommand({ Bucket: bed.sourceBucket, Key: key, ChecksumMode: "ENABLED" }));
          expect(outcome.checksum).toEqual({ algorithm: "CRC64NVME", value: sourceHead.ChecksumCRC64NVME });
          expect([head.ChecksumCRC64NVME, head.ChecksumType]).toEqual([sourceHead.ChecksumCRC64NVME, "FULL_OBJECT"]);
        } else expect(outcome.checksum).toBeUndefined();
      }
    },
  );

  it("proves small copies against the source ETag", async () => {
    const key = "sizes/proven.txt";
    await putObject(bed.src, bed.sourceBucket, key, "hello");
    const headsBefore = bed.sourceProxy.countRequests({ method: "HEAD" });
    const outcome = expectDone(
      await copyObject(
        bed.context(),
        { source: { bucket: bed.sourceBucket, key, size: 5 }, destination: { bucket: bed.destinationBucket, key } },
        settings,
      ),
    );
    expect(outcome.verification).toBe("source-etag");
    expect(outcome.destinationEtag).toBe(outcome.sourceEtag);
    expect(bed.sourceProxy.countRequests({ method: "HEAD" })).toBe(headsBefore);
  });

  it("copies a 100 MiB+ multipart object end to end", async () => {
    // Prepare
    const key = "sizes/large.bin";
    const body = randomBody(100 * MIB + 12345);
    await putObject(bed.src, bed.sourceBucket, key, body);
    const sourceHead = await bed.src.send(new HeadObjectCommand({ Bucket: bed.sourceBucket, Key: key, ChecksumMode: "ENABLED" }));
    // Act
    const outcome = expectDone(
      await copyObject(
        bed.context(),
        { source: { bucket: bed.sourceBucket, key }, destination: { bucket: bed.destinationBucket, key } },
        { ...settings, partSize: 8 * MIB },
      ),
    );
    // Assess
    expect(outcome).toMatchObject({
      mode: "multipart",
      partCount: 13,
      partsUploaded: 13,
      verification: "source-checksum",
      checksum: { algorithm: "CRC64NVME", value: sourceHead.ChecksumCRC64NVME },
    });
    expect((await readObject(bed.dst, bed.destinationBucket, key)).equals(body)).toBe(true);
  });

  it("copies a multipart source with its own part layout, so the destination ETag equals the source's", async () => {
    // Prepare: the source was uploaded by another tool in 6 MiB parts, before S3 stored checksums by default
    const key = "sizes/layout.bin";
    const body = randomBody(20 * MIB + 7);
    const sourceEtag = await putMultipartObject(bed.legacySrc, bed.sourceBucket, key, body, 6 * MIB);
    // Act
    const outcome = expectDone(
      await copyObject(
        bed.context(),
        { source: { bucket: bed.sourceBucket, key }, destination: { bucket: bed.destinationBucket, key } },
        settings,
      ),
    );
    // Assess
    expect(outcome).toMatchObject({ partCount: 4, verification: "source-etag" });
    expect(`"${outcome.destinationEtag}"`).toBe(sourceEtag);
    expect((await readObject(bed.dst, bed.destinationBucket, key)).equals(body)).toBe(true);
  });
});
