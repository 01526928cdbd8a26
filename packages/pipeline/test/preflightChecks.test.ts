/**
 * The decisions of preflight's checks, one at a time, against mocked S3 and KMS clients: what
 * each answer S3 or KMS gives means (which problem, which outcome, which notes), and which
 * requests each check sends.
 */
import { DescribeKeyCommand, GenerateDataKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import {
  DeleteObjectCommand,
  GetBucketEncryptionCommand,
  GetBucketNotificationConfigurationCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  GetObjectLockConfigurationCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { readBucketSettings } from "../src/preflight/bucketSettings.js";
import { checkEventQueues } from "../src/preflight/checkEventQueues.js";
import { locateBucket } from "../src/preflight/locateBucket.js";
import { markerKey, probeList, probeRead, probeWrite } from "../src/preflight/probeAccess.js";
import { keyRegion, probeKmsKey } from "../src/preflight/probeKms.js";

const s3 = mockClient(S3Client);
const kms = mockClient(KMSClient);
const client = new S3Client({ region: "us-east-1", credentials: { accessKeyId: "k", secretAccessKey: "s" } });
const kmsClient = new KMSClient({ region: "eu-west-1", credentials: { accessKeyId: "k", secretAccessKey: "s" } });

/** An error as the SDK throws it for an S3 or KMS answer. */
function answer(name: string, status: number, headers: Record<string, string> = {}): Error {
  return Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status }, $response: { headers } });
}

const codes = (result: { problems: readonly { code: string }[] }) => result.problems.map((problem) => problem.code);

afterEach(() => {
  s3.reset();
  kms.reset();
});

describe("locateBucket", () => {
  const target = { side: "destination" as const, bucket: "dst", home: "eu-west-1" };

  it("finds the region S3 names and reports WrongRegion when the configuration says another", async () => {
    s3.on(HeadBucketCommand).resolves({ BucketRegion: "eu-central-1" });
    const location = await locateBucket(client, { ...target, facts: { region: "eu-west-1" } });
    expect(location).toMatchObject({ reachable: true, region: { found: "eu-central-1", configured: "eu-west-1" }, partition: "aws" });
    expect(codes(location)).toEqual(["WrongRegion"]);
    expect(location.problems[0]?.message).toMatch(/is in eu-central-1, but the configuration says eu-west-1/);
  });

  it("sends ExpectedBucketOwner when an owner is configured, and says the owner was accepted", async () => {
    s3.on(HeadBucketCommand).resolves({ BucketRegion: "eu-west-1" });
    const location = await locateBucket(client, { ...target, facts: { owner: "111122223333" } });
    expect(location).toMatchObject({ reachable: true, owner: { expected: "111122223333", check: "ok" }, problems: [] });
    expect(s3.commandCalls(HeadBucketCommand)[0]?.args[0].input).toEqual({ Bucket: "dst", ExpectedBucketOwner: "111122223333" });
  });

  it("tells a wrong owner (answers without the owner) from an identity refused HeadBucket either way (no problem: the listing under the prefix decides)", async () => {
    // Prepare: both refused with the owner; the second bucket also without it (the last matching rule answers)
    s3.on(HeadBucketCommand, { Bucket: "dst" }).resolves({ BucketRegion: "eu-west-1" });
    s3.on(HeadBucketCommand, { Bucket: "closed" }).rejects(answer("Forbidden", 403));
    s3.on(HeadBucketCommand, { ExpectedBucketOwner: "111122223333" }).rejects(answer("Forbidden", 403));
    // Act
    const foreign = await locateBucket(client, { ...target, facts: { owner: "111122223333" } });
    const closed = await locateBucket(client, { ...target, bucket: "closed", facts: { owner: "111122223333" } });
    // Assess
    expect(foreign).toMatchObject({ reachable: false, owner: { check: "mismatch" }, region: { found: "eu-west-1" } });
    expect(codes(foreign)).toEqual(["OwnerMismatch"]);
    expect(codes(closed)).toEqual([]);
    expect(closed).toMatchObject({ reachable: false, owner: { check: "unknown" } });
    const asked = s3.commandCalls(HeadBucketCommand).map((call) => call.args[0].input);
    expect(asked.filter((input) => input.ExpectedBucketOwner === undefined)).toHaveLength(2);
  });

  it("takes a 403 without a configured owner as no problem (a policy granting s3:ListBucket only under a prefix refuses HeadBucket), keeping the region it names, without asking again", async () => {
    s3.on(HeadBucketCommand).rejects(answer("Forbidden", 403, { "x-amz-bucket-region": "eu-west-1" }));
    const location = await locateBucket(client, target);
    expect(codes(location)).toEqual([]);
    expect(location.reachable).toBe(false);
    expect(location.region.found).toBe("eu-west-1");
    expect(s3.commandCalls(HeadBucketCommand)).toHaveLength(1);
  });

  it("reports BucketMissing for a 404, naming the side's partition", async () => {
    s3.on(HeadBucketCommand).rejects(answer("NotFound", 404));
    const location = await locateBucket(client, { ...target, home: "cn-northwest-1" });
    expect(location.reachable).toBe(false);
    expect(codes(location)).toEqual(["BucketMissing"]);
    expect(location.problems[0]?.message).toMatch(/cn-northwest-1, partition aws-cn/);
  });

  it("reports a redirect it could not follow as WrongRegion, and anything else as an inconclusive CheckFailed", async () => {
    s3.on(HeadBucketCommand, { Bucket: "moved" }).rejects(answer("PermanentRedirect", 301, { "x-amz-bucket-region": "ap-south-1" }));
    s3.on(HeadBucketCommand, { Bucket: "busy" }).rejects(answer("ServiceUnavailable", 503));
    const moved = await locateBucket(client, { ...target, bucket: "moved" });
    const busy = await locateBucket(client, { ...target, bucket: "busy" });
    expect(moved).toMatchObject({ region: { found: "ap-south-1" }, problems: [{ code: "WrongRegion" }] });
    expect(codes(busy)).toEqual(["CheckFailed"]);
  });

  it("reports PartitionMismatch when the bucket's region is in another partition than the side signs for", async () => {
    s3.on(HeadBucketCommand).resolves({ BucketRegion: "cn-north-1" });
    const location = await locateBucket(client, target);
    expect(location.partition).toBe("aws-cn");
    expect(codes(location)).toEqual(["PartitionMismatch"]);
  });
});

