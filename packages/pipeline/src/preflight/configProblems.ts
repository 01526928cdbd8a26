/*
 * What preflight finds in the configuration alone, before any request: buckets configured in a
 * partition their side cannot sign for, and an S3 event route that loops.
 */
import { type BucketFacts, ConfigError, type EndpointConfig, partitionOf, type Side } from "@s3-migrate/transfer";
import type { BucketPair } from "../config/bucketPairs.js";
import { type EventRoute, refuseLoopingEvents } from "../config/pairChecks.js";
import { type PreflightProblem, preflightProblem } from "./problems.js";

/**
 * The PartitionMismatch of a bucket whose configured region is in another partition than its
 * side's identity signs for (`home`), or undefined. The side's client refuses such a bucket when
 * it is built (see {@link withinPartition}); preflight reports it and asks the bucket nothing.
 *
 * @example
 * configuredPartitionProblem("destination", "dst", { region: "cn-northwest-1" }, "us-east-1")
 * // { code: "PartitionMismatch", message: "destination bucket s3://dst is configured in cn-northwest-1 (partition aws-cn) ..." }
 */
export function configuredPartitionProblem(
  side: Side,
  bucket: string,
  facts: BucketFacts | undefined,
  home: string,
): PreflightProblem | undefined {
  const region = facts?.region;
  if (region === undefined || partitionOf(region) === partitionOf(home)) return undefined;
  return preflightProblem(
    "PartitionMismatch",
    `${side} bucket s3://${bucket} is configured in ${region} (partition ${partitionOf(region)}), but the ${side} side's identity signs for ${home} (partition ${partitionOf(home)}): one identity cannot reach two partitions`,
  );
}

/**
 * The side's configuration without the buckets configured in another partition than its home
 * region's, so that its client can be built (it refuses them) and preflight can report them.
 *
 * @example createSideClients({ source: withinPartition(source), destination: withinPartition(destination) })
 */
export function withinPartition(config: EndpointConfig): EndpointConfig {
  if (config.buckets === undefined) return config;
  const home = partitionOf(config.region);
  const buckets = new Map([...config.buckets].filter(([, facts]) => facts.region === undefined || partitionOf(facts.region) === home));
  return { ...config, buckets };
}

/**
 * The InvalidConfiguration of an event route that loops (its copies fire events again, or land in
 * a pair's source, or a pair writes into the event bucket), or none.
 */
export function eventRouteProblems(events: EventRoute | undefined, pairs: readonly BucketPair[]): PreflightProblem[] {
  if (events === undefined) return [];
  try {
    refuseLoopingEvents(events, pairs);
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return [preflightProblem("InvalidConfiguration", error.message)];
  }
}
