import { HeadBucketCommand, type HeadBucketCommandOutput } from "@aws-sdk/client-s3";
import { type BucketFacts, isWrongRegionAnswer, partitionOf, regionNamedBy, type Side, WrongRegionError } from "@s3-migrate/transfer";
import { describeAnswer, isDenied, isMissingBucket, sendOptions } from "./answers.js";
import type { OwnerFinding, RegionFinding, SideS3Client } from "./preflightTypes.js";
import { type PreflightProblem, preflightProblem } from "./problems.js";

/** The bucket to find, and what the configuration says of it. */
export interface LocateTarget {
  readonly side: Side;
  readonly bucket: string;
  /** The region and owner the configuration gives the bucket. */
  readonly facts?: BucketFacts;
  /** The region the side's identity signs for (its partition is the side's). */
  readonly home: string;
  readonly signal?: AbortSignal;
}

/** Where the bucket is, whose it is, and what is wrong with that. */
export interface BucketLocation {
  /** HeadBucket succeeded with the configured owner: the other checks may ask the bucket. */
  readonly reachable: boolean;
  readonly region: RegionFinding;
  readonly partition?: string;
  readonly owner: OwnerFinding;
  readonly problems: readonly PreflightProblem[];
}

/**
 * Finds a bucket with one HeadBucket sent as every request of the run is (to the bucket's region,
 * with `ExpectedBucketOwner` when an owner is configured): S3 names the bucket's region in its
 * answer, refuses a wrong owner with 403, and answers 404 for a bucket it does not have (one of
 * another partition included). A 403 with an owner configured is asked once more without the
 * owner, to tell a wrong owner (then 200) from an identity that may not list the bucket.
 *
 * Problems: WrongRegion (found elsewhere than configured), PartitionMismatch, OwnerMismatch,
 * BucketMissing, ListDenied (HeadBucket needs s3:ListBucket), CheckFailed.
 *
 * @example
 * const location = await locateBucket(clients.destination, { side: "destination", bucket: "dst", facts: { owner: "111122223333" }, home: "cn-northwest-1" });
 * // { reachable: false, owner: { expected: "111122223333", check: "mismatch" }, problems: [{ code: "OwnerMismatch", ... }] }
 */
export async function locateBucket(client: SideS3Client, target: LocateTarget): Promise<BucketLocation> {
  const owner = target.facts?.owner;
  try {
    const answer = await client.send(
      new HeadBucketCommand({ Bucket: target.bucket, ...(owner === undefined ? {} : { ExpectedBucketOwner: owner }) }),
      sendOptions(target.signal),
    );
    return found(target, await regionAnswered(client, target.bucket, answer), owner === undefined ? "not-configured" : "ok");
  } catch (error) {
    return refused(client, target, error);
  }
}

/** A bucket that answered: its region checked against the configuration and the side's partition. */
function found(target: LocateTarget, region: string | undefined, check: "ok" | "not-configured"): BucketLocation {
  const configured = target.facts?.region;
  const partition = region === undefined ? undefined : partitionOf(region);
  const problems: PreflightProblem[] = [];
  const where = `${target.side} bucket s3://${target.bucket}`;
  if (region !== undefined && configured !== undefined && region !== configured)
    problems.push(preflightProblem("WrongRegion", `${where} is in ${region}, but the configuration says ${configured}`));
  const home = partitionOf(target.home);
  if (partition !== undefined && partition !== home)
    problems.push(
      preflightProblem(
        "PartitionMismatch",
        `${where} is in ${region} (partition ${partition}), but the ${target.side} side's identity signs for ${target.home} (partition ${home})`,
      ),
    );
  return {
    reachable: true,
    region: { ...(region === undefined ? {} : { found: region }), ...(configured === undefined ? {} : { configured }) },
    ...(partition === undefined ? {} : { partition }),
    owner: { ...(target.facts?.owner === undefined ? {} : { expected: target.facts.owner }), check },
    problems,
  };
}

