import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../src/errors.js";
import { GIB, MAX_OBJECT_SIZE, MAX_PART_SIZE, MAX_PARTS, MIB, MIN_PART_SIZE } from "../src/plan/limits.js";
import { inferPlanFromParts, partRange, planParts, planWithPartSize } from "../src/plan/partPlan.js";

const TIB = 1024 * GIB;

describe("planParts", () => {
  it("keeps the preferred part size when the object fits in 10,000 parts", () => {
    // Act
    const plan = planParts(100 * MIB, 8 * MIB);
    // Assess
    expect(plan).toEqual({ size: 100 * MIB, partSize: 8 * MIB, partCount: 13 });
  });

  it("raises a part size below 5 MiB to 5 MiB", () => {
    expect(planParts(20 * MIB, 1 * MIB).partSize).toBe(MIN_PART_SIZE);
  });

  it("plans exact multiples of the part size without an empty last part", () => {
    expect(planParts(16 * MIB, 8 * MIB).partCount).toBe(2);
    expect(planParts(16 * MIB + 1, 8 * MIB).partCount).toBe(3);
  });

  it("raises the part size for objects that need more than 10,000 parts (10,001+ parts at the preferred size)", () => {
    // Prepare: 10,001 parts of 5 MiB
    const size = (MAX_PARTS + 1) * 5 * MIB;
    // Act
    const plan = planParts(size, 5 * MIB);
    // Assess
    expect(plan.partCount).toBeLessThanOrEqual(MAX_PARTS);
    expect(plan.partSize).toBe(6 * MIB);
    expect(plan.partSize % MIB).toBe(0);
  });

  it("plans a 5 TiB object in at most 10,000 parts of at most 5 GiB", () => {
    const plan = planParts(5 * TIB, 8 * MIB);
    expect(plan).toEqual({ size: 5 * TIB, partSize: 525 * MIB, partCount: 9987 });
  });

  it("plans the largest object S3 allows with 10,000 parts of 5 GiB", () => {
    expect(planParts(MAX_OBJECT_SIZE, 8 * MIB)).toEqual({ size: MAX_OBJECT_SIZE, partSize: MAX_PART_SIZE, partCount: MAX_PARTS });
  });

  it("rejects an object beyond the S3 maximum and nonsense sizes with a ConfigError", () => {
    expect(() => planParts(MAX_OBJECT_SIZE + 1, 8 * MIB)).toThrow(ConfigError);
    expect(() => planParts(-1, 8 * MIB)).toThrow(/whole number of bytes/);
    expect(() => planParts(1.5, 8 * MIB)).toThrow(ConfigError);
  });

  it("honours a lower part limit (room for the upload manifest)", () => {
    const size = MAX_PARTS * 5 * MIB;
    expect(planParts(size, 5 * MIB, MAX_PARTS - 1).partCount).toBeLessThan(MAX_PARTS);
  });

  it("always yields a plan S3 accepts whose parts cover the object exactly (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_OBJECT_SIZE }), fc.integer({ min: 1, max: 6 * GIB }), (size, preferred) => {
        const plan = planParts(size, preferred);
        expect(plan.partCount).toBeLessThanOrEqual(MAX_PARTS);
        expect(plan.partSize).toBeGreaterThanOrEqual(MIN_PART_SIZE);
        expect(plan.partSize).toBeLessThanOrEqual(MAX_PART_SIZE);
        const last = partRange(plan, plan.partCount);
        expect(last.end).toBe(size - 1);
        expect(last.length).toBeGreaterThan(0);
        expect(last.length).toBeLessThanOrEqual(plan.partSize);
      }),
    );
  });
});

describe("partRange", () => {
  it("gives inclusive ranges and a short last part", () => {
    const plan = planParts(12 * MIB, 5 * MIB);
    expect(partRange(plan, 1)).toEqual({ partNumber: 1, start: 0, end: 5 * MIB - 1, length: 5 * MIB });
    expect(partRange(plan, 3)).toEqual({ partNumber: 3, start: 10 * MIB, end: 12 * MIB - 1, length: 2 * MIB });
    expect(() => partRange(plan, 4)).toThrow(RangeError);
  });
});

describe("inferPlanFromParts", () => {
  it("reads the part size back from any full part, whatever the configuration says now", () => {
    // Prepare: an upload started with 6 MiB parts
    const size = 20 * MIB;
    const parts = [2, 3].map((partNumber) => ({ partNumber, size: 6 * MIB }));
    // Act / Assess
    expect(inferPlanFromParts(size, parts)).toEqual({ size, partSize: 6 * MIB, partCount: 4 });
  });

  it("reads the part size back from the last part alone", () => {
    // 20 MiB in 6 MiB parts: 6, 6, 6, 2
    expect(inferPlanFromParts(20 * MIB, [{ partNumber: 4, size: 2 * MIB }])).toEqual({ size: 20 * MIB, partSize: 6 * MIB, partCount: 4 });
  });

  it("refuses parts that fit no single plan", () => {
    expect(
      inferPlanFromParts(20 * MIB, [
        { partNumber: 1, size: 6 * MIB },
        { partNumber: 2, size: 7 * MIB },
      ]),
    ).toBeUndefined();
    expect(inferPlanFromParts(20 * MIB, [])).toBeUndefined();
    expect(inferPlanFromParts(20 * MIB, [{ partNumber: 1, size: 1 * MIB }])).toBeUndefined();
  });

  it("recovers the plan from any non-empty subset of its parts (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 5 * MIB + 1, max: 200 * GIB }),
        fc.integer({ min: 5, max: 64 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 20 }),
        (size, partMib, picks) => {
          const plan = planWithPartSize(size, partMib * MIB);
          fc.pre(plan !== undefined && plan.partCount > 1);
          if (plan === undefined) return;
          const parts = [...new Set(picks.map((pick) => (pick % plan.partCount) + 1))].map((partNumber) => ({
            partNumber,
            size: partRange(plan, partNumber).length,
          }));
          const inferred = inferPlanFromParts(size, parts);
          expect(inferred).toBeDefined();
          for (const part of parts) expect(partRange(inferred ?? plan, part.partNumber).length).toBe(part.size);
        },
      ),
    );
  });
});
