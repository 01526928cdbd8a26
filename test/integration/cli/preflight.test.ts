/**
 * `s3-migrate preflight` against the two moto servers behind the region front (which answers a
 * wrong region with 301 and x-amz-bucket-region, another partition's bucket with 404 and a wrong
 * expected owner with 403), through the bundled CLI: a good pair (exit 0, regions found), a bucket
 * elsewhere than configured, a wrong owner, a missing bucket, a bucket configured in a partition
 * its side cannot sign for, listing and reading refused (fault proxy), a KMS key disabled and one
 * whose policy refuses us, the write probe (and its refusal), a looping pair and the event route.
 */
import { CreateKeyCommand, DisableKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import {
  ListObjectVersionsCommand,
  PutBucketEncryptionCommand,
  PutBucketNotificationConfigurationCommand,
  PutBucketVersioningCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import type { BucketRow, PreflightReport } from "@s3-migrate/pipeline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createQueue, localClients } from "../../support/awsResources.js";
import { buildCli, runCli } from "../../support/cli.js";
import { createBucket, listAllKeys, makeS3Client, putObject, testEndpoints, uniqueBucketName } from "../../support/endpoints.js";
import { type FaultProxy, startFaultProxy } from "../../support/faultProxy.js";
import { regionCounts } from "../../support/regionFront.js";

/** moto's default account, whose access key (`testing`) every client here uses. */
const DEFAULT_ACCOUNT = "123456789012";
const OTHER_ACCOUNT = "111111111111";

describe("s3-migrate preflight (CLI) on the region front", () => {
  const { source, destination } = testEndpoints();
  const credentials = { accessKeyId: "testing", secretAccessKey: "testing" };
  const west = makeS3Client(source.endpoint, "eu-west-1");
  const east = makeS3Client(source.endpoint, "us-east-1");
  const china = makeS3Client(destination.endpoint, "cn-northwest-1");
  const chinaNorth = makeS3Client(destination.endpoint, "cn-north-1");
  const kms = new KMSClient({ endpoint: destination.endpoint, region: "cn-northwest-1", credentials });
  const proxies: FaultProxy[] = [];
  /** The source side's buckets are found from us-east-1; the destination side signs for cn-northwest-1 (as stored keys would). */
  const sides = (over: { source?: string; destination?: string } = {}) => [
    "--region",
    "us-east-1",
    "--source-endpoint",
    over.source ?? source.endpoint,
    "--dest-endpoint",
    over.destination ?? destination.endpoint,
    "--dest-region",
    "cn-northwest-1",
    "--dest-kms-endpoint",
    destination.endpoint,
  ];
  let sourceBucket: string;
  let destinationBucket: string;
  const pair = (fields: Record<string, string> = {}) =>
    JSON.stringify([{ src_bucket: sourceBucket, src_prefix: "data/", des_bucket: destinationBucket, des_prefix: "copy", ...fields }]);

  /** Runs preflight with --json; the exit status and the report. */
  async function preflight(args: string[]): Promise<{ status: number | null; report: PreflightReport; stderr: string }> {
    const run = await runCli(["preflight", ...args, "--json"]);
    return { status: run.status, report: JSON.parse(run.stdout) as PreflightReport, stderr: run.stderr };
  }
  const codes = (row: BucketRow) => row.problems.map((problem) => problem.code);

  async function proxied(target: string): Promise<FaultProxy> {
    const proxy = await startFaultProxy({ target });
    proxies.push(proxy);
    return proxy;
  }

  async function encryptedBucket(name: string, keyId: string): Promise<string> {
    const bucket = await createBucket(china, uniqueBucketName(name));
    await china.send(
      new PutBucketEncryptionCommand({
        Bucket: bucket,
        ServerSideEncryptionConfiguration: {
          Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms", KMSMasterKeyID: keyId } }],
        },
      }),
    );
    return bucket;
  }

  beforeAll(async () => {
    buildCli();
    sourceBucket = await createBucket(west, uniqueBucketName("preflight-src"));
    await putObject(west, sourceBucket, "data/first.txt", "hello");
    destinationBucket = await createBucket(china, uniqueBucketName("preflight-dst"));
    await china.send(new PutBucketVersioningCommand({ Bucket: destinationBucket, VersioningConfiguration: { Status: "Enabled" } }));
    await china.send(
      new PutBucketEncryptionCommand({
        Bucket: destinationBucket,
        ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }] },
      }),
    );
  });

  afterAll(async () => {
    await Promise.all(proxies.map((proxy) => proxy.close()));
  });

  it("passes a good pair (exit 0): the source's region found by S3, the owner accepted, every probe but the write run", async () => {
    // Prepare
    const before = await regionCounts(source.endpoint, sourceBucket);
    // Act
    const { status, report, stderr } = await preflight(["--pairs", pair({ src_owner: DEFAULT_ACCOUNT }), ...sides()]);
    const human = await runCli(["preflight", "--pairs", pair({ src_owner: DEFAULT_ACCOUNT }), ...sides()]);
    // Assess
    expect(status, stderr).toBe(0);
    expect(report.ok).toBe(true);
    const [checked] = report.pairs;
    expect(checked?.source).toMatchObject({
      region: { found: "eu-west-1" },
      partition: "aws",
      owner: { expected: DEFAULT_ACCOUNT, check: "ok" },
      versioning: "Off",
      objectLock: { state: "Off" },
      list: { outcome: "ok" },
      read: { outcome: "ok" },
      write: { outcome: "skipped" },
      problems: [],
    });
    expect(checked?.source.region.configured).toBeUndefined();
    expect(checked?.destination).toMatchObject({
      prefix: "copy/data/",
      region: { found: "cn-northwest-1", configured: "cn-northwest-1" },
      partition: "aws-cn",
      owner: { check: "not-configured" },
      versioning: "Enabled",
      encryption: { algorithm: "AES256" },
      kms: { outcome: "skipped" },
      list: { outcome: "ok", detail: "nothing under the prefix" },
      read: { outcome: "skipped" },
      write: { outcome: "skipped", detail: expect.stringContaining("--write-probe") },
    });
    // one discovery from us-east-1 answered 301, then every request went to eu-west-1
    const after = await regionCounts(source.endpoint, sourceBucket);
    expect(after.redirects - before.redirects).toBe(2); // one per process: the --json run and the table run
    expect(human.status).toBe(0);
    expect(human.stdout).toContain("write probe off");
    expect(human.stdout).toMatch(/source\s+preflight-src\S*\s+eu-west-1\s+aws\s+123456789012 ok/);
    expect(human.stdout).toContain("no problem found");
  });

  it("reports WrongRegion with the region found for a bucket configured in another region, after one redirect", async () => {
    const before = await regionCounts(source.endpoint, sourceBucket);
    const { status, report } = await preflight(["--pairs", pair({ src_region: "us-west-2" }), ...sides()]);
    expect(status).toBe(1);
    const row = report.pairs[0]?.source;
    expect(row?.region).toEqual({ found: "eu-west-1", configured: "us-west-2" });
    expect(row && codes(row)).toEqual(["WrongRegion"]);
    expect(row?.problems[0]?.message).toMatch(/is in eu-west-1, but the configuration says us-west-2; set the pair's src_region/);
    // the client learned the region from the first answer: the listing and the read went there
    expect(row).toMatchObject({ list: { outcome: "ok" }, read: { outcome: "ok" } });
    const after = await regionCounts(source.endpoint, sourceBucket);
    expect(after.redirectsBySigningRegion["us-west-2"] ?? 0).toBe((before.redirectsBySigningRegion["us-west-2"] ?? 0) + 1);
  });

  it("reports WrongRegion for a China bucket in cn-north-1 while --dest-region says cn-northwest-1", async () => {
    const bucket = await createBucket(chinaNorth, uniqueBucketName("preflight-north"));
    const { status, report } = await preflight(["--pairs", pair({ des_bucket: bucket }), ...sides()]);
    expect(status).toBe(1);
    expect(report.pairs[0]?.destination).toMatchObject({
      region: { found: "cn-north-1", configured: "cn-northwest-1" },
      partition: "aws-cn",
      problems: [{ code: "WrongRegion" }],
    });
  });

  it("reports OwnerMismatch when another account than the configured owner owns the bucket", async () => {
    const before = await regionCounts(destination.endpoint, destinationBucket);
    const { status, report } = await preflight(["--pairs", pair({ des_owner: OTHER_ACCOUNT }), ...sides()]);
    expect(status).toBe(1);
    const row = report.pairs[0]?.destination;
    expect(row).toMatchObject({
      reached: false,
      owner: { expected: OTHER_ACCOUNT, check: "mismatch" },
      region: { found: "cn-northwest-1" },
    });
    expect(row && codes(row)).toEqual(["OwnerMismatch"]);
    expect(row?.problems[0]?.message).toContain(`S3 refused ExpectedBucketOwner ${OTHER_ACCOUNT}`);
    expect(row?.list).toMatchObject({ outcome: "skipped" });
    expect(report.pairs[0]?.source.problems).toEqual([]);
    expect((await regionCounts(destination.endpoint, destinationBucket)).ownerRefusals - before.ownerRefusals).toBe(1);
  });

  it("reports BucketMissing for a bucket that does not exist, and asks it nothing more", async () => {
    const missing = uniqueBucketName("preflight-missing");
    const { status, report } = await preflight(["--pairs", pair({ src_bucket: missing }), ...sides()]);
    expect(status).toBe(1);
    const row = report.pairs[0]?.source;
    expect(row && codes(row)).toEqual(["BucketMissing"]);
    expect(row).toMatchObject({ reached: false, list: { outcome: "skipped" }, read: { outcome: "skipped" } });
    expect((await regionCounts(source.endpoint, missing)).requests).toBe(1);
  });

  it("reports PartitionMismatch for a China bucket configured on a side that signs for us-east-1, sending it nothing", async () => {
    const { status, report } = await preflight([
      "--pairs",
      pair({ des_region: "cn-northwest-1" }),
      "--region",
      "us-east-1",
      "--source-endpoint",
      source.endpoint,
      "--dest-endpoint",
      destination.endpoint,
    ]);
    expect(status).toBe(1);
    const row = report.pairs[0]?.destination;
    expect(row && codes(row)).toEqual(["PartitionMismatch"]);
    expect(row?.problems[0]?.message).toMatch(/partition aws-cn.*signs for us-east-1 \(partition aws\).*stored keys/);
    expect(report.pairs[0]?.source.problems).toEqual([]);
  });

  it("reports ListDenied when S3 refuses the listing, and ReadDenied when it refuses the object's HEAD", async () => {
    // Prepare: one proxy refuses ListObjectsV2 of the bucket, another HeadObject of its objects
    const noList = await proxied(source.endpoint);
    noList.addRule({
      match: { method: "GET", path: new RegExp(`^/${sourceBucket}/?$`), query: "list-type" },
      action: { type: "status", status: 403, code: "AccessDenied" },
      times: Number.POSITIVE_INFINITY,
    });
    const noRead = await proxied(source.endpoint);
    noRead.addRule({
      match: { method: "HEAD", path: new RegExp(`^/${sourceBucket}/.+`) },
      action: { type: "status", status: 403, code: "AccessDenied" },
      times: Number.POSITIVE_INFINITY,
    });
    // Act
    const listing = await preflight(["--pairs", pair(), ...sides({ source: noList.endpoint })]);
    const reading = await preflight(["--pairs", pair(), ...sides({ source: noRead.endpoint })]);
    // Assess
    expect(listing.status).toBe(1);
    expect(listing.report.pairs[0]?.source).toMatchObject({ list: { outcome: "refused" }, read: { outcome: "skipped" } });
    expect(codes(listing.report.pairs[0]?.source as BucketRow)).toEqual(["ListDenied"]);
    expect(listing.report.pairs[0]?.source.problems[0]?.message).toMatch(
      /ListObjectsV2 refused: AccessDenied \(HTTP 403\); grant s3:ListBucket/,
    );
    expect(reading.status).toBe(1);
    expect(reading.report.pairs[0]?.source).toMatchObject({ list: { outcome: "ok" }, read: { outcome: "refused" } });
    expect(codes(reading.report.pairs[0]?.source as BucketRow)).toEqual(["ReadDenied"]);
  });

  it("reports KmsDenied for a destination whose default key is disabled, and for one whose key policy refuses us", async () => {
    // Prepare
    const created = (await kms.send(new CreateKeyCommand({ Description: "preflight disabled" }))).KeyMetadata;
    const disabled = created?.Arn as string;
    // moto's DisableKey takes a key id only, not an ARN
    await kms.send(new DisableKeyCommand({ KeyId: created?.KeyId }));
    const denying = (
      await kms.send(
        new CreateKeyCommand({
          Description: "preflight denied",
          Policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Deny", Principal: { AWS: "*" }, Action: "kms:DescribeKey", Resource: "*" }],
          }),
        }),
      )
    ).KeyMetadata?.Arn as string;
    const usable = (await kms.send(new CreateKeyCommand({ Description: "preflight usable" }))).KeyMetadata?.Arn as string;
    const buckets = {
      disabled: await encryptedBucket("preflight-kms-off", disabled),
      denying: await encryptedBucket("preflight-kms-deny", denying),
      usable: await encryptedBucket("preflight-kms-ok", usable),
    };
    // Act
    const run = (bucket: string) => preflight(["--pairs", pair({ des_bucket: bucket }), ...sides()]);
    const [off, deny, ok] = await Promise.all([run(buckets.disabled), run(buckets.denying), run(buckets.usable)]);
    // Assess
    expect(off.status).toBe(1);
    expect(off.report.pairs[0]?.destination).toMatchObject({
      encryption: { algorithm: "aws:kms", kmsKeyId: disabled },
      kms: { outcome: "refused", detail: "key is Disabled" },
      problems: [{ code: "KmsDenied", message: expect.stringContaining("the key is Disabled") }],
    });
    expect(deny.status).toBe(1);
    expect(deny.report.pairs[0]?.destination).toMatchObject({
      kms: { outcome: "refused", detail: "AccessDeniedException" },
      problems: [{ code: "KmsDenied", message: expect.stringContaining("kms:ViaService") }],
    });
    expect(ok.status, JSON.stringify(ok.report)).toBe(0);
    expect(ok.report.pairs[0]?.destination.kms).toEqual({ outcome: "ok", detail: "DescribeKey, GenerateDataKey" });
  });

  it("with --write-probe writes a marker under the destination prefix and deletes its version; a refused PUT is WriteDenied", async () => {
    // Prepare
    const noWrite = await proxied(destination.endpoint);
    noWrite.addRule({
      match: { method: "PUT", path: new RegExp(`^/${destinationBucket}/.+`) },
      action: { type: "status", status: 403, code: "AccessDenied" },
      times: Number.POSITIVE_INFINITY,
    });
    // Act
    const { status, report } = await preflight(["--pairs", pair(), ...sides(), "--write-probe"]);
    const refused = await preflight(["--pairs", pair(), ...sides({ destination: noWrite.endpoint }), "--write-probe"]);
    // Assess: the versioned destination keeps nothing, not even a delete marker
    expect(status, JSON.stringify(report)).toBe(0);
    expect(report.writeProbe).toBe(true);
    expect(report.pairs[0]?.destination.write).toEqual({ outcome: "ok", detail: "PutObject, DeleteObject" });
    expect(await listAllKeys(china, destinationBucket)).toEqual([]);
    const versions = await china.send(new ListObjectVersionsCommand({ Bucket: destinationBucket }));
    expect([...(versions.Versions ?? []), ...(versions.DeleteMarkers ?? [])]).toEqual([]);
    expect(refused.status).toBe(1);
    expect(refused.report.pairs[0]?.destination.write).toMatchObject({ outcome: "refused" });
    expect(codes(refused.report.pairs[0]?.destination as BucketRow)).toEqual(["WriteDenied"]);
    expect(noWrite.countRequests({ method: "PUT" })).toBe(1);
  });

  it("refuses a looping pair as InvalidConfiguration (exit 2) before sending anything", async () => {
    const looping = JSON.stringify([{ src_bucket: sourceBucket, src_prefix: "", des_bucket: sourceBucket, des_prefix: "backup" }]);
    const before = await regionCounts(source.endpoint, sourceBucket);
    const { status, report } = await preflight(["--pairs", looping, ...sides()]);
    const human = await runCli(["preflight", "--pairs", looping, ...sides()]);
    expect(status).toBe(2);
    expect(report).toMatchObject({ ok: false, pairs: [], problems: [{ code: "InvalidConfiguration" }] });
    expect(report.problems[0]?.message).toMatch(/put the copies inside its own source/);
    expect(human.status).toBe(2);
    expect(human.stdout).toContain("problem InvalidConfiguration:");
    expect((await regionCounts(source.endpoint, sourceBucket)).requests).toBe(before.requests);
  });

  it("checks the event route: the notified queue is in the bucket's region, the job queue of --queue-url is not (EventQueueRegion)", async () => {
    // Prepare: an event bucket in us-east-1 that notifies a queue of its own region
    const events = await createBucket(east, uniqueBucketName("preflight-events"));
    const { sqs } = localClients(source.endpoint);
    const queueUrl = await createQueue(sqs, `preflight-events-${process.pid}`);
    const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }))).Attributes
      ?.QueueArn as string;
    await (east as S3Client).send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: events,
        NotificationConfiguration: { QueueConfigurations: [{ QueueArn: queueArn, Events: ["s3:ObjectCreated:*"] }] },
      }),
    );
    const route = ["--event-bucket", events, "--default-dest-bucket", destinationBucket, "--default-dest-prefix", "events"];
    // Act
    const same = await preflight([...route, ...sides()]);
    const elsewhere = await preflight([...route, ...sides(), "--queue-url", "https://sqs.eu-west-1.amazonaws.com/123456789012/jobs"]);
    // Assess
    expect(same.status, JSON.stringify(same.report)).toBe(0);
    expect(same.report.pairs).toEqual([]);
    expect(same.report.events).toMatchObject({
      source: { bucket: events, region: { found: "us-east-1" } },
      destination: { bucket: destinationBucket, prefix: "events/" },
      queues: [{ arn: queueArn, region: "us-east-1" }],
      problems: [],
    });
    expect(elsewhere.status).toBe(1);
    expect(elsewhere.report.events?.problems).toMatchObject([{ code: "EventQueueRegion" }]);
    expect(elsewhere.report.events?.problems[0]?.message).toMatch(/is in us-east-1, but the job queue .* is in eu-west-1/);
    expect(elsewhere.report.events?.notes).toContain(`event bucket s3://${events}: no notification targets the job queue jobs yet`);
  });
});
