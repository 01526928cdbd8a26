import type { TransferSettings } from "./copy/types.js";
import { MIB } from "./plan/limits.js";

/** {@link TransferSettings} with every default filled in. */
export type ResolvedSettings = Required<Omit<TransferSettings, "storageClass" | "encryption" | "memoryBudgetBytes">> &
  Pick<TransferSettings, "storageClass" | "encryption" | "memoryBudgetBytes">;

/** Fills in the defaults and checks the numbers. @throws RangeError for a value out of range. */
export function resolveSettings(settings: TransferSettings = {}): ResolvedSettings {
  const resolved: ResolvedSettings = {
    smallObjectThreshold: settings.smallObjectThreshold ?? 8 * MIB,
    partSize: settings.partSize ?? 8 * MIB,
    partConcurrency: settings.partConcurrency ?? 8,
    readStreams: settings.readStreams ?? 4,
    matchSourceParts: settings.matchSourceParts ?? true,
    copyTags: settings.copyTags ?? false,
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
    resolved.smallObjectThreshold > 5 * 1024 * MIB
  ) {
    throw new RangeError(`Expected \`smallObjectThreshold\` to be a number of bytes from 0 to 5 GiB, got ${resolved.smallObjectThreshold}`);
  }
  return resolved;
}
