import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { splitIntoLanes } from "../src/copy/multipart/partPump.js";

describe("splitIntoLanes", () => {
  it("deals neighbouring parts into even lanes", () => {
    expect(splitIntoLanes([1, 2, 3, 4, 5, 6, 7], 3)).toEqual([
      [1, 2, 3],
      [4, 5],
      [6, 7],
    ]);
    expect(splitIntoLanes([2, 9], 4)).toEqual([[2], [9]]);
  });

  it("keeps every part exactly once, in order (property)", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 10_000 })), fc.integer({ min: 1, max: 64 }), (parts, count) => {
        const sorted = [...parts].sort((a, b) => a - b);
        const lanes = splitIntoLanes(sorted, count);
        expect(lanes.flat()).toEqual(sorted);
        expect(lanes.length).toBeLessThanOrEqual(count);
        const sizes = lanes.map((lane) => lane.length);
        if (sizes.length > 0) expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }),
    );
  });
});
