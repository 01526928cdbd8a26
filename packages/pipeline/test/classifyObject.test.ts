import { describe, expect, it } from "vitest";
import type { ObjectRecord } from "../src/ledger/ledgerSchema.js";
import { classifyObject } from "../src/verify/classifyObject.js";

const md5 = (digit: string) => digit.repeat(32);
const object = (size: number, etag: string) => ({ key: "k", size, etag: `"${etag}"` });
const record = (fields: Partial<ObjectRecord>) => ({ status: "done", srcEtag: md5("a"), desEtag: md5("b"), ...fields }) as ObjectRecord;

describe("classifyObject", () => {
  it("says missing, extra and differing sizes from the listings alone", () => {
    expect(classifyObject({ source: object(1, md5("a")) })).toMatchObject({ kind: "missing", key: "k", sourceSize: 1 });
    expect(classifyObject({ destination: object(1, md5("a")) })).toMatchObject({ kind: "extra", destinationSize: 1 });
    expect(classifyObject({ source: object(1, md5("a")), destination: object(2, md5("a")) })).toMatchObject({
      kind: "differing",
      reason: expect.stringContaining("sizes differ"),
    });
  });

  it("counts equal ETags as matching, and other ETags as unverified without a record", () => {
    expect(classifyObject({ source: object(5, md5("a")), destination: object(5, md5("a")) })).toMatchObject({
      kind: "matching",
      reason: "equal ETags",
    });
    expect(classifyObject({ source: object(5, `${md5("a")}-3`), destination: object(5, md5("b")) })).toMatchObject({ kind: "unverified" });
  });

  it("takes the ledger's proof only for the very source version listed and the destination object it made", () => {
    const pair = { source: object(5, md5("a")), destination: object(5, md5("b")) };
    const proven = record({ verification: "source-checksum", checksum: { algorithm: "CRC64NVME", value: "rosUhgp5mIg=" } });
    expect(classifyObject(pair, proven)).toMatchObject({ kind: "matching", reason: expect.stringContaining("CRC64NVME rosUhgp5mIg=") });
    expect(classifyObject(pair, record({ verification: "source-etag" }))).toMatchObject({ kind: "matching" });
    // copied with per-part MD5 only: not proven against the source
    expect(classifyObject(pair, record({ verification: "part-checksums" }))).toMatchObject({
      kind: "unverified",
      reason: expect.stringContaining("part-checksums"),
    });
    // the source was replaced after the copy the destination still holds
    expect(classifyObject(pair, record({ srcEtag: md5("c"), verification: "source-etag" }))).toMatchObject({
      kind: "differing",
      reason: expect.stringContaining("replaced after its copy"),
    });
    // someone else wrote the destination since: the record proves nothing about it
    expect(classifyObject(pair, record({ desEtag: md5("d"), verification: "source-etag" }))).toMatchObject({ kind: "unverified" });
    // a record not done proves nothing
    expect(classifyObject(pair, record({ status: "in_progress", verification: "source-etag" }))).toMatchObject({ kind: "unverified" });
  });
});
