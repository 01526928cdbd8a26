import { compareKeys } from "@s3-migrate/transfer";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseBucketPairs } from "../src/config/bucketPairs.js";
import { inSegment, segmentsAt } from "../src/jobsender/keySegments.js";
import { parseJobMessage, serializeJob } from "../src/messages/jobMessage.js";

describe("parseBucketPairs", () => {
  it("reads the original format, prefixes optional", () => {
    expect(
      parseBucketPairs(
        '[{"src_bucket":"src-a","src_prefix":"/","des_bucket":"dst-a","des_prefix":"x/"},{"src_bucket":"src-b","des_bucket":"dst-b"}]',
      ),
    ).toEqual([
      { srcBucket: "src-a", srcPrefix: "/", desBucket: "dst-a", desPrefix: "x/" },
      { srcBucket: "src-b", srcPrefix: "", desBucket: "dst-b", desPrefix: "" },
    ]);
  });

  it.each([
    ["not json", "{", /not valid JSON/],
    ["not a list", "{}", /must be a JSON list/],
    ["empty", "[]", /lists no bucket pairs/],
    ["bad bucket", '[{"src_bucket":"Bad_Bucket","des_bucket":"ok-b"}]', /entry 0: field "src_bucket" must be an S3 bucket name/],
    ["missing destination", '[{"src_bucket":"ok-a"}]', /entry 0: field "des_bucket"/],
    ["prefix not a string", '[{"src_bucket":"ok-a","des_bucket":"ok-b","des_prefix":5}]', /field "des_prefix" must be a string/],
  ])("rejects %s, naming the parameter and field", (_label, text, message) => {
    expect(() => parseBucketPairs(text, "s3_migration_bucket_para")).toThrow(message);
    expect(() => parseBucketPairs(text, "s3_migration_bucket_para")).toThrow(/s3_migration_bucket_para/);
  });
});

describe("segmentsAt", () => {
  it("tiles the key space: every key falls in exactly one segment (property)", () => {
    const key = fc.string({ unit: fc.constantFrom("a", "b", "/", "😀", "数"), maxLength: 6 });
    fc.assert(
      fc.property(
        fc.array(key, { maxLength: 30 }),
        fc.integer({ min: 1, max: 10 }),
        fc.array(key, { maxLength: 30 }),
        (boundaries, count, keys) => {
          const segments = segmentsAt(boundaries, count);
          expect(segments.length).toBeLessThanOrEqual(count);
          for (const probe of keys) expect(segments.filter((segment) => inSegment(segment, probe))).toHaveLength(1);
          for (let i = 1; i < segments.length; i++) expect(compareKeys(segments[i - 1]?.until ?? "", segments[i]?.after ?? "")).toBe(0);
        },
      ),
    );
  });
});

describe("job messages", () => {
  it("round-trips through JSON", () => {
    const body = serializeJob({
      source: { bucket: "s", key: "a b+c/数", size: 5, etag: "e" },
      destination: { bucket: "d", key: "p/a b+c/数" },
      queuedAt: "2026-01-01T00:00:00.000Z",
    });
    expect(parseJobMessage(JSON.parse(body))).toMatchObject({ schema: "s3-migrate/job", version: 1, source: { key: "a b+c/数", size: 5 } });
  });

  it.each([
    [{ schema: "other" }, /schema/],
    [{ schema: "s3-migrate/job", version: 2 }, /unsupported version 2/],
    [
      { schema: "s3-migrate/job", version: 1, source: { bucket: "s", key: "k", size: -1 }, destination: { bucket: "d", key: "k" } },
      /source.size/,
    ],
    [{ schema: "s3-migrate/job", version: 1, source: { bucket: "s", size: 1 }, destination: { bucket: "d", key: "k" } }, /source.key/],
  ])("rejects %j with the reason", (message, reason) => {
    expect(() => parseJobMessage(message)).toThrow(reason);
  });
});
