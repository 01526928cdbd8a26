import { Readable } from "node:stream";
import { CopyObjectCommand, GetObjectCommand, HeadObjectCommand, ListBucketsCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { classifyError } from "../src/classifyError.js";
import { BucketRegions } from "../src/endpoints/bucketRegions.js";
import type { EndpointConfig } from "../src/endpoints/endpoints.js";
import { copySourceBucket, RegionalS3Client } from "../src/endpoints/regionalClient.js";
import { ConfigError, WrongRegionError } from "../src/errors.js";

/** One request as the fake S3 saw it. */
interface Seen {
  readonly method: string;
  readonly path: string;
  /** The region the request was signed for (its SigV4 credential scope). */
  readonly signedFor: string;
  readonly headers: Record<string, string>;
}

/**
 * A fake S3 behind the SDK's whole stack that answers as S3 does by region: each bucket lives in
 * one region; a request signed for another gets 301 with `x-amz-bucket-region` (no body for HEAD);
 * one naming another owner than the bucket's (`owners`) gets 403 AccessDenied, and so does every
 * request to a bucket whose owner is `nobody`.
 */
function fakeS3(buckets: Record<string, string>, owners: Record<string, string> = {}) {
  const seen: Seen[] = [];
  const requestHandler = {
    async handle(request: { method: string; path: string; headers: Record<string, string> }) {
      const signedFor = /Credential=[^/]+\/\d+\/([^/]+)\//.exec(request.headers.authorization ?? "")?.[1] ?? "?";
      seen.push({ method: request.method, path: request.path, signedFor, headers: request.headers });
      const bucket = decodeURIComponent(request.path.split("/")[1] ?? "");
      const region = buckets[bucket];
      const answer = (statusCode: number, headers: Record<string, string>, body = "") => ({
        response: { statusCode, headers, body: Readable.from(request.method === "HEAD" || body === "" ? [] : [Buffer.from(body)]) },
      });
      if (bucket === "") return answer(200, {}, "<ListAllMyBucketsResult><Buckets></Buckets></ListAllMyBucketsResult>");
      if (region === undefined)
        return answer(404, {}, `<Error><Code>NoSuchBucket</Code><Message>missing</Message><BucketName>${bucket}</BucketName></Error>`);
      if (region !== signedFor)
        return answer(
          301,
          { "x-amz-bucket-region": region, "content-type": "application/xml" },
          `<Error><Code>PermanentRedirect</Code><Message>must be addressed using the specified endpoint</Message><Bucket>${bucket}</Bucket></Error>`,
        );
      const expected = request.headers["x-amz-expected-bucket-owner"];
      const refused =
        owners[bucket] === "nobody" || (expected !== undefined && owners[bucket] !== undefined && expected !== owners[bucket]);
      if (refused) return answer(403, {}, "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>");
      if (request.method === "HEAD") return answer(200, { "x-amz-bucket-region": region, "content-length": "3", etag: '"e"' });
      if (request.method === "PUT" && request.headers["x-amz-copy-source"] !== undefined)
        return answer(200, {}, '<CopyObjectResult><ETag>"e"</ETag></CopyObjectResult>');
      return answer(200, { etag: '"e"', "content-length": "3" }, request.method === "GET" ? "abc" : "");
    },
  };
  return { seen, requestHandler };
}

function regionalClient(
  config: Partial<EndpointConfig> & Pick<EndpointConfig, "region">,
  s3: ReturnType<typeof fakeS3>,
  extra: Partial<ConstructorParameters<typeof RegionalS3Client>[1]> = {},
): RegionalS3Client {
  return new RegionalS3Client(
    { endpoint: "http://s3.test", forcePathStyle: true, ...config },
    {
      clientConfig: (region) => ({
        region,
        endpoint: "http://s3.test",
        forcePathStyle: true,
        credentials: { accessKeyId: "AKID", secretAccessKey: "secret" },
        requestHandler: s3.requestHandler,
        maxAttempts: 1,
      }),
      ...extra,
    },
  );
}

const headsOf = (seen: readonly Seen[], path: string) => seen.filter((r) => r.method === "HEAD" && r.path.replace(/\/$/, "") === path);

describe("RegionalS3Client", () => {
  it("finds a bucket's region once, then signs every request of the bucket for it", async () => {
    // Prepare
    const s3 = fakeS3({ west: "us-west-2", europe: "eu-west-1" });
    const client = regionalClient({ region: "us-east-1" }, s3);

    // Act
    await Promise.all([0, 1, 2].map((i) => client.send(new GetObjectCommand({ Bucket: "west", Key: `k${i}` }))));
    await client.send(new HeadObjectCommand({ Bucket: "europe", Key: "k" }));
    await client.send(new GetObjectCommand({ Bucket: "europe", Key: "k" }));

    // Assess: one HeadBucket a bucket (answered 301 with the region), every object request in the bucket's region
    expect(headsOf(s3.seen, "/west")).toHaveLength(1);
    expect(headsOf(s3.seen, "/europe")).toHaveLength(1);
    const objectRequests = s3.seen.filter((r) => (r.path.split("/")[2] ?? "") !== "");
    expect(objectRequests.map((r) => `${r.path.split("/")[1]}:${r.signedFor}`).sort()).toEqual([
      "europe:eu-west-1",
      "europe:eu-west-1",
      "west:us-west-2",
      "west:us-west-2",
      "west:us-west-2",
    ]);
    expect([...headsOf(s3.seen, "/west"), ...headsOf(s3.seen, "/europe")].map((r) => r.signedFor)).toEqual(["us-east-1", "us-east-1"]);
  });

  it("shares what it found with the run's other clients", async () => {
    const s3 = fakeS3({ shared: "eu-west-1" });
    const regions = new BucketRegions();
    const one = regionalClient({ region: "us-east-1" }, s3, { regions });
    const other = regionalClient({ region: "us-east-1" }, s3, { regions });

    await one.send(new GetObjectCommand({ Bucket: "shared", Key: "a" }));
    await other.send(new GetObjectCommand({ Bucket: "shared", Key: "b" }));

    expect(headsOf(s3.seen, "/shared")).toHaveLength(1);
  });

  it("skips the lookup for a configured region, and signs requests without a bucket for the home region", async () => {
    const s3 = fakeS3({ europe: "eu-west-1" });
    const client = regionalClient({ region: "us-east-1", buckets: new Map([["europe", { region: "eu-west-1" }]]) }, s3);

    await client.send(new GetObjectCommand({ Bucket: "europe", Key: "k" }));
    await client.send(new ListBucketsCommand({}));

    expect(s3.seen.map((r) => `${r.method} ${r.path.split("?")[0]} ${r.signedFor}`)).toEqual([
      "GET /europe/k eu-west-1",
      "GET / us-east-1",
    ]);
  });

  it("learns from a wrong-region answer to a configured region, says so, and sends a replayable request again", async () => {
    const s3 = fakeS3({ moved: "ap-south-1" });
    const corrections: unknown[] = [];
    const client = regionalClient({ region: "us-east-1", buckets: new Map([["moved", { region: "eu-west-1" }]]) }, s3, {
      onRegionCorrected: (correction) => corrections.push(correction),
    });

    await client.send(new PutObjectCommand({ Bucket: "moved", Key: "k", Body: "abc" }));
    await client.send(new GetObjectCommand({ Bucket: "moved", Key: "k" }));

    expect(s3.seen.map((r) => `${r.method} ${r.signedFor}`)).toEqual(["PUT eu-west-1", "PUT ap-south-1", "GET ap-south-1"]);
    expect(corrections).toEqual([{ bucket: "moved", signedFor: "eu-west-1", region: "ap-south-1" }]);
  });

  it("does not send a stream body twice: the answer goes up as a retryable WrongRegion naming the region", async () => {
    const s3 = fakeS3({ moved: "ap-south-1" });
    const client = regionalClient({ region: "us-east-1", buckets: new Map([["moved", { region: "eu-west-1" }]]) }, s3);

    const error = await client
      .send(new PutObjectCommand({ Bucket: "moved", Key: "k", Body: Readable.from([Buffer.from("abc")]), ContentLength: 3 }))
      .catch((thrown: unknown) => thrown);
    const classified = classifyError(error, { side: "destination", operation: "PutObject", bucket: "moved", key: "k" });

    expect(classified).toBeInstanceOf(WrongRegionError);
    expect(classified.retryable).toBe(true);
    expect(classified.message).toContain("ap-south-1");
    await client.send(new GetObjectCommand({ Bucket: "moved", Key: "k" }));
    expect(s3.seen.at(-1)?.signedFor).toBe("ap-south-1");
  });

  it("sends the configured owners: ExpectedBucketOwner, and ExpectedSourceBucketOwner for a copy's source", async () => {
    const s3 = fakeS3({ src: "us-east-1", dst: "us-east-1" });
    const client = regionalClient({ region: "us-east-1", buckets: new Map([["dst", { owner: "222222222222" }]]) }, s3, {
      copySources: new Map([["src", { owner: "111111111111" }]]),
    });

    await client.send(new CopyObjectCommand({ Bucket: "dst", Key: "k", CopySource: "src/a%20b?versionId=v1" }));
    await client.send(new GetObjectCommand({ Bucket: "src", Key: "k" }));

    const [copy, get] = s3.seen.filter((r) => r.method !== "HEAD");
    const lookups = s3.seen.filter((r) => r.method === "HEAD");
    // the region lookups too: the first request to a bucket is bound like the rest
    expect(lookups.map((r) => [r.path.split("/")[1], r.headers["x-amz-expected-bucket-owner"]])).toEqual([
      ["dst", "222222222222"],
      ["src", undefined],
    ]);
    expect(copy?.headers["x-amz-expected-bucket-owner"]).toBe("222222222222");
    expect(copy?.headers["x-amz-source-expected-bucket-owner"]).toBe("111111111111");
    expect(get?.headers["x-amz-expected-bucket-owner"]).toBeUndefined();
  });

  it("says, when S3 denies a request that named the bucket's owner, that the bucket may be another account's", async () => {
    // Prepare: the configuration says 111111111111; the bucket is 222222222222's
    // (and a bucket that refuses everyone, whose requests name no owner)
    const s3 = fakeS3({ theirs: "us-east-1", closed: "us-east-1" }, { theirs: "222222222222", closed: "nobody" });
    const client = regionalClient({ region: "us-east-1", buckets: new Map([["theirs", { owner: "111111111111" }]]) }, s3);
    // Act
    const thrown = await client.send(new GetObjectCommand({ Bucket: "theirs", Key: "k" })).catch((error: unknown) => error);
    const denied = classifyError(thrown, { side: "destination", operation: "GetObject", bucket: "theirs", key: "k" });
    const plainError = await client.send(new GetObjectCommand({ Bucket: "closed", Key: "k" })).catch((error: unknown) => error);
    const plain = classifyError(plainError, { side: "destination", operation: "GetObject", bucket: "closed", key: "k" });
    // Assess
    expect(denied.code).toBe("AccessDenied");
    expect(denied.message).toContain("the request named the bucket's owner as 111111111111");
    expect(plain.code).toBe("AccessDenied");
    expect(plain.message).not.toContain("owner");
  });

  it("says a bucket is missing when the lookup finds none", async () => {
    const client = regionalClient({ region: "us-east-1" }, fakeS3({}));

    await expect(client.send(new GetObjectCommand({ Bucket: "nowhere", Key: "k" }))).rejects.toMatchObject({
      code: "BucketMissing",
      message: expect.stringContaining("nowhere"),
    });
  });

  it("refuses a configured region in a partition the side cannot sign for", () => {
    expect(() => regionalClient({ region: "us-east-1", buckets: new Map([["china", { region: "cn-northwest-1" }]]) }, fakeS3({}))).toThrow(
      ConfigError,
    );
    expect(() =>
      regionalClient({ region: "cn-north-1", buckets: new Map([["china", { region: "cn-northwest-1" }]]) }, fakeS3({})),
    ).not.toThrow();
  });

  it("reads the bucket of any copy source form", () => {
    expect(copySourceBucket("src/a/b")).toBe("src");
    expect(copySourceBucket("/src/a")).toBe("src");
    expect(copySourceBucket("my.bucket/k?versionId=1")).toBe("my.bucket");
  });
});
