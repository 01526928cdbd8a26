import type { Busy } from "../ledger/objectTransitions.js";
import type { MetricName } from "../metricNames.js";
import { ObjectLease, type RenewLease } from "./objectLease.js";
import { type Attempt, retryWhenLeaseLapses, type SkipReason, type WorkerContext, type WorkOutcome } from "./workerContext.js";

/*
 * What every unit of work (an object, a range of a fanned-out object, a batch, a completion)
 * shares around its ledger lease: what a refused claim means, and the run under a lease taken.
 */

/** Every way a claim on a lease can be refused, whatever the unit of work. */
export type RefusedClaim = { readonly status: "already-done" | "duplicate" | "stale" | "superseded" } | Busy;

/** What one refused claim does: the metric it counts, the line it logs, the outcome it is. */
interface ClaimRow {
  readonly metric: MetricName;
  readonly level: "info" | "warn";
  readonly log: string;
  /** `what` names the unit of work in a reason. */
  readonly outcome: (refused: RefusedClaim, what: string) => WorkOutcome;
}

const skipped = (reason: SkipReason) => (): WorkOutcome => ({ action: "skipped", reason });

/**
 * The outcome table of refused claims: one row per way the ledger can refuse a lease, read by
 * every unit of work; `packages/pipeline/test/leaseRunner.test.ts` walks every row.
 */
export const CLAIM_OUTCOMES: { readonly [Status in RefusedClaim["status"]]: ClaimRow } = {
  "already-done": {
    metric: "ObjectsSkipped",
    level: "info",
    log: "Already copied; duplicate delivery skipped",
    outcome: skipped("already-done"),
  },
  // The holder's own message stays queued until the copy is done, so this one adds nothing but a
  // second crossing of the border: settle it.
  duplicate: {
    metric: "DuplicateDeliveries",
    level: "info",
    log: "Another attempt holds a live lease on this version; duplicate settled",
    outcome: skipped("duplicate"),
  },
  stale: {
    metric: "StaleEvents",
    level: "warn",
    log: "A newer S3 event of this key was applied already; stale event dropped",
    outcome: skipped("stale-event"),
  },
  superseded: {
    metric: "ObjectsSkipped",
    level: "info",
    log: "Work of an upload the object is no longer fanned out to; settled",
    outcome: skipped("superseded"),
  },
  busy: {
    metric: "ObjectsBusy",
    level: "info",
    log: "The lease is held by another attempt; looking again when it lapses",
    outcome: (refused, what) => retryWhenLeaseLapses(refused as Busy, `${what} is leased by another attempt`),
  },
};

/** Counts, logs and maps a refused claim by {@link CLAIM_OUTCOMES}; `what` names the unit of work. */
export function refusedClaim(context: WorkerContext, refused: RefusedClaim, what: string, where: Record<string, unknown>): WorkOutcome {
  const row = CLAIM_OUTCOMES[refused.status];
  context.metrics?.addMetric(row.metric, "Count", 1);
  context.logger?.[row.level](row.log, { ...where, what, ...(refused.status === "busy" ? { retryAfterMs: refused.retryAfterMs } : {}) });
  return row.outcome(refused, what);
}

/** A lease the ledger just gave: what it holds, how to renew it, when it lapses unless renewed. */
export interface TakenLease<Held extends { readonly token: string }> {
  readonly held: Held;
  readonly renew: RenewLease;
  readonly expiresAt: number;
}

/**
 * Runs `work` under a lease just taken: the queue layer renews it while it runs (`onLease`), and
 * it ends when `work` does, thrown or not. `work` gets the lease, whose `lost` fires once it is
 * someone else's; `lost` says whether it was by the end.
 */
export async function underLease<Held extends { readonly token: string }, Result>(
  attempt: Attempt,
  lease: TakenLease<Held>,
  work: (lease: ObjectLease<Held>) => Promise<Result>,
): Promise<{ readonly result: Result; readonly lost: boolean; readonly lease: ObjectLease<Held> }> {
  const taken = new ObjectLease(lease.renew, lease.held, lease.expiresAt);
  attempt.onLease?.(taken);
  try {
    const result = await work(taken);
    return { result, lost: taken.lost.aborted, lease: taken };
  } finally {
    taken.end();
  }
}
