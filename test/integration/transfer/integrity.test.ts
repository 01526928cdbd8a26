import { copyObject, MIB, type TransferSettings } from "@s3-migrate/transfer";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { putObject, readObject } from "../../support/endpoints.js";
import { openTransferBed, openUploads, putMultipartObject, randomBody, type TransferBed } from "../../support/transferBed.js";

const settings: TransferSettings = {
  smallObjectThreshold: 5 * MIB,
  partSize: 5 * MIB,
  partConcurrency: 2,
  readStreams: 1,
  retry: { baseDelayMs: 5 },
};

describe("copyObject integrity", () => {
  let bed: TransferBed;
  beforeAll(async () => {
    bed = await openTransferBed("integrity");
  });
  afterEach(() => {
    bed.sourceProxy.clearRules();
    bed.destinationProxy.clearRules();
  });
  afterAll(async () => bed.close());

  const request = (key: string) => bed.request(key);

  it("catches a part corrupted in flight that the endpoint stored anyway, and re-sends it", async () => {
    // Prepare: moto stores whatever arrives; the proxy flips a byte of the 2nd data part
    const key = "integrity/part-corrupted.bin";
    const body = randomBody(15 * MIB);
    await putObject(bed.src, bed.sourceBucket, key, body);
    const rule = bed.destinationProxy.addRule({
      match: { method: "PUT", query: { partNumber: "2" } },
      action: { type: "corruptRequestBody" },
    });
    // Act
    const outcome = await copyObject(bed.context(), request(key), settings);
    // Assess
    expect(rule.hits).toBe(1);
    expect(outcome).toMatchObject({ status: "done", partsUploaded: 3 });
    expect(bed.destinationProxy.countRequests({ method: "PUT", query: { partNumber: "2" } })).toBe(2);
    expect((await readObject(bed.dst, bed.destinationBucket, key)).equals(body)).toBe(true);
  });

  it("retries a part the endpoint rejects as BadDigest, as real S3 does", async () => {
    const key = "integrity/bad-digest.bin";
    const body = randomBody(11 * MIB);
    await putObject(bed.src, bed.sourceBucket, key, body);
    bed.destinationProxy.addRule({ match: { method: "PUT", query: { partNumber: "1" } }, action: { type: "corruptRequestBody" } });
    const validator = bed.destinationProxy.addRule({
      match: { method: "PUT" },
      action: { type: "validateContentMd5" },
      times: Number.POSITIVE_INFINITY,
    });
    const outcome = await copyObject(bed.context(), request(key), settings);
    expect(outcome.status).toBe("done");
    expect(bed.destinationProxy.countRequests({ method: "PUT", query: { partNumber: "1" }, status: 400 })).toBe(1);
    expect(validator.hits).toBeGreaterThanOrEqual(4);
    expect((await readObject(bed.dst, bed.destinationBucket, key)).equals(body)).toBe(true);
  });

  it("catches a small object corrupted on the way in or out", async () => {
    // Prepare: one corrupted download (caught against the source ETag), one corrupted upload (caught by the answered ETag)
    const key = "integrity/small.bin";
    const body = randomBody(4000);
    await putObject(bed.src, bed.sourceBucket, key, body);
    const download = bed.sourceProxy.addRule({ match: { method: "GET" }, action: { type: "corruptResponseBody" } });
    const upload = bed.destinationProxy.addRule({ match: { method: "PUT" }, action: { type: "corruptRequestBody" } });
    // Act
    const outcome = await copyObject(bed.context(), request(key), settings);
    // Assess
    expect([download.hits, upload.hits]).toEqual([1, 1]);
    expect(outcome).toMatchObject({ status: "done", verification: "source-etag" });
    expect((await readObject(bed.dst, bed.destinationBucket, key)).equals(body)).toBe(true);
  });

  it("never completes an upload whose parts do not reproduce the source ETag (corrupted read)", async () => {
    // Prepare: a legacy multipart source (no stored checksum; ETag checkable part by part), one corrupted download
    const key = "integrity/read-corrupted.bin";
    const body = randomBody(12 * MIB);
    await putMultipartObject(bed.legacySrc, bed.sourceBucket, key, body, 6 * MIB);
    bed.sourceProxy.addRule({ match: { method: "GET", query: { "x-id": "GetObject" } }, action: { type: "corruptResponseBody" } });
    // Act
    const first = await copyObject(bed.context(), request(key), settings);
    const afterFirst = await openUploads(bed.dst, bed.destinationBucket, key);
    const second = await copyObject(bed.context(), request(key), settings);
    // Assess
    expect(first).toMatchObject({ status: "failed", error: { code: "IntegrityMismatch", retryable: true } });
    expect(afterFirst).toEqual([]);
    expect(second).toMatchObject({ status: "done", verification: "source-etag" });
    expect((await readObject(bed.dst, bed.destinationBucket, key)).equals(body)).toBe(true);
  });

  it("retries throttling and server errors, and gives up with a retryable failure when they persist", async () => {
    const key = "integrity/throttled.bin";
    await putObject(bed.src, bed.sourceBucket, key, randomBody(6 * MIB));
    bed.destinationProxy.addRule({
      match: { method: "PUT", query: "partNumber" },
      action: { type: "status", status: 503, code: "SlowDown" },
      times: 3,
    });
    const recovered = await copyObject(bed.context(), request(key), settings);
    expect(recovered, JSON.stringify(recovered.status === "failed" ? recovered.error.message : recovered)).toMatchObject({
      status: "done",
    });
    bed.destinationProxy.addRule({
      match: { method: "PUT" },
      action: { type: "status", status: 500, code: "InternalError" },
      times: Number.POSITIVE_INFINITY,
    });
    const outcome = await copyObject(bed.context(), request("integrity/throttled.bin"), {
      ...settings,
      retry: { maxAttempts: 2, baseDelayMs: 1 },
    });
    expect(outcome).toMatchObject({ status: "failed", error: { code: "Transient", retryable: true, side: "destination" } });
  });
});
