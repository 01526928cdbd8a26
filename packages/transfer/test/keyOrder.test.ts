import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareKeys } from "../src/listing/keyOrder.js";

const utf8Order = (a: string, b: string) => Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));

describe("compareKeys", () => {
  it("orders by UTF-8 bytes, as S3 lists, where UTF-16 order disagrees", () => {
    // Prepare: U+FF5E (fullwidth tilde) is below U+1F600 (emoji) in UTF-8, above it in UTF-16
    const fullwidth = "a/\uFF5E";
    const emoji = "a/😀";
    // Act / Assess
    expect(fullwidth < emoji).toBe(false);
    expect(compareKeys(fullwidth, emoji)).toBeLessThan(0);
    expect(compareKeys("😀", "😁")).toBeLessThan(0);
    expect(compareKeys("a", "ab")).toBeLessThan(0);
    expect(compareKeys("same", "same")).toBe(0);
  });

  it("agrees in sign with the byte order of the UTF-8 encodings (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), fc.string({ unit: "grapheme" }), (a, b) => {
        expect(Math.sign(compareKeys(a, b))).toBe(Math.sign(utf8Order(a, b)));
      }),
      { numRuns: 2000 },
    );
  });

  it("agrees on keys that share long prefixes and differ in astral characters (property)", () => {
    const astral = fc.constantFrom("😀", "😁", "𠀀", "\uFF5E", "\uE000", "a", "/", "数");
    fc.assert(
      fc.property(fc.array(astral, { maxLength: 6 }), fc.array(astral, { maxLength: 6 }), (x, y) => {
        const a = `prefix/${x.join("")}`;
        const b = `prefix/${y.join("")}`;
        expect(Math.sign(compareKeys(a, b))).toBe(Math.sign(utf8Order(a, b)));
      }),
    );
  });
});
