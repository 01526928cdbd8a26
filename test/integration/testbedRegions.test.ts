/**
 * Proves lies 10 and 11's fix (test/setup/moto_regions.py, the region front): the test bed answers
 * a request signed for the wrong region of a bucket's partition with S3's `301 PermanentRedirect`
 * and `x-amz-bucket-region`, knows no bucket of the other partition, refuses a LocationConstraint
 * that is not the signing region, judges a copy by its destination, refuses an expected owner
 * that is not the bucket's account, and counts what it saw per bucket; so a test that code finds
 * and uses a bucket's region and owner proves something.
 *
 * The raw answers are seen through clients with `maxAttempts: 1` and `followRegionRedirects:
 * false` (the SDK's default). What the SDK makes of the 301, pinned below: a non-HEAD request
 * rejects with `name: "PermanentRedirect"` (from the XML body), a HEAD with `name: "Unknown"`
 * (no body to name it; a HEAD's 403 is "Unknown" too, its 404 "NotFound"); both have
 * `$metadata.httpStatusCode: 301` and the region in `$response.headers["x-amz-bucket-region"]`,
 * which `followRegionRedirects: true` follows.
 *
 * `S3M_MOTO_PATCHES=off pnpm exec vitest run test/integration/testbedRegions.test.ts` fails every
 * test of the front here (checked by hand, also with the counts read as zeros so that each fails
 * on what moto answers): unpatched, every region reaches every bucket, a LocationConstraint
 * signed for us-east-1 is taken, owners are not checked, and the counts path does not exist. The
 * start-up tests at the end run the launcher themselves, patched, and pass either way.
 */
import { spawnSync } from "node:child_process";
import { connect } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import {
  type BucketLocationConstraint,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetBucketLocationCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
  UploadPartCopyCommand,
} from "@aws-sdk/client-s3";
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { beforeAll, describe, expect, it } from "vitest";
import { createBucket, makeS3Client, putObject, readObject, testEndpoints, uniqueBucketName } from "../support/endpoints.js";
import { allRegionCounts, countsMoved, regionCounts } from "../support/regionFront.js";
import { assumeRole, type RawRequest, signedFetch, signerOf } from "../support/signedRequests.js";

const { source } = testEndpoints();
/** moto's default account, whose access key (`testing`) every plain client uses. */
const DEFAULT_ACCOUNT = "123456789012";
/** The account of the role the second account's client assumes through moto's STS. */
const OTHER_ACCOUNT = "111111111111";
const RAW = { maxAttempts: 1, followRegionRedirects: false } as const;

/** A plain client of the source moto signing for `region`, seeing every answer unretried and unredirected. */
const clientFor = (region: string, overrides: Parameters<typeof makeS3Client>[2] = {}): S3Client =>
  makeS3Client(source.endpoint, region, { ...RAW, ...overrides });

/** How an S3 call failed: the error's name, HTTP status, `x-amz-bucket-region` and the error's own fields. */
interface Failure {
  readonly name: string;
  readonly status: number | undefined;
  readonly bucketRegion: string | undefined;
  readonly error: Record<string, unknown>;
}

async function failure(call: Promise<unknown>): Promise<Failure> {
  const thrown = await call.then(
    () => undefined,
    (error: unknown) => error as Record<string, unknown>,
  );
  if (thrown === undefined) return { name: "none", status: undefined, bucketRegion: undefined, error: {} };
  const metadata = thrown.$metadata as { httpStatusCode?: number } | undefined;
  const response = thrown.$response as { headers?: Record<string, string> } | undefined;
  return {
    name: String(thrown.name),
    status: metadata?.httpStatusCode,
    bucketRegion: response?.headers?.["x-amz-bucket-region"],
    error: thrown,
  };
}

