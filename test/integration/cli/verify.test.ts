/**
 * `s3-migrate verify` against the two test-bed endpoints (which store checksums as S3 does): each
 * kind of finding reported once, the exit status, the report file, `--deep`, and an interrupted
 * audit resumed from its state file with every key counted exactly once.
 */
import { readFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileVerifyState, type Finding, ObjectTransitions, parseBucketPairs, parseIgnoreList, verifyPairs } from "@s3-migrate/pipeline";
import { createS3Client, MIB } from "@s3-migrate/transfer";
import { beforeAll, describe, expect, it } from "vitest";
import { localClients } from "../../support/awsResources.js";
import { buildCli, runCli, testEndpointArgs } from "../../support/cli.js";
import { createBucket, makeLegacyS3Client, makeS3Client, putObject, testEndpoints, uniqueBucketName } from "../../support/endpoints.js";
import { deployLocally } from "../../support/functionEnvironment.js";
import { putMultipartObject, randomBody } from "../../support/transferBed.js";

describe("s3-migrate verify (CLI)", () => {
  const { source, destination } = testEndpoints();
  const src = makeS3Client(source.endpoint, source.region);
  const dst = makeS3Client(destination.endpoint, destination.region);
  const legacySrc = makeLegacyS3Client(source.endpoint, source.region);
  const legacyDst = makeLegacyS3Client(destination.endpoint, destination.region);
  let sourceBucket: string;
  let destinationBucket: string;
  let directory: string;
  const endpoints = testEndpointArgs();
  const pairs = (prefix: string) =>
    JSON.stringify([{ src_bucket: sourceBucket, src_prefix: prefix, des_bucket: destinationBucket, des_prefix: "copy" }]);
  const reportLines = (path: string): Finding[] =>
    readFileSync(path, "utf8")
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => JSON.parse(line) as Finding);

  beforeAll(async () => {
    buildCli();
    sourceBucket = await createBucket(src, uniqueBucketName("verify-src"));
    destinationBucket = await createBucket(dst, uniqueBucketName("verify-dst"));
    directory = await mkdtemp(join(tmpdir(), "s3m-verify-"));
    // mixed/: one key of each kind
    const same = randomBody(3000);
    await putObject(src, sourceBucket, "mixed/matching.txt", same);
    await putObject(dst, destinationBucket, "copy/mixed/matching.txt", same);
    await putObject(src, sourceBucket, "mixed/missing 😀.txt", randomBody(10));
    await putObject(src, sourceBucket, "mixed/differing.bin", randomBody(4000));
    await putObject(dst, destinationBucket, "copy/mixed/differing.bin", randomBody(4000));
    await putObject(dst, destinationBucket, "copy/mixed/extra+.txt", randomBody(7));
    // the same bytes, but as legacy objects in two layouts: other ETags, no stored checksum to compare
    const legacy = randomBody(6 * MIB);
    await putMultipartObject(legacySrc, sourceBucket, "mixed/unverified.bin", legacy, 5 * MIB);
    await putObject(legacyDst, destinationBucket, "copy/mixed/unverified.bin", legacy);
    // same/: copies whose ETags differ but whose stored CRC64NVME checksums are equal (multipart and single PUT)
    const layouts = randomBody(6 * MIB);
    await putMultipartObject(src, sourceBucket, "same/layouts.bin", layouts, 5 * MIB);
    await putObject(dst, destinationBucket, "copy/same/layouts.bin", layouts);
    for (let index = 0; index < 5; index++) {
      const body = randomBody(100 + index);
      await putObject(src, sourceBucket, `same/${index}.txt`, body);
      await putObject(dst, destinationBucket, `copy/same/${index}.txt`, body);
    }
  });

  it("reports a missing, a differing, an extra and an unverified object, one JSON line each, and exits 1", async () => {
    const report = join(directory, "mixed.jsonl");
    const run = await runCli(["verify", "--pairs", pairs("mixed/"), ...endpoints, "--report", report, "--json"]);
    expect(run.status, run.stderr).toBe(1);
    const summary = JSON.parse(run.stdout);
    expect(summary.totals).toEqual({ matching: 1, missing: 1, differing: 1, extra: 1, unverified: 1, ignored: 0 });
    expect(summary.done).toBe(true);
    const lines = reportLines(report);
    expect(Object.fromEntries(lines.map((line) => [line.key, line.kind]))).toEqual({
      "mixed/missing 😀.txt": "missing",
      "mixed/differing.bin": "differing",
      "mixed/extra+.txt": "extra",
      "mixed/unverified.bin": "unverified",
    });
    expect(lines.find((line) => line.kind === "differing")?.reason).toMatch(/stored CRC64NVME checksums differ/);
    expect(lines.find((line) => line.kind === "unverified")?.reason).toMatch(/no stored checksums compare .* --deep reads both/);
  });

  it("with --deep reads the unverified object's bytes on both sides and finds them equal", async () => {
    const report = join(directory, "deep.jsonl");
    const run = await runCli(["verify", "--pairs", pairs("mixed/"), ...endpoints, "--report", report, "--deep", "--json"]);
    expect(run.status, run.stderr).toBe(1);
    expect(JSON.parse(run.stdout).totals).toMatchObject({ matching: 2, unverified: 0, missing: 1, differing: 1, extra: 1 });
  });

  it("exits 0 on matching pairs, proving equal bytes in other layouts by the checksums S3 stores, and prints a summary", async () => {
    const report = join(directory, "same.jsonl");
    const run = await runCli(["verify", "--pairs", pairs("same/"), ...endpoints, "--report", report, "--report-all"]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain("every key matches");
    expect(run.stdout).toMatch(/6 matching, 0 missing, 0 differing, 0 extra, 0 unverified, 0 ignored/);
    const lines = reportLines(report);
    expect(lines).toHaveLength(6);
    expect(lines.find((line) => line.key === "same/layouts.bin")?.reason).toMatch(/equal stored FULL_OBJECT CRC64NVME checksums/);
  });

  it("an audit interrupted after its first round resumes from its state file and counts every key exactly once", async () => {
    // Prepare: 250 keys in 3 rounds of 100, one listing per pair, the audit stopped once the first round is reported
    const prefix = "many/";
    for (let index = 0; index < 250; index++) {
      const body = `object ${index}`;
      await putObject(src, sourceBucket, `${prefix}${String(index).padStart(3, "0")}`, body);
      if (index % 50 !== 0) await putObject(dst, destinationBucket, `copy/${prefix}${String(index).padStart(3, "0")}`, body);
    }
    const context = {
      source: createS3Client({ region: source.region, endpoint: source.endpoint, credentials: { accessKeyId: "t", secretAccessKey: "t" } }),
      destination: createS3Client({
        region: destination.region,
        endpoint: destination.endpoint,
        credentials: { accessKeyId: "t", secretAccessKey: "t" },
      }),
    };
    const bucketPairs = parseBucketPairs(pairs(prefix), "test");
    const statePath = join(directory, "state.json");
    const seen: string[] = [];
    const interrupt = new AbortController();
    // Act
    const first = await verifyPairs(context, bucketPairs, parseIgnoreList(undefined), {
      segmentsPerPair: 1,
      pageSize: 100,
      state: new FileVerifyState(statePath),
      signal: interrupt.signal,
      onFinding: (_pair, finding) => {
        seen.push(finding.key);
        if (seen.length >= 100) interrupt.abort();
      },
    });
    const second = await verifyPairs(context, bucketPairs, parseIgnoreList(undefined), {
      segmentsPerPair: 1,
      pageSize: 100,
      state: new FileVerifyState(statePath),
      onFinding: (_pair, finding) => {
        seen.push(finding.key);
      },
    });
    // Assess
    expect(first.done).toBe(false);
    expect(first.totals.matching + first.totals.missing).toBe(100);
    expect(second.done).toBe(true);
    expect(second.totals).toEqual({ matching: 245, missing: 5, differing: 0, extra: 0, unverified: 0, ignored: 0 });
    expect(seen).toHaveLength(250);
    expect(new Set(seen).size).toBe(250);
  });

  it("with --ledger-table, takes a copy proven against the listed source version as matching, and no other record", async () => {
    // Prepare: three legacy objects whose ETags differ between the sides (other layouts, no stored checksum)
    const deployment = await deployLocally("verify-ledger", [{ src_bucket: sourceBucket, des_bucket: destinationBucket }]);
    const { documents } = localClients(source.endpoint);
    const transitions = new ObjectTransitions(documents, deployment.table);
    const recorded = { proven: "source-etag", "per-part-md5": "part-checksums", replaced: "source-etag" } as const;
    for (const [name, verification] of Object.entries(recorded)) {
      const body = randomBody(5 * MIB + 1);
      const sourceEtag = (await putMultipartObject(legacySrc, sourceBucket, `ledger/${name}`, body, 5 * MIB)).replaceAll('"', "");
      const destinationEtag = ((await putObject(legacyDst, destinationBucket, `copy/ledger/${name}`, body)).ETag ?? "").replaceAll('"', "");
      const identity = {
        srcBucket: sourceBucket,
        srcKey: `ledger/${name}`,
        desBucket: destinationBucket,
        desKey: `copy/ledger/${name}`,
        size: body.length,
        srcEtag: name === "replaced" ? "0".repeat(32) : sourceEtag,
      };
      await transitions.commitCopy(identity, undefined, { status: "done", desEtag: destinationEtag, verification }, new Date());
    }
    const report = join(directory, "ledger.jsonl");
    // Act
    const run = await runCli(
      ["verify", "--pairs", pairs("ledger/"), ...endpoints, "--ledger-table", deployment.table, "--report", report, "--json"],
      { AWS_ENDPOINT_URL_DYNAMODB: source.endpoint, AWS_REGION: source.region },
    );
    // Assess
    expect(run.status, run.stderr).toBe(1);
    expect(JSON.parse(run.stdout).totals).toMatchObject({ matching: 1, differing: 1, unverified: 1 });
    const lines = Object.fromEntries(reportLines(report).map((line) => [line.key, line]));
    expect(lines["ledger/per-part-md5"]).toMatchObject({ kind: "unverified", reason: expect.stringContaining("part-checksums") });
    expect(lines["ledger/replaced"]).toMatchObject({ kind: "differing", reason: expect.stringContaining("replaced after its copy") });
    expect(lines["ledger/proven"]).toBeUndefined();
  });

  it("refuses bad usage with exit status 2 and a clear message", async () => {
    const run = await runCli(["verify", ...endpoints]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("Give the bucket pairs with --pairs or --pairs-parameter");
  });
});
