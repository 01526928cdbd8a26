import type { RangePlan } from "../ledger/fanoutTransitions.js";

/**
 * Cuts a shared upload's parts into ranges of `rangeParts` consecutive parts (the last range may
 * be shorter), each with the bytes its parts hold.
 *
 * @example
 * planRanges({ size: 100, partSize: 10, partCount: 10 }, 4)
 * // [{index:0, firstPart:1, lastPart:4, bytes:40}, {index:1, firstPart:5, lastPart:8, bytes:40}, {index:2, firstPart:9, lastPart:10, bytes:20}]
 * @throws RangeError when `rangeParts` is not a whole number from 1.
 */
export function planRanges(
  upload: { readonly size: number; readonly partSize: number; readonly partCount: number },
  rangeParts: number,
): RangePlan[] {
  if (!Number.isSafeInteger(rangeParts) || rangeParts < 1) throw new RangeError(`Expected rangeParts from 1, got ${rangeParts}`);
  const ranges: RangePlan[] = [];
  for (let firstPart = 1, index = 0; firstPart <= upload.partCount; firstPart += rangeParts, index++) {
    const lastPart = Math.min(upload.partCount, firstPart + rangeParts - 1);
    const start = (firstPart - 1) * upload.partSize;
    const end = Math.min(upload.size, lastPart * upload.partSize);
    ranges.push({ index, firstPart, lastPart, bytes: end - start });
  }
  return ranges;
}
