import { ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { classifyError } from "../classifyError.js";
import type { Side } from "../errors.js";
import { normalizeEtag } from "../integrity/md5.js";

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
      if (item.Key === undefined) continue;
      yield {
        key: item.Key,
        size: item.Size ?? 0,
        etag: normalizeEtag(item.ETag) ?? "",
        ...(item.LastModified === undefined ? {} : { lastModified: item.LastModified }),
        ...(item.StorageClass === undefined ? {} : { storageClass: item.StorageClass }),
      };
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
}