/** A HeadBucket that failed: a missing bucket, a wrong owner, a denied identity, or a check that could not decide. */
async function refused(client: SideS3Client, target: LocateTarget, error: unknown): Promise<BucketLocation> {
  const where = `${target.side} bucket s3://${target.bucket}`;
  const owner = target.facts?.owner;
  const unreached = (problem: PreflightProblem | undefined, region?: string, check: OwnerFinding["check"] = "unknown"): BucketLocation => ({
    reachable: false,
    region: {
      ...(region === undefined ? {} : { found: region }),
      ...(target.facts?.region === undefined ? {} : { configured: target.facts.region }),
    },
    ...(region === undefined ? {} : { partition: partitionOf(region) }),
    owner: { ...(owner === undefined ? {} : { expected: owner }), check: owner === undefined ? "not-configured" : check },
    problems: problem === undefined ? [] : [problem],
  });
  if (isMissingBucket(error))
    return unreached(
      preflightProblem(
        "BucketMissing",
        `${where}: S3 has no such bucket where the ${target.side} side looks (${target.home}, partition ${partitionOf(target.home)}; a bucket of another partition is not found from there)`,
      ),
    );
  if (error instanceof WrongRegionError || isWrongRegionAnswer(error)) {
    // The side's client resends a request S3 redirects; this is a redirect it could not follow.
    const named = error instanceof WrongRegionError ? error.bucketRegion : regionNamedBy(error);
    return unreached(
      preflightProblem("WrongRegion", `${where}: S3 answered that the bucket is in another region (${named ?? "not named"})`),
      named,
    );
  }
  if (!isDenied(error))
    return unreached(preflightProblem("CheckFailed", `${where}: HeadBucket failed: ${describeAnswer(error)}`), regionNamedBy(error));
  // A refused HeadBucket is no problem in itself: it needs s3:ListBucket with no s3:prefix, which
  // a least-privilege policy (ours) grants only under the pair's prefix, and S3's 403 still names
  // the region. The pair's own listing under its prefix decides whether the side may list.
  if (owner === undefined) return { ...unreached(undefined, regionNamedBy(error)), problems: [] };
  const unbound = await askWithoutOwner(client, target);
  if (unbound.denied) return { ...unreached(undefined, unbound.region ?? regionNamedBy(error)), problems: [] };
  return unreached(
    preflightProblem(
      "OwnerMismatch",
      `${where}: S3 refused ExpectedBucketOwner ${owner} but answers without it: another account owns the bucket`,
    ),
    unbound.region,
    "mismatch",
  );
}

/** HeadBucket without `ExpectedBucketOwner` (which the side's client adds to every request of a bucket whose owner is configured). */
async function askWithoutOwner(client: SideS3Client, target: LocateTarget): Promise<{ denied: boolean; region?: string }> {
  const command = new HeadBucketCommand({ Bucket: target.bucket });
  command.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { headers?: Record<string, string> };
      if (request.headers !== undefined) delete request.headers["x-amz-expected-bucket-owner"];
      return next(args);
    },
    { step: "build", name: "s3MigratePreflightWithoutOwner" },
  );
  try {
    const answer = await client.send(command, sendOptions(target.signal));
    const region = await regionAnswered(client, target.bucket, answer);
    return { denied: false, ...(region === undefined ? {} : { region }) };
  } catch (error) {
    const region = regionNamedBy(error);
    return { denied: true, ...(region === undefined ? {} : { region }) };
  }
}

/** The region a HeadBucket answer names, else the one the side's client knows (an S3-compatible store names none). */
async function regionAnswered(
  client: SideS3Client,
  bucket: string,
  answer: HeadBucketCommandOutput | undefined,
): Promise<string | undefined> {
  return answer?.BucketRegion ?? (await client.regionOf?.(bucket));
}
