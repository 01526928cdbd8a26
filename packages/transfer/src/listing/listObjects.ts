import { ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { classifyError } from "../classifyError.js";
import type { Side } from "../errors.js";
import { normalizeEtag } from "../integrity/md5.js";
import { compareKeys } from "./keyOrder.js";

/** One object as a listing reports it. */
export interface ListedObject {
  readonly key: string;
  readonly size: number;
  readonly etag: string;
  readonly lastModified?: Date;
  readonly storageClass?: string;
}

/** Where and how to list. */
export interface ListOptions {
  readonly bucket: string;
  readonly prefix?: string;
  /** List keys after this one (exclusive), to resume a listing. */
  readonly startAfter?: string;
  readonly side: Side;
  readonly pageSize?: number;
  readonly signal?: AbortSignal;
  /** Stop after this key (inclusive, S3 key order): the upper bound of a key-space segment. */
  readonly until?: string;
  /** Remove this head from every key (and skip keys without it), e.g. the destination prefix. */
  readonly stripPrefix?: string;
}

/**
 * Streams a bucket's objects in S3's (UTF-8 binary) key order, one page in memory at a time.
 *
 * @throws BucketMissingError, AccessDeniedError or a retryable error, naming the side.
 */
export async function* listObjects(client: S3Client, options: ListOptions): AsyncGenerator<ListedObject> {
  let token: string | undefined;
  do {
    const page = await client
      .send(
        new ListObjectsV2Command({
          Bucket: options.bucket,
          ...(options.prefix ? { Prefix: options.prefix } : {}),
          ...(token === undefined && options.startAfter !== undefined ? { StartAfter: options.startAfter } : {}),
          ...(token === undefined ? {} : { ContinuationToken: token }),
          ...(options.pageSize === undefined ? {} : { MaxKeys: options.pageSize }),
        }),
        options.signal === undefined ? {} : { abortSignal: options.signal },
      )
      .catch((error: unknown) => {
        throw classifyError(error, {
          side: options.side,
          operation: "ListObjectsV2",
          bucket: options.bucket,
          ...(options.prefix ? { key: options.prefix } : {}),
        });
      });
    for (const item of page.Contents ?? []) {
      const key = trimKey(item.Key, options);
      if (key === undefined) continue;
      if (key === STOP) return;
      yield {
        key,
        size: item.Size ?? 0,
        etag: normalizeEtag(item.ETag) ?? "",
        ...(item.LastModified === undefined ? {} : { lastModified: item.LastModified }),
        ...(item.StorageClass === undefined ? {} : { storageClass: item.StorageClass }),
      };
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
}

/** Returned by {@link trimKey} once a key is past the segment's upper bound. */
export const STOP = Symbol("stop");

/**
 * Applies a listing's `stripPrefix` and `until` to one key: the key to yield, `undefined` to
 * skip it, or {@link STOP} when the listing is past its bound. Done inline (not as extra async
 * generators) because it runs for every key of every listing.
 */
export function trimKey(key: string | undefined, options: Pick<ListOptions, "until" | "stripPrefix">): string | typeof STOP | undefined {
  if (key === undefined) return undefined;
  let trimmed = key;
  if (options.stripPrefix) {
    if (!key.startsWith(options.stripPrefix)) return undefined;
    trimmed = key.slice(options.stripPrefix.length);
  }
  return options.until !== undefined && compareKeys(trimmed, options.until) > 0 ? STOP : trimmed;
}
