import { setMaxListeners } from "node:events";
import { parseArgs } from "node:util";
import { DEFAULT_VISIBILITY_TIMEOUT_SECONDS, refreshedSetup, runClusterWorker, SETTINGS, setUpWorker } from "@s3-migrate/pipeline";
import { integerOption } from "../endpointOptions.js";
import { formatBytes } from "../format.js";
import { jsonLogger } from "../jsonLogger.js";

/** Seconds parts in flight may finish after a stop signal, unless `--grace` says otherwise. */
const GRACE_SECONDS = 20;

/** Help text of `s3-migrate worker`. */
export const WORKER_USAGE = `Usage: s3-migrate worker [--queue-url URL] [options]

Cluster mode: long-polls the job queue (and EVENT_QUEUE_URL, S3's event queue, in turn) and
copies objects with the same logic as the worker Lambda, on any machine (EC2, ECS, a laptop).
Configuration comes from the same environment variables as the Lambda (LEDGER_TABLE,
MESSAGE_KEY_ID, BUCKET_PAIRS_PARAMETER, CREDENTIALS_PARAMETER, DIRECTION, PART_SIZE_MIB, ...; see
docs/configuration.md); it acts only on messages signed with MESSAGE_KEY_ID (and S3's events from
the event queue), and copies only what the bucket pairs and the S3 event settings allow. SIGTERM or Ctrl-C stops receiving, lets parts in flight finish for the
grace period, and hands unfinished objects back to the queue, resumable from their parts.

  --queue-url URL            the job queue (default: JOB_QUEUE_URL)
  --concurrency N            objects at once (default: FILE_CONCURRENCY or ${SETTINGS.fileConcurrency.default})
  --visibility-timeout S     seconds a message stays invisible and an object's lease lasts, both
                             renewed every third of it while it works; a killed worker's objects
                             are taken over by another within this time (default ${DEFAULT_VISIBILITY_TIMEOUT_SECONDS})
  --grace S                  seconds parts in flight may finish after a stop signal (default ${GRACE_SECONDS})
  --exit-when-idle S         exit once the queue has been empty for S seconds`;

/** Runs cluster mode until a stop signal (or an idle queue); returns the exit status. */
export async function runWorker(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      "queue-url": { type: "string" },
      concurrency: { type: "string" },
      "visibility-timeout": { type: "string" },
      grace: { type: "string" },
      "exit-when-idle": { type: "string" },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${WORKER_USAGE}\n`);
    return 0;
  }
  const env = { ...process.env, ...(values["queue-url"] === undefined ? {} : { JOB_QUEUE_URL: values["queue-url"] }) };
  const tty = process.stderr.isTTY === true;
  const level = (process.env.POWERTOOLS_LOG_LEVEL ?? (tty ? "warn" : "info")).toLowerCase();
  const logger = jsonLogger("worker", level === "debug" || level === "warn" || level === "error" ? level : "info");
  let done = 0;
  let bytes = 0;
  const counters = {
    addMetric: (name: string, _unit: string, value: number) => {
      if (name === "BytesWritten") bytes += value;
      if (name === "ObjectsDone") done += value;
    },
  };
  const setup = await setUpWorker(env, { logger, metrics: counters });
  const concurrency = integerOption(values.concurrency, "--concurrency", setup.environment.fileConcurrency);
  const pause = new AbortController();
  const cancel = new AbortController();
  setMaxListeners(0, pause.signal);
  setMaxListeners(0, cancel.signal);
  const graceMs = integerOption(values.grace, "--grace", GRACE_SECONDS) * 1000;
  const stop = () => {
    if (pause.signal.aborted) return cancel.abort();
    logger.warn("Stopping: no new objects or parts; parts in flight may finish", { graceSeconds: graceMs / 1000 });
    pause.abort();
    setTimeout(() => cancel.abort(), graceMs).unref();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  const started = Date.now();
  const progress = () =>
    `worker: ${done} objects copied, ${formatBytes(bytes)} written, ${formatBytes((bytes / Math.max(1, Date.now() - started)) * 1000)}/s`;
  // On a terminal one line redrawn in place; elsewhere a line every 5 s between the JSON logs.
  const ticker = setInterval(() => process.stderr.write(tty ? `\r\x1b[2K${progress()}` : `${progress()}\n`), tty ? 500 : 5_000);
  logger.info("Cluster worker started", { queueUrl: setup.queues.queueUrl, concurrency });
  const idle = values["exit-when-idle"];
  const report = await runClusterWorker({
    setup,
    concurrency,
    pause: pause.signal,
    cancel: cancel.signal,
    visibilityTimeoutSeconds: integerOption(values["visibility-timeout"], "--visibility-timeout", DEFAULT_VISIBILITY_TIMEOUT_SECONDS),
    ...(idle === undefined ? {} : { idleExitMs: integerOption(idle, "--exit-when-idle", 1) * 1000 }),
    refresh: (current) => refreshedSetup(current, env, { logger, metrics: counters }),
  });
  clearInterval(ticker);
  process.stderr.write(`${tty ? "\r\x1b[2K" : ""}${progress()}\n`);
  process.off("SIGINT", stop);
  process.off("SIGTERM", stop);
  logger.info("Cluster worker stopped", { ...report });
  return pause.signal.aborted ? 3 : 0;
}
