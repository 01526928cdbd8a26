import { createWriteStream } from "node:fs";
import { parseArgs } from "node:util";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import {
  DEFAULT_SEGMENTS_PER_PAIR,
  FINDING_KINDS,
  FileVerifyState,
  ObjectLedger,
  type VerifyReport,
  verifyPairs,
} from "@s3-migrate/pipeline";
import { createSideClients } from "@s3-migrate/transfer";
import { ENDPOINT_OPTIONS, ENDPOINT_USAGE, integerOption, ownRegion, resolveEndpoints } from "../endpointOptions.js";
import { jsonLogger } from "../jsonLogger.js";
import { PAIR_OPTIONS, PAIR_USAGE, readPairs } from "../pairOptions.js";

/** Help text of `s3-migrate verify`. */
export const VERIFY_USAGE = `Usage: s3-migrate verify --pairs JSON|@file [options]

Audits the bucket pairs, changing nothing: joins each pair's source and destination listings in
key order and reports every key as matching, missing (no destination object), differing (other
size or bytes, or a source replaced after its copy), extra (no source object) or unverified (same
size, but nothing seen proves the bytes equal). Equal ETags prove a match; where the ledger has
the object's record, a copy proven against exactly the listed source version does too; for the
rest, the checksums both sides store are compared (a HEAD each, no bytes read).

${PAIR_USAGE}

${ENDPOINT_USAGE}

Audit:
  --ledger-table NAME        read each object's record (DynamoDB endpoint: AWS_ENDPOINT_URL_DYNAMODB)
  --deep                     settle what stored checksums cannot (legacy objects without one):
                             read both objects again and compare their MD5s
  --report FILE              write one JSON line per key that is not matching (default
                             s3-migrate-verify.jsonl); --report-all writes the matching ones too
  --state FILE               checkpoint here after every round of keys, and continue from it:
                             an interrupted audit resumes where it stopped
  --segments N               parallel listings per pair (default ${DEFAULT_SEGMENTS_PER_PAIR})
  --json                     print the summary as JSON

Exit status: 0 every key of every pair matching; 1 some key is not, or a pair failed; 2 bad
usage or configuration; 3 interrupted (resume with the same --state).`;

/** Runs `s3-migrate verify`; returns the exit status. */
export async function runVerify(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      ...PAIR_OPTIONS,
      ...ENDPOINT_OPTIONS,
      "ledger-table": { type: "string" },
      deep: { type: "boolean", default: false },
      report: { type: "string", default: "s3-migrate-verify.jsonl" },
      "report-all": { type: "boolean", default: false },
      state: { type: "string" },
      segments: { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${VERIFY_USAGE}\n`);
    return 0;
  }
  const region = ownRegion(values);
  const { pairs, ignore, buckets } = await readPairs(values, region);
  const s3 = createSideClients(await resolveEndpoints(values, buckets), {}, jsonLogger("verify", "warn"));
  const table = values["ledger-table"];
  const ledger = table === undefined ? undefined : new ObjectLedger(DynamoDBDocumentClient.from(new DynamoDBClient({ region })), table);
  const interrupt = new AbortController();
  const onSignal = () => interrupt.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  // appended: a resumed audit adds to the report of the run it continues
  const report = createWriteStream(values.report, { flags: values.state === undefined ? "w" : "a" });
  try {
    const result = await verifyPairs(
      { source: s3.source, destination: s3.destination, ...(ledger === undefined ? {} : { ledger }) },
      pairs,
      ignore,
      {
        deep: values.deep,
        segmentsPerPair: integerOption(values.segments, "--segments", DEFAULT_SEGMENTS_PER_PAIR),
        ...(values.state === undefined ? {} : { state: new FileVerifyState(values.state) }),
        signal: interrupt.signal,
        onFinding: (pair, finding) => {
          if (finding.kind !== "matching" || values["report-all"]) report.write(`${JSON.stringify({ pair, ...finding })}\n`);
        },
      },
    );
    await new Promise<void>((resolve, reject) => report.end((error?: Error | null) => (error ? reject(error) : resolve())));
    process.stdout.write(
      `${values.json ? JSON.stringify({ ...result, report: values.report }) : formatVerifyReport(result, values.report)}\n`,
    );
    if (!result.done && interrupt.signal.aborted) return 3;
    return result.matching ? 0 : 1;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    report.destroy();
  }
}

/** The audit as the lines a person reads. */
export function formatVerifyReport(result: VerifyReport, reportFile: string): string {
  const counts = (c: VerifyReport["totals"]) => `${FINDING_KINDS.map((kind) => `${c[kind]} ${kind}`).join(", ")}, ${c.ignored} ignored`;
  const lines = ["s3-migrate verify summary"];
  for (const pair of result.pairs) {
    lines.push(`  ${pair.pair}: ${pair.done ? "audited" : "NOT finished"}; ${counts(pair.counts)}`);
    if (pair.error !== undefined) lines.push(`    FAILED: ${pair.error.code}: ${pair.error.message}`);
  }
  lines.push(`  total: ${counts(result.totals)}`);
  lines.push(
    result.matching
      ? "  every key matches"
      : `  ${result.done ? "the pairs do not match" : "the audit did not finish"}: one JSON line per key that is not matching in ${reportFile}`,
  );
  return lines.join("\n");
}
