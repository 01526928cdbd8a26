/**
 * Proves the local test bed itself: two independent moto servers, and a fault proxy that
 * forwards faithfully and injects exactly the faults it is told to.
 */
import { createHash, randomBytes } from "node:crypto";
import { HeadBucketCommand, HeadObjectCommand, ListBucketsCommand } from "@aws-sdk/client-s3";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createBucket, listAllKeys, makeS3Client, putObject, readObject, testEndpoints, uniqueBucketName } from "../support/endpoints.js";
import { type FaultProxy, startFaultProxy } from "../support/faultProxy.js";

const MiB = 1024 * 1024;
const { source, destination } = testEndpoints();

const md5 = (body: Uint8Array): string => createHash("md5").update(body).digest("base64");

/** Indexes at which two equal-length buffers differ. */
function differingBytes(a: Buffer, b: Buffer): number[] {
  const at: number[] = [];
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) at.push(i);
  return at;
}

describe("moto servers", () => {
  it("answer on two endpoints that do not share state", async () => {
    // Prepare
    const src = makeS3Client(source.endpoint, source.region);
    const dst = makeS3Client(destination.endpoint, destination.region);
    const srcBucket = uniqueBucketName("source-only");
    const dstBucket = uniqueBucketName("destination-only");

    // Act
    await createBucket(src, srcBucket);
    await createBucket(dst, dstBucket);
    await putObject(src, srcBucket, "a/b.txt", "hello");

    // Assess
    expect(source.endpoint).not.toBe(destination.endpoint);
    await expect(src.send(new HeadBucketCommand({ Bucket: srcBucket }))).resolves.toBeDefined();
    await expect(dst.send(new HeadBucketCommand({ Bucket: srcBucket }))).rejects.toMatchObject({
      name: "NotFound",
    });
    const dstNames = (await dst.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name);
    expect(dstNames).toContain(dstBucket);
    expect(dstNames).not.toContain(srcBucket);
    expect(await listAllKeys(src, srcBucket)).toEqual(["a/b.txt"]);
  });
});

