import { parseArgs } from "node:util";
import {
  bucketFactsOf,
  createKmsClients,
  type EventRoute,
  type NamedBucket,
  type PreflightReport,
  preflightProblem,
  preflightProblems,
  runPreflight,
  withinPartition,
} from "@s3-migrate/pipeline";
import { ConfigError, createSideClients } from "@s3-migrate/transfer";
import { ENDPOINT_OPTIONS, ENDPOINT_USAGE, ownRegion, resolveEndpoints } from "../endpointOptions.js";
import { jsonLogger } from "../jsonLogger.js";
import { PAIR_OPTIONS, PAIR_USAGE, readPairs } from "../pairOptions.js";
import { formatPreflight } from "../preflightTable.js";

/** Help text of `s3-migrate preflight`. */
export const PREFLIGHT_USAGE = `Usage: s3-migrate preflight --pairs JSON|@file [options]

Checks every bucket of every pair before anything moves, and changes nothing (unless
--write-probe): its region (found by S3, and against the one configured), partition, owner
(ExpectedBucketOwner, when one is configured), versioning, Object Lock, default encryption and
whether the side's identity can use its KMS key (DescribeKey; GenerateDataKey for the
destination), whether it can list under the prefix (ListObjectsV2 of one key) and read the first
object (HeadObject; the first byte of an SSE-KMS source object). Each problem is printed with its
code (WrongRegion, PartitionMismatch, OwnerMismatch, KmsDenied, ListDenied, ReadDenied,
WriteDenied, BucketMissing, InvalidConfiguration, EventQueueRegion, CheckFailed) and what fixes it.

${PAIR_USAGE}

${ENDPOINT_USAGE}

Checks:
  --write-probe              also write a small marker under each destination prefix and delete
                             it again (off by default; on a versioned bucket it deletes the marker's
                             version, which needs s3:DeleteObjectVersion; not run under a default
                             Object Lock retention)
  --server-side              check as for a server-side copy: both sides in one partition
  --source-kms-endpoint URL  where the source side's KMS answers (default: AWS's, AWS_ENDPOINT_URL_KMS)
  --dest-kms-endpoint URL    where the destination side's KMS answers
  --json                     print the report as JSON

S3 events (the worker's EVENT_SOURCE_BUCKET route; pairs may then be left out):
  --event-bucket NAME        the source bucket whose notifications the worker takes
  --event-prefix P           their key filter (EVENT_FILTER_PREFIX)
  --default-dest-bucket NAME where they are copied (DEFAULT_DEST_BUCKET; required with --event-bucket)
  --default-dest-prefix P    DEFAULT_DEST_PREFIX
  --queue-url URL            the job queue: S3 notifies only a queue of the bucket's own region

Exit status: 0 no problem found; 1 problems found; 2 bad usage or configuration (InvalidConfiguration).`;

/** Runs `s3-migrate preflight`; returns the exit status. */
export async function runPreflightCommand(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      ...PAIR_OPTIONS,
      ...ENDPOINT_OPTIONS,
      "write-probe": { type: "boolean", default: false },
      "server-side": { type: "boolean", default: false },
      "source-kms-endpoint": { type: "string" },
      "dest-kms-endpoint": { type: "string" },
      "event-bucket": { type: "string" },
      "event-prefix": { type: "string", default: "" },
      "default-dest-bucket": { type: "string" },
      "default-dest-prefix": { type: "string", default: "" },
      "queue-url": { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${PREFLIGHT_USAGE}\n`);
    return 0;
  }
  const writeProbe = values["write-probe"];
  let report: PreflightReport;
  try {
    const events = eventRoute(values);
    const eventsOnly = events !== undefined && values.pairs === undefined && values["pairs-parameter"] === undefined;
    const pairs = eventsOnly ? [] : (await readPairs(values, ownRegion(values))).pairs;
    const sides = await resolveEndpoints(values, bucketFactsOf(pairs, eventBuckets(events)));
    const clients = createSideClients(
      { source: withinPartition(sides.source), destination: withinPartition(sides.destination) },
      {},
      jsonLogger("preflight", "warn"),
    );
    const kms = createKmsClients(sides, {
      ...urlOption(values["source-kms-endpoint"], "--source-kms-endpoint", "source"),
      ...urlOption(values["dest-kms-endpoint"], "--dest-kms-endpoint", "destination"),
    });
    report = await runPreflight(
      { ...clients, kms },
      { pairs, ...(events === undefined ? {} : { events }), sides },
      {
        writeProbe,
        serverSideCopy: values["server-side"],
        ...(values["queue-url"] === undefined ? {} : { queueUrl: values["queue-url"] }),
      },
    );
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    report = { ok: false, writeProbe, problems: [preflightProblem("InvalidConfiguration", error.message)], pairs: [] };
  }
  process.stdout.write(`${values.json ? JSON.stringify(report) : formatPreflight(report)}\n`);
  if (report.ok) return 0;
  return preflightProblems(report).some((problem) => problem.code === "InvalidConfiguration") ? 2 : 1;
}

/** The S3 event route the options name, if any. @throws ConfigError when it names no destination. */
function eventRoute(values: {
  readonly "event-bucket"?: string | undefined;
  readonly "event-prefix": string;
  readonly "default-dest-bucket"?: string | undefined;
  readonly "default-dest-prefix": string;
}): EventRoute | undefined {
  const bucket = values["event-bucket"];
  const destinationBucket = values["default-dest-bucket"];
  if (bucket === undefined && destinationBucket === undefined) return undefined;
  if (bucket === undefined || destinationBucket === undefined)
    throw new ConfigError("Give --event-bucket and --default-dest-bucket together: S3 events name no destination of their own");
  return { bucket, filterPrefix: values["event-prefix"], destinationBucket, destinationPrefix: values["default-dest-prefix"] };
}

function eventBuckets(events: EventRoute | undefined): { source?: NamedBucket[]; destination?: NamedBucket[] } {
  if (events === undefined) return {};
  return {
    source: [{ bucket: events.bucket, where: "--event-bucket" }],
    destination: [{ bucket: events.destinationBucket, where: "--default-dest-bucket" }],
  };
}

function urlOption(value: string | undefined, option: string, side: "source" | "destination"): Partial<Record<typeof side, string>> {
  if (value === undefined) return {};
  if (!/^https?:\/\/\S+$/.test(value)) throw new ConfigError(`${option} must be an http(s) URL, got ${JSON.stringify(value)}`);
  return { [side]: value };
}