/** The request `client` would send for `command`, unsigned (captured before signing, never sent). */
async function builtRequest(client: S3Client, command: GetObjectCommand): Promise<RawRequest> {
  let captured: unknown;
  command.middlewareStack.add(
    () => async (args) => {
      captured = args.request;
      return { output: { $metadata: {} }, response: {} } as never;
    },
    { step: "build", priority: "low", name: "captureUnsignedRequest" },
  );
  await client.send(command);
  return captured as RawRequest;
}

/** A presigned URL for `command`, made by the client's own SigV4 signer as @aws-sdk/s3-request-presigner makes it. */
async function presignedUrl(client: S3Client, command: GetObjectCommand): Promise<string> {
  const unsigned = await builtRequest(client, command);
  const signed = await (await signerOf(client)).presign(unsigned, { expiresIn: 300 });
  const query = new URLSearchParams(signed.query ?? {}).toString();
  return `${source.endpoint}${signed.path}?${query}`;
}

/** What came back on the wire for one signed request, read off a raw socket (node:http never reads a HEAD's body). */
interface OnTheWire {
  readonly status: number;
  readonly headers: Record<string, string>;
  /** Every byte after the header block, up to the server's close. */
  readonly afterHeaders: string;
}

/** Sends a signed `method` request for `path` over a raw TCP connection and reads all the server writes until it closes. */
async function onTheWire(client: S3Client, method: "HEAD" | "GET", region: string, path: string): Promise<OnTheWire> {
  const url = new URL(source.endpoint);
  const signed = await (await signerOf(client)).sign(
    { protocol: url.protocol, hostname: url.hostname, port: Number(url.port), method, path, query: {}, headers: { host: url.host } },
    { signingService: "s3", signingRegion: region },
  );
  const head = [
    `${method} ${path} HTTP/1.1`,
    ...Object.entries(signed.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
    "connection: close",
  ];
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(Number(url.port), url.hostname, () => socket.end(`${head.join("\r\n")}\r\n\r\n`));
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("close", () => {
      const text = Buffer.concat(chunks).toString("latin1");
      const split = text.indexOf("\r\n\r\n");
      const [statusLine = "", ...lines] = text.slice(0, split).split("\r\n");
      const headers = Object.fromEntries(
        lines.map((line) => [line.slice(0, line.indexOf(":")).toLowerCase(), line.slice(line.indexOf(":") + 1).trim()]),
      );
      resolve({ status: Number(statusLine.split(" ")[1]), headers, afterHeaders: text.slice(split + 4) });
    });
  });
}

