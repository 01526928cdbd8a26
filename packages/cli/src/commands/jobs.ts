import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import {
  DEFAULT_SEGMENTS_PER_PAIR,
  ESTIMATE_DEFAULTS,
  type EstimateWorkers,
  emptyTally,
  estimateOrReason,
  formatEstimate,
  type JobMessage,
  type JobsenderReport,
  loadPriceTable,
  messageSignerFor,
  ObjectLedger,
  PassStateStore,
  queueRegion,
  readBatchRules,
  readCopyShape,
  runJobsender,
  serializeJob,
  tallyRules,
} from "@s3-migrate/pipeline";
import { ConfigError, createSideClients } from "@s3-migrate/transfer";
import { ENDPOINT_OPTIONS, ENDPOINT_USAGE, integerOption, ownRegion, resolveEndpoints } from "../endpointOptions.js";
import { jsonLogger } from "../jsonLogger.js";
import { PAIR_OPTIONS, PAIR_USAGE, readPairs } from "../pairOptions.js";

/** Help text of `s3-migrate plan` and `s3-migrate send`. */
export const JOBS_USAGE = `Usage: s3-migrate plan|send --pairs JSON|@file [options]

Compares each bucket pair's source and destination listings (streaming merge-join) and finds the
objects that are missing at the destination or differ in size. "plan" prints one job per line
(the message the jobsender would queue) and sends nothing; "send" queues them.

${PAIR_USAGE}
  --compare-versions         also queue objects whose latest source version differs from the ledger's

${ENDPOINT_USAGE}

Sending (send only; SQS and DynamoDB endpoints follow AWS_ENDPOINT_URL_SQS / _DYNAMODB):
  --queue-url URL            the job queue (in the region its URL names, else --region)
  --message-key KEY          the KMS HMAC key that signs the messages (default: $MESSAGE_KEY_ID;
                             the deployment's output message_key_arn; MESSAGE_AUTHENTICATION=off sends unsigned)
  --ledger-table NAME        record queued objects and checkpoints here (recommended; in --region)
  --segments N               parallel listings per pair (default ${DEFAULT_SEGMENTS_PER_PAIR})
  --json                     print the report as JSON (with the estimate as "estimate")

Estimate (printed after the report; objects are counted the way a worker with this machine's
PART_SIZE_MIB, SMALL_OBJECT_THRESHOLD_MIB, FANOUT_THRESHOLD_MIB, FANOUT_RANGE_PARTS, FILE_CONCURRENCY,
COPY_TAGS and SERVER_SIDE_COPY would copy them, defaults as the worker's):
  --prices FILE              a price table laid over the built-in one (packages/pipeline/src/estimate/prices.json)
  --run-region R             where the workers, queue and ledger run (default: --region)
  --worker-mibps N           MiB/s one worker moves (default ${ESTIMATE_DEFAULTS.workerMiBps}; with SERVER_SIDE_COPY, S3
                             copies at an assumed ${ESTIMATE_DEFAULTS.serverSideMiBpsPerRequest} MiB/s per request instead)
  --worker-memory-mib N      the worker's memory (default ${ESTIMATE_DEFAULTS.memoryMiB})
  --batch-size N             messages per worker invocation (default ${ESTIMATE_DEFAULTS.batchSize})`;

