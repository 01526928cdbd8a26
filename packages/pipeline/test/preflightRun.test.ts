/**
 * preflight as a whole, against mocked clients: which buckets it asks and how often, what it
 * refuses from the configuration alone, what the jobsender's part of it refuses, and that the
 * problem codes have one home the docs follow.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import {
  GetBucketEncryptionCommand,
  GetBucketVersioningCommand,
  GetObjectLockConfigurationCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { BucketPair } from "../src/config/bucketPairs.js";
import { withinPartition } from "../src/preflight/configProblems.js";
import { pairLocationProblems, refuseFailingPair } from "../src/preflight/pairPreflight.js";
import { PREFLIGHT_PROBLEMS, PreflightError } from "../src/preflight/problems.js";
import { preflightProblems, runPreflight } from "../src/preflight/runPreflight.js";

const s3 = mockClient(S3Client);
const credentials = { accessKeyId: "k", secretAccessKey: "s" };
const source = new S3Client({ region: "us-east-1", credentials });
const destination = new S3Client({ region: "cn-northwest-1", credentials });
const clients = { source, destination };
const sides = { source: { region: "us-east-1" }, destination: { region: "cn-northwest-1" } };
const pair = (more: Partial<BucketPair> = {}): BucketPair => ({
  srcBucket: "src",
  srcPrefix: "logs",
  desBucket: "dst",
  desPrefix: "copy",
  ...more,
});

function answer(name: string, status: number): Error {
  return Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
}

/** Every bucket answers as a healthy one: found in its side's home region, settings readable, one object under every prefix. */
function healthyBuckets(): void {
  s3.on(HeadBucketCommand).callsFake(async (input: { Bucket: string }) => ({
    BucketRegion: input.Bucket.startsWith("dst") ? "cn-northwest-1" : "us-east-1",
  }));
  s3.on(GetBucketVersioningCommand).resolves({});
  s3.on(GetObjectLockConfigurationCommand).rejects(answer("ObjectLockConfigurationNotFoundError", 404));
  s3.on(GetBucketEncryptionCommand).resolves({
    ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }] },
  });
  s3.on(ListObjectsV2Command).callsFake(async (input: { Prefix?: string }) => ({ Contents: [{ Key: `${input.Prefix ?? ""}x` }] }));
  s3.on(HeadObjectCommand).resolves({ ContentLength: 1 });
}

beforeEach(() => healthyBuckets());
afterEach(() => s3.reset());

