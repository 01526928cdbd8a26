import type { ResolvedSettings } from "../defaults.js";
import { IntegrityError } from "../errors.js";
import { type CrcImplementation, isCrc, loadCrc, type StoredChecksum } from "../integrity/checksums.js";
import { crcFromBase64, crcToBase64 } from "../integrity/crcCombine.js";
import type { ProvenChecksum } from "./types.js";

/**
 * The one rule for when a copy proves an object by its stored CRC (docs/integrity.md): the source
 * stores a full-object CRC32, CRC32C or CRC64NVME, checksums are on (`useChecksums`), and this
 * process can compute that CRC with native code. The copy then computes it as the bytes stream
 * in, compares it with the source's, and sends it for the destination to verify and keep.
 * Undefined otherwise: the copy proves what it can with MD5, as before checksums.
 */
export async function crcToProve(
  stored: StoredChecksum | undefined,
  settings: Pick<ResolvedSettings, "useChecksums">,
): Promise<CrcImplementation | undefined> {
  if (!settings.useChecksums || stored === undefined || stored.type !== "FULL_OBJECT" || !isCrc(stored.algorithm)) return undefined;
  return loadCrc(stored.algorithm);
}

/**
 * Checks the CRC of the bytes read against the source's stored checksum and returns it as the
 * destination must keep it.
 *
 * @throws IntegrityError (source side) when they differ: the bytes read are not the source's.
 */
export function proveAgainstSource(crc: CrcImplementation, computed: bigint, stored: StoredChecksum, what: string): ProvenChecksum {
  const expected = crcFromBase64(crc.algorithm, stored.value);
  if (computed !== expected)
    throw new IntegrityError(
      `${what}: ${crc.algorithm.name} of the bytes read ${crcToBase64(crc.algorithm, computed)} differs from the source's stored ${stored.value}`,
      { side: "source" },
    );
  return { algorithm: crc.algorithm.name, value: crcToBase64(crc.algorithm, computed) };
}

/**
 * Checks that the destination confirmed the checksum it was sent. S3 answers every write that
 * carried a checksum with the checksum it verified.
 *
 * @throws IntegrityError (destination side) when the answer has another value or none (a store
 *   without flexible checksums: turn `useChecksums` off for it).
 */
export function confirmStored(sent: string, answered: string | undefined, what: string): void {
  if (answered === sent) return;
  throw new IntegrityError(
    answered === undefined
      ? `${what}: the destination did not confirm checksum ${sent}; a store without flexible checksums needs useChecksums off (USE_CHECKSUMS=false)`
      : `${what}: the destination stored checksum ${answered}, sent ${sent}`,
    { side: "destination" },
  );
}