/** Runs `plan` (dry run) or `send`; returns the exit status. */
export async function runJobs(command: "plan" | "send", argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      ...PAIR_OPTIONS,
      "compare-versions": { type: "boolean", default: false },
      "queue-url": { type: "string" },
      "message-key": { type: "string" },
      "ledger-table": { type: "string" },
      segments: { type: "string" },
      json: { type: "boolean", default: false },
      prices: { type: "string" },
      "run-region": { type: "string" },
      "worker-mibps": { type: "string" },
      "worker-memory-mib": { type: "string" },
      "batch-size": { type: "string" },
      help: { type: "boolean", default: false },
      ...ENDPOINT_OPTIONS,
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${JOBS_USAGE}\n`);
    return 0;
  }
  const region = ownRegion(values);
  const { pairs, ignore, buckets } = await readPairs(values, region);
  if (command === "send" && values["queue-url"] === undefined) throw new ConfigError("send needs --queue-url");
  const { source, destination } = await resolveEndpoints(values, buckets);
  const s3 = createSideClients({ source, destination }, {}, jsonLogger(command, "warn"));
  const table = values["ledger-table"];
  const documents =
    table === undefined
      ? undefined
      : DynamoDBDocumentClient.from(new DynamoDBClient({ region }), { marshallOptions: { removeUndefinedValues: true } });
  const planned: JobMessage[] = [];
  const shape = readCopyShape(process.env);
  const prices = loadPriceTable(values.prices === undefined ? undefined : readTextFile(values.prices, "--prices"), values.prices);
  const tally = emptyTally();
  const workers: EstimateWorkers = {
    workerBytesPerSecond: positiveNumber(values["worker-mibps"], "--worker-mibps", ESTIMATE_DEFAULTS.workerMiBps) * 1024 ** 2,
    secondsPerSmallObject: ESTIMATE_DEFAULTS.secondsPerSmallObject,
    batchSize: integerOption(values["batch-size"], "--batch-size", ESTIMATE_DEFAULTS.batchSize, { max: 10 }),
    memoryMiB: integerOption(values["worker-memory-mib"], "--worker-memory-mib", ESTIMATE_DEFAULTS.memoryMiB, { min: 128, max: 10240 }),
    invocationSeconds: ESTIMATE_DEFAULTS.invocationSeconds,
  };
  const report: JobsenderReport = await runJobsender(
    {
      source: s3.source,
      destination: s3.destination,
      ...(command === "send" ? sendingTo(values["queue-url"] as string, values["message-key"], region) : {}),
      ...(documents === undefined || table === undefined
        ? {}
        : { ledger: new ObjectLedger(documents, table), ...(command === "send" ? { state: new PassStateStore(documents, table) } : {}) }),
    },
    {
      pairs,
      ignore,
      compareVersions: values["compare-versions"],
      segmentsPerPair: integerOption(values.segments, "--segments", DEFAULT_SEGMENTS_PER_PAIR),
      onPlanned: (job) => {
        planned.push(job);
        process.stdout.write(`${serializeJob(job)}\n`);
      },
      tally: { ...tallyRules(shape, workers), into: tally },
      batching: readBatchRules(process.env),
    },
  );
  // An estimate the table cannot price (a region it lacks) is reported, never fatal to the plan.
  const places = { pairs, sides: s3, run: values["run-region"] ?? region };
  const estimated: Pick<JobsenderReport, "estimate" | "estimateUnavailable"> =
    report.skipped === undefined ? await estimateOrReason(tally, shape, workers, places, prices) : {};
  const out = command === "plan" ? process.stderr : process.stdout;
  if (values.json) out.write(`${JSON.stringify({ ...report, ...estimated })}\n`);
  else
    out.write(
      `${formatReport(command, report)}\n${estimated.estimate !== undefined ? `${formatEstimate(estimated.estimate)}\n` : estimated.estimateUnavailable !== undefined ? `No estimate: ${estimated.estimateUnavailable}\n` : ""}`,
    );
  return report.pairs.some((pair) => pair.status === "failed" || pair.counts.failed > 0) ? 1 : 0;
}

/** The report as lines a person reads. */
export function formatReport(command: "plan" | "send", report: JobsenderReport): string {
  if (report.skipped !== undefined) return `s3-migrate ${command}: skipped (${report.skipped})`;
  const lines = [`s3-migrate ${command} report`];
  for (const { pair, status, counts, error } of report.pairs) {
    lines.push(
      `  s3://${pair.srcBucket}/${pair.srcPrefix} -> s3://${pair.desBucket}/${pair.desPrefix}: ${status}; ${counts.listed} listed, ${counts.ignored} ignored, ${counts.present} present, ${counts.queued} ${command === "plan" ? "to queue" : "queued"}, ${counts.alreadyQueued} already queued, ${counts.failed} failed`,
    );
    if (counts.largest !== undefined) lines.push(`    largest object: ${counts.largest.key} (${counts.largest.size} bytes)`);
    if (error !== undefined) lines.push(`    FAILED: ${error.code}: ${error.message}`);
  }
  if (report.memoryWarning !== undefined) lines.push(`  WARNING: ${report.memoryWarning}`);
  return lines.join("\n");
}

function readTextFile(path: string, option: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(`Cannot read ${option} file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

function positiveNumber(value: string | undefined, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new ConfigError(`${option} must be a number above 0, got ${JSON.stringify(value)}`);
  return parsed;
}

/** The job queue `send` writes to, and the signer of its messages. @throws ConfigError without a key (unless authentication is off). */
function sendingTo(queueUrl: string, messageKey: string | undefined, region: string) {
  const signer = messageSignerFor({ ...process.env, ...(messageKey === undefined ? {} : { MESSAGE_KEY_ID: messageKey }) }, region);
  return {
    sqs: new SQSClient({ region: queueRegion(queueUrl) ?? region }),
    queueUrl,
    ...(signer === undefined ? {} : { signer }),
  };
}
