import { WAITS } from "@s3-migrate/transfer";
import { describe, expect, it } from "vitest";
import { serializeJob } from "../src/messages/jobMessage.js";
import { parseQueueMessage } from "../src/messages/queueMessage.js";
import { nextProgress, stalledTooOften } from "../src/worker/continuationProgress.js";

describe("a continuation's progress", () => {
  it.each([
    { case: "a first pause with parts done", previous: undefined, partsDone: 3, next: { partsDone: 3, stalls: 0 } },
    { case: "a first pause with no part done", previous: undefined, partsDone: 0, next: { partsDone: 0, stalls: 1 } },
    { case: "a part more than the pause before", previous: { partsDone: 3, stalls: 2 }, partsDone: 4, next: { partsDone: 4, stalls: 0 } },
    { case: "no part more", previous: { partsDone: 3, stalls: 1 }, partsDone: 3, next: { partsDone: 3, stalls: 2 } },
    {
      case: "fewer parts (an upload started again)",
      previous: { partsDone: 3, stalls: 0 },
      partsDone: 1,
      next: { partsDone: 1, stalls: 1 },
    },
    {
      case: "every part done again: a completion cut, no stall",
      previous: { partsDone: 8, stalls: 0 },
      partsDone: 8,
      next: { partsDone: 8, stalls: 0 },
    },
  ])("$case", ({ previous, partsDone, next }) => {
    expect(nextProgress(previous, partsDone, 8)).toEqual(next);
  });

  it(`gives up at ${WAITS.maxStalledContinuations} stalls in a row, not before`, () => {
    expect(stalledTooOften({ partsDone: 2, stalls: WAITS.maxStalledContinuations - 1 }, "s3://b/k")).toBeUndefined();
    const error = stalledTooOften({ partsDone: 2, stalls: WAITS.maxStalledContinuations }, "s3://b/k");
    expect(error).toMatchObject({ code: "NoProgress", retryable: false });
    expect(error?.message).toBe(
      `s3://b/k paused ${WAITS.maxStalledContinuations} times in a row with no part more at the destination (2 done); its parts stay for a redrive`,
    );
  });

  it("travels with a continuation, and a malformed one is refused", () => {
    const job = (progress: unknown) =>
      JSON.stringify({
        ...JSON.parse(serializeJob({ source: { bucket: "b", key: "k", size: 1 }, destination: { bucket: "d", key: "k" }, queuedAt: "" })),
        continuation: 2,
        progress,
      });
    expect(parseQueueMessage(job({ partsDone: 7, stalls: 1 }))[0]).toMatchObject({
      continuation: 2,
      progress: { partsDone: 7, stalls: 1 },
    });
    expect(() => parseQueueMessage(job({ partsDone: -1, stalls: 0 }))).toThrow("progress.partsDone must be a whole number");
    expect(() => parseQueueMessage(job("lots"))).toThrow("progress must be an object");
  });
});
