import { destinationKey } from "@s3-migrate/transfer";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseIgnoreList } from "../src/config/ignoreList.js";
import type { CopyWork, DeleteWork, WorkOrigin } from "../src/messages/queueMessage.js";
import { checkScope, REFUSAL, type WorkScope } from "../src/worker/workScope.js";

const scope: WorkScope = {
  pairs: [
    { srcBucket: "global-a", srcPrefix: "data/", desBucket: "china-a", desPrefix: "from-global" },
    { srcBucket: "global-b", srcPrefix: "/", desBucket: "china-b", desPrefix: "" },
  ],
  events: {
    bucket: "global-events",
    filterPrefix: "incoming/",
    filterSuffix: ".csv",
    destinationBucket: "china-events",
    destinationPrefix: "events",
    propagateDeletes: false,
  },
  ignore: parseIgnoreList("global-b/secret/*"),
};

const job = (source: [string, string], destination: [string, string], origin: WorkOrigin = { format: "job" }): CopyWork => ({
  kind: "copy",
  source: { bucket: source[0], key: source[1], size: 1 },
  destination: { bucket: destination[0], key: destination[1] },
  continuation: 0,
  origin,
});
const event = (bucket: string, key: string, extra: Partial<{ eventSource: string; eventName: string }> = {}): WorkOrigin => ({
  format: "s3-event",
  eventSource: extra.eventSource ?? "aws:s3",
  eventName: extra.eventName ?? "ObjectCreated:Put",
  record: { s3: { bucket: { name: bucket }, object: { key } } },
});
const removal = (bucket: string, key: string, destination: [string, string]): DeleteWork => ({
  kind: "delete",
  source: { bucket, key },
  destination: { bucket: destination[0], key: destination[1] },
  origin: event(bucket, key, { eventName: "ObjectRemoved:Delete" }) as DeleteWork["origin"],
});

describe("checkScope", () => {
  it.each([
    ["a job under a pair, to its mapped key", job(["global-a", "data/x.bin"], ["china-a", "from-global/data/x.bin"])],
    ["an original-format job of the whole-bucket pair", job(["global-b", "a b+%/😀"], ["china-b", "a b+%/😀"], { format: "original-job" })],
    [
      "a continuation of event work (a job inside the event mapping)",
      job(["global-events", "incoming/a.csv"], ["china-events", "events/incoming/a.csv"]),
    ],
    [
      "an S3 event of the configured bucket within its filter",
      job(["global-events", "incoming/a.csv"], ["china-events", "events/incoming/a.csv"], event("global-events", "incoming/a.csv")),
    ],
  ])("allows %s", (_label, work) => {
    expect(checkScope(scope, work)).toEqual({ kind: "allowed" });
  });

  it.each([
    ["an unconfigured source bucket", job(["elsewhere", "data/x"], ["china-a", "from-global/data/x"]), REFUSAL.notConfigured],
    ["a key outside the pair's prefix", job(["global-a", "other/x"], ["china-a", "from-global/other/x"]), REFUSAL.notConfigured],
    ["another destination bucket", job(["global-a", "data/x"], ["attacker", "from-global/data/x"]), REFUSAL.destinationNotMapped],
    ["another destination key", job(["global-a", "data/x"], ["china-a", "data/x"]), REFUSAL.destinationNotMapped],
    [
      "a destination key with a dot segment",
      job(["global-a", "data/x"], ["china-a", "from-global/data/../x"]),
      REFUSAL.destinationNotMapped,
    ],
    [
      "an event of another bucket",
      job(["global-a", "data/x.csv"], ["china-events", "events/data/x.csv"], event("global-a", "data/x.csv")),
      REFUSAL.foreignEventSource,
    ],
    [
      "an event from another source than aws:s3",
      job(["global-events", "incoming/a.csv"], ["china-events", "events/incoming/a.csv"], {
        ...event("global-events", "incoming/a.csv", { eventSource: "aws:sqs" }),
      }),
      REFUSAL.foreignEventSource,
    ],
    [
      "an event outside the filter",
      job(["global-events", "incoming/a.json"], ["china-events", "events/incoming/a.json"], event("global-events", "incoming/a.json")),
      REFUSAL.notConfigured,
    ],
    [
      "a job outside the event filter's suffix (the event settings count as a pair)",
      job(["global-events", "incoming/secret.key"], ["china-events", "events/incoming/secret.key"]),
      REFUSAL.notConfigured,
    ],
    ["a job with an empty key (it would address the bucket)", job(["global-b", ""], ["china-b", ""]), REFUSAL.notConfigured],
    [
      "a removal while deletes are off",
      removal("global-events", "incoming/a.csv", ["china-events", "events/incoming/a.csv"]),
      REFUSAL.deletesDisabled,
    ],
  ])("refuses %s", (_label, work, code) => {
    expect(checkScope(scope, work)).toMatchObject({ kind: "refused", code });
  });

  it("refuses S3 events when the worker takes none", () => {
    const { events: _none, ...noEvents } = scope;
    const work = job(["global-a", "data/x"], ["china-a", "from-global/data/x"], event("global-a", "data/x"));
    expect(checkScope(noEvents, work)).toMatchObject({ kind: "refused", code: REFUSAL.foreignEventSource });
  });

  it("allows a removal once deletes are on", () => {
    const deleting: WorkScope = { ...scope, events: { ...(scope.events as NonNullable<WorkScope["events"]>), propagateDeletes: true } };
    expect(checkScope(deleting, removal("global-events", "incoming/a.csv", ["china-events", "events/incoming/a.csv"]))).toEqual({
      kind: "allowed",
    });
  });

  it("drops ignored keys without refusing them", () => {
    expect(checkScope(scope, job(["global-b", "secret/k"], ["china-b", "secret/k"]))).toMatchObject({ kind: "ignored" });
  });

  it("allows exactly the mapped destination of any key under a pair, and nothing else (property)", () => {
    const key = fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 });
    const prefix = fc.constantFrom("", "/", "data", "data/", "a b/", "数据/");
    const desPrefix = fc.constantFrom("", "/", "backup", "backup/", "x y/");
    fc.assert(
      fc.property(prefix, desPrefix, key, key, (srcPrefix, pairDesPrefix, tail, other) => {
        const pairs = [{ srcBucket: "src", srcPrefix, desBucket: "dst", desPrefix: pairDesPrefix }];
        const only: WorkScope = { pairs, ignore: parseIgnoreList(undefined) };
        const sourceKey = `${srcPrefix === "/" ? "" : srcPrefix}${tail}`;
        const mapped = destinationKey(pairDesPrefix, sourceKey);
        expect(checkScope(only, job(["src", sourceKey], ["dst", mapped])).kind).toBe("allowed");
        if (other !== mapped) expect(checkScope(only, job(["src", sourceKey], ["dst", other])).kind).toBe("refused");
        expect(checkScope(only, job(["src", sourceKey], ["dst2", mapped])).kind).toBe("refused");
      }),
      { numRuns: 500 },
    );
  });
});
