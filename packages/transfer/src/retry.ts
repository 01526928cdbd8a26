import { setTimeout as timeout } from "node:timers/promises";
import type { MigrationError } from "./errors.js";

/**
 * How something is retried: the one home of every backoff in s3-migrate. Each retry loop, in the
 * transfer library and in the pipeline, takes its delays from {@link backoffDelayMs} with one of
 * the {@link RETRY_POLICIES}; these come on top of the AWS SDK's own quick request retries.
 */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  /** The first backoff ceiling in milliseconds; it doubles with every attempt. */
  readonly baseDelayMs: number;
  /** The largest backoff ceiling in milliseconds. */
  readonly maxDelayMs: number;
  /**
   * `full`: a delay anywhere from 0 to the ceiling, so many workers hitting one throttled prefix
   * spread out instead of stampeding. `equal`: from half the ceiling to all of it, for waits that
   * must not come back at once (a failed message's next delivery).
   */
  readonly jitter: "full" | "equal";
}

/** A policy with some fields replaced (the worker's `MAX_ATTEMPTS`, a CLI flag). */
export type RetryOverrides = Partial<Pick<RetryPolicy, "maxAttempts" | "baseDelayMs" | "maxDelayMs">>;

/** Attempts per AWS request in the SDK's standard retry mode (its own backoff), unless `MAX_ATTEMPTS` says otherwise. */
export const SDK_REQUEST_ATTEMPTS = 5;

/** Every retry policy, by what it retries. */
export const RETRY_POLICIES = {
  /** A part, a small object, a manifest part: reads and writes of object data. */
  transfer: { maxAttempts: 5, baseDelayMs: 200, maxDelayMs: 20_000, jitter: "full" },
  /** CompleteMultipartUpload: S3 answers it with an occasional 500 that a pause cures. */
  completion: { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 20_000, jitter: "full" },
  /** Entries of a SendMessageBatch that failed (SQS throttling, a partial batch). */
  queueSend: { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 5_000, jitter: "full" },
  /** Keys a DynamoDB BatchGetItem left unprocessed. */
  ledgerBatchRead: { maxAttempts: 9, baseDelayMs: 100, maxDelayMs: 2_000, jitter: "full" },
  /**
   * A message whose copy failed with a retryable error, delivered again by SQS after a visibility
   * timeout of 5 s doubling per receive up to SQS's 15 minutes; maxReceiveCount ends it.
   */
  redelivery: { maxAttempts: Number.POSITIVE_INFINITY, baseDelayMs: 5_000, maxDelayMs: 900_000, jitter: "equal" },
} as const satisfies Record<string, RetryPolicy>;

/**
 * Every wait of the pipeline that is not a backoff above, and how often a wait may repeat before
 * the message is dead-lettered with its reason: one home for the figures the worker waits by.
 */
export const WAITS = {
  /** The record changed between a refused write and its read (a race): look again after this long. */
  raceRetryMs: 1_000,
  /** A lease lost mid-copy: the message is looked at again after this long. */
  leaseLostRetrySeconds: 5,
  /**
   * A paused lease is held this long for the continuation that carries its token: no other attempt
   * takes it meanwhile. The continuation is queued at once; if it is lost, the object is free after this.
   */
  handoffLeaseMs: 15 * 60 * 1000,
  /**
   * A message waiting for another attempt's lease comes back as a new message (no receive counted),
   * at most this many times, then goes to the dead-letter queue (`StillBusy`): 96 waits of up to
   * SQS's 15-minute delay, about a day.
   */
  maxBusyWaits: 96,
  /** Continuations in a row without a part more at the destination, after which the transfer is dead-lettered (`NoProgress`). */
  maxStalledContinuations: 3,
} as const;

/** The policy `name` with `overrides` applied. */
export function retryPolicy(name: keyof typeof RETRY_POLICIES, overrides: RetryOverrides = {}): RetryPolicy {
  return { ...RETRY_POLICIES[name], ...overrides };
}

/**
 * The wait before the next attempt, after `attemptsMade` attempts failed (1 for the first retry):
 * a jittered share of `min(maxDelayMs, baseDelayMs * 2^(attemptsMade - 1))`.
 */
export function backoffDelayMs(policy: RetryPolicy, attemptsMade: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attemptsMade - 1));
  return Math.floor(policy.jitter === "full" ? random() * ceiling : ceiling / 2 + random() * (ceiling / 2));
}

/** Waits `ms` (a backoff), or less if the signal fires first; never throws. */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  await timeout(ms, undefined, signal === undefined ? {} : { signal }).catch(() => undefined);
}

/** How {@link withRetry} retries. */
export interface RetryOptions {
  /** Turns whatever was thrown into a {@link MigrationError}, whose `retryable` decides. */
  readonly classify: (error: unknown) => MigrationError;
  readonly policy: RetryPolicy;
  /** When it fires, no further attempt starts (and a wait ends). */
  readonly signal?: AbortSignal;
  /** Called before each wait, e.g. to log or count the retry. */
  readonly onRetry?: (error: MigrationError, attemptNumber: number, delayMs: number) => void;
}

/**
 * Runs `attempt` until it succeeds, it throws a non-retryable error, attempts run out, or the
 * signal fires, waiting {@link backoffDelayMs} between attempts.
 */
export async function withRetry<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  { classify, policy, signal, onRetry }: RetryOptions,
): Promise<T> {
  for (let attemptNumber = 1; ; attemptNumber++) {
    try {
      return await attempt(attemptNumber);
    } catch (thrown) {
      if (signal?.aborted) throw thrown;
      const error = classify(thrown);
      if (!error.retryable || attemptNumber >= policy.maxAttempts) throw error;
      const delayMs = backoffDelayMs(policy, attemptNumber);
      onRetry?.(error, attemptNumber, delayMs);
      await sleep(delayMs, signal);
      if (signal?.aborted) throw thrown;
    }
  }
}
