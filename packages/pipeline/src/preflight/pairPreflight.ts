import type { BucketFacts, Side } from "@s3-migrate/transfer";
import type { BucketPair } from "../config/bucketPairs.js";
import { locateBucket } from "./locateBucket.js";
import type { SideS3Client } from "./preflightTypes.js";
import { isConclusive, PreflightError, type PreflightProblem } from "./problems.js";

/**
 * The part of preflight a jobsender pass runs for each pair before it lists: one HeadBucket per
 * bucket, as the pass's own requests are sent (to the bucket's region, with the configured
 * owner), which S3 answers with the bucket's region, a wrong owner's 403 or a missing bucket's
 * 404. The listing itself is the pass's own, so nothing else is probed.
 *
 * @returns the problems found, inconclusive ones (a check that could not complete) included
 * @example
 * const problems = await pairLocationProblems({ source, destination }, pair);
 */
export async function pairLocationProblems(
  clients: { readonly source: SideS3Client; readonly destination: SideS3Client },
  pair: BucketPair,
  signal?: AbortSignal,
): Promise<PreflightProblem[]> {
  const located = await Promise.all([
    locateBucket(clients.source, {
      side: "source",
      bucket: pair.srcBucket,
      facts: pairSideFacts(pair, "source"),
      home: await clients.source.config.region(),
      ...(signal === undefined ? {} : { signal }),
    }),
    locateBucket(clients.destination, {
      side: "destination",
      bucket: pair.desBucket,
      facts: pairSideFacts(pair, "destination"),
      home: await clients.destination.config.region(),
      ...(signal === undefined ? {} : { signal }),
    }),
  ]);
  return located.flatMap((location) => location.problems);
}

/**
 * Throws when a pair's buckets are missing, another owner's, refused, or elsewhere than
 * configured, so the pass reports the pair (its problems, a PairsFailedPreflight metric) and
 * skips it, instead of letting its objects fail one by one. A check that could not complete does
 * not stop the pass: its own requests will say what is wrong, if anything is.
 *
 * @throws PreflightError with every conclusive problem.
 */
export async function refuseFailingPair(
  clients: { readonly source: SideS3Client; readonly destination: SideS3Client },
  pair: BucketPair,
  signal?: AbortSignal,
): Promise<void> {
  const [first, ...rest] = (await pairLocationProblems(clients, pair, signal)).filter(isConclusive);
  if (first !== undefined) throw new PreflightError([first, ...rest]);
}

/** The region and owner a pair gives the bucket of one side (`src_region`/`src_owner`, `des_region`/`des_owner`). */
export function pairSideFacts(pair: BucketPair, side: Side): BucketFacts {
  const region = side === "source" ? pair.srcRegion : pair.desRegion;
  const owner = side === "source" ? pair.srcOwner : pair.desOwner;
  return { ...(region === undefined ? {} : { region }), ...(owner === undefined ? {} : { owner }) };
}