describe("moto regions and owners (lies 10 and 11: every region reaches every bucket, owners never checked)", () => {
  const eu = clientFor("eu-west-1");
  const us = clientFor("us-east-1");
  const west = clientFor("us-west-2");
  const china = clientFor("cn-north-1");
  let euBucket: string;
  let westBucket: string;
  let chinaBucket: string;

  beforeAll(async () => {
    euBucket = await createBucket(eu, uniqueBucketName("regions-eu"));
    westBucket = await createBucket(west, uniqueBucketName("regions-west"));
    chinaBucket = await createBucket(china, uniqueBucketName("regions-cn"));
    await putObject(eu, euBucket, "object", "in eu-west-1");
    await putObject(west, westBucket, "source object", "in us-west-2");
    await putObject(china, chinaBucket, "cn object", "in cn-north-1");
  });

  it("answers GetObject, PutObject and ListObjectsV2 signed for another region with 301 PermanentRedirect and x-amz-bucket-region; the bucket's region works", async () => {
    // Prepare
    const before = await regionCounts(source.endpoint, euBucket);

    // Act
    const get = await failure(us.send(new GetObjectCommand({ Bucket: euBucket, Key: "object" })));
    const put = await failure(us.send(new PutObjectCommand({ Bucket: euBucket, Key: "put", Body: "x" })));
    const list = await failure(us.send(new ListObjectsV2Command({ Bucket: euBucket })));
    const rightGet = await readObject(eu, euBucket, "object");
    const rightPut = await putObject(eu, euBucket, "put", "y");

    // Assess
    for (const refused of [get, put, list]) {
      expect(refused).toMatchObject({ name: "PermanentRedirect", status: 301, bucketRegion: "eu-west-1" });
      expect(refused.error).toMatchObject({ Endpoint: `${euBucket}.s3.eu-west-1.amazonaws.com`, Bucket: euBucket });
    }
    expect(rightGet.toString()).toBe("in eu-west-1");
    expect(rightPut.ETag).toBeDefined();
    expect((await readObject(eu, euBucket, "put")).toString()).toBe("y");
    expect(countsMoved(before, await regionCounts(source.endpoint, euBucket))).toEqual({
      requests: 6,
      redirects: 3,
      redirectsBySigningRegion: { "us-east-1": 3 },
      ownerRefusals: 0,
      partitionRefusals: 0,
      locationRefusals: 0,
    });
  });

  it("answers HeadObject and HeadBucket signed for another region with a bodiless 301 whose x-amz-bucket-region the SDK reads and follows", async () => {
    // Prepare
    const following = makeS3Client(source.endpoint, "us-east-1", { maxAttempts: 1, followRegionRedirects: true });
    const before = await regionCounts(source.endpoint, euBucket);

    // Act
    const headObject = await failure(us.send(new HeadObjectCommand({ Bucket: euBucket, Key: "object" })));
    const headBucket = await failure(us.send(new HeadBucketCommand({ Bucket: euBucket })));
    const headOnTheWire = await onTheWire(us, "HEAD", "us-east-1", `/${euBucket}/object`);
    const getOnTheWire = await onTheWire(us, "GET", "us-east-1", `/${euBucket}/object`);
    const followed = await following.send(new HeadObjectCommand({ Bucket: euBucket, Key: "object" }));
    const rightRegion = await eu.send(new HeadBucketCommand({ Bucket: euBucket }));

    // Assess
    expect(headObject).toMatchObject({ name: "Unknown", status: 301, bucketRegion: "eu-west-1" });
    expect(headBucket).toMatchObject({ name: "Unknown", status: 301, bucketRegion: "eu-west-1" });
    expect(headOnTheWire).toEqual({
      status: 301,
      headers: expect.objectContaining({ "x-amz-bucket-region": "eu-west-1", "content-length": "0" }),
      afterHeaders: "",
    });
    expect(getOnTheWire).toMatchObject({ status: 301, headers: { "x-amz-bucket-region": "eu-west-1" } });
    expect(getOnTheWire.afterHeaders).toContain("<Code>PermanentRedirect</Code>");
    expect(followed.ContentLength).toBe("in eu-west-1".length);
    expect(rightRegion.BucketRegion).toBe("eu-west-1");
    expect(countsMoved(before, await regionCounts(source.endpoint, euBucket))).toMatchObject({
      requests: 7,
      redirects: 5,
      redirectsBySigningRegion: { "us-east-1": 5 },
    });
  });

  it("answers GetBucketLocation from any region of the bucket's partition, and not from the other partition", async () => {
    // Act
    const fromUs = await us.send(new GetBucketLocationCommand({ Bucket: euBucket }));
    const fromWest = await west.send(new GetBucketLocationCommand({ Bucket: euBucket }));
    const fromChina = await failure(china.send(new GetBucketLocationCommand({ Bucket: euBucket })));
    const chinaFromChina = await china.send(new GetBucketLocationCommand({ Bucket: chinaBucket }));

    // Assess
    expect([fromUs.LocationConstraint, fromWest.LocationConstraint]).toEqual(["eu-west-1", "eu-west-1"]);
    expect(fromChina).toMatchObject({ name: "NoSuchBucket", status: 404 });
    expect(chinaFromChina.LocationConstraint).toBe("cn-north-1");
  });

  it("knows no bucket of the other partition: 404 NoSuchBucket both ways, for GET and HEAD", async () => {
    // Prepare
    const before = await regionCounts(source.endpoint, chinaBucket);

    // Act
    const get = await failure(us.send(new GetObjectCommand({ Bucket: chinaBucket, Key: "cn object" })));
    const head = await failure(eu.send(new HeadBucketCommand({ Bucket: chinaBucket })));
    const back = await failure(china.send(new ListObjectsV2Command({ Bucket: euBucket })));

    // Assess
    expect(get).toMatchObject({ name: "NoSuchBucket", status: 404 });
    expect(head).toMatchObject({ name: "NotFound", status: 404, bucketRegion: undefined });
    expect(back).toMatchObject({ name: "NoSuchBucket", status: 404 });
    expect((await readObject(china, chinaBucket, "cn object")).toString()).toBe("in cn-north-1");
    expect(countsMoved(before, await regionCounts(source.endpoint, chinaBucket))).toMatchObject({
      requests: 3,
      partitionRefusals: 2,
      redirects: 0,
    });
  });

  it("refuses a presigned URL signed for another region with the 301, and serves one signed for the bucket's", async () => {
    // Prepare
    const wrong = await presignedUrl(us, new GetObjectCommand({ Bucket: euBucket, Key: "object" }));
    const right = await presignedUrl(eu, new GetObjectCommand({ Bucket: euBucket, Key: "object" }));

    // Act
    const refused = await fetch(wrong);
    const served = await fetch(right);

    // Assess
    expect(wrong).toContain("X-Amz-Credential=testing%2F");
    expect(wrong).toContain("%2Fus-east-1%2Fs3%2Faws4_request");
    expect(refused.status).toBe(301);
    expect(refused.headers.get("x-amz-bucket-region")).toBe("eu-west-1");
    expect(await refused.text()).toContain("<Code>PermanentRedirect</Code>");
    expect([served.status, await served.text()]).toEqual([200, "in eu-west-1"]);
  });

  it("refuses a CreateBucket whose LocationConstraint is not the signing region with IllegalLocationConstraintException", async () => {
    // Prepare
    const name = uniqueBucketName("regions-create");
    const create = (client: S3Client, constraint?: string) =>
      client.send(
        new CreateBucketCommand({
          Bucket: name,
          ...(constraint ? { CreateBucketConfiguration: { LocationConstraint: constraint as BucketLocationConstraint } } : {}),
        }),
      );

    // Act
    const usForEu = await failure(create(us, "eu-west-1"));
    // The SDK fills an unspecified LocationConstraint in with its region but for us-east-1: sent raw.
    const westForNone = await signedFetch(source.endpoint, west, "s3", "us-west-2", { method: "PUT", path: `/${name}` });
    const westForNoneText = await westForNone.text();
    const westForEu = await failure(create(west, "eu-west-1"));
    const missing = await failure(eu.send(new HeadBucketCommand({ Bucket: name })));
    const counts = await regionCounts(source.endpoint, name);
    await create(eu, "eu-west-1");
    const location = await eu.send(new GetBucketLocationCommand({ Bucket: name }));

    // Assess
    for (const refused of [usForEu, westForEu]) expect(refused).toMatchObject({ name: "IllegalLocationConstraintException", status: 400 });
    expect(usForEu.error.message).toBe(
      "The eu-west-1 location constraint is incompatible for the region specific endpoint this request was sent to.",
    );
    expect(westForNone.status).toBe(400);
    expect(westForNoneText).toContain("<Code>IllegalLocationConstraintException</Code>");
    expect(westForNoneText).toContain(
      "The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.",
    );
    expect(missing).toMatchObject({ name: "NotFound", status: 404 });
    expect(counts).toMatchObject({ locationRefusals: 3 });
    expect(location.LocationConstraint).toBe("eu-west-1");
  });

  it("judges CopyObject and UploadPartCopy by the destination: a source in another region of the partition is copied, a request signed for the source's region is redirected", async () => {
    // Prepare
    const copySource = `${westBucket}/${encodeURIComponent("source object")}`;
    const { UploadId } = await eu.send(new CreateMultipartUploadCommand({ Bucket: euBucket, Key: "copied-parts" }));
    const before = await regionCounts(source.endpoint, euBucket);

    // Act
    const copied = await eu.send(new CopyObjectCommand({ Bucket: euBucket, Key: "copied", CopySource: copySource }));
    const part = await eu.send(
      new UploadPartCopyCommand({ Bucket: euBucket, Key: "copied-parts", UploadId, PartNumber: 1, CopySource: `/${copySource}` }),
    );
    const signedForSource = await failure(
      west.send(new CopyObjectCommand({ Bucket: euBucket, Key: "copied-west", CopySource: copySource })),
    );
    const partForSource = await failure(
      west.send(new UploadPartCopyCommand({ Bucket: euBucket, Key: "copied-parts", UploadId, PartNumber: 2, CopySource: copySource })),
    );

    // Assess
    expect(copied.CopyObjectResult?.ETag).toBeDefined();
    expect(part.CopyPartResult?.ETag).toBeDefined();
    expect((await readObject(eu, euBucket, "copied")).toString()).toBe("in us-west-2");
    expect(signedForSource).toMatchObject({ name: "PermanentRedirect", status: 301, bucketRegion: "eu-west-1" });
    expect(partForSource).toMatchObject({ name: "PermanentRedirect", status: 301, bucketRegion: "eu-west-1" });
    await expect(eu.send(new HeadObjectCommand({ Bucket: euBucket, Key: "copied-west" }))).rejects.toMatchObject({ name: "NotFound" });
    expect(countsMoved(before, await regionCounts(source.endpoint, euBucket))).toMatchObject({
      requests: 6,
      redirects: 2,
      redirectsBySigningRegion: { "us-west-2": 2 },
    });
  });

  it("refuses a copy source of the other partition with 404 NoSuchBucket naming it, however the source is written", async () => {
    // Prepare
    const before = await regionCounts(source.endpoint, chinaBucket);

    // Act
    const plain = await failure(
      eu.send(new CopyObjectCommand({ Bucket: euBucket, Key: "from-cn", CopySource: `${chinaBucket}/cn%20object` })),
    );
    const slashed = await failure(
      eu.send(
        new CopyObjectCommand({
          Bucket: euBucket,
          Key: "from-cn",
          CopySource: `/${encodeURIComponent(chinaBucket)}/cn%20object?versionId=null`,
        }),
      ),
    );

    // Assess
    for (const refused of [plain, slashed]) {
      expect(refused).toMatchObject({ name: "NoSuchBucket", status: 404 });
      expect(refused.error.BucketName).toBe(chinaBucket);
    }
    await expect(eu.send(new HeadObjectCommand({ Bucket: euBucket, Key: "from-cn" }))).rejects.toMatchObject({ name: "NotFound" });
    expect(countsMoved(before, await regionCounts(source.endpoint, chinaBucket))).toMatchObject({ requests: 0, partitionRefusals: 2 });
  });

  it("refuses an ExpectedBucketOwner that is not the bucket's account with 403 AccessDenied, as header and in a presigned URL; the right one works", async () => {
    // Prepare
    const wrongUrl = await presignedUrl(eu, new GetObjectCommand({ Bucket: euBucket, Key: "object", ExpectedBucketOwner: OTHER_ACCOUNT }));
    const rightUrl = await presignedUrl(
      eu,
      new GetObjectCommand({ Bucket: euBucket, Key: "object", ExpectedBucketOwner: DEFAULT_ACCOUNT }),
    );
    const before = await regionCounts(source.endpoint, euBucket);

    // Act
    const get = await failure(eu.send(new GetObjectCommand({ Bucket: euBucket, Key: "object", ExpectedBucketOwner: OTHER_ACCOUNT })));
    const head = await failure(eu.send(new HeadBucketCommand({ Bucket: euBucket, ExpectedBucketOwner: OTHER_ACCOUNT })));
    const right = await eu.send(new GetObjectCommand({ Bucket: euBucket, Key: "object", ExpectedBucketOwner: DEFAULT_ACCOUNT }));
    const wrongPresigned = await fetch(wrongUrl);
    const rightPresigned = await fetch(rightUrl);

    // Assess
    expect(get).toMatchObject({ name: "AccessDenied", status: 403 });
    expect(head).toMatchObject({ name: "Unknown", status: 403 });
    expect(await right.Body?.transformToString()).toBe("in eu-west-1");
    expect(wrongUrl).toContain(`x-amz-expected-bucket-owner=${OTHER_ACCOUNT}`);
    expect(wrongPresigned.status).toBe(403);
    expect(await wrongPresigned.text()).toContain("<Code>AccessDenied</Code>");
    expect([rightPresigned.status, await rightPresigned.text()]).toEqual([200, "in eu-west-1"]);
    expect(countsMoved(before, await regionCounts(source.endpoint, euBucket))).toMatchObject({
      requests: 5,
      ownerRefusals: 3,
      redirects: 0,
    });
  });

  it("refuses a copy whose ExpectedSourceBucketOwner is not the source's account, or whose ExpectedBucketOwner is not the destination's", async () => {
    // Prepare
    const copy = (extra: { ExpectedSourceBucketOwner?: string; ExpectedBucketOwner?: string }) =>
      eu.send(new CopyObjectCommand({ Bucket: euBucket, Key: "owned-copy", CopySource: `${westBucket}/source%20object`, ...extra }));
    const sourceBefore = await regionCounts(source.endpoint, westBucket);

    // Act
    const wrongSource = await failure(copy({ ExpectedSourceBucketOwner: OTHER_ACCOUNT }));
    const wrongDestination = await failure(copy({ ExpectedSourceBucketOwner: DEFAULT_ACCOUNT, ExpectedBucketOwner: OTHER_ACCOUNT }));
    const missing = await failure(eu.send(new HeadObjectCommand({ Bucket: euBucket, Key: "owned-copy" })));
    const right = await copy({ ExpectedSourceBucketOwner: DEFAULT_ACCOUNT, ExpectedBucketOwner: DEFAULT_ACCOUNT });

    // Assess
    expect(wrongSource).toMatchObject({ name: "AccessDenied", status: 403 });
    expect(wrongDestination).toMatchObject({ name: "AccessDenied", status: 403 });
    expect(missing).toMatchObject({ name: "NotFound" });
    expect(right.CopyObjectResult?.ETag).toBeDefined();
    expect(countsMoved(sourceBefore, await regionCounts(source.endpoint, westBucket))).toMatchObject({ requests: 0, ownerRefusals: 1 });
  });

  it("sees the owner of a bucket made by a second account (credentials of moto's STS AssumeRole)", async () => {
    // Prepare
    const credentials = await assumeRole(source.endpoint, us, OTHER_ACCOUNT);
    const other = clientFor("eu-west-1", { credentials });
    const bucket = await createBucket(other, uniqueBucketName("regions-other-account"));

    // Act
    const ownBuckets = (await other.send(new ListBucketsCommand({}))).Buckets?.map((entry) => entry.Name);
    const defaultBuckets = (await eu.send(new ListBucketsCommand({}))).Buckets?.map((entry) => entry.Name);
    const asDefault = await failure(
      eu.send(new PutObjectCommand({ Bucket: bucket, Key: "k", Body: "v", ExpectedBucketOwner: DEFAULT_ACCOUNT })),
    );
    const asOther = await eu.send(new PutObjectCommand({ Bucket: bucket, Key: "k", Body: "v", ExpectedBucketOwner: OTHER_ACCOUNT }));
    const ownCheck = await other.send(new HeadBucketCommand({ Bucket: bucket, ExpectedBucketOwner: OTHER_ACCOUNT }));
    const copySourceOwner = await failure(
      eu.send(
        new CopyObjectCommand({
          Bucket: euBucket,
          Key: "from-other",
          CopySource: `${bucket}/k`,
          ExpectedSourceBucketOwner: DEFAULT_ACCOUNT,
        }),
      ),
    );
    const copied = await eu.send(
      new CopyObjectCommand({ Bucket: euBucket, Key: "from-other", CopySource: `${bucket}/k`, ExpectedSourceBucketOwner: OTHER_ACCOUNT }),
    );

    // Assess
    expect(credentials.accessKeyId).not.toBe("testing");
    expect(ownBuckets).toContain(bucket);
    expect(defaultBuckets).not.toContain(bucket);
    expect(asDefault).toMatchObject({ name: "AccessDenied", status: 403 });
    expect(asOther.ETag).toBeDefined();
    expect(ownCheck.BucketRegion).toBe("eu-west-1");
    expect(copySourceOwner).toMatchObject({ name: "AccessDenied", status: 403 });
    expect(copied.CopyObjectResult?.ETag).toBeDefined();
    expect(await regionCounts(source.endpoint, bucket)).toMatchObject({ ownerRefusals: 2 });
  });

  it("leaves requests signed for other services, and unsigned ones, to moto, and does not count them", async () => {
    // Prepare
    const credentials = { accessKeyId: "testing", secretAccessKey: "testing" };
    const dynamo = new DynamoDBClient({ endpoint: source.endpoint, region: "eu-west-1", credentials, maxAttempts: 1 });
    const sqs = new SQSClient({ endpoint: source.endpoint, region: "eu-west-1", credentials, maxAttempts: 1 });
    const table = uniqueBucketName("regions-table");
    const before = await regionCounts(source.endpoint, euBucket);

    // Act
    await dynamo.send(
      new CreateTableCommand({
        TableName: table,
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    const tables = await dynamo.send(new ListTablesCommand({}));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueBucketName("regions-queue") }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "hello" }));
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 0 }));
    // Signed for SQS (us-east-1) at the bucket's path: moto's SQS answers, not the front.
    const sqsAtBucketPath = await signedFetch(source.endpoint, us, "sqs", "us-east-1", {
      method: "GET",
      path: `/${euBucket}`,
      query: { Action: "ListQueues" },
    });
    const unsigned = await fetch(`${source.endpoint}/${euBucket}/object`); // moto's own answer to an anonymous GET
    const afterOthers = await regionCounts(source.endpoint, euBucket);
    // The same path signed for S3 in us-east-1: the front's 301.
    const s3AtBucketPath = await signedFetch(source.endpoint, us, "s3", "us-east-1", { method: "GET", path: `/${euBucket}` });

    // Assess
    expect(tables.TableNames).toContain(table);
    expect(received.Messages?.map((message) => message.Body)).toEqual(["hello"]);
    expect(sqsAtBucketPath.status).not.toBe(301);
    expect(sqsAtBucketPath.headers.get("x-amz-bucket-region")).toBeNull();
    expect(unsigned.status).not.toBe(301);
    expect(unsigned.headers.get("x-amz-bucket-region")).toBeNull();
    expect(countsMoved(before, afterOthers)).toMatchObject({ requests: 0, redirects: 0 });
    expect(s3AtBucketPath.status).toBe(301);
    expect(countsMoved(afterOthers, await regionCounts(source.endpoint, euBucket))).toMatchObject({ requests: 1, redirects: 1 });
  });

  it("counts, per bucket, every S3 request it judged, its 301s per signing region and its refusals", async () => {
    // Prepare
    const bucket = await createBucket(eu, uniqueBucketName("regions-counts"));

    // Act
    await putObject(eu, bucket, "a", "1");
    await readObject(eu, bucket, "a");
    await failure(us.send(new GetObjectCommand({ Bucket: bucket, Key: "a" })));
    await failure(west.send(new HeadObjectCommand({ Bucket: bucket, Key: "a" })));
    await failure(west.send(new ListObjectsV2Command({ Bucket: bucket })));
    await failure(eu.send(new GetObjectCommand({ Bucket: bucket, Key: "a", ExpectedBucketOwner: OTHER_ACCOUNT })));
    await failure(china.send(new GetObjectCommand({ Bucket: bucket, Key: "a" })));
    const counts = await regionCounts(source.endpoint, bucket);
    const all = await allRegionCounts(source.endpoint);
    const unseen = await regionCounts(source.endpoint, uniqueBucketName("regions-never-seen"));

    // Assess
    expect(counts).toEqual({
      requests: 8,
      redirects: 3,
      redirectsBySigningRegion: { "us-east-1": 1, "us-west-2": 2 },
      ownerRefusals: 1,
      partitionRefusals: 1,
      locationRefusals: 0,
    });
    expect(all[bucket]).toEqual(counts);
    expect(unseen).toEqual({
      requests: 0,
      redirects: 0,
      redirectsBySigningRegion: {},
      ownerRefusals: 0,
      partitionRefusals: 0,
      locationRefusals: 0,
    });
  });
});

