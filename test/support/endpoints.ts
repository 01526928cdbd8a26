/**
 * Helpers for integration tests against the two moto servers started by
 * `test/setup/motoServers.ts`: where they are, an S3 client for each, and a few S3 one-liners.
 */
import {
  type BucketLocationConstraint,
  CreateBucketCommand,
  GetObjectCommand,
  PutObjectCommand,
  type PutObjectCommandInput,
  type PutObjectCommandOutput,
  paginateListObjectsV2,
  S3Client,
  type S3ClientConfig,
} from "@aws-sdk/client-s3";
import { inject } from "vitest";
// Type-only import: brings the ProvidedContext augmentation (sourceEndpoint, ...) into scope.
import type {} from "../setup/motoServers.js";

/** One side of a migration: where its S3 answers and which region it claims to be. */
export interface S3Side {
  readonly endpoint: string;
  readonly region: string;
}

/**
 * The source (us-east-1) and destination (cn-northwest-1) moto servers of this test run.
 *
 * @example
 * const { source, destination } = testEndpoints();
 * const src = makeS3Client(source.endpoint, source.region);
 */
export function testEndpoints(): { source: S3Side; destination: S3Side } {
  return {
    source: { endpoint: inject("sourceEndpoint"), region: "us-east-1" },
    destination: { endpoint: inject("destinationEndpoint"), region: "cn-northwest-1" },
  };
}

/**
 * An S3 client for a local endpoint: path-style addressing, dummy credentials, and checksums
 * only where an operation requires them (so bodies go out with Content-Length, not aws-chunked).
 *
 * @param overrides - merged last, e.g. `{ maxAttempts: 1 }` to see the first error unretried
 * @example
 * const s3 = makeS3Client(proxy.endpoint, 'us-east-1', { maxAttempts: 1 });
 */
export function makeS3Client(endpoint: string, region: string, overrides: Partial<S3ClientConfig> = {}): S3Client {
  return new S3Client({
    endpoint,
    region,
    forcePathStyle: true,
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    ...overrides,
  });
}

/**
 * The test-bed-only header that makes the test bed store an object as S3 did before December 2024,
 * without the CRC64NVME it now stores by default (test/setup/moto_checksums.py).
 */
export const NO_DEFAULT_CHECKSUM_HEADER = "x-s3m-test-no-default-checksum";

/**
 * An S3 client whose writes the test bed keeps as S3 kept them before it stored checksums by
 * default: a legacy object, which only its ETag can prove.
 */
export function makeLegacyS3Client(endpoint: string, region: string): S3Client {
  const client = makeS3Client(endpoint, region);
  client.middlewareStack.add(
    (next) => (args) => {
      const request = args.request as { headers?: Record<string, string> };
      if (request.headers !== undefined) request.headers[NO_DEFAULT_CHECKSUM_HEADER] = "1";
      return next(args);
    },
    { step: "build", name: "testBedLegacyObject" },
  );
  return client;
}

let bucketCounter = 0;

/**
 * A valid S3 bucket name (3-63 chars, lowercase, digits, hyphens) unique per call and per
 * process, so test files sharing the moto servers never collide.
 *
 * @example uniqueBucketName('Resume Test') // 'resume-test-4812-7-k2x9a1'
 */
export function uniqueBucketName(prefix: string): string {
  const suffix = `${process.pid}-${++bucketCounter}-${Math.random().toString(36).slice(2, 8)}`;
  const clean = prefix
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 63 - suffix.length - 1);
  return clean ? `${clean}-${suffix}` : `b-${suffix}`;
}

/**
 * Creates `bucket`, adding the LocationConstraint that any region but us-east-1 requires.
 *
 * @returns the bucket name, for chaining
 * @example const bucket = await createBucket(src, uniqueBucketName('copy'));
 */
export async function createBucket(client: S3Client, bucket: string): Promise<string> {
  const region = await client.config.region();
  await client.send(
    new CreateBucketCommand({
      Bucket: bucket,
      ...(region === "us-east-1"
        ? {}
        : {
            CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint },
          }),
    }),
  );
  return bucket;
}

/**
 * Puts one object; `extra` carries any other PutObject field (metadata, ContentMD5, ...).
 *
 * @example await putObject(src, bucket, 'a/b.txt', 'hello', { ContentType: 'text/plain' });
 */
export async function putObject(
  client: S3Client,
  bucket: string,
  key: string,
  body: Uint8Array | string,
  extra: Omit<PutObjectCommandInput, "Bucket" | "Key" | "Body"> = {},
): Promise<PutObjectCommandOutput> {
  return client.send(new PutObjectCommand({ ...extra, Bucket: bucket, Key: key, Body: body }));
}

/**
 * Reads a whole object into memory (keep test objects to a few hundred MiB).
 *
 * @example expect(await readObject(dst, bucket, key)).toEqual(body);
 */
export async function readObject(client: S3Client, bucket: string, key: string): Promise<Buffer> {
  const { Body } = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (!Body) throw new Error(`GetObject s3://${bucket}/${key} returned no body`);
  return Buffer.from(await Body.transformToByteArray());
}

/**
 * Every key in `bucket` (under `prefix`), following ListObjectsV2 continuation tokens.
 *
 * @example expect(await listAllKeys(dst, bucket, 'logs/')).toEqual(['logs/a', 'logs/b']);
 */
export async function listAllKeys(client: S3Client, bucket: string, prefix?: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket, Prefix: prefix })) {
    for (const object of page.Contents ?? []) {
      if (object.Key !== undefined) keys.push(object.Key);
    }
  }
  return keys;
}