describe("fault proxy", () => {
  const direct = makeS3Client(source.endpoint, source.region);
  let proxy: FaultProxy;
  let bucket: string;

  beforeAll(async () => {
    proxy = await startFaultProxy({ target: source.endpoint });
    bucket = await createBucket(direct, uniqueBucketName("fault-proxy"));
  });
  afterEach(() => proxy.clearRules());
  afterAll(async () => {
    await proxy?.close();
  });

  it("forwards a 20 MiB PutObject/GetObject round trip byte-exact", async () => {
    // Prepare
    const s3 = makeS3Client(proxy.endpoint, source.region);
    const body = randomBytes(20 * MiB);
    const before = proxy.requests.length;

    // Act
    const put = await putObject(s3, bucket, "big/20mib.bin", body);
    const viaProxy = await readObject(s3, bucket, "big/20mib.bin");

    // Assess
    expect(put.ETag).toBe(`"${createHash("md5").update(body).digest("hex")}"`);
    expect(viaProxy.equals(body)).toBe(true);
    expect((await readObject(direct, bucket, "big/20mib.bin")).equals(body)).toBe(true);
    expect(proxy.requests.slice(before)).toMatchObject([
      { method: "PUT", path: `/${bucket}/big/20mib.bin`, status: 200, faults: [] },
      { method: "GET", path: `/${bucket}/big/20mib.bin`, status: 200, faults: [] },
    ]);
  });

  it("validateContentMd5 answers BadDigest for a wrong Content-MD5 and forwards nothing", async () => {
    // Prepare
    const s3 = makeS3Client(proxy.endpoint, source.region);
    const body = randomBytes(64 * 1024);
    const rule = proxy.addRule({
      action: { type: "validateContentMd5" },
      times: Number.POSITIVE_INFINITY,
    });

    // Act
    const bad = putObject(s3, bucket, "md5/bad.bin", body, { ContentMD5: md5(Buffer.from("x")) });
    const good = putObject(s3, bucket, "md5/good.bin", body, { ContentMD5: md5(body) });

    // Assess
    await expect(bad).rejects.toMatchObject({
      name: "BadDigest",
      $metadata: { httpStatusCode: 400 },
    });
    await expect(good).resolves.toBeDefined();
    expect(rule.hits).toBe(2);
    await expect(direct.send(new HeadObjectCommand({ Bucket: bucket, Key: "md5/bad.bin" }))).rejects.toMatchObject({ name: "NotFound" });
  });

  it("corruptRequestBody makes moto store bytes that differ from those sent", async () => {
    // Prepare
    const s3 = makeS3Client(proxy.endpoint, source.region);
    const body = randomBytes(1 * MiB);
    proxy.addRule({
      match: { method: "PUT", path: /\/corrupt\/in-flight\.bin$/ },
      action: { type: "corruptRequestBody" },
    });

    // Act
    await putObject(s3, bucket, "corrupt/in-flight.bin", body, { ContentMD5: md5(body) });
    const stored = await readObject(direct, bucket, "corrupt/in-flight.bin");

    // Assess
    expect(stored.length).toBe(body.length);
    expect(differingBytes(stored, body)).toEqual([body.length / 2]);
  });

  it("corruptRequestBody then validateContentMd5 is caught as BadDigest, like real S3", async () => {
    // Prepare
    const s3 = makeS3Client(proxy.endpoint, source.region, { maxAttempts: 1 });
    const body = randomBytes(256 * 1024);
    proxy.addRule({ action: { type: "corruptRequestBody", offset: 0 } });
    proxy.addRule({ action: { type: "validateContentMd5" }, times: Number.POSITIVE_INFINITY });

    // Act
    const put = putObject(s3, bucket, "corrupt/caught.bin", body, { ContentMD5: md5(body) });

    // Assess
    await expect(put).rejects.toMatchObject({ name: "BadDigest" });
    expect(proxy.requests.at(-1)?.faults).toEqual(["corruptRequestBody", "validateContentMd5"]);
  });

  it("status 503 SlowDown reaches the SDK without touching moto", async () => {
    // Prepare
    const s3 = makeS3Client(proxy.endpoint, source.region, { maxAttempts: 1 });
    const rule = proxy.addRule({
      match: { method: "PUT" },
      action: { type: "status", status: 503, code: "SlowDown" },
    });

    // Act
    const put = putObject(s3, bucket, "status/slow.txt", "never stored");

    // Assess
    await expect(put).rejects.toMatchObject({
      name: "SlowDown",
      $metadata: { httpStatusCode: 503 },
    });
    expect(rule).toMatchObject({ hits: 1, remaining: 0 });
    expect(proxy.countRequests({ method: "PUT", status: 503 })).toBe(1);
    await expect(direct.send(new HeadObjectCommand({ Bucket: bucket, Key: "status/slow.txt" }))).rejects.toMatchObject({
      name: "NotFound",
    });
  });

  it("corruptResponseBody and resetConnection damage only what the client receives", async () => {
    // Prepare
    const s3 = makeS3Client(proxy.endpoint, source.region, { maxAttempts: 1 });
    const body = randomBytes(2 * MiB);
    await putObject(direct, bucket, "response/faults.bin", body);
    proxy.addRule({ match: { method: "GET" }, action: { type: "corruptResponseBody" } });
    proxy.addRule({
      match: { method: "GET" },
      action: { type: "resetConnection", afterBytes: 1000 },
    });

    // Act
    const corrupted = await readObject(s3, bucket, "response/faults.bin");
    const cut = readObject(s3, bucket, "response/faults.bin");

    // Assess
    expect(differingBytes(corrupted, body)).toEqual([body.length / 2]);
    await expect(cut).rejects.toThrow();
    expect((await readObject(s3, bucket, "response/faults.bin")).equals(body)).toBe(true);
  });
});