describe("region front start-up (test/setup/moto_regions.py)", () => {
  const setupDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../setup");
  /** The launcher's main() after `tamper` (Python), with moto.server.main stubbed out so no server starts. */
  const HARNESS = [
    "import sys",
    "sys.dont_write_bytecode = True",
    "sys.path.insert(0, sys.argv[1])",
    "exec(sys.argv[2])",
    "import moto.server, moto_server",
    "moto.server.main = lambda argv: print('moto.server.main reached', argv)",
    "moto_server.main(['-H', '127.0.0.1', '-p', '5999'])",
  ].join("\n");
  const launch = (tamper: string) =>
    spawnSync("python3", ["-c", HARNESS, setupDir, tamper], {
      encoding: "utf8",
      timeout: 60_000,
      env: { ...process.env, S3M_MOTO_PATCHES: "on" },
    });

  it("puts the front in place on the installed moto", () => {
    // Act
    const run = launch("");

    // Assess
    expect(run.stderr).toContain("patched: S3 requests are judged by region, partition and expected owner");
    expect(run.stdout).toContain("moto.server.main reached");
    expect(run.status).toBe(0);
  });

  it.each([
    {
      change: "the dispatcher no longer dispatches through get_application",
      tamper: "from moto.moto_server.werkzeug_app import DomainDispatcherApplication as D; D.__call__ = D.get_backend_for_host",
      message: "moto.moto_server.werkzeug_app.DomainDispatcherApplication.__call__ no longer dispatches through get_application",
    },
    {
      change: "buckets no longer mapped to their accounts",
      tamper: "import moto.s3.models as m; del m.s3_backends.bucket_accounts",
      message: "moto.s3.models.s3_backends has no bucket_accounts map",
    },
    {
      change: "buckets no longer filed under their partition and account",
      tamper: "import moto.s3.models as m; m.FakeBucket.__init__ = m.FakeKey.__init__",
      message: "moto.s3.models.FakeBucket.__init__ no longer has 's3_backends.bucket_accounts[name] = (self.partition, account_id)'",
    },
    {
      change: "HeadBucket no longer answers x-amz-bucket-region",
      tamper: "import moto.s3.responses as r; r.S3Response.head_bucket = r.S3Response.head_object",
      message: "moto.s3.responses.S3Response.head_bucket no longer answers x-amz-bucket-region",
    },
  ])("refuses to start, saying why, when moto changed: $change", ({ tamper, message }) => {
    // Act
    const run = launch(tamper);

    // Assess
    expect(run.stderr).toContain(`moto_server.py: refusing to start: ${message}`);
    expect(run.stdout).not.toContain("moto.server.main reached");
    expect(run.status).toBe(1);
  });
});
