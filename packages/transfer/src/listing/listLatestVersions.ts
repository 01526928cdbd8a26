import { ListObjectVersionsCommand, type S3Client } from "@aws-sdk/client-s3";
import { classifyError } from "../classifyError.js";
import { normalizeEtag } from "../integrity/md5.js";
import { compareKeys } from "./keyOrder.js";
import { type ListedObject, type ListOptions, STOP, trimKey } from "./listObjects.js";

/** A listed object with the id of its latest version. */
export interface ListedVersion extends ListedObject {
  readonly versionId: string;
}

/**
 * Streams the latest version of every key (ListObjectVersions), in key order, leaving out keys
 * whose latest version is a delete marker. Older versions are read past, never yielded.
 */
export async function* listLatestVersions(client: S3Client, options: ListOptions): AsyncGenerator<ListedVersion> {
  let keyMarker = options.startAfter;
  let versionIdMarker: string | undefined;
  for (;;) {
    const page = await client
      .send(
        new ListObjectVersionsCommand({
          Bucket: options.bucket,
          ...(options.prefix ? { Prefix: options.prefix } : {}),
          ...(keyMarker === undefined ? {} : { KeyMarker: keyMarker }),
          ...(versionIdMarker === undefined ? {} : { VersionIdMarker: versionIdMarker }),
          ...(options.pageSize === undefined ? {} : { MaxKeys: options.pageSize }),
        }),
        options.signal === undefined ? {} : { abortSignal: options.signal },
      )
      .catch((error: unknown) => {
        throw classifyError(error, {
          side: options.side,
          operation: "ListObjectVersions",
          bucket: options.bucket,
          ...(options.prefix ? { key: options.prefix } : {}),
        });
      });
    const latest: Array<{ key: string; entry?: ListedVersion }> = [];
    for (const marker of page.DeleteMarkers ?? []) {
      if (marker.IsLatest && marker.Key !== undefined) latest.push({ key: marker.Key });
    }
    for (const version of page.Versions ?? []) {
      if (!version.IsLatest || version.Key === undefined) continue;
      latest.push({
        key: version.Key,
        entry: {
          key: version.Key,
          size: version.Size ?? 0,
          etag: normalizeEtag(version.ETag) ?? "",
          versionId: version.VersionId ?? "null",
          ...(version.LastModified === undefined ? {} : { lastModified: version.LastModified }),
          ...(version.StorageClass === undefined ? {} : { storageClass: version.StorageClass }),
        },
      });
    }
    latest.sort((a, b) => compareKeys(a.key, b.key));
    for (const item of latest) {
      if (item.entry === undefined) continue;
      const key = trimKey(item.key, options);
      if (key === STOP) return;
      if (key !== undefined) yield { ...item.entry, key };
    }
    if (!page.IsTruncated) return;
    keyMarker = page.NextKeyMarker;
    versionIdMarker = page.NextVersionIdMarker;
  }
}
