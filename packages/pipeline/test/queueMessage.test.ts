import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeEventKey, orderableSequencer, parseQueueMessage } from "../src/messages/queueMessage.js";

/** How S3 encodes keys in event notifications (Python's quote_plus, as moto and S3 do). */
function quotePlus(key: string): string {
  return encodeURIComponent(key)
    .replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
    .replaceAll("%20", "+");
}

const event = (records: object[]) => JSON.stringify({ Records: records });
const created = (key: string, extra: object = {}) => ({
  eventSource: "aws:s3",
  eventName: "ObjectCreated:Put",
  s3: { bucket: { name: "src-bucket" }, object: { key, size: 5, eTag: "abc", ...extra } },
});
const defaults = { defaultDestBucket: "dst-bucket", defaultDestPrefix: "events/" };

describe("decodeEventKey", () => {
  it("decodes + as a space and %2B as a plus", () => {
    expect(decodeEventKey("a+b%2Bc%25d")).toBe("a b+c%d");
  });

  it("inverts S3's encoding for any key (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", minLength: 1 }), (key) => {
        expect(decodeEventKey(quotePlus(key))).toBe(key);
      }),
      { numRuns: 1000 },
    );
  });

  it("rejects a malformed escape", () => {
    expect(() => decodeEventKey("bad%zz")).toThrow(/not valid URL encoding/);
  });
});

