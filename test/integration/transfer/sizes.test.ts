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

  it.each([
    ["0 B", 0, "single", 1],
    ["1 B", 1, "single", 1],
    ["threshold - 1", threshold - 1, "single", 1],
    ["threshold", threshold, "single", 1],
    ["threshold + 1", threshold + 1, "multipart", 2],
    ["2 x part size", 2 * partSize, "multipart", 2],
    ["3 x part size", 3 * partSize, "multipart", 3],
    ["3 x part size + 1", 3 * partSize + 1, "multipart", 4],
  ])("copies %s byte-identical with the right mode", async (_label, size, mode, partCount) => {
    // Prepare
    const key = `sizes/${size}.bin`;
    const body = randomBody(size);
    await putObject(bed.src, bed.sourceBucket, key, body, { ContentType: "application/x-test", Metadata: { origin: "sizes" } });
    // Act
    const outcome = expectDone(
      await copyObject(
        bed.context(),
        { source: { bucket: bed.sourceBucket, key }, destination: { bucket: bed.destinationBucket, key } },
        settings,
      ),
    );
    // Assess
    expect(outcome).toMatchObject({ mode, bytes: size, partCount, partsUploaded: partCount, partsResumed: 0 });
    expect((await readObject(bed.dst, bed.destinationBucket, key)).equals(body)).toBe(true);
    const head = await bed.dst.send(new HeadObjectCommand({ Bucket: bed.destinationBucket, Key: key }));
    expect(head.ContentType).toBe("application/x-test");
    expect(head.Metadata).toEqual({ origin: "sizes" });
    expect(await openUploads(bed.dst, bed.destinationBucket, key)).toEqual([]);
  });

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
    // Act
    const outcome = expectDone(
      await copyObject(
        bed.context(),
        { source: { bucket: bed.sourceBucket, key }, destination: { bucket: bed.destinationBucket, key } },
        { ...settings, partSize: 8 * MIB },
      ),
    );
    // Assess
    expect(outcome).toMatchObject({ mode: "multipart", partCount: 13, partsUploaded: 13, verification: "part-checksums" });
    expect((await readObject(bed.dst, bed.destinationBucket, key)).equals(body)).toBe(true);
  });

  it("copies a multipart source with its own part layout, so the destination ETag equals the source's", async () => {
    // Prepare: the source was uploaded by another tool in 6 MiB parts
    const key = "sizes/layout.bin";
    const body = randomBody(20 * MIB + 7);
    const sourceEtag = await putMultipartObject(bed.src, bed.sourceBucket, key, body, 6 * MIB);
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
