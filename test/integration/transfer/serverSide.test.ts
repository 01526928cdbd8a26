/**
 * Server-side copies (`serverSideCopy`): one identity reads the source and writes the destination,
 * so both buckets are on one test-bed endpoint, behind one proxy that counts the requests. No
 * byte of an object may go through the client: no GetObject of data at all.
 */
import { HeadObjectCommand } from "@aws-sdk/client-s3";
import { copyObject, createS3Client, MIB, type TransferOutcome, type TransferSettings } from "@s3-migrate/transfer";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  createBucket,
  makeLegacyS3Client,
  makeS3Client,
  putObject,
  readObject,
  testEndpoints,
  uniqueBucketName,
} from "../../support/endpoints.js";
import { type FaultProxy, startFaultProxy } from "../../support/faultProxy.js";
import { openUploads, putMultipartObject, randomBody } from "../../support/transferBed.js";

const settings: TransferSettings = {
  serverSideCopy: true,
  smallObjectThreshold: 5 * MIB,
  partSize: 5 * MIB,
  partConcurrency: 2,
  retry: { baseDelayMs: 5 },
};

describe("copyObject server-side (CopyObject, UploadPartCopy)", () => {
  const { source } = testEndpoints();
  const s3 = makeS3Client(source.endpoint, source.region);
  const legacy = makeLegacyS3Client(source.endpoint, source.region);
  let proxy: FaultProxy;
  let sourceBucket: string;
  let destinationBucket: string;
  let client: ReturnType<typeof createS3Client>;
  beforeAll(async () => {
    sourceBucket = await createBucket(s3, uniqueBucketName("server-side-src"));
    destinationBucket = await createBucket(s3, uniqueBucketName("server-side-dst"));
    proxy = await startFaultProxy({ target: source.endpoint });
    client = createS3Client(
      { region: source.region, endpoint: proxy.endpoint, credentials: { accessKeyId: "testing", secretAccessKey: "testing" } },
      { maxAttempts: 2 },
    );
  });
  afterEach(() => proxy.clearRules());
  afterAll(async () => proxy.close());

  const request = (key: string) => ({ source: { bucket: sourceBucket, key }, destination: { bucket: destinationBucket, key } });
  const dataReads = () => proxy.countRequests({ method: "GET", query: { "x-id": "GetObject" } });
  const partCopies = (key: string) =>
    proxy.requests.filter(
      (entry) =>
        entry.method === "PUT" &&
        entry.query.partNumber !== undefined &&
        entry.query.partNumber !== "10000" &&
        entry.path.endsWith(`/${key}`),
    ).length;
  const stored = async (bucket: string, key: string) =>
    s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: "ENABLED" }));
  function expectDone(outcome: TransferOutcome) {
    if (outcome.status !== "done") throw new Error(`expected done, got ${JSON.stringify(outcome)}`);
    return outcome;
  }

  it("copies a small object with one CopyObject, metadata carried, proven by the source's CRC64NVME, reading no byte", async () => {
    const key = "small é+.txt";
    const body = randomBody(70_000);
    await putObject(s3, sourceBucket, key, body, { ContentType: "text/x-test", Metadata: { origin: "server-side" } });
    const readsBefore = dataReads();
    const outcome = expectDone(await copyObject({ source: client, destination: client }, request(key), settings));
    const sourceHead = await stored(sourceBucket, key);
    expect(outcome).toMatchObject({
      mode: "single",
      verification: "source-checksum",
      checksum: { algorithm: "CRC64NVME", value: sourceHead.ChecksumCRC64NVME },
    });
    expect(dataReads() - readsBefore).toBe(0);
    const head = await stored(destinationBucket, key);
    expect([head.ContentType, head.Metadata, head.ChecksumCRC64NVME]).toEqual([
      "text/x-test",
      { origin: "server-side" },
      sourceHead.ChecksumCRC64NVME,
    ]);
    expect((await readObject(s3, destinationBucket, key)).equals(body)).toBe(true);
  });

  it("proves a legacy small source (no stored checksum) by the copy's ETag", async () => {
    const key = "legacy.bin";
    await putObject(legacy, sourceBucket, key, randomBody(1000));
    const outcome = expectDone(await copyObject({ source: client, destination: client }, request(key), settings));
    expect(outcome.verification).toBe("source-etag");
    expect(outcome.destinationEtag).toBe(outcome.sourceEtag);
  });

  it("copies a multipart object in UploadPartCopy ranges, proven by the parts' combined CRC64NVME, reading no byte", async () => {
    const key = "multi/part.bin";
    const body = randomBody(17 * MIB + 3);
    await putMultipartObject(s3, sourceBucket, key, body, 6 * MIB);
    const readsBefore = dataReads();
    const outcome = expectDone(await copyObject({ source: client, destination: client }, request(key), settings));
    const sourceHead = await stored(sourceBucket, key);
    expect(outcome).toMatchObject({
      mode: "multipart",
      partCount: 3,
      verification: "source-checksum",
      checksum: { value: sourceHead.ChecksumCRC64NVME },
    });
    expect(partCopies(key)).toBe(3);
    expect(dataReads() - readsBefore).toBe(0);
    expect((await readObject(s3, destinationBucket, key)).equals(body)).toBe(true);
    expect(await openUploads(s3, destinationBucket, key)).toEqual([]);
  });

  it("resumes a paused server-side upload from the destination's parts, copying only the missing ranges", async () => {
    const key = "resumed.bin";
    const body = randomBody(30 * MIB);
    await putObject(s3, sourceBucket, key, body);
    const deadline = new AbortController();
    const paused = await copyObject(
      { source: client, destination: client, pause: deadline.signal, onProgress: (event) => event.partsDone >= 2 && deadline.abort() },
      request(key),
      { ...settings, partConcurrency: 1 },
    );
    const copiedFirst = partCopies(key);
    const second = expectDone(await copyObject({ source: client, destination: client }, request(key), settings));
    expect(paused).toMatchObject({ status: "paused", partCount: 6 });
    expect(second.partsResumed).toBeGreaterThanOrEqual(2);
    expect(second.partsResumed + second.partsUploaded).toBe(6);
    expect(partCopies(key) - copiedFirst).toBe(second.partsUploaded);
    expect(second.verification).toBe("source-checksum");
    expect((await readObject(s3, destinationBucket, key)).equals(body)).toBe(true);
  });

  it("a source replaced mid-way is SourceChanged: the next range is refused (copy-source-if-match) and the upload discarded", async () => {
    const key = "replaced.bin";
    await putObject(s3, sourceBucket, key, randomBody(20 * MIB));
    // every range after the first waits long enough for the source to be replaced first
    proxy.addRule({
      match: { method: "PUT", query: { partNumber: true } },
      action: { type: "delay", ms: 400 },
      times: Number.POSITIVE_INFINITY,
    });
    let replaced: Promise<unknown> | undefined;
    const outcome = await copyObject(
      {
        source: client,
        destination: client,
        onProgress: () => {
          replaced ??= putObject(s3, sourceBucket, key, randomBody(20 * MIB));
        },
      },
      request(key),
      { ...settings, partConcurrency: 1 },
    );
    await replaced;
    expect(outcome).toMatchObject({ status: "source-changed", error: { code: "SourceChanged" } });
    expect(await openUploads(s3, destinationBucket, key)).toEqual([]);
  });
});
