import type { S3Client } from "@aws-sdk/client-s3";
import {
  type MigrationError,
  type ProgressListener,
  type StopSignals,
  type TransferContext,
  type TransferLogger,
  type TransferSettings,
  TransientError,
  WAITS,
} from "@s3-migrate/transfer";
import type { BatchLeases } from "../ledger/batchLease.js";
import type { FanoutTransitions } from "../ledger/fanoutTransitions.js";
import type { ObjectLedger } from "../ledger/objectLedger.js";
import type { Busy, ObjectTransitions } from "../ledger/objectTransitions.js";
import type { MessageVerifier } from "../messages/messageAuthentication.js";
import type { CopyWork, RangeWork } from "../messages/queueMessage.js";
import type { PipelineMetrics } from "../metricNames.js";
import type { ObjectLease } from "./objectLease.js";
import type { WorkScope } from "./workScope.js";

/*
 * What every kind of work (copy, range, delete) is processed with, and the outcomes it maps to.
 */

/** When a worker fans a giant object out into range jobs. */
export interface FanoutSettings {
  /** Objects larger than this are fanned out; 0 turns fan-out off (range jobs are still processed). */
  readonly thresholdBytes: number;
  /** Parts per range job. */
  readonly rangeParts: number;
  readonly ledger: FanoutTransitions;
}

/** How a worker copies the small objects of a batch message (processBatch.ts). */
export interface BatchSettings {
  /** The batches' leases. */
  readonly leases: BatchLeases;
  /** Reads the objects' records, all of a batch at once. */
  readonly records: ObjectLedger;
  /**
   * Objects of one batch copied at once: as many as fit the memory one large object's parts may
   * hold (`batchConcurrency`).
   */
  readonly concurrency: number;
}

/** What processing one piece of work needs. */
export interface WorkerContext {
  readonly source: S3Client;
  readonly destination: S3Client;
  /** What this worker may copy or delete; every piece of work is checked against it first. */
  readonly scope: WorkScope;
  readonly ledger: ObjectTransitions;
  /** Fan-out of giant objects: when to split them into range jobs, and the ledger's range records. */
  readonly fanout: FanoutSettings;
  /** Batches of small objects. */
  readonly batch: BatchSettings;
  /** Checks each message's authentication code; absent only where authentication is off (`MESSAGE_AUTHENTICATION=off`). */
  readonly verifier?: MessageVerifier;
  readonly logger?: TransferLogger;
  readonly metrics?: PipelineMetrics;
  readonly onProgress?: ProgressListener;
  readonly settings: TransferSettings;
  /** The original's UpdateVersionId: HEAD the source first and record its current versionId. */
  readonly updateVersionId?: boolean;
  /** The original's GetObjectWithVersionId: read the versionId the job names (else the latest, pinned by ETag). */
  readonly getObjectWithVersionId?: boolean;
  readonly now?: () => Date;
}

/**
 * The delivery a piece of work came in: what its lease is bound to, and when it must stop
 * (`pause`: no new part starts and the transfer pauses, a continuation follows; `cancel`: parts
 * still uploading are cancelled too).
 */
export interface Attempt extends StopSignals {
  /** The queue message's id (stable across its redeliveries). */
  readonly messageId: string;
  /**
   * Epoch ms a lease taken now lasts unless renewed: never later than the message would be
   * delivered again (cluster mode: when its visibility, as last extended, lapses; Lambda: the
   * invocation's deadline).
   */
  readonly leaseUntil: () => number;
  /** Receives the lease once taken, so the caller can renew it while the copy runs. */
  readonly onLease?: (lease: ObjectLease<{ readonly token: string }>) => void;
}

/** What the queue layer (Lambda or cluster mode) should do with the message. */
export type WorkOutcome =
  | { readonly action: "done"; readonly bytes: number }
  | { readonly action: "skipped"; readonly reason: SkipReason }
  | { readonly action: "paused"; readonly next: CopyWork | RangeWork }
  /** Finish the message by queueing these jobs in its place (a fan-out's range jobs, a restarted object). */
  | { readonly action: "queue"; readonly bodies: readonly string[] }
  /**
   * Deliver again later: after `retryAfterSeconds` when known (a lease's expiry), else with
   * backoff. `asNewMessage`: it may come back as a new message (no receive counted against
   * maxReceiveCount); otherwise the same message must (a lease may be held for it).
   */
  | { readonly action: "retry"; readonly error: MigrationError; readonly retryAfterSeconds?: number; readonly asNewMessage?: boolean }
  | { readonly action: "dead-letter"; readonly error: MigrationError };

/** Why a message was finished with nothing copied. */
export type SkipReason =
  | "already-done"
  | "duplicate"
  | "stale-event"
  | "ignored"
  | "source-changed"
  | "source-exists"
  /** A range job of an upload the object is no longer fanned out to, or whose completion another attempt holds. */
  | "superseded";

/**
 * Delivers the message again once the lease that holds its object lapses: as a new message (no
 * receive counted against maxReceiveCount), unless the lease may be held for this very message.
 */
export function retryWhenLeaseLapses(busy: Busy, reason: string): WorkOutcome {
  return {
    action: "retry",
    error: new TransientError(reason, { side: "destination" }),
    retryAfterSeconds: Math.ceil(busy.retryAfterMs / 1000),
    ...(busy.ownMessage ? {} : { asNewMessage: true }),
  };
}

/** Counts and logs a lease lost mid-copy; the message looks again shortly. */
export function leaseLost(context: WorkerContext, what: string): WorkOutcome {
  context.metrics?.addMetric("LeasesLost", "Count", 1);
  context.logger?.warn("Lease lost to another attempt (ours had expired); stopped copying", { what });
  return {
    action: "retry",
    error: new TransientError(`Lost the lease on ${what}`, { side: "destination" }),
    retryAfterSeconds: WAITS.leaseLostRetrySeconds,
  };
}

/** The worker's clock. */
export function now(context: WorkerContext): Date {
  return context.now?.() ?? new Date();
}

/**
 * The transfer context of one attempt: the worker's clients and observers, stopped by the
 * attempt's pause and cancel, and at once by `lost` (the attempt's lease is someone else's).
 */
export function transferContext(context: WorkerContext, stops: StopSignals, lost?: AbortSignal): TransferContext {
  const pause = anySignal(stops.pause, lost);
  const cancel = anySignal(stops.cancel, lost);
  return {
    source: context.source,
    destination: context.destination,
    ...(context.logger === undefined ? {} : { logger: context.logger }),
    ...(context.metrics === undefined ? {} : { metrics: context.metrics }),
    ...(context.onProgress === undefined ? {} : { onProgress: context.onProgress }),
    ...(pause === undefined ? {} : { pause }),
    ...(cancel === undefined ? {} : { cancel }),
  };
}

/** One signal for several (undefined when none is given). */
function anySignal(...signals: Array<AbortSignal | undefined>): AbortSignal | undefined {
  const given = signals.filter((signal): signal is AbortSignal => signal !== undefined);
  return given.length <= 1 ? given[0] : AbortSignal.any(given);
}
