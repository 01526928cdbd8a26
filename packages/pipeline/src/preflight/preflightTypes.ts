import type { KMSClient } from "@aws-sdk/client-kms";
import type { S3Client } from "@aws-sdk/client-s3";
import type { EndpointConfig, RegionalS3Client, Side } from "@s3-migrate/transfer";
import type { BucketPair } from "../config/bucketPairs.js";
import type { EventRoute } from "../config/pairChecks.js";
import type { PreflightProblem } from "./problems.js";

/** A side's S3 client: the product's {@link RegionalS3Client}, or any S3 client (a test's mock). */
export type SideS3Client = S3Client & Partial<Pick<RegionalS3Client, "regionOf">>;

/** The clients preflight asks with: each side's S3 client, and a KMS client per side and region. */
export interface PreflightClients {
  readonly source: SideS3Client;
  readonly destination: SideS3Client;
  /** The side's KMS client in `region` (the key's); absent: KMS keys are not probed (said in a note). */
  readonly kms?: (side: Side, region: string) => KMSClient;
}

/** What the configuration says of one side: its home region (what its identity signs for) and its buckets. */
export type SideConfiguration = Pick<EndpointConfig, "region" | "buckets">;

/** What preflight checks. */
export interface PreflightInput {
  readonly pairs: readonly BucketPair[];
  /** The S3 event route (event bucket and default destination), when events are taken. */
  readonly events?: EventRoute;
  /** What the configuration says of each side, for the configured regions and owners. */
  readonly sides: { readonly source: SideConfiguration; readonly destination: SideConfiguration };
}

/** How far preflight goes. */
export interface PreflightOptions {
  /**
   * Write a small marker under each destination prefix and delete it again. Off by default: a
   * check should change nothing, and a versioned bucket keeps the marker's version unless our
   * identity may delete versions. @default false
   */
  readonly writeProbe?: boolean;
  /** Check as for a server-side copy (one identity, both sides in one partition). @default false */
  readonly serverSideCopy?: boolean;
  /** The job queue the event bucket's notifications must reach (its region is checked against the bucket's). */
  readonly queueUrl?: string;
  readonly signal?: AbortSignal;
}

/** What one probe found. */
export interface ProbeResult {
  /** `ok`; `refused` (a problem says why); `skipped` (not run, `detail` says why); `failed` (could not decide). */
  readonly outcome: "ok" | "refused" | "skipped" | "failed";
  readonly detail: string;
}

/** Where a bucket was found, and what the configuration says. */
export interface RegionFinding {
  readonly found?: string;
  readonly configured?: string;
}

/** Whether the bucket is the configured owner's. */
export interface OwnerFinding {
  /** The account the configuration names. */
  readonly expected?: string;
  /** `ok`: S3 accepted ExpectedBucketOwner; `mismatch`: it refused it; `not-configured`: no owner given; `unknown`: not asked. */
  readonly check: "ok" | "mismatch" | "not-configured" | "unknown";
}

/** The bucket's versioning status (`Off`: never enabled). */
export type VersioningFinding = "Enabled" | "Suspended" | "Off" | "Unknown";

/** The bucket's Object Lock configuration. */
export interface ObjectLockFinding {
  readonly state: "Enabled" | "Off" | "Unknown";
  /** The default retention every new object gets, e.g. `COMPLIANCE 30 days`. */
  readonly defaultRetention?: string;
}

/** The bucket's default encryption. */
export interface EncryptionFinding {
  readonly algorithm: "AES256" | "aws:kms" | "aws:kms:dsse" | "None" | "Unknown";
  /** The KMS key of SSE-KMS (absent: the AWS managed key `aws/s3`). */
  readonly kmsKeyId?: string;
  readonly bucketKey?: boolean;
}

/** What preflight found of one bucket of one pair (or of the event route). */
export interface BucketRow {
  readonly side: Side;
  readonly bucket: string;
  /** The prefix the probes look under: what the pair lists (source) or writes (destination). */
  readonly prefix: string;
  /** Whether the bucket answered HeadBucket (with the configured owner); if not, nothing else was asked. */
  readonly reached: boolean;
  readonly region: RegionFinding;
  readonly partition?: string;
  readonly owner: OwnerFinding;
  readonly versioning: VersioningFinding;
  readonly objectLock: ObjectLockFinding;
  readonly encryption: EncryptionFinding;
  /** Whether the side's identity can use the default encryption's KMS key. */
  readonly kms: ProbeResult;
  readonly list: ProbeResult;
  readonly read: ProbeResult;
  readonly write: ProbeResult;
  /** What a reader should know that is no problem (a setting that could not be read, a probe not run). */
  readonly notes: readonly string[];
  readonly problems: readonly PreflightProblem[];
}

/** What preflight found of one bucket pair. */
export interface PairPreflight {
  /** Its entry in the pairs, from 0. */
  readonly index: number;
  /** `s3://src/prefix -> s3://dst/prefix`. */
  readonly route: string;
  readonly source: BucketRow;
  readonly destination: BucketRow;
  /** Problems of the pair as a whole (both sides' partitions for a server-side copy). */
  readonly problems: readonly PreflightProblem[];
}

/** A queue an event bucket's notifications target. */
export interface NotifiedQueue {
  readonly arn: string;
  readonly region: string;
}

/** What preflight found of the S3 event route. */
export interface EventsPreflight {
  readonly route: string;
  readonly source: BucketRow;
  readonly destination: BucketRow;
  /** The queues the event bucket notifies (absent: the notification configuration could not be read). */
  readonly queues?: readonly NotifiedQueue[];
  readonly problems: readonly PreflightProblem[];
  readonly notes: readonly string[];
}

/** Everything preflight found. */
export interface PreflightReport {
  /** No problem anywhere. */
  readonly ok: boolean;
  /** Whether writes were probed (`--write-probe`). */
  readonly writeProbe: boolean;
  /** Problems of the configuration as a whole (InvalidConfiguration); then no bucket was asked anything. */
  readonly problems: readonly PreflightProblem[];
  readonly pairs: readonly PairPreflight[];
  readonly events?: EventsPreflight;
}
