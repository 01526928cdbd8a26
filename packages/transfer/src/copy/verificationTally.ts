import type { Verification } from "./types.js";

/** How many copies each kind of proof ({@link Verification}) proved, as summaries print them. */
export interface VerificationTally {
  sourceChecksum: number;
  sourceEtag: number;
  partChecksums: number;
}

/** No copy counted yet. */
export function emptyVerificationTally(): VerificationTally {
  return { sourceChecksum: 0, sourceEtag: 0, partChecksums: 0 };
}

/**
 * Counts one copy's proof. Anything but the two proofs against the source (an older record's
 * value included) counts as `partChecksums`: nothing the source stores was reproduced.
 */
export function countVerification(tally: VerificationTally, verification: Verification | string | undefined): void {
  if (verification === "source-checksum") tally.sourceChecksum++;
  else if (verification === "source-etag") tally.sourceEtag++;
  else tally.partChecksums++;
}