describe("readBucketSettings", () => {
  it("reads versioning, a default retention and SSE-KMS with a bucket key", async () => {
    s3.on(GetBucketVersioningCommand).resolves({ Status: "Enabled" });
    s3.on(GetObjectLockConfigurationCommand).resolves({
      ObjectLockConfiguration: { ObjectLockEnabled: "Enabled", Rule: { DefaultRetention: { Mode: "COMPLIANCE", Days: 30 } } },
    });
    s3.on(GetBucketEncryptionCommand).resolves({
      ServerSideEncryptionConfiguration: {
        Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms", KMSMasterKeyID: "alias/data" }, BucketKeyEnabled: true }],
      },
    });
    expect(await readBucketSettings(client, "b")).toEqual({
      versioning: "Enabled",
      objectLock: { state: "Enabled", defaultRetention: "COMPLIANCE 30 days" },
      encryption: { algorithm: "aws:kms", kmsKeyId: "alias/data", bucketKey: true },
      notes: [],
    });
  });

  it("takes S3's not-found answers as none, and a refusal as Unknown with a note (no problem: copies need none of them)", async () => {
    s3.on(GetBucketVersioningCommand).rejects(answer("AccessDenied", 403));
    s3.on(GetObjectLockConfigurationCommand).rejects(answer("ObjectLockConfigurationNotFoundError", 404));
    s3.on(GetBucketEncryptionCommand).rejects(answer("ServerSideEncryptionConfigurationNotFoundError", 404));
    expect(await readBucketSettings(client, "b")).toEqual({
      versioning: "Unknown",
      objectLock: { state: "Off" },
      encryption: { algorithm: "None" },
      notes: ["versioning could not be read: AccessDenied (HTTP 403)"],
    });
  });
});