describe("runPreflight", () => {
  it("passes healthy pairs, asking each bucket's own settings once however many pairs name it, and writes nothing", async () => {
    // Act
    const report = await runPreflight(clients, { pairs: [pair(), pair({ srcPrefix: "other/", desPrefix: "more" })], sides });
    // Assess
    expect(report).toMatchObject({ ok: true, writeProbe: false, problems: [] });
    expect(report.pairs.map((checked) => checked.route)).toEqual([
      "s3://src/logs -> s3://dst/copy/logs",
      "s3://src/other/ -> s3://dst/more/other/",
    ]);
    expect(report.pairs[0]?.destination).toMatchObject({
      prefix: "copy/logs",
      encryption: { algorithm: "AES256" },
      objectLock: { state: "Off" },
    });
    expect(s3.commandCalls(HeadBucketCommand)).toHaveLength(2);
    expect(s3.commandCalls(GetBucketVersioningCommand)).toHaveLength(2);
    expect(s3.commandCalls(ListObjectsV2Command).map((call) => call.args[0].input.Prefix)).toEqual(
      expect.arrayContaining(["logs", "copy/logs", "other/", "more/other/"]),
    );
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });

  it("refuses a looping event route as InvalidConfiguration before asking anything", async () => {
    const events = { bucket: "src", filterPrefix: "", destinationBucket: "src", destinationPrefix: "copies" };
    const report = await runPreflight(clients, { pairs: [], events, sides: { ...sides, destination: { region: "us-east-1" } } });
    expect(report).toMatchObject({ ok: false, pairs: [], problems: [{ code: "InvalidConfiguration" }] });
    expect(s3.calls()).toHaveLength(0);
  });

  it("reports a bucket configured in another partition than its side signs for, and sends it nothing", async () => {
    const configured = { ...sides, destination: { region: "us-east-1", buckets: new Map([["dst", { region: "cn-northwest-1" }]]) } };
    const report = await runPreflight(clients, { pairs: [pair()], sides: configured });
    expect(report.pairs[0]?.destination).toMatchObject({
      reached: false,
      region: { configured: "cn-northwest-1" },
      problems: [{ code: "PartitionMismatch" }],
    });
    expect(s3.commandCalls(HeadBucketCommand).map((call) => call.args[0].input.Bucket)).toEqual(["src"]);
    expect(withinPartition({ ...configured.destination }).buckets).toEqual(new Map());
  });

  it("reports a server-side copy across partitions on the pair", async () => {
    const report = await runPreflight(clients, { pairs: [pair()], sides }, { serverSideCopy: true });
    expect(report.pairs[0]?.problems).toMatchObject([
      { code: "PartitionMismatch", message: expect.stringContaining("source aws, destination aws-cn") },
    ]);
    expect(report.ok).toBe(false);
  });

  it("counts a bucket's problem once though two pairs' rows carry it", async () => {
    s3.on(HeadBucketCommand, { Bucket: "dst" }).rejects(answer("NotFound", 404));
    const report = await runPreflight(clients, { pairs: [pair(), pair({ desPrefix: "b" })], sides });
    expect(report.pairs.map((checked) => checked.destination.problems.length)).toEqual([1, 1]);
    expect(preflightProblems(report).map((problem) => problem.code)).toEqual(["BucketMissing"]);
  });
});

describe("the jobsender's preflight (refuseFailingPair)", () => {
  it("refuses a pair whose bucket is missing or another owner's with every problem, and lets a healthy pair through", async () => {
    s3.on(HeadBucketCommand, { Bucket: "gone" }).rejects(answer("NotFound", 404));
    s3.on(HeadBucketCommand, { ExpectedBucketOwner: "111122223333" }).rejects(answer("Forbidden", 403));
    const refused = await refuseFailingPair(clients, pair({ srcBucket: "gone", desOwner: "111122223333" })).catch(
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(PreflightError);
    expect((refused as PreflightError).code).toBe("BucketMissing");
    expect((refused as PreflightError).problems.map((problem) => problem.code)).toEqual(["BucketMissing", "OwnerMismatch"]);
    await expect(refuseFailingPair(clients, pair())).resolves.toBeUndefined();
    // only HeadBucket: the pass's own listing is the list probe
    expect(s3.calls().every((call) => call.args[0] instanceof HeadBucketCommand)).toBe(true);
  });

  it("lets a pair through when a check could not decide (its own requests will say what is wrong, if anything is)", async () => {
    s3.on(HeadBucketCommand).rejects(answer("ServiceUnavailable", 503));
    expect((await pairLocationProblems(clients, pair())).map((problem) => problem.code)).toEqual(["CheckFailed", "CheckFailed"]);
    await expect(refuseFailingPair(clients, pair())).resolves.toBeUndefined();
  });
});

describe("PREFLIGHT_PROBLEMS", () => {
  it("is what docs/configuration.md lists as preflight's problem codes", () => {
    const docs = readFileSync(path.resolve(import.meta.dirname, "../../../docs/configuration.md"), "utf8");
    const section = docs.slice(docs.indexOf("### Problem codes"));
    const listed = [...section.matchAll(/^\| `(\w+)` \|/gm)].map((match) => match[1]);
    expect(listed).toEqual(Object.keys(PREFLIGHT_PROBLEMS));
  });
});
