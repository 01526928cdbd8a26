import { describe, expect, it } from "vitest";
import { CLAIM_OUTCOMES, type RefusedClaim, refusedClaim, underLease } from "../src/worker/leaseRunner.js";
import type { WorkerContext } from "../src/worker/workerContext.js";

/** A worker context that records what it counts and logs. */
function recording() {
  const metrics: string[] = [];
  const logs: Array<{ level: string; message: string; extra: Record<string, unknown> }> = [];
  const log = (level: string) => (message: string, extra: Record<string, unknown>) => logs.push({ level, message, extra });
  const context = {
    metrics: { addMetric: (name: string) => metrics.push(name) },
    logger: { debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error") },
  } as unknown as WorkerContext;
  return { context, metrics, logs };
}

describe("the outcome table of refused claims", () => {
  const where = { key: "k", messageId: "m1" };
  it.each([
    {
      refused: { status: "already-done" },
      metric: "ObjectsSkipped",
      level: "info",
      outcome: { action: "skipped", reason: "already-done" },
    },
    { refused: { status: "duplicate" }, metric: "DuplicateDeliveries", level: "info", outcome: { action: "skipped", reason: "duplicate" } },
    { refused: { status: "stale" }, metric: "StaleEvents", level: "warn", outcome: { action: "skipped", reason: "stale-event" } },
    { refused: { status: "superseded" }, metric: "ObjectsSkipped", level: "info", outcome: { action: "skipped", reason: "superseded" } },
    // another message's lease: back as a new message once it lapses (no receive counted)
    {
      refused: { status: "busy", retryAfterMs: 2_500 },
      metric: "ObjectsBusy",
      level: "info",
      outcome: { action: "retry", retryAfterSeconds: 3, asNewMessage: true },
    },
    // this very message's earlier delivery may hold it: the same message must come back
    {
      refused: { status: "busy", retryAfterMs: 1_000, ownMessage: true },
      metric: "ObjectsBusy",
      level: "info",
      outcome: { action: "retry", retryAfterSeconds: 1 },
    },
  ] as const)(
    "$refused.status$refused.ownMessage: counts $metric, logs at $level, and is $outcome.action",
    ({ refused, metric, level, outcome }) => {
      const { context, metrics, logs } = recording();
      // Act
      const result = refusedClaim(context, refused as RefusedClaim, "s3://b/k", where);
      // Assess
      expect(result).toMatchObject(outcome);
      if (!("asNewMessage" in outcome)) expect(result).not.toHaveProperty("asNewMessage");
      expect(metrics).toEqual([metric]);
      expect(logs).toEqual([
        { level, message: CLAIM_OUTCOMES[refused.status].log, extra: expect.objectContaining({ ...where, what: "s3://b/k" }) },
      ]);
    },
  );

  it("has a row for every way a claim is refused, and no other", () => {
    expect(Object.keys(CLAIM_OUTCOMES).sort()).toEqual(["already-done", "busy", "duplicate", "stale", "superseded"]);
  });
});

describe("a run under a lease", () => {
  const held = { token: "t1" };
  it("hands the lease to the queue layer to renew, and ends it when the run ends, thrown or not", async () => {
    const seen: Array<{ ended: boolean }> = [];
    const attempt = { messageId: "m1", leaseUntil: () => 0, onLease: (lease: { ended: boolean }) => seen.push(lease) };
    const lease = { held, renew: async () => true, expiresAt: Date.now() + 60_000 };
    // Act
    const { result, lost } = await underLease(attempt as never, lease, async (taken) => {
      expect(taken.ended).toBe(false);
      return "copied";
    });
    await expect(underLease(attempt as never, lease, async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    // Assess
    expect([result, lost]).toEqual(["copied", false]);
    expect(seen.map((taken) => taken.ended)).toEqual([true, true]);
  });

  it("says the lease was lost when a renewal found it someone else's", async () => {
    const attempt = { messageId: "m1", leaseUntil: () => 0 };
    // Act
    const { lost } = await underLease(
      attempt as never,
      { held, renew: async () => false, expiresAt: Date.now() + 60_000 },
      async (taken) => {
        await taken.renew(Date.now() + 60_000, 1_000);
        return taken.lost.aborted;
      },
    );
    // Assess
    expect(lost).toBe(true);
  });
});
