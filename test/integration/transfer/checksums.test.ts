/**
 * Which proof each kind of source gets (docs/integrity.md, "Which proof for which source"), and
 * that a corrupted byte in flight is caught by it, against the test bed that computes, verifies
 * and keeps checksums as S3 does (test/setup/moto_checksums.py). Requests are counted at the
 * proxies in front of both endpoints.
 */
import { CompleteMultipartUploadCommand, CreateMultipartUploadCommand, HeadObjectCommand, UploadPartCommand } from "@aws-sdk/client-s3";
import {
  CRC_ALGORITHMS,
  combineCrcs,
  copyObject,
  crcToBase64,
  loadCrc,
  MIB,
  type TransferOutcome,
  type TransferSettings,
} from "@s3-migrate/transfer";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { putObject, readObject } from "../../support/endpoints.js";
import { openTransferBed, openUploads, putMultipartObject, randomBody, type TransferBed } from "../../support/transferBed.js";

const settings: TransferSettings = {
  smallObjectThreshold: 5 * MIB,
  partSize: 5 * MIB,
  partConcurrency: 2,
  readStreams: 2,
  retry: { baseDelayMs: 5 },
};

describe("copyObject proofs by stored checksum and whole-object MD5", () => {
  let bed: TransferBed;
  beforeAll(async () => {
    bed = await openTransferBed("checksums");
  });
  afterEach(() => {
    bed.sourceProxy.clearRules();
    bed.destinationProxy.clearRules();
  });
  afterAll(async () => bed.close());

  const request = (key: string) => bed.request(key);
  const sourceChecksum = async (key: string) =>
    bed.src.send(new HeadObjectCommand({ Bucket: bed.sourceBucket, Key: key, ChecksumMode: "ENABLED" }));
  const destinationChecksum = async (key: string) =>
    bed.dst.send(new HeadObjectCommand({ Bucket: bed.destinationBucket, Key: key, ChecksumMode: "ENABLED" }));
  const partPuts = (key: string) =>
    bed.destinationProxy.countRequests({ method: "PUT", query: "partNumber", path: new RegExp(`/${key}$`) }) -
    bed.destinationProxy.countRequests({ method: "PUT", query: { partNumber: "10000" }, path: new RegExp(`/${key}$`) });

  it("proves a multipart source's own FULL_OBJECT CRC32C, sending no Content-MD5 and the CRC with every part", async () => {
    // Prepare: a source uploaded with CRC32C FULL_OBJECT, 3 parts of 5 MiB and a tail
    const key = "crc32c.bin";
    const body = randomBody(15 * MIB + 77);
    const crc = await loadCrc("CRC32C");
    if (crc === undefined) throw new Error("CRC32C did not load");
    const { UploadId } = await bed.src.send(
      new CreateMultipartUploadCommand({ Bucket: bed.sourceBucket, Key: key, ChecksumAlgorithm: "CRC32C", ChecksumType: "FULL_OBJECT" }),
    );
    const parts = [];
    const ranges = [];
    for (let start = 0, partNumber = 1; start < body.length; start += 5 * MIB, partNumber++) {
      const slice = body.subarray(start, start + 5 * MIB);
      const value = crc.update(slice, 0n);
      ranges.push({ crc: value, length: slice.length });
      const checksum = crcToBase64(crc.algorithm, value);
      const sent = await bed.src.send(
        new UploadPartCommand({
          Bucket: bed.sourceBucket,
          Key: key,
          UploadId,
          PartNumber: partNumber,
          Body: slice,
          ChecksumCRC32C: checksum,
        }),
      );
      parts.push({ PartNumber: partNumber, ETag: sent.ETag, ChecksumCRC32C: checksum });
    }
    const whole = crcToBase64(CRC_ALGORITHMS.CRC32C, combineCrcs(CRC_ALGORITHMS.CRC32C, ranges));
    await bed.src.send(
      new CompleteMultipartUploadCommand({
        Bucket: bed.sourceBucket,
        Key: key,
        UploadId,
        MultipartUpload: { Parts: parts },
        ChecksumCRC32C: whole,
        ChecksumType: "FULL_OBJECT",
      }),
    );
    // Act
    const outcome = await copyObject(bed.context(), request(key), settings);
    // Assess
    expect(outcome).toMatchObject({ status: "done", verification: "source-checksum", checksum: { algorithm: "CRC32C", value: whole } });
    const sent = (manifest: boolean) =>
      bed.destinationProxy.requests
        .filter(
          (entry) => entry.method === "PUT" && entry.query.partNumber !== undefined && (entry.query.partNumber === "10000") === manifest,
        )
        .map((entry) => Object.keys(entry.integrityHeaders).sort());
    // data parts carry their CRC only; the manifest keeps its MD5 too (its ETag binds the upload)
    expect(sent(false)).toEqual(Array(4).fill(["x-amz-checksum-crc32c"]));
    expect(sent(true)).toEqual([["content-md5", "x-amz-checksum-crc32c"]]);
    const completion = bed.destinationProxy.requests.find((entry) => entry.method === "POST" && entry.query.uploadId !== undefined);
    expect(completion?.integrityHeaders).toMatchObject({ "x-amz-checksum-crc32c": whole });
    const head = await destinationChecksum(key);
    expect([head.ChecksumCRC32C, head.ChecksumType]).toEqual([whole, "FULL_OBJECT"]);
    expect((await readObject(bed.dst, bed.destinationBucket, key)).equals(body)).toBe(true);
  });

  it("catches a multipart read corrupted in flight by the source's CRC64NVME, discards the upload and succeeds next time", async () => {
    // Prepare: a source with the default CRC64NVME, one ranged GET corrupted (its part's CRC is then computed over the wrong bytes)
    const key = "corrupted-crc.bin";
    const body = randomBody(12 * MIB);
    await putObject(bed.src, bed.sourceBucket, key, body);
    bed.sourceProxy.addRule({ match: { method: "GET", query: { "x-id": "GetObject" } }, action: { type: "corruptResponseBody" } });
    // Act
    const first = await copyObject(bed.context(), request(key), settings);
    const afterFirst = await openUploads(bed.dst, bed.destinationBucket, key);
    const second = await copyObject(bed.context(), request(key), settings);
    // Assess
    expect(first).toMatchObject({ status: "failed", error: { code: "IntegrityMismatch", side: "source", retryable: true } });
    expect(first.status === "failed" && first.error.message).toMatch(/CRC64NVME of the bytes read .* differs from the source's stored/);
    expect(afterFirst).toEqual([]);
    expect(second).toMatchObject({ status: "done", verification: "source-checksum" });
    expect((await readObject(bed.dst, bed.destinationBucket, key)).equals(body)).toBe(true);
  });

  it("proves a small object whose ETag is no MD5 (SSE-KMS) by its CRC64NVME, and retries a corrupted download", async () => {
    // Prepare
    const key = "kms-small.bin";
    const body = randomBody(70_000);
    await putObject(bed.src, bed.sourceBucket, key, body, { ServerSideEncryption: "aws:kms" });
    const corrupted = bed.sourceProxy.addRule({ match: { method: "GET" }, action: { type: "corruptResponseBody" } });
    // Act
    const outcome = await copyObject(bed.context(), { ...request(key), source: { ...request(key).source, size: body.length } }, settings);
    // Assess
    expect(corrupted.hits).toBe(1);
    const stored = (await sourceChecksum(key)).ChecksumCRC64NVME;
    expect(outcome).toMatchObject({
      status: "done",
      mode: "single",
      verification: "source-checksum",
      checksum: { algorithm: "CRC64NVME", value: stored },
    });
    expect((await destinationChecksum(key)).ChecksumCRC64NVME).toBe(stored);
    expect((await readObject(bed.dst, bed.destinationBucket, key)).equals(body)).toBe(true);
  });

  it("proves a legacy single-PUT source copied in parts by the MD5 of the whole, even when resumed (stored parts read again, not sent)", async () => {
    // Prepare: 8 parts of 5 MiB, no stored checksum; the first run paused after 3 parts
    const key = "legacy-resumed.bin";
    const body = randomBody(40 * MIB);
    await putObject(bed.legacySrc, bed.sourceBucket, key, body);
    const deadline = new AbortController();
    const paused = await copyObject(
      bed.context({
        pause: deadline.signal,
        cancel: new AbortController().signal,
        onProgress: (event) => event.partsDone >= 3 && deadline.abort(),
      }),
      request(key),
      settings,
    );
    const putsBefore = partPuts(key);
    const bytesRead: number[] = [];
    // Act
    const second: TransferOutcome = await copyObject(
      bed.context({ metrics: { addMetric: (name, _unit, value) => name === "BytesRead" && bytesRead.push(value) } }),
      request(key),
      settings,
    );
    // Assess
    expect(paused).toMatchObject({ status: "paused", partCount: 8 });
    if (second.status !== "done") throw new Error(`expected done, got ${JSON.stringify(second)}`);
    expect(second).toMatchObject({ verification: "source-etag", partsResumed: expect.any(Number) });
    expect(second.partsResumed).toBeGreaterThanOrEqual(3);
    expect(second.partsResumed + second.partsUploaded).toBe(8);
    expect(partPuts(key) - putsBefore).toBe(second.partsUploaded);
    // every byte read once more for the MD5 of the whole
    expect(bytesRead.reduce((sum, value) => sum + value, 0)).toBe(40 * MIB);
    expect(second.checksum).toBeUndefined();
    // the destination verified and keeps the CRC32 the parts were sent with
    expect((await destinationChecksum(key)).ChecksumType).toBe("FULL_OBJECT");
    expect((await readObject(bed.dst, bed.destinationBucket, key)).equals(body)).toBe(true);
  });

  it("catches a legacy single-PUT source's corrupted read by the MD5 of the whole, and discards the upload", async () => {
    const key = "legacy-corrupted.bin";
    const body = randomBody(11 * MIB);
    await putObject(bed.legacySrc, bed.sourceBucket, key, body);
    bed.sourceProxy.addRule({ match: { method: "GET", query: { "x-id": "GetObject" } }, action: { type: "corruptResponseBody" } });
    const first = await copyObject(bed.context(), request(key), settings);
    const afterFirst = await openUploads(bed.dst, bed.destinationBucket, key);
    const second = await copyObject(bed.context(), request(key), settings);
    expect(first).toMatchObject({ status: "failed", error: { code: "IntegrityMismatch", side: "source" } });
    expect(first.status === "failed" && first.error.message).toMatch(/MD5 of the bytes read .* differs from the source ETag/);
    expect(afterFirst).toEqual([]);
    expect(second).toMatchObject({ status: "done", verification: "source-etag" });
    expect((await readObject(bed.dst, bed.destinationBucket, key)).equals(body)).toBe(true);
  });

  it("with useChecksums off, sends no checksum and proves what MD5 can (a store without flexible checksums)", async () => {
    const key = "no-checksums.bin";
    const body = randomBody(12 * MIB);
    const sourceEtag = await putMultipartObject(bed.src, bed.sourceBucket, key, body, 6 * MIB);
    const outcome = await copyObject(bed.context(), request(key), { ...settings, useChecksums: false });
    expect(outcome).toMatchObject({ status: "done", verification: "source-etag" });
    expect(outcome.status === "done" && outcome.checksum).toBeUndefined();
    expect(outcome.status === "done" && `"${outcome.destinationEtag}"`).toBe(sourceEtag);
  });
});
