/**
 * Reads the counts of the test bed's region front (test/setup/moto_regions.py, lies 10 and 11),
 * so a test counts at the endpoint what it sent to a bucket, and which region it signed for,
 * rather than trust a client's logs. The front counts only requests signed with SigV4 for `s3`
 * (not unsigned ones, not other services); the counts are per moto server and never reset, so
 * compare them before and after, or use a bucket of the test's own.
 */

/** The test-only path on a moto server of the test bed at which the front answers its counts. */
export const REGION_COUNTS_PATH = "/moto-api/s3m/regions";

/** What the region front saw of one bucket. */
export interface RegionCounts {
  /** S3 requests (SigV4, service `s3`) whose path names the bucket, whatever the front answered. */
  readonly requests: number;
  /** Those answered `301 PermanentRedirect` (signed for another region of the bucket's partition). */
  readonly redirects: number;
  /** `redirects` per signing region, e.g. `{ "us-east-1": 2 }`. */
  readonly redirectsBySigningRegion: Readonly<Record<string, number>>;
  /** `403 AccessDenied` for an expected owner (or, as a copy source, an expected source owner) that is not its account. */
  readonly ownerRefusals: number;
  /** `404 NoSuchBucket` for a request (or a copy source) signed for another partition. */
  readonly partitionRefusals: number;
  /** `400 IllegalLocationConstraintException` for a CreateBucket of this name. */
  readonly locationRefusals: number;
}

/**
 * What the region front of the moto server at `endpoint` saw of `bucket` (all zeros for a bucket
 * it never saw).
 *
 * @param endpoint - a moto server of the test bed, e.g. `testEndpoints().source.endpoint`
 * @example
 * const before = await regionCounts(source.endpoint, bucket);
 * // ... requests ...
 * expect((await regionCounts(source.endpoint, bucket)).redirects - before.redirects).toBe(1);
 */
export async function regionCounts(endpoint: string, bucket: string): Promise<RegionCounts> {
  return (await readCounts(`${endpoint}${REGION_COUNTS_PATH}?bucket=${encodeURIComponent(bucket)}`)) as RegionCounts;
}

/**
 * What the region front of the moto server at `endpoint` saw of every bucket it saw, by name.
 *
 * @example
 * const all = await allRegionCounts(source.endpoint);
 * expect(Object.values(all).reduce((sum, counts) => sum + counts.redirects, 0)).toBe(0);
 */
export async function allRegionCounts(endpoint: string): Promise<Readonly<Record<string, RegionCounts>>> {
  return ((await readCounts(`${endpoint}${REGION_COUNTS_PATH}`)) as { buckets: Record<string, RegionCounts> }).buckets;
}

/** `after - before`, field by field, with the redirects per signing region that moved. */
export function countsMoved(
  before: RegionCounts,
  after: RegionCounts,
): Omit<RegionCounts, "redirectsBySigningRegion"> & { redirectsBySigningRegion: Record<string, number> } {
  const byRegion: Record<string, number> = {};
  for (const [region, count] of Object.entries(after.redirectsBySigningRegion)) {
    const delta = count - (before.redirectsBySigningRegion[region] ?? 0);
    if (delta !== 0) byRegion[region] = delta;
  }
  return {
    requests: after.requests - before.requests,
    redirects: after.redirects - before.redirects,
    redirectsBySigningRegion: byRegion,
    ownerRefusals: after.ownerRefusals - before.ownerRefusals,
    partitionRefusals: after.partitionRefusals - before.partitionRefusals,
    locationRefusals: after.locationRefusals - before.locationRefusals,
  };
}

async function readCounts(url: string): Promise<unknown> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  if (!response.ok || !response.headers.get("content-type")?.includes("application/json")) {
    throw new Error(
      `${url} answered ${response.status} ${text.slice(0, 200)}: is the region front in place (S3M_MOTO_PATCHES=off leaves it out)?`,
    );
  }
  return JSON.parse(text);
}
