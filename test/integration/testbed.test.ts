/**
 * Proves the local test bed itself: two independent moto servers, started by a launcher that
 * patches moto or refuses to start, and a fault proxy that forwards faithfully and injects
 * exactly the faults it is told to. (What the patches fix is proven in testbedPatches.test.ts.)
 */
import { spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
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

describe("moto launcher (test/setup/moto_server.py)", () => {
  const setupDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../setup");
  /**
   * Runs the launcher's main() after `tamper` (Python) with moto.server.main stubbed out, so no
   * server starts; importing the launcher as a module must not leave a __pycache__ in the repo.
   */
  const HARNESS = [
    "import sys",
    "sys.dont_write_bytecode = True",
    "sys.path.insert(0, sys.argv[1])",
    "exec(sys.argv[2])",
    "import moto.server, moto_server",
    "moto.server.main = lambda argv: print('moto.server.main reached', argv)",
    "moto_server.main(['--parent-pid', sys.argv[3], '-H', '127.0.0.1', '-p', '5999'])",
  ].join("\n");
  const launch = (tamper: string, env: Record<string, string> = {}) =>
    spawnSync("python3", ["-c", HARNESS, setupDir, tamper, String(process.pid)], {
      encoding: "utf8",
      timeout: 60_000,
      env: { ...process.env, S3M_MOTO_PATCHES: "on", ...env },
    });

  it("patches the installed moto, then hands moto.server its own arguments", () => {
    // Act
    const run = launch("");

    // Assess
    expect(run.stderr).toContain("patched: DynamoDB actions run one at a time");
    expect(run.stderr).toContain("patched: ListObjectVersions with only a KeyMarker");
    expect(run.stderr).toContain("patched: SQS DeleteMessage cannot undo");
    expect(run.stderr).toContain("patched: a ranged GetObject reads only its range");
    expect(run.stderr).toContain("patched: completions of one upload run one at a time");
    expect(run.stderr).toContain("patched: ListParts lists the parts numbered above PartNumberMarker");
    expect(run.stderr).toContain("patched: the PutObjects of one key run one at a time");
    expect(run.stderr).toContain("patched: checksums are computed, verified, stored and listed as S3 does");
    expect(run.stderr).toContain("patched: server-side copies honour x-amz-copy-source-if-match");
    expect(run.stdout).toContain("moto.server.main reached ['-H', '127.0.0.1', '-p', '5999']");
    expect(run.status).toBe(0);
  });

  it.each([
    {
      change: "ListObjectVersions rewritten upstream",
      tamper: "import moto.s3.models as m; m.S3Backend.list_object_versions = m.S3Backend.list_objects",
      message: "moto.s3.models.S3Backend.list_object_versions does not contain the KeyMarker lines this patch replaces",
    },
    {
      change: "GetObject no longer hands the whole value to the range handler",
      tamper: "import moto.s3.responses as r; r.S3Response.get_object = r.S3Response.head_object",
      message: "moto.s3.responses.S3Response.get_object no longer returns key.value for _handle_range_header to slice",
    },
    {
      change: "CompleteMultipartUpload rewritten upstream",
      tamper: "import moto.s3.models as m; m.S3Backend.complete_multipart_upload = m.S3Backend.abort_multipart_upload",
      message: "moto.s3.models.S3Backend.complete_multipart_upload no longer drops the upload before storing the object",
    },
    {
      change: "ListParts rewritten upstream",
      tamper: "import moto.s3.models as m; m.FakeMultipart.list_parts = m.FakeMultipart.set_part",
      message: "moto.s3.models.FakeMultipart.list_parts no longer slices its part list at the marker's position",
    },
    {
      change: "ListParts, HeadObject or the completion answer rewritten upstream",
      tamper: "import moto.s3.responses as r; r.S3Response.list_parts = r.S3Response.get_object",
      message: "moto.s3.responses.S3Response no longer lists parts, heads objects or answers completions in the lines this patch extends",
    },
    {
      change: "DynamoDB dispatched elsewhere",
      tamper: "from moto.dynamodb.responses import DynamoHandler; del DynamoHandler.call_action",
      message: "moto.dynamodb.responses.DynamoHandler no longer defines call_action",
    },
  ])("refuses to start, saying why, when moto changed: $change", ({ tamper, message }) => {
    // Act
    const run = launch(tamper);

    // Assess
    expect(run.stderr).toContain(`moto_server.py: refusing to start: ${message}`);
    expect(run.stdout).not.toContain("moto.server.main reached");
    expect(run.status).toBe(1);
  });

  it("refuses an S3M_MOTO_PATCHES other than on or off rather than guess", () => {
    // Act
    const run = launch("", { S3M_MOTO_PATCHES: "no" });

    // Assess
    expect(run.stderr).toContain("S3M_MOTO_PATCHES must be 'on' (the default) or 'off', not 'no'");
    expect(run.status).toBe(1);
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

  it("holdResponses answers requests of two rules that share one barrier only when both have been stored, at the same moment", async () => {
    // Prepare: one barrier for two keys' PUTs
    const s3 = makeS3Client(proxy.endpoint, source.region, { maxAttempts: 1 });
    const barrier = { type: "holdResponses", parties: 2 } as const;
    for (const key of ["first", "second"])
      proxy.addRule({ match: { method: "PUT", path: new RegExp(`/barrier/${key}$`) }, action: barrier });
    const answeredAt: Record<string, number> = {};
    const put = (key: string) => putObject(s3, bucket, `barrier/${key}`, key).then(() => (answeredAt[key] = Date.now()));

    // Act: the first PUT waits 1 s for the second
    const first = put("first");
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const storedWhileHeld = await readObject(direct, bucket, "barrier/first");
    const started = Date.now();
    await Promise.all([first, put("second")]);

    // Assess: forwarded and stored at once, answered only with the second, both together
    expect(storedWhileHeld.toString()).toBe("first");
    expect(answeredAt.first).toBeGreaterThanOrEqual(started);
    expect(Math.abs((answeredAt.first ?? 0) - (answeredAt.second ?? 0))).toBeLessThan(200);
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
