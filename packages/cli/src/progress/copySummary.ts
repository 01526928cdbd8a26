import { countVerification, emptyVerificationTally, type TransferOutcome, type VerificationTally } from "@s3-migrate/transfer";
import { formatBytes, formatDuration } from "../format.js";

/** One object's fate in a copy run. */
export type ObjectResult = { readonly key: string; readonly size: number } & (
  | { readonly outcome: TransferOutcome }
  | { readonly outcome: { readonly status: "skipped" } }
);

/** What a copy run did, as printed at the end (and as `--json` writes it). */
export interface CopySummary {
  readonly objects: { total: number; copied: number; skipped: number; failed: number; sourceChanged: number; paused: number };
  readonly bytes: { total: number; copied: number };
  readonly parts: { uploaded: number; resumed: number };
  /** How the copies were proven (`Verification`): by the source's stored checksum, by its ETag, or by per-part MD5 only. */
  readonly verification: VerificationTally;
  readonly durationMs: number;
  readonly failures: ReadonlyArray<{ key: string; code: string; side?: string; retryable: boolean; message: string }>;
}

/** Adds up the results of a run. */
export function summarize(results: readonly ObjectResult[], durationMs: number): CopySummary {
  const summary = {
    objects: { total: results.length, copied: 0, skipped: 0, failed: 0, sourceChanged: 0, paused: 0 },
    bytes: { total: 0, copied: 0 },
    parts: { uploaded: 0, resumed: 0 },
    verification: emptyVerificationTally(),
    durationMs,
    failures: [] as CopySummary["failures"][number][],
  };
  for (const result of results) {
    summary.bytes.total += result.size;
    const outcome = result.outcome;
    switch (outcome.status) {
      case "skipped":
        summary.objects.skipped++;
        break;
      case "done":
        summary.objects.copied++;
        summary.bytes.copied += outcome.bytes;
        summary.parts.uploaded += outcome.partsUploaded;
        summary.parts.resumed += outcome.partsResumed;
        countVerification(summary.verification, outcome.verification);
        break;
      case "paused":
        summary.objects.paused++;
        break;
      case "source-changed":
      case "failed":
        if (outcome.status === "source-changed") summary.objects.sourceChanged++;
        else summary.objects.failed++;
        summary.failures.push({
          key: result.key,
          code: outcome.error.code,
          ...(outcome.error.side === undefined ? {} : { side: outcome.error.side }),
          retryable: outcome.error.retryable,
          message: outcome.error.message,
        });
        break;
    }
  }
  return summary;
}

/** The summary as the lines a person reads at the end of a run. */
export function formatSummary(summary: CopySummary): string {
  const { objects, bytes, parts, verification } = summary;
  const rate = summary.durationMs > 0 ? (bytes.copied / summary.durationMs) * 1000 : 0;
  const lines = [
    "",
    "s3-migrate copy summary",
    `  objects    ${objects.total} listed: ${objects.copied} copied, ${objects.skipped} already present, ${objects.failed} failed, ${objects.sourceChanged} changed during copy, ${objects.paused} paused`,
    `  bytes      ${formatBytes(bytes.copied)} copied of ${formatBytes(bytes.total)} listed in ${formatDuration(summary.durationMs)} (${formatBytes(rate)}/s)`,
    `  parts      ${parts.uploaded} uploaded, ${parts.resumed} resumed from earlier runs`,
    `  verified   ${verification.sourceChecksum} against the source's stored checksum, ${verification.sourceEtag} against the source ETag, ${verification.partChecksums} by per-part MD5 only (nothing the source stores was reproducible)`,
  ];
  for (const failure of summary.failures.slice(0, 20)) {
    lines.push(`  FAILED     ${failure.key}: ${failure.code}${failure.retryable ? " (retryable)" : ""}: ${failure.message}`);
  }
  if (summary.failures.length > 20) lines.push(`  ... and ${summary.failures.length - 20} more failures`);
  const clean = objects.failed === 0 && objects.sourceChanged === 0 && objects.paused === 0;
  lines.push(
    clean
      ? "  result     OK: every listed object is at the destination, verified"
      : "  result     INCOMPLETE: run the same command again to resume",
  );
  return lines.join("\n");
}
