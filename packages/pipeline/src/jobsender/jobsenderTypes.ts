import type { S3Client } from "@aws-sdk/client-s3";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { TransferLogger } from "@s3-migrate/transfer";
import type { BucketPair } from "../config/bucketPairs.js";
import type { BatchRules, TransferSizing } from "../config/environment.js";
import type { IgnoreList } from "../config/ignoreList.js";
import type { RunEstimate } from "../estimate/estimateRun.js";
import type { RunTally, TallyRules } from "../estimate/runTally.js";
import type { ObjectLedger } from "../ledger/objectLedger.js";
import type { JobMessage } from "../messages/jobMessage.js";
import type { MessageSigner } from "../messages/messageAuthentication.js";
import type { PipelineMetrics } from "../metricNames.js";
import type { PreflightProblem } from "../preflight/problems.js";
import type { PassStateStore } from "./passState.js";

/** Clients and stores a jobsender run uses. Without `sqs`/`queueUrl` it is a dry run. */
export interface JobsenderContext {
  readonly source: S3Client;
  readonly destination: S3Client;
  readonly sqs?: SQSClient;
  readonly queueUrl?: string;
  /** Signs each message sent (the worker refuses unsigned ones); absent where authentication is off. */
  readonly signer?: MessageSigner;
  /** Object records: skips objects already queued or in progress, records what was queued. */
  readonly ledger?: ObjectLedger;
  /** Checkpoints and the run lease; without it every run is a full pass. */
  readonly state?: PassStateStore;
  readonly logger?: TransferLogger;
  readonly metrics?: PipelineMetrics;
  readonly now?: () => Date;
}

/** How the worker will run, for the memory check on the largest object. */
export interface WorkerSizing extends TransferSizing {
  readonly workerMemoryMiB: number;
}

/** What a run does. */
export interface JobsenderOptions {
  readonly pairs: readonly BucketPair[];
  readonly ignore: IgnoreList;
  /** Also queue objects whose source latest versionId differs from the ledger's record. @default false */
  readonly compareVersions?: boolean;
  /** Epoch milliseconds by which the run checkpoints and stops. @default none */
  readonly deadline?: number;
  /** Parallel listings per pair (key-space segments). @default 4 */
  readonly segmentsPerPair?: number;
  /** Keys per listing request (S3 allows at most 1,000). @default 1000 */
  readonly pageSize?: number;
  /** Candidates checked against the ledger and sent per round. @default 100 */
  readonly roundSize?: number;
  /** A queued or in-progress record older than this is queued again. @default 24 hours */
  readonly requeueAfterMs?: number;
  /** Skip the whole run while the queue has messages (the original's behaviour). @default false */
  readonly skipWhenQueueBusy?: boolean;
  /** Id of this run for the lease. */
  readonly runId?: string;
  readonly sizing?: WorkerSizing;
  /** Called with every job a dry run would send. */
  readonly onPlanned?: (job: JobMessage) => void;
  /** How small objects missing at the destination are packed into batch messages. @default BATCH_MAX_OBJECTS, BATCH_MAX_MIB and SMALL_OBJECT_THRESHOLD_MIB's defaults */
  readonly batching?: BatchRules;
  /** Counts every job planned or sent (and the keys listed) into `into`, the way the worker will copy it, for the estimate. */
  readonly tally?: TallyRules & { readonly into: RunTally };
}

/** Counts for one pair in one run. */
export interface PairCounts {
  listed: number;
  ignored: number;
  present: number;
  queued: number;
  alreadyQueued: number;
  failed: number;
  largest?: { key: string; size: number };
}

/** What happened to one pair. */
export interface PairReport {
  readonly pair: BucketPair;
  /** `complete`: the pass reached the end; `paused`: checkpointed at the deadline; `failed`: see error. */
  readonly status: "complete" | "paused" | "failed";
  readonly passId: string;
  readonly counts: PairCounts;
  readonly error?: { readonly code: string; readonly message: string };
  /** Set when the pair failed its preflight checks and was skipped: every problem found (`error` is the first). */
  readonly preflight?: readonly PreflightProblem[];
}

/** What a run did. */
export interface JobsenderReport {
  readonly skipped?: "lease-held" | "queue-busy";
  readonly pairs: readonly PairReport[];
  /** Set when the largest object needs more worker memory than configured. */
  readonly memoryWarning?: string;
  /** What the run's copies will cost (set by the callers that price it: `plan`, `send`, the jobsender function). */
  readonly estimate?: RunEstimate;
  /** Why there is no estimate (a region the price table lacks). */
  readonly estimateUnavailable?: string;
}
