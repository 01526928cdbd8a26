import { ConfigError } from "@s3-migrate/transfer";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseIgnoreList } from "../src/config/ignoreList.js";

describe("parseIgnoreList", () => {
  it("matches the original's examples against bucket/key", () => {
    // Prepare
    const ignore = parseIgnoreList(["your_src_bucket/your_exact_key.mp4", "your_src_bucket/your_*", "*.jpg", "*/readme.md"].join("\n"));
    // Act / Assess
    expect(ignore.matches("your_src_bucket", "your_exact_key.mp4")).toBe(true);
    expect(ignore.matches("your_src_bucket", "your_thing/deep/file.bin")).toBe(true);
    expect(ignore.matches("other", "a/b/c/photo.jpg")).toBe(true);
    expect(ignore.matches("other", "docs/readme.md")).toBe(true);
    expect(ignore.matches("other", "readme.md")).toBe(true);
    expect(ignore.matches("other", "a/b/photo.png")).toBe(false);
  });

  it("is case-sensitive and treats ? as exactly one character", () => {
    const ignore = parseIgnoreList("b/file?.txt");
    expect(ignore.matches("b", "file1.txt")).toBe(true);
    expect(ignore.matches("b", "file.txt")).toBe(false);
    expect(ignore.matches("b", "file12.txt")).toBe(false);
    expect(ignore.matches("b", "FILE1.txt")).toBe(false);
  });

  it("supports [set] and [!set] like fnmatch, and takes regex characters literally", () => {
    const ignore = parseIgnoreList("b/log[0-9].txt\nb/tmp[!a]\nb/a+b(c).{d}$");
    expect(ignore.matches("b", "log7.txt")).toBe(true);
    expect(ignore.matches("b", "logx.txt")).toBe(false);
    expect(ignore.matches("b", "tmpb")).toBe(true);
    expect(ignore.matches("b", "tmpa")).toBe(false);
    expect(ignore.matches("b", "a+b(c).{d}$")).toBe(true);
    expect(ignore.matches("b", "aab(c).{d}$")).toBe(false);
  });

  it("ignores nothing for a missing or empty list, and skips blank and # lines", () => {
    expect(parseIgnoreList(undefined).matches("b", "k")).toBe(false);
    expect(parseIgnoreList("\n  \n# comment\n").patterns).toEqual([]);
  });

  it("refuses a glob with a reversed range as a ConfigError naming the parameter and the line", () => {
    // Prepare: the bad glob on line 4, counting the comment and the blank line
    const text = "# ignore\n*.tmp\n\n  logs/[z-a]*  \n";
    // Act / Assess
    expect(() => parseIgnoreList(text, "/s3-migrate/ignore-list")).toThrow(ConfigError);
    expect(() => parseIgnoreList(text, "/s3-migrate/ignore-list")).toThrow(
      'Parameter /s3-migrate/ignore-list, line 4: glob "logs/[z-a]*" has the reversed range z-a in [z-a]',
    );
    expect(() => parseIgnoreList("[b-a]")).toThrow(/^Parameter ignore list, line 1:/);
  });

  it("answers at once for a 100,000-character key on a glob that makes a RegExp backtrack", () => {
    const ignore = parseIgnoreList("*a*a*a*a*a*a*a*b\nb/*a*a*a*a*a*a*a*a*c");
    expect(ignore.matches("b", "a".repeat(100_000))).toBe(false);
    expect(ignore.matches("b", `${"a".repeat(100_000)}c`)).toBe(true);
  });

  it("matches every key under bucket/* and a literal pattern only itself (property)", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string(), (key, other) => {
        expect(parseIgnoreList("bkt/*").matches("bkt", key)).toBe(true);
        const literal = key.replace(/[*?[\]#\r\n]/g, "_").trim();
        fc.pre(literal !== "" && literal !== other);
        expect(parseIgnoreList(`bkt/${literal}`).matches("bkt", other)).toBe(false);
      }),
    );
  });
});
