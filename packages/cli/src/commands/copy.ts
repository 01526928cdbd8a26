import { setMaxListeners } from "node:events";
import { parseArgs } from "node:util";
import {
  ConfigError,
  copyObject,
  createSideClients,
  destinationKey,
  type ListedObject,
  listingPrefix,
  listObjects,
  MAX_PART_SIZE,
  MAX_SINGLE_PUT_SIZE,
  MIB,
  MIN_PART_SIZE,
  mapConcurrent,
  type RegionalS3Client,
  TRANSFER_DEFAULTS,
  type TransferLogger,
  type TransferSettings,
} from "@s3-migrate/transfer";
import { ENDPOINT_OPTIONS, ENDPOINT_USAGE, integerOption, namedBuckets, resolveEndpoints } from "../endpointOptions.js";
import { formatBytes } from "../format.js";
import { formatSummary, type ObjectResult, summarize } from "../progress/copySummary.js";
import { ProgressReporter } from "../progress/progressReporter.js";
import { parseS3Url } from "../s3Url.js";

/** Objects `s3-migrate copy` copies at once unless `--concurrency` says otherwise. */
const COPY_CONCURRENCY = 8;

/** Help text of `s3-migrate copy`. */
export const COPY_USAGE = `Usage: s3-migrate copy --from s3://bucket[/prefix] --to s3://bucket[/prefix] [options]

Copies every object under the source prefix to the destination (destination key = destination
prefix + full source key, as the original tool did), verified, resuming unfinished multipart
uploads. Objects already at the destination with the same size are skipped.

${ENDPOINT_USAGE}

Transfer:
  --concurrency N            objects at once (default ${COPY_CONCURRENCY})
  --part-size-mib N          part size of new multipart uploads (default ${TRANSFER_DEFAULTS.partSize / MIB}, ${MIN_PART_SIZE / MIB} to ${MAX_PART_SIZE / MIB})
  --threshold-mib N          objects up to this size go in one PUT (default ${TRANSFER_DEFAULTS.smallObjectThreshold / MIB}, up to ${MAX_SINGLE_PUT_SIZE / MIB})
  --part-concurrency N       part buffers in memory per object (default ${TRANSFER_DEFAULTS.partConcurrency})
  --read-streams N           ranged GET streams per object (default ${TRANSFER_DEFAULTS.readStreams})
  --storage-class C          e.g. STANDARD_IA, INTELLIGENT_TIERING (default: bucket default)
  --sse AES256|aws:kms       server-side encryption at the destination
  --sse-kms-key-id ID        KMS key for --sse aws:kms
  --copy-tags                copy object tags too
  --no-checksums             send Content-MD5 only, for a store without flexible checksums
                             (default: prove each copy by the CRC the source stores)
  --server-side              copy inside S3 (CopyObject, UploadPartCopy), no byte through this
                             machine: the destination's credentials must read the source too
                             (one partition: cross-account or cross-region)
  --no-skip-existing         copy even objects already present with the same size
  --json                     print the summary as JSON
  --verbose                  log retries and failures as they happen

Exit status: 0 all copied and verified; 1 some failed; 2 bad usage or configuration; 3 interrupted.`;

