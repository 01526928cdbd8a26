import { MIB } from "@s3-migrate/transfer";
import { beforeAll, describe, expect, it } from "vitest";
import { buildCli, runCli, testEndpointArgs } from "../../support/cli.js";
import {
  createBucket,
  listAllKeys,
  makeS3Client,
  putObject,
  readObject,
  testEndpoints,
  uniqueBucketName,
} from "../../support/endpoints.js";
import { putMultipartObject, randomBody } from "../../support/transferBed.js";

describe("s3-migrate copy (CLI)", () => {
  const { source, destination } = testEndpoints();
  const src = makeS3Client(source.endpoint, source.region);
  const dst = makeS3Client(destination.endpoint, destination.region);
  let sourceBucket: string;
  let destinationBucket: string;
  const endpoints = testEndpointArgs;
  const objects = new Map<string, Buffer>();

  beforeAll(async () => {
    buildCli();
    sourceBucket = await createBucket(src, uniqueBucketName("cli-src"));
    destinationBucket = await createBucket(dst, uniqueBucketName("cli-dst"));
    for (const [key, size] of [
      ["data/empty", 0],
      ["data/a b+c%.txt", 300],
      ["data/数据.bin", 70_000],
      ["data/dir/", 0],
      ["data/big.bin", 12 * MIB],
    ] as const) {
      const body = randomBody(size);
      objects.set(key, body);
      await putObject(src, sourceBucket, key, body);
    }
    const layout = randomBody(11 * MIB);
    objects.set("data/layout.bin", layout);
    await putMultipartObject(src, sourceBucket, "data/layout.bin", layout, 5 * MIB);
    await putObject(src, sourceBucket, "other/not-copied.txt", "outside the prefix");
  });

  it("copies a prefix under the destination prefix, verified, and prints a JSON summary", async () => {
    // Act
    const run = await runCli([
      "copy",
      "--from",
      `s3://${sourceBucket}/data/`,
      "--to",
      `s3://${destinationBucket}/backup/`,
      ...endpoints(),
      "--json",
      "--part-size-mib",
      "5",
      "--threshold-mib",
      "5",
    ]);
    // Assess
    expect(run.status, run.stderr).toBe(0);
    // on the Node.js the scripts pin (22), the SDK has no deprecation notice for a user
    expect(run.stderr).not.toMatch(/NodeVersionSupportWarning|upgrade to node/i);
    const summary = JSON.parse(run.stdout);
    expect(summary.objects).toEqual({ total: 6, copied: 6, skipped: 0, failed: 0, sourceChanged: 0, paused: 0 });
    // the small ones by their MD5 ETags; the two above the threshold by the CRC64NVME S3 stores with every new object
    expect(summary.verification).toEqual({ sourceChecksum: 2, sourceEtag: 4, partChecksums: 0 });
    expect((await listAllKeys(dst, destinationBucket)).sort()).toEqual([...objects.keys()].map((key) => `backup/${key}`).sort());
    for (const [key, body] of objects) expect((await readObject(dst, destinationBucket, `backup/${key}`)).equals(body)).toBe(true);
  });

  it("skips what is already there on the next run", async () => {
    const run = await runCli([
      "copy",
      "--from",
      `s3://${sourceBucket}/data/`,
      "--to",
      `s3://${destinationBucket}/backup`,
      ...endpoints(),
      "--json",
    ]);
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).objects).toMatchObject({ total: 6, copied: 0, skipped: 6 });
  });

  it("prints a human summary and exits 1 when an object fails", async () => {
    // Prepare: a destination bucket that does not exist
    const run = await runCli([
      "copy",
      "--from",
      `s3://${sourceBucket}/data/empty`,
      "--to",
      "s3://no-such-destination-bucket",
      ...endpoints(),
      "--no-skip-existing",
    ]);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain("1 failed");
    expect(run.stdout).toMatch(/FAILED\s+data\/empty: BucketMissing/);
    expect(run.stdout).toContain("INCOMPLETE");
  });

  it("rejects bad usage with exit status 2 and a clear message", async () => {
    const badUrl = await runCli(["copy", "--from", "bucket-without-scheme", "--to", "s3://x"]);
    const badNumber = await runCli(["copy", "--from", "s3://a", "--to", "s3://b", "--concurrency", "zero"]);
    const unknown = await runCli(["frobnicate"]);
    expect([badUrl.status, badNumber.status, unknown.status]).toEqual([2, 2, 2]);
    expect(badUrl.stderr).toContain("--from must look like s3://bucket");
    expect(badNumber.stderr).toContain("--concurrency must be a whole number");
    expect(unknown.stderr).toContain('Unknown command "frobnicate"');
  });
});
