import { ConfigError } from "../errors.js";
import { MAX_OBJECT_SIZE, MAX_PART_SIZE, MAX_PARTS, MIB, MIN_PART_SIZE } from "./limits.js";

/** How an object of `size` bytes is cut into parts: every part `partSize` bytes but the last. */
export interface PartPlan {
  readonly size: number;
  readonly partSize: number;
  readonly partCount: number;
}

/** Byte range of one part, inclusive at both ends as HTTP `Range` wants it. */
export interface PartRange {
  readonly partNumber: number;
  readonly start: number;
  readonly end: number;
  readonly length: number;
}

/** A part already present in an upload, as ListParts reports it. */
export interface UploadedPartSize {
  readonly partNumber: number;
  readonly size: number;
}

/**
 * Plans the parts of a new multipart upload.
 *
 * The part size is the preferred size, raised to S3's 5 MiB minimum and, for objects too large
 * to fit in `maxParts` (default 10,000) parts of that size, to the smallest whole MiB that fits,
 * never above 5 GiB (so a plan may need more than `maxParts` only for objects beyond
 * `maxParts` x 5 GiB).
 *
 * @example
 * planParts(100 * MIB, 8 * MIB) // { size: 104857600, partSize: 8388608, partCount: 13 }
 * @throws ConfigError when the object exceeds the S3 maximum or a size is not a whole number.
 */
export function planParts(size: number, preferredPartSize: number, maxParts: number = MAX_PARTS): PartPlan {
  assertByteCount(size, "size");
  assertByteCount(preferredPartSize, "preferredPartSize");
  if (size > MAX_OBJECT_SIZE) {
    throw new ConfigError(`Object of ${size} bytes exceeds the S3 maximum of ${MAX_OBJECT_SIZE} bytes`);
  }
  if (!Number.isInteger(maxParts) || maxParts < 1 || maxParts > MAX_PARTS) {
    throw new ConfigError(`Expected \`maxParts\` to be a whole number from 1 to ${MAX_PARTS}, got ${maxParts}`);
  }
  const fitsInMaxParts = Math.ceil(Math.ceil(size / maxParts) / MIB) * MIB;
  const partSize = Math.min(MAX_PART_SIZE, Math.max(preferredPartSize, MIN_PART_SIZE, fitsInMaxParts));
  return { size, partSize, partCount: Math.max(1, Math.ceil(size / partSize)) };
}

/**
 * Builds the plan an existing upload implies, from the sizes of the parts it already holds, so a
 * resumed upload keeps the part size it was started with whatever the configuration says now.
 *
 * @returns the plan, or `undefined` when no part is known or the parts fit no valid plan.
 */
export function inferPlanFromParts(size: number, parts: readonly UploadedPartSize[]): PartPlan | undefined {
  const first = parts.reduce<UploadedPartSize | undefined>(
    (lowest, part) => (lowest === undefined || part.partNumber < lowest.partNumber ? part : lowest),
    undefined,
  );
  if (first === undefined) return undefined;
  const candidates = [first.size];
  if (first.partNumber > 1) candidates.push((size - first.size) / (first.partNumber - 1));
  for (const partSize of candidates) {
    const plan = planWithPartSize(size, partSize);
    if (plan !== undefined && parts.every((part) => partFits(plan, part))) return plan;
  }
  return undefined;
}

/**
 * The plan with exactly `partSize`, or `undefined` when S3 would refuse it (part too small or too
 * large, more than 10,000 parts). A single-part plan may have any part size of at least `size`.
 */
export function planWithPartSize(size: number, partSize: number): PartPlan | undefined {
  if (!Number.isSafeInteger(partSize) || partSize <= 0) return undefined;
  const partCount = Math.max(1, Math.ceil(size / partSize));
  if (partCount > MAX_PARTS || partSize > MAX_PART_SIZE) return undefined;
  if (partCount > 1 && partSize < MIN_PART_SIZE) return undefined;
  return { size, partSize, partCount };
}

/** The byte range of part `partNumber` (1-based) of a plan. */
export function partRange(plan: PartPlan, partNumber: number): PartRange {
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > plan.partCount) {
    throw new RangeError(`Part number ${partNumber} is outside 1..${plan.partCount}`);
  }
  const start = (partNumber - 1) * plan.partSize;
  const end = Math.min(start + plan.partSize, plan.size) - 1;
  return { partNumber, start, end, length: end - start + 1 };
}

/** Whether an uploaded part has the number and size the plan expects. */
export function partFits(plan: PartPlan, part: UploadedPartSize): boolean {
  return part.partNumber >= 1 && part.partNumber <= plan.partCount && partRange(plan, part.partNumber).length === part.size;
}

function assertByteCount(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new ConfigError(`Expected \`${name}\` to be a whole number of bytes from 0 and up, got ${value}`);
  }
}