describe("parseQueueMessage", () => {
  it("reads our jobs, including a continuation count", () => {
    const body = JSON.stringify({
      schema: "s3-migrate/job",
      version: 1,
      source: { bucket: "s", key: "k", size: 9, etag: "e" },
      destination: { bucket: "d", key: "p/k" },
      queuedAt: "",
      continuation: 2,
    });
    expect(parseQueueMessage(body)).toEqual([
      {
        kind: "copy",
        source: { bucket: "s", key: "k", size: 9, etag: "e" },
        destination: { bucket: "d", key: "p/k" },
        continuation: 2,
        origin: { format: "job" },
      },
    ]);
  });

  it("reads the original tool's jobs ('null' version = none)", () => {
    const body = JSON.stringify({ Src_bucket: "s", Src_key: "a b", Des_bucket: "d", Des_key: "x/a b", Size: 3, versionId: "null" });
    expect(parseQueueMessage(body)).toEqual([
      {
        kind: "copy",
        source: { bucket: "s", key: "a b", size: 3 },
        destination: { bucket: "d", key: "x/a b" },
        continuation: 0,
        origin: { format: "original-job" },
      },
    ]);
  });

  it("reads every record of an S3 event, decoding keys and mapping them under the default destination", () => {
    const records = [
      created("a+b.txt"),
      created("%E6%95%B0.txt", { versionId: "v1", sequencer: "0055AED6DCD90281E5" }),
      { eventName: "s3:ReducedRedundancyLostObject", s3: { bucket: { name: "src-bucket" }, object: { key: "lost" } } },
    ];
    const work = parseQueueMessage(event(records), defaults);
    expect(work).toEqual([
      {
        kind: "copy",
        source: { bucket: "src-bucket", key: "a b.txt", size: 5, etag: "abc" },
        destination: { bucket: "dst-bucket", key: "events/a b.txt" },
        continuation: 0,
        origin: { format: "s3-event", eventSource: "aws:s3", eventName: "ObjectCreated:Put", record: records[0] },
      },
      {
        kind: "copy",
        source: { bucket: "src-bucket", key: "数.txt", size: 5, etag: "abc", versionId: "v1" },
        destination: { bucket: "dst-bucket", key: "events/数.txt" },
        continuation: 0,
        origin: {
          format: "s3-event",
          eventSource: "aws:s3",
          eventName: "ObjectCreated:Put",
          sequencer: "0055AED6DCD90281E5".padEnd(64, "0"),
          record: records[1],
        },
      },
    ]);
  });

  it("reads removals as deletes of the mapped key, naming the removed source object (the scope decides)", () => {
    const record = {
      eventSource: "aws:s3",
      eventName: "ObjectRemoved:Delete",
      s3: { bucket: { name: "src-bucket" }, object: { key: "old+file" } },
    };
    expect(parseQueueMessage(event([record]), defaults)).toEqual([
      {
        kind: "delete",
        source: { bucket: "src-bucket", key: "old file" },
        destination: { bucket: "dst-bucket", key: "events/old file" },
        origin: { format: "s3-event", eventSource: "aws:s3", eventName: "ObjectRemoved:Delete", record },
      },
    ]);
  });

  it("reads a continuation's lease token", () => {
    const body = JSON.stringify({
      schema: "s3-migrate/job",
      version: 1,
      source: { bucket: "s", key: "k", size: 9, etag: "e" },
      destination: { bucket: "d", key: "k" },
      queuedAt: "",
      continuation: 1,
      leaseToken: "3f0c",
    });
    expect(parseQueueMessage(body)[0]).toMatchObject({ continuation: 1, leaseToken: "3f0c" });
  });

  /** A continuation job whose completion the deadline cut, as the worker sends it on. */
  const continuation = (completing: unknown) =>
    JSON.stringify({
      schema: "s3-migrate/job",
      version: 1,
      source: { bucket: "s", key: "k", size: 9, etag: "e" },
      destination: { bucket: "d", key: "k" },
      queuedAt: "",
      continuation: 2,
      leaseToken: "3f0c",
      completing,
    });

  it("reads a continuation's lost completion, and refuses one that is not an upload id, a composite ETag and a verification", () => {
    const completing = { uploadId: "u-1", etag: `${"a".repeat(32)}-64`, verification: "part-checksums" };
    expect(parseQueueMessage(continuation(completing))[0]).toMatchObject({ continuation: 2, completing });
    expect(() => parseQueueMessage(continuation("u-1"))).toThrow(/completing must be an object/);
    expect(() => parseQueueMessage(continuation({ ...completing, uploadId: "" }))).toThrow(/completing.uploadId/);
    expect(() => parseQueueMessage(continuation({ ...completing, etag: "a".repeat(32) }))).toThrow(
      /completing.etag must be a composite ETag/,
    );
    expect(() => parseQueueMessage(continuation({ ...completing, verification: "trust-me" }))).toThrow(/completing.verification/);
  });

  it("reads a lost completion proven by the source's checksum with that checksum, and refuses one without it or with a foreign one", () => {
    const completing = {
      uploadId: "u-1",
      etag: `${"a".repeat(32)}-64`,
      verification: "source-checksum",
      checksum: { algorithm: "CRC64NVME", value: "rosUhgp5mIg=" },
    };
    expect(parseQueueMessage(continuation(completing))[0]).toMatchObject({ completing });
    // an MD5-proven upload that carries a CRC32 for the destination keeps it
    const etagProven = { ...completing, verification: "source-etag", checksum: { algorithm: "CRC32", value: "y/Q5Jg==" } };
    expect(parseQueueMessage(continuation(etagProven))[0]).toMatchObject({ completing: etagProven });
    const { checksum: _dropped, ...withoutChecksum } = completing;
    expect(() => parseQueueMessage(continuation(withoutChecksum))).toThrow(/completing.checksum is required for source-checksum/);
    expect(() => parseQueueMessage(continuation({ ...completing, checksum: { algorithm: "MD5", value: "x" } }))).toThrow(
      /completing.checksum.algorithm must be CRC32, CRC32C or CRC64NVME/,
    );
    expect(() => parseQueueMessage(continuation({ ...completing, checksum: { algorithm: "CRC32", value: "not base64!" } }))).toThrow(
      /completing.checksum.value must be base64/,
    );
  });

  it("orders sequencers of different lengths as S3 prescribes (right-padded, case-insensitive)", () => {
    expect(orderableSequencer("0A") > orderableSequencer("09FF")).toBe(true);
    expect(orderableSequencer("5f") === orderableSequencer("5F00")).toBe(true);
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9A-F]{1,20}$/), fc.stringMatching(/^[0-9A-F]{1,20}$/), (a, b) => {
        const width = Math.max(a.length, b.length);
        const expected = Math.sign(
          BigInt(`0x${a.padEnd(width, "0")}`) > BigInt(`0x${b.padEnd(width, "0")}`)
            ? 1
            : a.padEnd(width, "0") === b.padEnd(width, "0")
              ? 0
              : -1,
        );
        const actual = orderableSequencer(a) > orderableSequencer(b) ? 1 : orderableSequencer(a) === orderableSequencer(b) ? 0 : -1;
        expect(actual).toBe(expected);
      }),
    );
  });

  it("skips s3:TestEvent", () => {
    expect(parseQueueMessage(JSON.stringify({ Service: "Amazon S3", Event: "s3:TestEvent", Bucket: "b" }))).toEqual([]);
  });

  it.each([
    ["not JSON", "{{", /not JSON/],
    ["a JSON list", "[1]", /not a JSON object/],
    ["an unknown shape", '{"a":1}', /neither an s3-migrate job/],
    ["an event record without its bucket", event([{ eventName: "ObjectCreated:Put", s3: { object: { key: "k" } } }]), /s3.bucket.name/],
    ["an event with a sequencer that is not hex", event([created("k", { sequencer: "xyz" })]), /sequencer/],
    ["an event with an empty key", event([created("")]), /key is empty/],
    [
      "a job with an empty key",
      JSON.stringify({
        schema: "s3-migrate/job",
        version: 1,
        source: { bucket: "s", key: "", size: 1 },
        destination: { bucket: "d", key: "k" },
      }),
      /source.key must be a non-empty string/,
    ],
    ["an original job without Des_key", '{"Src_bucket":"s","Src_key":"k","Des_bucket":"d"}', /"Des_key"/],
    [
      "a job with a negative size",
      JSON.stringify({
        schema: "s3-migrate/job",
        version: 1,
        source: { bucket: "s", key: "k", size: -4 },
        destination: { bucket: "d", key: "k" },
      }),
      /source.size/,
    ],
  ])("rejects %s with the reason", (_label, body, reason) => {
    expect(() => parseQueueMessage(body)).toThrow(reason);
  });
});
