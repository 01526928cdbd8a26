import type { BucketRow, PreflightReport, ProbeResult } from "@s3-migrate/pipeline";
import { preflightProblems } from "@s3-migrate/pipeline";

/** The columns of a bucket's row, in order. */
const COLUMNS = [
  "side",
  "bucket",
  "region",
  "partition",
  "owner",
  "versioning",
  "object lock",
  "encryption",
  "kms",
  "list",
  "read",
  "write",
];

/**
 * A preflight report as a person reads it: per pair (and the event route), a table of its two
 * buckets, then each problem with its code and fix, and each note; a last line says whether
 * anything was found.
 *
 * @example process.stdout.write(`${formatPreflight(report)}\n`);
 */
export function formatPreflight(report: PreflightReport): string {
  const lines = [
    `s3-migrate preflight: ${report.pairs.length} bucket pair${report.pairs.length === 1 ? "" : "s"}${report.events === undefined ? "" : " and the S3 event route"}; ${report.writeProbe ? "write probe on" : "write probe off (--write-probe writes and deletes a marker under each destination prefix)"}`,
  ];
  for (const problem of report.problems) lines.push(`  problem ${problem.code}: ${problem.message}`);
  const routes = [
    ...report.pairs.map((pair) => ({ title: `pair ${pair.index}: ${pair.route}`, route: pair, notes: [] as readonly string[] })),
    ...(report.events === undefined ? [] : [{ title: `events: ${report.events.route}`, route: report.events, notes: report.events.notes }]),
  ];
  for (const { title, route, notes } of routes) {
    lines.push("", title, ...table([COLUMNS, cells(route.source), cells(route.destination)]).map((line) => `  ${line}`));
    if (report.events !== undefined && route === report.events && report.events.queues !== undefined)
      lines.push(
        `  notified queues: ${report.events.queues.length === 0 ? "none" : report.events.queues.map((queue) => `${queue.arn} (${queue.region})`).join(", ")}`,
      );
    for (const problem of [...route.source.problems, ...route.destination.problems, ...route.problems])
      lines.push(`  problem ${problem.code}: ${problem.message}`);
    for (const note of [...route.source.notes, ...route.destination.notes, ...notes]) lines.push(`  note: ${note}`);
  }
  const problems = preflightProblems(report);
  lines.push(
    "",
    problems.length === 0
      ? "no problem found"
      : `${problems.length} problem${problems.length === 1 ? "" : "s"} found: ${[...new Set(problems.map((problem) => problem.code))].join(", ")}`,
  );
  return lines.join("\n");
}

function cells(row: BucketRow): string[] {
  const { found, configured } = row.region;
  const region =
    configured === undefined
      ? (found ?? "?")
      : found === configured
        ? `${found} (configured)`
        : `${found ?? "?"} (configured ${configured})`;
  const owner =
    row.owner.check === "not-configured"
      ? "not given"
      : `${row.owner.expected ?? ""} ${{ ok: "ok", mismatch: "REFUSED", unknown: "?" }[row.owner.check]}`;
  const lock =
    row.objectLock.defaultRetention === undefined ? row.objectLock.state : `${row.objectLock.state}, ${row.objectLock.defaultRetention}`;
  const key = row.encryption.kmsKeyId?.split(":").at(-1);
  const encryption = `${row.encryption.algorithm}${key === undefined ? "" : ` ${key}`}${row.encryption.bucketKey ? " (bucket key)" : ""}`;
  return [
    row.side,
    row.bucket,
    region,
    row.partition ?? "?",
    owner,
    row.versioning,
    lock,
    encryption,
    ...[row.kms, row.list, row.read, row.write].map(probe),
  ];
}

function probe(result: ProbeResult): string {
  return { ok: "ok", refused: "REFUSED", skipped: "-", failed: "FAILED" }[result.outcome];
}

/** Rows of cells as aligned columns. */
function table(rows: readonly string[][]): string[] {
  const widths = (rows[0] ?? []).map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length)));
  return rows.map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join("  ")
      .trimEnd(),
  );
}
