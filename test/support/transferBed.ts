/**
 * A source bucket and a destination bucket on the two moto servers, with the transfer library's own clients for
 * the transfer (optionally behind fault proxies) and plain clients for seeding and checking.
 */
import { randomBytes } from "node:crypto";
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListMultipartUploadsCommand,
  type S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { type CopyRequest, createS3Client, MIB, type TransferContext } from "@s3-migrate/transfer";
import { createBucket, makeLegacyS3Client, makeS3Client, testEndpoints, uniqueBucketName } from "./endpoints.js";
import { type FaultProxy, startFaultProxy } from "./faultProxy.js";

/** Everything a transfer test needs. */
export interface TransferBed {
  readonly sourceBucket: string;
  readonly destinationBucket: string;
  /** Plain clients straight to moto, for seeding and checking. */
  readonly src: S3Client;
  readonly dst: S3Client;
  /** Writes source objects as S3 did before it stored checksums by default (`makeLegacyS3Client`). */
  readonly legacySrc: S3Client;
  /** Proxies in front of each side (every transfer request goes through them). */
  readonly sourceProxy: FaultProxy;
  readonly destinationProxy: FaultProxy;
  /** A transfer context whose clients talk through the proxies. */
  context(extra?: Partial<TransferContext>): TransferContext;
  /** The copy of `key` from the source bucket to the same key in the destination bucket. */
  request(key: string): CopyRequest;
  close(): Promise<void>;
}

/** Creates two fresh buckets and the proxies; call `close()` in afterAll. */
export async function openTransferBed(name: string): Promise<TransferBed> {
  const { source, destination } = testEndpoints();
  const src = makeS3Client(source.endpoint, source.region);
  const legacySrc = makeLegacyS3Client(source.endpoint, source.region);
  const dst = makeS3Client(destination.endpoint, destination.region);
  const sourceBucket = await createBucket(src, uniqueBucketName(`${name}-src`));
  const destinationBucket = await createBucket(dst, uniqueBucketName(`${name}-dst`));
  const sourceProxy = await startFaultProxy({ target: source.endpoint });
  const destinationProxy = await startFaultProxy({ target: destination.endpoint });
  const credentials = { accessKeyId: "testing", secretAccessKey: "testing" };
  const sourceClient = createS3Client(
    { region: source.region, endpoint: sourceProxy.endpoint, credentials },
    { maxAttempts: 2 },
    { side: "source" },
  );
  const destinationClient = createS3Client(
    { region: destination.region, endpoint: destinationProxy.endpoint, credentials },
    { maxAttempts: 2 },
    { side: "destination" },
  );
  return {
    sourceBucket,
    destinationBucket,
    src,
    dst,
    legacySrc,
    sourceProxy,
    destinationProxy,
    context: (extra = {}) => ({ source: sourceClient, destination: destinationClient, ...extra }),
    request: (key) => ({ source: { bucket: sourceBucket, key }, destination: { bucket: destinationBucket, key } }),
    close: async () => {
      await sourceProxy.close();
      await destinationProxy.close();
    },
  };
}

/** Random bytes (incompressible, so no accidental equality). */
export function randomBody(size: number): Buffer {
  return randomBytes(size);
}

/** Puts a multipart object with the given part size, as another tool would have. */
export async function putMultipartObject(client: S3Client, bucket: string, key: string, body: Buffer, partSize = 6 * MIB): Promise<string> {
  const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
  const parts = [];
  for (let start = 0, partNumber = 1; start < body.length; start += partSize, partNumber++) {
    const answer = await client.send(
      new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: partNumber, Body: body.subarray(start, start + partSize) }),
    );
    parts.push({ PartNumber: partNumber, ETag: answer.ETag });
  }
  const done = await client.send(
    new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId, MultipartUpload: { Parts: parts } }),
  );
  return done.ETag ?? "";
}

/** Upload ids still open at the destination for `key`. */
export async function openUploads(client: S3Client, bucket: string, key?: string): Promise<string[]> {
  const answer = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket, ...(key === undefined ? {} : { Prefix: key }) }));
  return (answer.Uploads ?? []).filter((upload) => key === undefined || upload.Key === key).map((upload) => upload.UploadId ?? "");
}
