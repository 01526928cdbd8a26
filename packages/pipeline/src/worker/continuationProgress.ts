import { NoProgressError, WAITS } from "@s3-migrate/transfer";

/**
 * What a continuation carries of the transfers before it: the parts at the destination when the
 * last one paused, and how many pauses in a row found no part more. Signed with the message, so
 * it is what a worker of ours wrote.
 */
export interface ContinuationProgress {
  readonly partsDone: number;
  /** Pauses in a row without a part more than the pause before. */
  readonly stalls: number;
}

/**
 * The progress a pause hands on, from the one it came with and the parts done now (of
 * `partCount`): a part more clears the stalls, none adds one. The first pause stalls only when
 * not a part is done. A pause with every part done is not a stall: its completion was cut (a
 * completion of thousands of parts can take minutes), and the next attempt looks for it first.
 */
export function nextProgress(previous: ContinuationProgress | undefined, partsDone: number, partCount: number): ContinuationProgress {
  const advanced = partsDone > (previous?.partsDone ?? 0) || (partCount > 0 && partsDone >= partCount);
  return advanced ? { partsDone, stalls: 0 } : { partsDone, stalls: (previous?.stalls ?? 0) + 1 };
}

/** The error that ends a transfer that stalled `WAITS.maxStalledContinuations` times in a row, if it is time. */
export function stalledTooOften(progress: ContinuationProgress, what: string): NoProgressError | undefined {
  return progress.stalls < WAITS.maxStalledContinuations
    ? undefined
    : new NoProgressError(
        `${what} paused ${progress.stalls} times in a row with no part more at the destination (${progress.partsDone} done); its parts stay for a redrive`,
      );
}
