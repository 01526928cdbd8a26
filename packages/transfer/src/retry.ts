import { setTimeout as sleep } from "node:timers/promises";
import type { MigrationError } from "./errors.js";

/** How a unit of work (a part, a small object) is retried beyond the SDK's own request retries. */
export interface RetryPolicy {
  /** Attempts in all, including the first. @default 5 */
  readonly maxAttempts?: number;
  /** First backoff ceiling in milliseconds; doubles each attempt (full jitter). @default 200 */
  readonly baseDelayMs?: number;
  /** Largest backoff ceiling in milliseconds. @default 20000 */
  readonly maxDelayMs?: number;
}

/**
 * Runs `attempt` until it succeeds, it throws a non-retryable error, attempts run out, or the
 * signal fires. Waits `random(0, min(max, base * 2^n))` between attempts (exponential backoff with
 * full jitter), so many workers hitting one throttled prefix spread out instead of stampeding.
 *
 * @param classify turns whatever was thrown into a {@link MigrationError}.
 * @param onRetry called before each wait, e.g. to log or count the retry.
 */
export async function withRetry<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  classify: (error: unknown) => MigrationError,
  policy: RetryPolicy = {},
  signal?: AbortSignal,
  onRetry?: (error: MigrationError, attemptNumber: number, delayMs: number) => void,
): Promise<T> {
  const maxAttempts = policy.maxAttempts ?? 5;
  const base = policy.baseDelayMs ?? 200;
  const ceiling = policy.maxDelayMs ?? 20_000;
  for (let attemptNumber = 1; ; attemptNumber++) {
    try {
      return await attempt(attemptNumber);
    } catch (thrown) {
      if (signal?.aborted) throw thrown;
      const error = classify(thrown);
      if (!error.retryable || attemptNumber >= maxAttempts) throw error;
      const delayMs = Math.floor(Math.random() * Math.min(ceiling, base * 2 ** (attemptNumber - 1)));
      onRetry?.(error, attemptNumber, delayMs);
      await sleep(delayMs, undefined, signal === undefined ? {} : { signal }).catch(() => undefined);
      if (signal?.aborted) throw thrown;
    }
  }
}
