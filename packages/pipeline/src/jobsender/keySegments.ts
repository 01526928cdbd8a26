import { ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { classifyError, compareKeys } from "@s3-migrate/transfer";

/**
 * A slice of a bucket's key space: the keys `k` with `after < k <= until` (an absent bound is
 * open). Segments that tile the key space list in parallel, and each keeps its own cursor, so
 * no key is dropped or listed twice whatever the boundaries are; they only decide the balance.
 */
export interface KeySegment {
  readonly after?: string;
  readonly until?: string;
}

/** Whether a key falls inside a segment. */
export function inSegment(segment: KeySegment, key: string): boolean {
  return (
    (segment.after === undefined || compareKeys(key, segment.after) > 0) &&
    (segment.until === undefined || compareKeys(key, segment.until) <= 0)
  );
}

/**
 * Cuts the key space into at most `count` segments at evenly spaced boundaries chosen among
 * `boundaries` (e.g. the top-level common prefixes). Always returns segments that tile the
 * whole space: the first is open below, the last open above.
 */
export function segmentsAt(boundaries: readonly string[], count: number): KeySegment[] {
  const sorted = [...new Set(boundaries)].sort(compareKeys);
  const cuts: string[] = [];
  const wanted = Math.min(count - 1, sorted.length);
  for (let i = 1; i <= wanted; i++) {
    const boundary = sorted[Math.floor((i * sorted.length) / (wanted + 1))];
    if (boundary !== undefined && cuts[cuts.length - 1] !== boundary) cuts.push(boundary);
  }
  const segments: KeySegment[] = [];
  let after: string | undefined;
  for (const cut of cuts) {
    segments.push({ ...(after === undefined ? {} : { after }), until: cut });
    after = cut;
  }
  segments.push(after === undefined ? {} : { after });
  return segments;
}

/**
 * Plans up to `count` segments for listing `prefix` in parallel, from the common prefixes one
 * level below it (one ListObjectsV2 request with a `/` delimiter). A flat prefix yields one segment.
 */
export async function planSegments(
  client: S3Client,
  bucket: string,
  prefix: string,
  count: number,
  signal?: AbortSignal,
): Promise<KeySegment[]> {
  if (count <= 1) return [{}];
  const page = await client
    .send(
      new ListObjectsV2Command({ Bucket: bucket, ...(prefix === "" ? {} : { Prefix: prefix }), Delimiter: "/", MaxKeys: 1000 }),
      signal === undefined ? {} : { abortSignal: signal },
    )
    .catch((error: unknown) => {
      throw classifyError(error, { side: "source", operation: "ListObjectsV2(delimiter)", bucket, key: prefix });
    });
  const boundaries = (page.CommonPrefixes ?? []).flatMap((common) => (common.Prefix === undefined ? [] : [common.Prefix]));
  return segmentsAt(boundaries, count);
}
