import { describe, expect, it } from "vitest";
import type { BatchRules } from "../src/config/environment.js";
import { packJobs } from "../src/jobsender/packJobs.js";
import { batchId, parseBatchMessage, serializeBatch } from "../src/messages/batchMessage.js";
import type { JobMessage } from "../src/messages/jobMessage.js";
import { parseQueueMessage } from "../src/messages/queueMessage.js";
import { SQS_LIMITS } from "../src/queue/sqsLimits.js";

const MIB = 1024 * 1024;
const ETAG = "0123456789abcdef0123456789abcdef";
const rules: BatchRules = { maxObjects: 100, maxBytes: 64 * MIB, smallObjectThreshold: 8 * MIB };

const job = (key: string, size = 100, extra: Partial<JobMessage["source"]> = {}, pair = ["src", "dst"]): JobMessage => ({
  schema: "s3-migrate/job",
  version: 1,
  source: { bucket: pair[0] as string, key, size, etag: ETAG, ...extra },
  destination: { bucket: pair[1] as string, key: `copied/${key}` },
  queuedAt: "2026-12-02T05:00:00.000Z",
  passId: "p1",
});
const missing = (value: JobMessage) => ({ job: value, destinationMissing: true });
const kinds = (bodies: ReadonlyArray<{ body: string }>) => bodies.map(({ body }) => JSON.parse(body).schema);

describe("s3-migrate/batch messages", () => {
  const batch = {
    sourceBucket: "src",
    destinationBucket: "dst",
    objects: [
      { key: "a +%😀//", size: 0, etag: ETAG, destinationKey: "copied/a +%😀//" },
      { key: "b/", size: 5, etag: ETAG, versionId: "v1", destinationKey: "copied/b/" },
    ],
    queuedAt: "2026-12-02T05:00:00.000Z",
  };

  it("round-trips through the worker's parser as one copy each, pinned to its ETag, with the batch's identity", () => {
    // Act
    const work = parseQueueMessage(serializeBatch(batch));

    // Assess
    expect(work).toEqual([
      {
        kind: "copy",
        source: { bucket: "src", key: "a +%😀//", size: 0, etag: ETAG },
        destination: { bucket: "dst", key: "copied/a +%😀//" },
        continuation: 0,
        origin: { format: "batch", batchId: batchId(batch), index: 0 },
      },
      {
        kind: "copy",
        source: { bucket: "src", key: "b/", size: 5, etag: ETAG, versionId: "v1" },
        destination: { bucket: "dst", key: "copied/b/" },
        continuation: 0,
        origin: { format: "batch", batchId: batchId(batch), index: 1 },
      },
    ]);
  });

  it("has one identity for every copy of a batch, whenever queued, and another for any other content", () => {
    expect(batchId({ ...batch })).toBe(batchId(parseBatchMessage(JSON.parse(serializeBatch({ ...batch, queuedAt: "later" })))));
    const [first, second] = batch.objects;
    expect(
      batchId({
        ...batch,
        objects: [{ ...(first as (typeof batch.objects)[0]), etag: "f".repeat(32) }, second as (typeof batch.objects)[1]],
      }),
    ).not.toBe(batchId(batch));
    expect(batchId({ ...batch, destinationBucket: "other" })).not.toBe(batchId(batch));
  });

  it.each([
    ["no objects", { objects: [] }, /objects must be a list of 1 to 100/],
    ["101 objects", { objects: Array.from({ length: 101 }, () => batch.objects[0]) }, /objects must be a list of 1 to 100/],
    [
      "an object without an ETag",
      { objects: [{ key: "a", size: 1, destinationKey: "copied/a" }] },
      /objects\[0\]\.etag must be a non-empty string/,
    ],
    [
      "an empty key (it would address the bucket)",
      { objects: [{ key: "", size: 1, etag: ETAG, destinationKey: "x" }] },
      /objects\[0\]\.key/,
    ],
    [
      "a negative size",
      { objects: [{ key: "a", size: -1, etag: ETAG, destinationKey: "x" }] },
      /objects\[0\]\.size must be a whole number/,
    ],
    ["no destination bucket", { destinationBucket: "" }, /batch\.destinationBucket/],
    ["an unknown version", { version: 2 }, /unsupported version 2/],
  ])("refuses %s with a reason that names the field", (_label, change, reason) => {
    const body = JSON.stringify({ schema: "s3-migrate/batch", version: 1, ...batch, ...change });
    expect(() => parseQueueMessage(body)).toThrow(reason);
  });
});

describe("packJobs (the jobsender's batches)", () => {
  it("packs small objects missing at the destination, up to BATCH_MAX_OBJECTS a batch", () => {
    // Act
    const packed = packJobs(
      Array.from({ length: 250 }, (_, index) => missing(job(`k${index}`))),
      rules,
    );

    // Assess
    expect(packed.map((message) => message.jobs.length)).toEqual([100, 100, 50]);
    expect(kinds(packed)).toEqual(["s3-migrate/batch", "s3-migrate/batch", "s3-migrate/batch"]);
    expect(parseBatchMessage(JSON.parse(packed[2]?.body ?? "")).objects[49]).toEqual({
      key: "k249",
      size: 100,
      etag: ETAG,
      destinationKey: "copied/k249",
    });
  });

  it("queues alone: an object present at the destination, one without an ETag, one above the small-object threshold or BATCH_MAX_MIB, and a batch's last lone object", () => {
    // Act
    const packed = packJobs(
      [
        { job: job("present"), destinationMissing: false },
        missing(job("no-etag", 10, { etag: "" })),
        missing(job("large", 8 * MIB + 1)),
        missing(job("a")),
        missing(job("b")),
        missing(job("alone", 1, {}, ["src", "other-dst"])),
      ],
      { ...rules, maxBytes: 8 * MIB },
    );

    // Assess
    expect(packed.map((message) => [JSON.parse(message.body).schema, message.jobs.map((queued) => queued.source.key)])).toEqual([
      ["s3-migrate/job", ["present"]],
      ["s3-migrate/job", ["no-etag"]],
      ["s3-migrate/job", ["large"]],
      ["s3-migrate/batch", ["a", "b"]],
      ["s3-migrate/job", ["alone"]],
    ]);
  });

  it("closes a batch at BATCH_MAX_MIB of data", () => {
    const packed = packJobs(
      Array.from({ length: 5 }, (_, index) => missing(job(`k${index}`, 3 * MIB))),
      { ...rules, maxBytes: 7 * MIB },
    );
    expect(packed.map((message) => message.jobs.length)).toEqual([2, 2, 1]);
  });

  it("keeps every body under SQS's 256 KiB with the longest keys JSON can make (1,000 control characters: 6 bytes each)", () => {
    const longKey = (index: number) => `${"\u0001".repeat(1000)}${index}`;
    const packed = packJobs(
      Array.from({ length: 300 }, (_, index) => missing(job(longKey(index)))),
      rules,
    );
    expect(packed.length).toBeGreaterThan(3);
    for (const message of packed) expect(Buffer.byteLength(message.body, "utf8")).toBeLessThanOrEqual(SQS_LIMITS.maxMessageBytes);
    expect(packed.flatMap((message) => message.jobs).length).toBe(300);
  });

  it("sends jobs, not batches, when BATCH_MAX_OBJECTS is 1", () => {
    const packed = packJobs([missing(job("a")), missing(job("b"))], { ...rules, maxObjects: 1 });
    expect(kinds(packed)).toEqual(["s3-migrate/job", "s3-migrate/job"]);
  });
});
