import { createHash } from "node:crypto";
import { GetObjectCommand, HeadObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { classifyError, type Side, storedChecksumOf } from "@s3-migrate/transfer";
import type { Finding } from "./classifyObject.js";

/** Where the two objects of one key are. */
export interface KeyLocations {
  readonly source: { readonly client: S3Client; readonly bucket: string; readonly key: string; readonly etag: string };
  readonly destination: { readonly client: S3Client; readonly bucket: string; readonly key: string; readonly etag: string };
}

/**
 * Settles an `unverified` finding, first by the checksums both sides store (HEAD in checksum
 * mode, no bytes read): equal values of one algorithm and type prove the objects equal, different
 * ones prove them different. When they cannot (no stored checksum on one side, or different
 * algorithms), `readBytes` (`--deep`) reads both objects again, pinned to the ETags listed, and
 * compares their MD5s; without it the finding stays unverified, saying why.
 */
export async function settleUnverified(finding: Finding, where: KeyLocations, readBytes: boolean, signal?: AbortSignal): Promise<Finding> {
  const [source, destination] = await Promise.all([head(where.source, "source", signal), head(where.destination, "destination", signal)]);
  if (source !== undefined && destination !== undefined && source.algorithm === destination.algorithm && source.type === destination.type) {
    return source.value === destination.value
      ? { ...finding, kind: "matching", reason: `equal stored ${source.type} ${source.algorithm} checksums (${source.value})` }
      : {
          ...finding,
          kind: "differing",
          reason: `stored ${source.algorithm} checksums differ (${source.value} at the source, ${destination.value} at the destination)`,
        };
  }
  if (!readBytes)
    return {
      ...finding,
      reason: `${finding.reason}, and no stored checksums compare (${describe(source)} at the source, ${describe(destination)} at the destination); --deep reads both`,
    };
  const [sourceMd5, destinationMd5] = await Promise.all([
    md5Of(where.source, "source", signal),
    md5Of(where.destination, "destination", signal),
  ]);
  return sourceMd5 === destinationMd5
    ? { ...finding, kind: "matching", reason: `--deep: both objects read again, equal MD5 ${sourceMd5}` }
    : {
        ...finding,
        kind: "differing",
        reason: `--deep: both objects read again, MD5 ${sourceMd5} at the source, ${destinationMd5} at the destination`,
      };
}

function describe(checksum: ReturnType<typeof storedChecksumOf>): string {
  return checksum === undefined ? "none" : `${checksum.type} ${checksum.algorithm}`;
}

async function head(object: KeyLocations["source"], side: Side, signal?: AbortSignal) {
  try {
    const answer = await object.client.send(
      new HeadObjectCommand({ Bucket: object.bucket, Key: object.key, IfMatch: `"${object.etag}"`, ChecksumMode: "ENABLED" }),
      signal === undefined ? {} : { abortSignal: signal },
    );
    return storedChecksumOf(answer);
  } catch (error) {
    throw classifyError(error, { side, operation: "HeadObject", bucket: object.bucket, key: object.key });
  }
}

async function md5Of(object: KeyLocations["source"], side: Side, signal?: AbortSignal): Promise<string> {
  const context = { side, operation: "GetObject", bucket: object.bucket, key: object.key } as const;
  try {
    const answer = await object.client.send(
      new GetObjectCommand({ Bucket: object.bucket, Key: object.key, IfMatch: `"${object.etag}"` }),
      signal === undefined ? {} : { abortSignal: signal },
    );
    const hash = createHash("md5");
    for await (const chunk of (answer.Body ?? []) as AsyncIterable<Uint8Array>) hash.update(chunk);
    return hash.digest("hex");
  } catch (error) {
    throw classifyError(error, context);
  }
}
