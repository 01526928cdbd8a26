import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { destinationKey, listingPrefix } from "../src/mapping/destinationKey.js";

describe("destinationKey", () => {
  it.each([
    [undefined, "a/b.txt", "a/b.txt"],
    ["", "a/b.txt", "a/b.txt"],
    ["/", "a/b.txt", "a/b.txt"],
    ["backup", "a/b.txt", "backup/a/b.txt"],
    ["backup/", "a/b.txt", "backup/a/b.txt"],
    ["backup", "folder/", "backup/folder/"],
    ["deep/er/", "//odd//key", "deep/er///odd//key"],
  ])("joins prefix %j and key %j as %j", (prefix, key, expected) => {
    expect(destinationKey(prefix, key)).toBe(expected);
  });

  it("means the same folder with or without a trailing slash, and keeps the source key whole (property)", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9][a-z0-9/]{0,20}[a-z0-9]$/), fc.string({ minLength: 1 }), (prefix, key) => {
        expect(destinationKey(prefix, key)).toBe(destinationKey(`${prefix}/`, key));
        expect(destinationKey(prefix, key).endsWith(key)).toBe(true);
      }),
    );
  });

  it("lists the whole bucket for an empty or / prefix", () => {
    expect(listingPrefix("/")).toBe("");
    expect(listingPrefix(undefined)).toBe("");
    expect(listingPrefix("logs/")).toBe("logs/");
  });
});
