import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { compositeEtag, isPlainMd5Etag, normalizeEtag, parseMultipartEtag } from "../src/integrity/md5.js";

describe("ETag helpers", () => {
  it("computes S3's multipart ETag from part MD5s", () => {
    // Prepare: the value moto/S3 returned for parts [5 MiB of 0x07, 5 MiB of 0x07, 100 B of 0x07]
    const parts = ['"242c0407347ba6c65f5b476da66df47c"', "242c0407347ba6c65f5b476da66df47c", "35ecc674664ca9947268988e99ea7c7d"];
    // Act / Assess
    expect(compositeEtag(parts)).toBe("2a837b2df74e1c867a4eb0dbf7ad03c0-3");
  });

  it("agrees with a direct MD5-of-MD5s computation", () => {
    const md5s = ["a", "b"].map((text) => createHash("md5").update(text).digest());
    const expected = `${createHash("md5").update(Buffer.concat(md5s)).digest("hex")}-2`;
    expect(compositeEtag(md5s.map((digest) => digest.toString("hex")))).toBe(expected);
  });

  it("normalises quotes and case, and tells plain MD5 ETags from others", () => {
    expect(normalizeEtag('"ABC"')).toBe("abc");
    expect(isPlainMd5Etag('"d41d8cd98f00b204e9800998ecf8427e"')).toBe(true);
    expect(isPlainMd5Etag("2a837b2df74e1c867a4eb0dbf7ad03c0-3")).toBe(false);
    expect(parseMultipartEtag('"2a837b2df74e1c867a4eb0dbf7ad03c0-3"')).toEqual({
      digest: "2a837b2df74e1c867a4eb0dbf7ad03c0",
      partCount: 3,
    });
    expect(parseMultipartEtag("d41d8cd98f00b204e9800998ecf8427e")).toBeUndefined();
  });
});