describe("probeKmsKey", () => {
  const kmsFor = (_side: "source" | "destination", _region: string) => kmsClient;
  const encryption = { algorithm: "aws:kms" as const, kmsKeyId: "arn:aws-cn:kms:cn-north-1:111122223333:key/k1" };

  it("refuses a key that is not Enabled, without generating a data key", async () => {
    kms.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: "k1", KeyState: "PendingDeletion" } });
    const probed = await probeKmsKey(kmsFor, { side: "destination", bucket: "dst", encryption });
    expect(probed.kms).toEqual({ outcome: "refused", detail: "key is PendingDeletion" });
    expect(codes(probed)).toEqual(["KmsDenied"]);
    expect(kms.commandCalls(GenerateDataKeyCommand)).toHaveLength(0);
  });

  it("asks the destination's KMS for a data key with the context S3 gives it, in the key's region and partition", async () => {
    const regions: string[] = [];
    kms.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: "k1", KeyState: "Enabled" } });
    kms.on(GenerateDataKeyCommand).rejects(answer("AccessDeniedException", 400));
    const probed = await probeKmsKey(
      (_side, region) => {
        regions.push(region);
        return kmsClient;
      },
      { side: "destination", bucket: "dst", region: "cn-northwest-1", encryption },
    );
    expect(regions).toEqual(["cn-north-1"]);
    expect(kms.commandCalls(GenerateDataKeyCommand)[0]?.args[0].input).toEqual({
      KeyId: encryption.kmsKeyId,
      KeySpec: "AES_256",
      EncryptionContext: { "aws:s3:arn": "arn:aws-cn:s3:::dst" },
    });
    expect(probed.kms).toEqual({ outcome: "refused", detail: "AccessDeniedException" });
    expect(probed.problems[0]).toMatchObject({ code: "KmsDenied", message: expect.stringContaining("kms:ViaService") });
  });

  it("only describes a source's key (its Decrypt is proven by reading), and says a throttled KMS proves nothing", async () => {
    kms
      .on(DescribeKeyCommand)
      .resolvesOnce({ KeyMetadata: { KeyId: "k1", KeyState: "Enabled" } })
      .rejects(answer("ThrottlingException", 400));
    const source = await probeKmsKey(kmsFor, { side: "source", bucket: "src", encryption });
    const throttled = await probeKmsKey(kmsFor, { side: "source", bucket: "src", encryption });
    expect(source).toEqual({ kms: { outcome: "ok", detail: "DescribeKey" }, problems: [] });
    expect(kms.commandCalls(GenerateDataKeyCommand)).toHaveLength(0);
    expect(throttled.kms.outcome).toBe("failed");
    expect(codes(throttled)).toEqual(["CheckFailed"]);
  });

  it("probes nothing for SSE-S3, for the AWS managed key, and without a KMS client", async () => {
    expect((await probeKmsKey(kmsFor, { side: "source", bucket: "b", encryption: { algorithm: "AES256" } })).kms.outcome).toBe("skipped");
    const managed = await probeKmsKey(kmsFor, { side: "destination", bucket: "b", encryption: { algorithm: "aws:kms" } });
    expect(managed.kms.detail).toMatch(/aws\/s3: only the bucket owner's account/);
    expect((await probeKmsKey(undefined, { side: "destination", bucket: "b", encryption })).kms.outcome).toBe("skipped");
    expect(kms.calls()).toHaveLength(0);
  });

  it("reads a key's region from its ARN only", () => {
    expect(keyRegion("arn:aws:kms:eu-west-1:111122223333:alias/data")).toBe("eu-west-1");
    expect(keyRegion("alias/data")).toBeUndefined();
    expect(keyRegion("1234abcd-12ab-34cd-56ef-1234567890ab")).toBeUndefined();
  });
});

describe("probeList, probeRead", () => {
  const target = { side: "source" as const, bucket: "src", prefix: "logs/" };

  it("lists one key under the prefix and reads it; nothing listed, nothing read", async () => {
    s3.on(ListObjectsV2Command)
      .resolvesOnce({ Contents: [{ Key: "logs/a" }] })
      .resolves({});
    s3.on(HeadObjectCommand).resolves({ ContentLength: 5 });
    const listed = await probeList(client, target);
    const read = await probeRead(client, target, listed.firstKey);
    const empty = await probeList(client, target);
    expect(s3.commandCalls(ListObjectsV2Command)[0]?.args[0].input).toEqual({ Bucket: "src", MaxKeys: 1, Prefix: "logs/" });
    expect(read.result).toEqual({ outcome: "ok", detail: "HeadObject" });
    expect(empty.firstKey).toBeUndefined();
    expect((await probeRead(client, target, empty.firstKey)).result.outcome).toBe("skipped");
  });

  it("reports a refused listing as ListDenied and a refused HEAD as ReadDenied", async () => {
    s3.on(ListObjectsV2Command).rejects(answer("AccessDenied", 403));
    s3.on(HeadObjectCommand).rejects(answer("Forbidden", 403));
    expect(codes(await probeList(client, target))).toEqual(["ListDenied"]);
    expect(codes(await probeRead(client, target, "logs/a"))).toEqual(["ReadDenied"]);
  });

  it("reads the first byte of an SSE-KMS source object, and calls its refusal the key's (KmsDenied)", async () => {
    s3.on(HeadObjectCommand).resolves({ ContentLength: 10, ServerSideEncryption: "aws:kms" });
    s3.on(GetObjectCommand).rejects(answer("AccessDenied", 403));
    const source = await probeRead(client, target, "logs/a");
    const destination = await probeRead(client, { ...target, side: "destination" }, "logs/a");
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(1);
    expect(s3.commandCalls(GetObjectCommand)[0]?.args[0].input.Range).toBe("bytes=0-0");
    expect(codes(source)).toEqual(["KmsDenied"]);
    expect(destination.result).toEqual({ outcome: "ok", detail: "HeadObject" });
  });
});