/** Runs `s3-migrate copy`; returns the exit status. */
export async function runCopy(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      from: { type: "string" },
      to: { type: "string" },
      ...ENDPOINT_OPTIONS,
      concurrency: { type: "string" },
      "part-size-mib": { type: "string" },
      "threshold-mib": { type: "string" },
      "part-concurrency": { type: "string" },
      "read-streams": { type: "string" },
      "storage-class": { type: "string" },
      sse: { type: "string" },
      "sse-kms-key-id": { type: "string" },
      "copy-tags": { type: "boolean", default: false },
      "no-checksums": { type: "boolean", default: false },
      "server-side": { type: "boolean", default: false },
      "no-skip-existing": { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      verbose: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${COPY_USAGE}\n`);
    return 0;
  }
  const from = parseS3Url(values.from, "--from");
  const to = parseS3Url(values.to, "--to");
  const concurrency = integerOption(values.concurrency, "--concurrency", COPY_CONCURRENCY);
  const partConcurrency = integerOption(values["part-concurrency"], "--part-concurrency", TRANSFER_DEFAULTS.partConcurrency);
  const settings: TransferSettings = {
    partSize: mibOption(values["part-size-mib"], "--part-size-mib", TRANSFER_DEFAULTS.partSize, MIN_PART_SIZE, MAX_PART_SIZE),
    smallObjectThreshold: mibOption(
      values["threshold-mib"],
      "--threshold-mib",
      TRANSFER_DEFAULTS.smallObjectThreshold,
      0,
      MAX_SINGLE_PUT_SIZE,
    ),
    partConcurrency,
    readStreams: integerOption(values["read-streams"], "--read-streams", TRANSFER_DEFAULTS.readStreams),
    copyTags: values["copy-tags"],
    useChecksums: !values["no-checksums"],
    serverSideCopy: values["server-side"],
    ...(values["storage-class"] === undefined ? {} : { storageClass: values["storage-class"] }),
    ...encryption(values.sse, values["sse-kms-key-id"]),
  };

  const sides = await resolveEndpoints(values, namedBuckets(from.bucket, to.bucket));
  const tuning = { maxSockets: Math.min(512, concurrency * (partConcurrency + 1)) };
  const logger = values.verbose ? stderrLogger : undefined;
  const { source: sourceClient, destination: destinationClient } = createSideClients(sides, tuning, stderrLogger);

  const interrupt = new AbortController();
  // Every request in flight listens on this signal; hundreds at once are expected, not a leak.
  setMaxListeners(0, interrupt.signal);
  const onSignal = () => interrupt.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const started = Date.now();

  const listed: ListedObject[] = [];
  for await (const object of listObjects(sourceClient, { bucket: from.bucket, prefix: listingPrefix(from.prefix), side: "source" }))
    listed.push(object);
  const existing = values["no-skip-existing"]
    ? new Map<string, number>()
    : await destinationSizes(destinationClient, to.bucket, destinationKey(to.prefix, listingPrefix(from.prefix)));
  const present = (object: ListedObject) => existing.get(destinationKey(to.prefix, object.key)) === object.size;
  const toCopy = listed.filter((object) => !present(object));
  const bytesToCopy = toCopy.reduce((sum, object) => sum + object.size, 0);
  process.stderr.write(
    `Listed ${listed.length} objects under s3://${from.bucket}/${from.prefix}: ${listed.length - toCopy.length} already at the destination, copying ${toCopy.length} (${formatBytes(bytesToCopy)})\n`,
  );

  const progress = new ProgressReporter(process.stderr, { objects: toCopy.length, bytes: bytesToCopy });
  const results: ObjectResult[] = listed
    .filter(present)
    .map((object) => ({ key: object.key, size: object.size, outcome: { status: "skipped" } }));
  await mapConcurrent(toCopy, concurrency, async (object) => {
    const target = destinationKey(to.prefix, object.key);
    let reported = 0;
    const outcome = await copyObject(
      {
        source: sourceClient,
        destination: destinationClient,
        pause: interrupt.signal,
        onProgress: (event) => {
          reported += event.bytes;
          progress.onProgress(event);
        },
        ...(logger === undefined ? {} : { logger }),
      },
      {
        source: { bucket: from.bucket, key: object.key, size: object.size, etag: object.etag },
        destination: { bucket: to.bucket, key: target },
      },
      settings,
    );
    results.push({ key: object.key, size: object.size, outcome });
    progress.objectFinished(
      outcome.status !== "done" && outcome.status !== "paused",
      outcome.status === "done" ? object.size - reported : 0,
    );
  });
  progress.stop();
  process.off("SIGINT", onSignal);
  process.off("SIGTERM", onSignal);

  const summary = summarize(results, Date.now() - started);
  process.stdout.write(values.json ? `${JSON.stringify(summary)}\n` : `${formatSummary(summary)}\n`);
  if (interrupt.signal.aborted) return 3;
  return summary.objects.failed + summary.objects.sourceChanged > 0 ? 1 : 0;
}

/** Sizes of the destination's objects under the prefix the copy writes to. */
async function destinationSizes(client: RegionalS3Client, bucket: string, prefix: string): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  for await (const object of listObjects(client, { bucket, prefix, side: "destination" })) sizes.set(object.key, object.size);
  return sizes;
}

function encryption(sse: string | undefined, kmsKeyId: string | undefined): Pick<TransferSettings, "encryption"> {
  if (sse === undefined) return {};
  if (sse === "AES256") return { encryption: { mode: "AES256" } };
  if (sse === "aws:kms") return { encryption: { mode: "aws:kms", ...(kmsKeyId === undefined ? {} : { kmsKeyId }) } };
  throw new ConfigError(`--sse must be AES256 or aws:kms, got ${JSON.stringify(sse)}`);
}

const stderrLogger: TransferLogger = {
  debug: () => undefined,
  info: (message, ...extra) => process.stderr.write(`\ninfo: ${message} ${JSON.stringify(Object.assign({}, ...extra))}\n`),
  warn: (message, ...extra) => process.stderr.write(`\nwarn: ${message} ${JSON.stringify(Object.assign({}, ...extra))}\n`),
  error: (message, ...extra) => process.stderr.write(`\nerror: ${message} ${JSON.stringify(Object.assign({}, ...extra))}\n`),
};

/** A size option given in MiB, from `min` to `max` bytes; bytes. */
function mibOption(value: string | undefined, option: string, fallback: number, min: number, max: number): number {
  return integerOption(value, option, fallback / MIB, { min: min / MIB, max: max / MIB }) * MIB;
}
