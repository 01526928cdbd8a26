/**
 * The one home of the problems `preflight` (and the jobsender's check at the start of a pass) can
 * find: each a stable code, what it means and what fixes it. The CLI's table, its JSON, the
 * jobsender's logs and docs/configuration.md (pinned by a test) all name problems by these codes.
 */
import { MigrationError } from "@s3-migrate/transfer";

/** What a problem code means, and what the person who reads it should do. */
export interface ProblemDefinition {
  readonly meaning: string;
  readonly fix: string;
  /**
   * The check could not decide (a network fault, throttling, a 5xx): nothing is known to be
   * wrong. The jobsender still runs a pair whose only problems are inconclusive. @default false
   */
  readonly inconclusive?: boolean;
}

/** Every problem code, with its meaning and fix. */
export const PREFLIGHT_PROBLEMS = {
  WrongRegion: {
    meaning: "the bucket is in another region than the configuration says",
    fix: "set the pair's src_region/des_region (or --source-region/--dest-region) to the region found, or leave it out to have it found",
  },
  PartitionMismatch: {
    meaning: "the bucket is in another partition (aws, aws-cn, aws-us-gov) than the identity of its side can sign for",
    fix: "give that side its own stored keys (CREDENTIALS_PARAMETER, --credentials-parameter), or correct the region",
  },
  OwnerMismatch: {
    meaning: "another account than the configured owner owns the bucket (S3 refused ExpectedBucketOwner)",
    fix: "check the bucket name and src_owner/des_owner (or --source-owner/--dest-owner)",
  },
  KmsDenied: {
    meaning: "the side's identity cannot use the bucket's KMS key (denied, disabled, pending deletion or missing)",
    fix: "enable the key, or grant the identity kms:DescribeKey and kms:GenerateDataKey (writer) or kms:Decrypt (reader) in the key policy",
  },
  ListDenied: {
    meaning: "the side's identity may not list the bucket (s3:ListBucket)",
    fix: "grant s3:ListBucket on the bucket to the side's identity (its IAM policy and, across accounts, the bucket policy)",
  },
  ReadDenied: {
    meaning: "the side's identity may not read the objects (s3:GetObject)",
    fix: "grant s3:GetObject on the prefix to the side's identity (its IAM policy and, across accounts, the bucket policy)",
  },
  WriteDenied: {
    meaning: "the destination's identity may not write under the destination prefix (s3:PutObject)",
    fix: "grant s3:PutObject on the destination prefix to the destination's identity (its IAM policy and, across accounts, the bucket policy)",
  },
  BucketMissing: {
    meaning: "no bucket of that name exists where the side looks (bucket names are per partition)",
    fix: "create the bucket, correct its name, or give the side the partition the bucket is in",
  },
  InvalidConfiguration: {
    meaning: "the configuration cannot work as given (it would loop, race, or is malformed)",
    fix: "correct the parameter or option the message names",
  },
  EventQueueRegion: {
    meaning:
      "the event bucket's notifications target a queue in another region (S3 notifications reach only a queue in the bucket's own region)",
    fix: "deploy the job queue in the event bucket's region, or take the bucket's objects with the jobsender instead of events",
  },
  CheckFailed: {
    meaning: "a check could not complete (network fault, throttling, an unexpected answer): nothing was proven either way",
    fix: "run preflight again; if it persists, the message says what answered",
    inconclusive: true,
  },
} as const satisfies Readonly<Record<string, ProblemDefinition>>;

/** A problem code. */
export type PreflightCode = keyof typeof PREFLIGHT_PROBLEMS;

/** One problem found: its code and a message that names the bucket, what was seen and what to fix. */
export interface PreflightProblem {
  readonly code: PreflightCode;
  readonly message: string;
}

/**
 * A problem whose message ends with the code's fix.
 *
 * @example
 * preflightProblem("BucketMissing", "destination s3://dst: HeadBucket answered 404")
 * // { code: "BucketMissing", message: "destination s3://dst: HeadBucket answered 404; create the bucket, ..." }
 */
export function preflightProblem(code: PreflightCode, finding: string): PreflightProblem {
  return { code, message: `${finding}; ${PREFLIGHT_PROBLEMS[code].fix}` };
}

/** Whether a problem shows something wrong (as opposed to a check that could not decide). */
export function isConclusive(problem: PreflightProblem): boolean {
  const definition: ProblemDefinition = PREFLIGHT_PROBLEMS[problem.code];
  return definition.inconclusive !== true;
}

/**
 * A bucket pair refused before its pass: the jobsender reports it (log, metric) and skips it.
 * `code` is the first problem's.
 */
export class PreflightError extends MigrationError {
  readonly problems: readonly PreflightProblem[];

  constructor(problems: readonly [PreflightProblem, ...PreflightProblem[]]) {
    super(problems[0].code, problems.map((problem) => `${problem.code}: ${problem.message}`).join(" | "), false);
    this.name = "PreflightError";
    this.problems = problems;
  }
}
