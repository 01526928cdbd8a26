import { type CopyRequest, copyObject, MIB } from "@s3-migrate/transfer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { putObject } from "../../support/endpoints.js";
import { openTransferBed, openUploads, randomBody, type TransferBed } from "../../support/transferBed.js";

describe("copyObject terminal errors", () => {
  let bed: TransferBed;
  beforeAll(async () => {
    bed = await openTransferBed("errors");
    await putObject(bed.src, bed.sourceBucket, "present.txt", "here");
  });
  afterAll(async () => bed.close());

  const copy = (request: CopyRequest) => copyObject(bed.context(), request, { smallObjectThreshold: 5 * MIB, partSize: 5 * MIB });

  it.each([
    [
      "a missing source key (size unknown)",
      () => ({ source: { bucket: bed.sourceBucket, key: "absent.txt" }, destination: { bucket: bed.destinationBucket, key: "x" } }),
      "SourceMissing",
      "source",
    ],
    [
      "a missing source key (size known)",
      () => ({
        source: { bucket: bed.sourceBucket, key: "absent.txt", size: 3 },
        destination: { bucket: bed.destinationBucket, key: "x" },
      }),
      "SourceMissing",
      "source",
    ],
    [
      "a missing source bucket",
      () => ({ source: { bucket: "no-such-source-bucket", key: "a" }, destination: { bucket: bed.destinationBucket, key: "x" } }),
      "BucketMissing",
      "source",
    ],
    [
      "a missing destination bucket",
      () => ({ source: { bucket: bed.sourceBucket, key: "present.txt" }, destination: { bucket: "no-such-destination-bucket", key: "x" } }),
      "BucketMissing",
      "destination",
    ],
  ])("reports %s as a distinct, non-retryable failure", async (_label, makeRequest, code, side) => {
    const outcome = await copy(makeRequest());
    expect(outcome).toMatchObject({ status: "failed", error: { code, side, retryable: false } });
  });

  it("reports access denied on either side, naming the side", async () => {
    bed.sourceProxy.addRule({ match: { method: "GET" }, action: { type: "status", status: 403, code: "AccessDenied" } });
    const read = await copy({
      source: { bucket: bed.sourceBucket, key: "present.txt", size: 4 },
      destination: { bucket: bed.destinationBucket, key: "d1" },
    });
    bed.destinationProxy.addRule({ match: { method: "PUT" }, action: { type: "status", status: 403, code: "AccessDenied" } });
    const write = await copy({
      source: { bucket: bed.sourceBucket, key: "present.txt", size: 4 },
      destination: { bucket: bed.destinationBucket, key: "d2" },
    });
    expect(read).toMatchObject({ status: "failed", error: { code: "AccessDenied", side: "source", retryable: false } });
    expect(write).toMatchObject({ status: "failed", error: { code: "AccessDenied", side: "destination", retryable: false } });
    expect((read.status === "failed" && read.error.message) || "").toMatch(/source side's credentials/);
  });

  it("reports an archived (Glacier / Deep Archive) source that is not restored", async () => {
    await putObject(bed.src, bed.sourceBucket, "cold/deep.bin", randomBody(10), { StorageClass: "DEEP_ARCHIVE" });
    await putObject(bed.src, bed.sourceBucket, "cold/glacier.bin", randomBody(10), { StorageClass: "GLACIER" });
    for (const key of ["cold/deep.bin", "cold/glacier.bin"]) {
      for (const size of [undefined, 10]) {
        const outcome = await copy({
          source: { bucket: bed.sourceBucket, key, ...(size === undefined ? {} : { size }) },
          destination: { bucket: bed.destinationBucket, key },
        });
        expect(outcome).toMatchObject({ status: "failed", error: { code: "ArchivedObject", retryable: false, side: "source" } });
      }
    }
  });

  it("refuses a part that does not fit the memory budget, writing nothing", async () => {
    await putObject(bed.src, bed.sourceBucket, "budget/big.bin", randomBody(12 * MIB));
    const outcome = await copyObject(
      bed.context(),
      {
        source: { bucket: bed.sourceBucket, key: "budget/big.bin" },
        destination: { bucket: bed.destinationBucket, key: "budget/big.bin" },
      },
      { smallObjectThreshold: 5 * MIB, partSize: 8 * MIB, memoryBudgetBytes: 4 * MIB },
    );
    expect(outcome).toMatchObject({ status: "failed", error: { code: "InsufficientMemory", retryable: false } });
    expect(await openUploads(bed.dst, bed.destinationBucket, "budget/big.bin")).toEqual([]);
  });
});
