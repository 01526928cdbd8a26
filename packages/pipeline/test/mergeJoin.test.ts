import { compareKeys } from "@s3-migrate/transfer";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mergeJoin, outerJoin } from "../src/jobsender/mergeJoin.js";

async function* listing<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

const keyArbitrary = fc.string({ unit: fc.constantFrom("a", "b", "/", "😀", "\uFF5E", "数", " ", "+"), maxLength: 5 });

describe("mergeJoin", () => {
  it("pairs equal keys and leaves the rest unpaired", async () => {
    const joined = await collect(
      mergeJoin(
        listing([{ key: "a" }, { key: "b" }, { key: "d" }]),
        listing([
          { key: "b", size: 1 },
          { key: "c", size: 2 },
          { key: "d", size: 3 },
        ]),
      ),
    );
    expect(joined).toEqual([
      { source: { key: "a" } },
      { source: { key: "b" }, destination: { key: "b", size: 1 } },
      { source: { key: "d" }, destination: { key: "d", size: 3 } },
    ]);
  });

  it("agrees with a brute-force join on random sorted listings (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(keyArbitrary, { maxLength: 60 }),
        fc.uniqueArray(keyArbitrary, { maxLength: 60 }),
        async (sourceKeys, destinationKeys) => {
          // Prepare: both sides sorted as S3 lists them
          const source = [...sourceKeys].sort(compareKeys).map((key) => ({ key }));
          const destination = [...destinationKeys].sort(compareKeys).map((key) => ({ key, size: key.length }));
          // Act
          const joined = await collect(mergeJoin(listing(source), listing(destination)));
          // Assess: the brute-force reference, O(N*M)
          const expected = source.map((entry) => {
            const match = destination.find((candidate) => candidate.key === entry.key);
            return match === undefined ? { source: entry } : { source: entry, destination: match };
          });
          expect(joined).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("refuses listings that are out of order instead of silently mis-joining", async () => {
    await expect(collect(mergeJoin(listing([{ key: "b" }, { key: "a" }]), listing([])))).rejects.toThrow(/Source listing out of order/);
    await expect(collect(mergeJoin(listing([{ key: "z" }]), listing([{ key: "b" }, { key: "a" }])))).rejects.toThrow(
      /Destination listing out of order/,
    );
  });
});

describe("outerJoin", () => {
  it("yields every key of either side once, in key order, paired where both have it", async () => {
    const joined = await collect(
      outerJoin(listing([{ key: "b" }, { key: "d" }]), listing([{ key: "a" }, { key: "b" }, { key: "c" }, { key: "e" }])),
    );
    expect(joined).toEqual([
      { destination: { key: "a" } },
      { source: { key: "b" }, destination: { key: "b" } },
      { destination: { key: "c" } },
      { source: { key: "d" } },
      { destination: { key: "e" } },
    ]);
  });

  it("for any two ordered listings: the keys are their union in order, and mergeJoin is its source side", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(keyArbitrary), fc.uniqueArray(keyArbitrary), async (sourceKeys, destinationKeys) => {
        const source = [...sourceKeys].sort(compareKeys).map((key) => ({ key }));
        const destination = [...destinationKeys].sort(compareKeys).map((key) => ({ key }));
        const joined = await collect(outerJoin(listing(source), listing(destination)));
        const keys = joined.map((entry) => (entry.source ?? entry.destination)?.key ?? "");
        expect(keys).toEqual([...new Set([...sourceKeys, ...destinationKeys])].sort(compareKeys));
        for (const entry of joined)
          if (entry.source !== undefined && entry.destination !== undefined) expect(entry.source.key).toBe(entry.destination.key);
        const merged = await collect(mergeJoin(listing(source), listing(destination)));
        expect(merged).toEqual(joined.filter((entry) => entry.source !== undefined));
      }),
    );
  });

  it("refuses a destination listing out of order, also past the source's end", async () => {
    await expect(collect(outerJoin(listing([{ key: "a" }]), listing([{ key: "c" }, { key: "b" }])))).rejects.toThrow(
      /Destination listing out of order/,
    );
  });
});