describe("probeWrite", () => {
  const target = { side: "destination" as const, bucket: "dst", prefix: "copy/logs" };

  it("writes nothing unless asked, nor where Object Lock would keep the marker", async () => {
    expect((await probeWrite(client, target, { enabled: false })).result.detail).toMatch(/off/);
    expect((await probeWrite(client, target, { enabled: true, defaultRetention: "GOVERNANCE 1 years" })).result.detail).toMatch(
      /Object Lock/,
    );
    expect((await probeWrite(client, { ...target, side: "source" }, { enabled: true })).result.outcome).toBe("skipped");
    expect(s3.calls()).toHaveLength(0);
  });

  it("puts a marker under the prefix with Content-MD5 and deletes the very version it wrote", async () => {
    s3.on(PutObjectCommand).resolves({ VersionId: "v1" });
    s3.on(DeleteObjectCommand).resolves({});
    const probed = await probeWrite(client, target, { enabled: true });
    const put = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(probed).toEqual({ result: { outcome: "ok", detail: "PutObject, DeleteObject" }, problems: [], notes: [] });
    expect(put?.Key).toMatch(/^copy\/logs\/\.s3-migrate-preflight-[0-9a-f-]{36}$/);
    expect(put?.ContentMD5).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(s3.commandCalls(DeleteObjectCommand)[0]?.args[0].input).toEqual({ Bucket: "dst", Key: put?.Key, VersionId: "v1" });
  });

  it("notes a marker it could not delete (its version hidden behind a delete marker), and reports a refused PUT as WriteDenied", async () => {
    s3.on(PutObjectCommand).resolvesOnce({ VersionId: "v1" }).rejects(answer("AccessDenied", 403));
    s3.on(DeleteObjectCommand, { VersionId: "v1" }).rejects(answer("AccessDenied", 403));
    s3.on(DeleteObjectCommand, { VersionId: undefined }).resolves({});
    const kept = await probeWrite(client, target, { enabled: true });
    const refused = await probeWrite(client, target, { enabled: true });
    expect(kept.result).toEqual({ outcome: "ok", detail: "PutObject" });
    expect(kept.notes[0]).toMatch(/\(version v1\) could not be deleted \(AccessDenied \(HTTP 403\)\); it is hidden behind a delete marker/);
    expect(codes(refused)).toEqual(["WriteDenied"]);
  });

  it("always writes the marker under the prefix it is given", () => {
    fc.assert(fc.property(fc.string({ maxLength: 20 }), (prefix) => markerKey(prefix).startsWith(prefix)));
  });
});

describe("checkEventQueues", () => {
  const queueArn = (region: string, name = "jobs") => `arn:aws:sqs:${region}:111122223333:${name}`;

  it("reports a notified queue in another region, and a job queue of another region that nothing notifies yet", async () => {
    s3.on(GetBucketNotificationConfigurationCommand).resolves({
      QueueConfigurations: [{ QueueArn: queueArn("us-east-1", "old"), Events: [] }],
    });
    const checked = await checkEventQueues(client, {
      bucket: "uploads",
      region: "eu-west-1",
      queueUrl: "https://sqs.us-west-2.amazonaws.com/111122223333/jobs",
    });
    expect(checked.queues).toEqual([{ arn: queueArn("us-east-1", "old"), region: "us-east-1" }]);
    expect(codes(checked)).toEqual(["EventQueueRegion", "EventQueueRegion"]);
    expect(checked.notes).toEqual(["event bucket s3://uploads: no notification targets the job queue jobs yet"]);
  });

  it("passes a bucket that notifies the job queue in its own region, and notes a configuration it may not read", async () => {
    s3.on(GetBucketNotificationConfigurationCommand, { Bucket: "uploads" }).resolves({
      QueueConfigurations: [{ QueueArn: queueArn("eu-west-1"), Events: [] }],
    });
    s3.on(GetBucketNotificationConfigurationCommand, { Bucket: "closed" }).rejects(answer("AccessDenied", 403));
    const ok = await checkEventQueues(client, {
      bucket: "uploads",
      region: "eu-west-1",
      queueUrl: "https://sqs.eu-west-1.amazonaws.com/1/jobs",
    });
    const closed = await checkEventQueues(client, { bucket: "closed", region: "eu-west-1" });
    expect(ok).toEqual({ queues: [{ arn: queueArn("eu-west-1"), region: "eu-west-1" }], problems: [], notes: [] });
    expect(closed).toEqual({
      problems: [],
      notes: ["event bucket s3://closed: its notification configuration could not be read: AccessDenied (HTTP 403)"],
    });
  });
});
