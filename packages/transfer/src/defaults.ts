import type { TransferSettings } from "./copy/types.js";
import { MAX_SINGLE_PUT_SIZE, MIB } from "./plan/limits.js";

/**
 * The transfer library's defaults: the one home of each value. `s3-migrate copy`, the pipeline's
 * settings (`@s3-migrate/pipeline`'s `SETTINGS`, which the environment readers, Terraform's
 * variables and docs/configuration.md are checked against) and the TSDoc of
 * {@link TransferSettings} take them from here.
 */
export const TRANSFER_DEFAULTS = {
  /** Objects up to this size take one GET and one PUT. */
  smallObjectThreshold: 8 * MIB,
  /** Part size of new multipart uploads (raised for objects that would need more than 10,000 parts). */
  partSize: 8 * MIB,
  /** Parts of one object in flight (each holds one part-sized buffer). */
  partConcurrency: 8,
  /** Ranged GET streams per object. */
  readStreams: 4,
  /** Reuse the source's own part layout when it has one, so the source ETag can be reproduced. */
  matchSourceParts: true,
  /** Copy object tags (needs s3:GetObjectTagging and s3:PutObjectTagging). */
  copyTags: false,
  /** Prove copies with the source's stored full-object CRC and have the destination verify it (docs/integrity.md). */
  useChecksums: true,
  /** Stream the bytes through this process: server-side copies need one identity for both sides. */
  serverSideCopy: false,
} as const;

/** {@link TransferSettings} with every default filled in. */
export type ResolvedSettings = Required<Omit<TransferSettings, "storageClass" | "encryption" | "memoryBudgetBytes">> &
  Pick<TransferSettings, "storageClass" | "encryption" | "memoryBudgetBytes">;

/** Fills in the defaults and checks the numbers. @throws RangeError for a value out of range. */
export function resolveSettings(settings: TransferSettings = {}): ResolvedSettings {
  const resolved: ResolvedSettings = {
    smallObjectThreshold: settings.smallObjectThreshold ?? TRANSFER_DEFAULTS.smallObjectThreshold,
    partSize: settings.partSize ?? TRANSFER_DEFAULTS.partSize,
    partConcurrency: settings.partConcurrency ?? TRANSFER_DEFAULTS.partConcurrency,
    readStreams: settings.readStreams ?? TRANSFER_DEFAULTS.readStreams,
    matchSourceParts: settings.matchSourceParts ?? TRANSFER_DEFAULTS.matchSourceParts,
    copyTags: settings.copyTags ?? TRANSFER_DEFAULTS.copyTags,
    useChecksums: settings.useChecksums ?? TRANSFER_DEFAULTS.useChecksums,
    serverSideCopy: settings.serverSideCopy ?? TRANSFER_DEFAULTS.serverSideCopy,
    retry: settings.retry ?? {},
    storageClass: settings.storageClass,
    encryption: settings.encryption,
    memoryBudgetBytes: settings.memoryBudgetBytes,
  };
  for (const name of ["partConcurrency", "readStreams"] as const) {
    if (!Number.isInteger(resolved[name]) || resolved[name] < 1)
      throw new RangeError(`Expected \`${name}\` to be a whole number from 1 and up, got ${resolved[name]}`);
  }
  if (
    !Number.isSafeInteger(resolved.smallObjectThreshold) ||
    resolved.smallObjectThreshold < 0 ||
    resolved.smallObjectThreshold > MAX_SINGLE_PUT_SIZE
  ) {
    throw new RangeError(`Expected \`smallObjectThreshold\` to be a number of bytes from 0 to 5 GiB, got ${resolved.smallObjectThreshold}`);
  }
  return resolved;
}
