import { describe, expect, it } from "vitest";
import { TransientError } from "../src/errors.js";
import { backoffDelayMs, RETRY_POLICIES, retryPolicy, withRetry } from "../src/retry.js";

describe("the retry policy", () => {
  const low = () => 0;
  const high = () => 0.999_999;

  it("doubles the ceiling with every attempt up to its cap (full jitter: 0 .. ceiling)", () => {
    const policy = RETRY_POLICIES.transfer;
    expect([1, 2, 3, 4].map((attempts) => backoffDelayMs(policy, attempts, high))).toEqual([199, 399, 799, 1599]);
    expect(backoffDelayMs(policy, 30, high)).toBe(19_999);
    expect(backoffDelayMs(policy, 3, low)).toBe(0);
  });

  it("waits at least half the ceiling with equal jitter: a failed message's next delivery, 5 s doubling to 15 min", () => {
    const policy = RETRY_POLICIES.redelivery;
    expect(backoffDelayMs(policy, 1, low)).toBe(2_500);
    expect(backoffDelayMs(policy, 1, high)).toBe(4_999);
    expect(backoffDelayMs(policy, 4, low)).toBe(20_000);
    expect(backoffDelayMs(policy, 20, high)).toBe(899_999);
  });

  it("applies overrides to a named policy", () => {
    expect(retryPolicy("completion", { maxAttempts: 2 })).toEqual({ ...RETRY_POLICIES.completion, maxAttempts: 2 });
  });

  it("runs an attempt again until it succeeds, and gives up after maxAttempts", async () => {
    const policy = { ...RETRY_POLICIES.transfer, baseDelayMs: 1 };
    let calls = 0;
    const flaky = async () => {
      calls++;
      if (calls < 3) throw new Error("503");
      return "ok";
    };
    const classify = () => new TransientError("throttled");
    await expect(withRetry(flaky, { classify, policy })).resolves.toBe("ok");
    expect(calls).toBe(3);
    calls = 0;
    await expect(withRetry(flaky, { classify, policy: { ...policy, maxAttempts: 2 } })).rejects.toThrow("throttled");
    expect(calls).toBe(2);
  });
});
