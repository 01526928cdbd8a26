import type { BucketPair } from "../config/bucketPairs.js";
import type { RunRegions } from "./estimateRun.js";

/** A side's client as {@link runRegionsOf} needs it: where a bucket is (the transfer library's RegionalS3Client). */
export interface BucketLocator {
  regionOf(bucket: string): Promise<string>;
}

/**
 * The regions a run's estimate prices: each side's buckets' own regions (as the side's client
 * found them, or as the configuration gives them), not the side's home region; a bucket in
 * us-west-2 copied by keys whose home is us-east-1 is billed in us-west-2.
 *
 * @returns the regions, or why the run cannot be priced as one: its pairs read (or write)
 *   buckets in several regions, whose legs cost differently.
 */
export async function runRegionsOf(
  pairs: readonly BucketPair[],
  sides: { readonly source: BucketLocator; readonly destination: BucketLocator },
  run: string,
): Promise<{ readonly regions: RunRegions } | { readonly estimateUnavailable: string }> {
  const regionsOf = async (side: "source" | "destination") => {
    const buckets = [...new Set(pairs.map((pair) => (side === "source" ? pair.srcBucket : pair.desBucket)))];
    // a bucket that cannot be found failed its pair already, which the report says; it queued nothing to price
    const found = await Promise.all(buckets.map((bucket) => sides[side].regionOf(bucket).catch(() => undefined)));
    return [...new Set(found.filter((region) => region !== undefined))].sort();
  };
  const [source, destination] = await Promise.all([regionsOf("source"), regionsOf("destination")]);
  for (const [side, regions] of [
    ["source", source],
    ["destination", destination],
  ] as const)
    if (regions.length > 1)
      return {
        estimateUnavailable: `the pairs' ${side} buckets are in ${regions.length} regions (${regions.join(", ")}), whose transfers cost differently: estimate the pairs of each region on their own (plan --pairs)`,
      };
  const [onlySource, onlyDestination] = [source[0], destination[0]];
  if (onlySource === undefined || onlyDestination === undefined) return { estimateUnavailable: "there are no bucket pairs to price" };
  return { regions: { source: onlySource, destination: onlyDestination, run } };
}
