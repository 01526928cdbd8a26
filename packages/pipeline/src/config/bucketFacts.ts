import { type BucketFacts, ConfigError } from "@s3-migrate/transfer";
import type { BucketPair } from "./bucketPairs.js";

/** One bucket the configuration names on one side, with what it says of it and where it says it. */
export interface NamedBucket {
  readonly bucket: string;
  readonly region?: string;
  readonly owner?: string;
  /** Where the configuration says it, for an error message: `pair 2`, `DEFAULT_DEST_BUCKET`. */
  readonly where: string;
}

/** What the configuration says of each side's buckets. */
export interface SideBuckets {
  readonly source: ReadonlyMap<string, BucketFacts>;
  readonly destination: ReadonlyMap<string, BucketFacts>;
}

/**
 * Gathers the region and owner the configuration gives each bucket of each side: the pairs'
 * `src_region`/`src_owner` and `des_region`/`des_owner`, and `more` (the S3 event route's
 * buckets). A bucket named twice on one side must be said to be in one region and of one owner.
 *
 * @throws ConfigError naming both places when they disagree.
 */
export function bucketFactsOf(
  pairs: readonly BucketPair[],
  more: { readonly source?: readonly NamedBucket[]; readonly destination?: readonly NamedBucket[] } = {},
): SideBuckets {
  const named = (side: "src" | "des"): NamedBucket[] =>
    pairs.map((pair, index) => {
      const region = side === "src" ? pair.srcRegion : pair.desRegion;
      const owner = side === "src" ? pair.srcOwner : pair.desOwner;
      return {
        bucket: side === "src" ? pair.srcBucket : pair.desBucket,
        ...(region === undefined ? {} : { region }),
        ...(owner === undefined ? {} : { owner }),
        where: `pair ${index}`,
      };
    });
  return {
    source: gather([...named("src"), ...(more.source ?? [])], "source"),
    destination: gather([...named("des"), ...(more.destination ?? [])], "destination"),
  };
}

function gather(buckets: readonly NamedBucket[], side: string): Map<string, BucketFacts> {
  const facts = new Map<string, BucketFacts & { readonly where: Partial<Record<"region" | "owner", string>> }>();
  for (const named of buckets) {
    const known = facts.get(named.bucket) ?? { where: {} };
    for (const field of ["region", "owner"] as const) {
      const value = named[field];
      if (value === undefined) continue;
      const before = known[field];
      if (before !== undefined && before !== value)
        throw new ConfigError(
          `The ${side} bucket ${named.bucket} is given two ${field}s: ${before} (${known.where[field]}) and ${value} (${named.where})`,
        );
    }
    facts.set(named.bucket, {
      ...known,
      ...(named.region === undefined ? {} : { region: named.region }),
      ...(named.owner === undefined ? {} : { owner: named.owner }),
      where: {
        ...known.where,
        ...(named.region === undefined || known.region !== undefined ? {} : { region: named.where }),
        ...(named.owner === undefined || known.owner !== undefined ? {} : { owner: named.where }),
      },
    });
  }
  return new Map(
    [...facts].map(([bucket, { region, owner }]) => [
      bucket,
      { ...(region === undefined ? {} : { region }), ...(owner === undefined ? {} : { owner }) },
    ]),
  );
}
