/**
 * Fan-out benchmark (issue 10, `pnpm bench:fanout`; scripts/bench-fanout.sh starts a fresh pair of
 * moto servers for each run). One giant object crosses a simulated cross-border link
 * (test/support/linkProxy.ts: a bandwidth cap per TCP connection and a round-trip delay) to the
 * destination, either through the queue with N cluster-mode worker processes (`--mode workers`),
 * or with rclone, one process with as many flows as one worker (`--mode rclone`, the peer).
 *
 * Prints one JSON row: wall time, bytes, client CPU (every worker process, from /proc),
 * moto's CPU (from /proc), the link's utilisation, requests by kind (S3 counted in moto's own
 * request log, SQS and DynamoDB at a counting proxy) and bytes re-sent. The copy is checked:
 * the destination's size and ETag equal the source's (same part layout), and the ledger says
 * verified against the source ETag.
 *
 * Usage: node fanout-bench.mjs --mode workers|rclone [--workers N] --own URL --own-pid PID
 *   --own-log FILE --destination URL --destination-pid PID --destination-log FILE
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { CreateKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { CreateQueueCommand, SQSClient } from "@aws-sdk/client-sqs";
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { KmsMessageAuthenticator, ledgerTableDefinition, objectKey, sendJobs, serializeJob } from "@s3-migrate/pipeline";
import { MIB } from "@s3-migrate/transfer";
import { startFaultProxy } from "../support/faultProxy.js";
import { startLinkProxy } from "../support/linkProxy.js";

const { values } = parseArgs({
  options: {
    mode: { type: "string" },
    workers: { type: "string", default: "1" },
    own: { type: "string" },
    "own-pid": { type: "string" },
    "own-log": { type: "string" },
    destination: { type: "string" },
    "destination-pid": { type: "string" },
    "destination-log": { type: "string" },
  },
});
const own = required("own");
const destination = required("destination");
const mode = required("mode");
if (mode !== "workers" && mode !== "rclone") throw new Error(`--mode must be workers or rclone, got ${mode}`);
const workers = mode === "rclone" ? 1 : Number(values.workers);

/** The run's figures, each from the environment (scripts/bench-fanout.sh documents them). */
const figures = {
  objectGiB: Number(process.env.BENCH_FANOUT_GIB ?? 2),
  linkMiBps: Number(process.env.BENCH_LINK_MIBPS ?? 2),
  linkRttMs: Number(process.env.BENCH_LINK_RTT_MS ?? 200),
  partSizeMiB: Number(process.env.BENCH_PART_SIZE_MIB ?? 8),
  partConcurrency: Number(process.env.BENCH_PART_CONCURRENCY ?? 4),
  rangeParts: Number(process.env.BENCH_RANGE_PARTS ?? 16),
  /** The product's default; a smaller object (a quick run) needs a smaller one to fan out. */
  thresholdMiB: Number(process.env.BENCH_FANOUT_THRESHOLD_MIB ?? 1024),
};
const size = figures.objectGiB * 1024 * MIB;
const partSize = figures.partSizeMiB * MIB;
const partCount = Math.ceil(size / partSize);
const credentials = { accessKeyId: "bench", secretAccessKey: "bench" };
/** USER_HZ, which Linux fixes at 100 for /proc. */
const CLOCK_TICKS_PER_SECOND = 100;
const names = { source: "bench-fanout-src", destination: "bench-fanout-dst", key: "giant/object.bin", table: "bench-fanout-ledger" };
const note = (message: string) => process.stderr.write(`bench-fanout [${mode}${mode === "workers" ? ` x${workers}` : ""}]: ${message}\n`);

// Prepare: buckets, the giant object at the source (as `aws s3 cp` would upload it: parts of
// the same size the copy uses, so the copy must reproduce the source's ETag), the link.
const source = new S3Client({ endpoint: own, region: "us-east-1", forcePathStyle: true, credentials });
const target = new S3Client({ endpoint: destination, region: "cn-northwest-1", forcePathStyle: true, credentials });
await source.send(new CreateBucketCommand({ Bucket: names.source }));
await target.send(
  new CreateBucketCommand({ Bucket: names.destination, CreateBucketConfiguration: { LocationConstraint: "cn-northwest-1" } }),
);
note(`seeding ${figures.objectGiB} GiB at the source (${partCount} parts of ${figures.partSizeMiB} MiB)`);
const sourceEtag = await seed();
const link = await startLinkProxy({ target: destination, bytesPerSecond: figures.linkMiBps * MIB, rttMs: figures.linkRttMs });
const ownServices = await startFaultProxy({ target: own });
const logStart = { own: byteLength(values["own-log"]), destination: byteLength(values["destination-log"]) };
const motoBefore = { own: cpuSecondsOf(values["own-pid"]), destination: cpuSecondsOf(values["destination-pid"]) };
const driverBefore = process.cpuUsage();
/** The workers' first request at the counting proxy (the driver's set-up before it is not counted). */
let ownRequestsFrom = 0;

/** What one copy measured. */
interface RunFigures {
  readonly wallSeconds: number;
  readonly clientCpuSeconds: number;
  readonly peakRssMiB: number;
  /** How the ledger says the copy was verified (workers only). */
  readonly verification?: string;
}

// Act
const run: RunFigures = mode === "workers" ? await runWorkers() : await runRclone();

// Assess and report
const driverCpu = process.cpuUsage(driverBefore);
const motoCpu = {
  own: cpuSecondsOf(values["own-pid"]) - motoBefore.own,
  destination: cpuSecondsOf(values["destination-pid"]) - motoBefore.destination,
};
await link.close();
await ownServices.close();
const destinationRequests = s3Requests(values["destination-log"], logStart.destination);
const sourceRequests = s3Requests(values["own-log"], logStart.own);
const head = await target.send(new HeadObjectCommand({ Bucket: names.destination, Key: names.key }));
if (head.ContentLength !== size || head.ETag !== sourceEtag)
  throw new Error(`destination holds ${head.ContentLength} bytes, ETag ${head.ETag}; expected ${size} bytes, ETag ${sourceEtag}`);
const partPuts = destinationRequests.partNumbers;
const resentParts = [...partPuts.entries()].reduce((sum, [part, times]) => sum + (part === 10_000 ? 0 : times - 1), 0);
const flows = workers * figures.partConcurrency;
const row = {
  mode,
  workers,
  flows,
  ...figures,
  bytes: size,
  wallSeconds: round(run.wallSeconds),
  /** moto's CompleteMultipartUpload (see s3Requests): part of the wall time, not of the link's work. */
  completionSeconds: round(destinationRequests.completionSeconds),
  /** The wall time without moto's completion: what the link and the workers took. */
  transferSeconds: round(run.wallSeconds - destinationRequests.completionSeconds),
  mibPerSecond: round(size / MIB / run.wallSeconds),
  /** Achieved throughput (while transferring) over what the flows could carry at the link's cap. */
  linkUtilisation: round(size / (run.wallSeconds - destinationRequests.completionSeconds) / (flows * figures.linkMiBps * MIB)),
  clientCpuSeconds: round(run.clientCpuSeconds),
  clientCpuSecondsPerGiB: round(run.clientCpuSeconds / figures.objectGiB),
  clientPeakRssMiB: run.peakRssMiB,
  motoCpuSeconds: { own: round(motoCpu.own), destination: round(motoCpu.destination) },
  /** Cores busy on average: clients, moto and this driver (the link and the counting proxy). */
  coresBusy: {
    clients: round(run.clientCpuSeconds / run.wallSeconds),
    moto: round((motoCpu.own + motoCpu.destination) / run.wallSeconds),
    linkAndDriver: round((driverCpu.user + driverCpu.system) / 1e6 / run.wallSeconds),
  },
  requests: {
    ...prefixed("S3 destination", destinationRequests.byKind),
    ...prefixed("S3 source", sourceRequests.byKind),
    ...operations(),
  },
  partsResent: resentParts,
  bytesResent: resentParts * partSize,
  ...(run.verification === undefined ? {} : { verification: run.verification }),
};
console.log(JSON.stringify(row));

/** N cluster-mode workers drain the job (and the range jobs it fans out into). */
async function runWorkers(): Promise<RunFigures> {
  // Created through the counting proxy, the queue's URL names the proxy: the SDK sends SQS
  // requests to the queue URL's host whatever the endpoint, so the workers' are counted.
  const sqs = new SQSClient({ endpoint: ownServices.endpoint, region: "us-east-1", credentials });
  const queueUrl =
    (await sqs.send(new CreateQueueCommand({ QueueName: "bench-fanout-jobs", Attributes: { VisibilityTimeout: "900" } }))).QueueUrl ?? "";
  const dynamo = new DynamoDBClient({ endpoint: own, region: "us-east-1", credentials });
  await dynamo.send(new CreateTableCommand(ledgerTableDefinition(names.table)));
  const kms = new KMSClient({ endpoint: ownServices.endpoint, region: "us-east-1", credentials });
  const messageKey =
    (await kms.send(new CreateKeyCommand({ KeySpec: "HMAC_256", KeyUsage: "GENERATE_VERIFY_MAC" }))).KeyMetadata?.Arn ?? "";
  const ssm = new SSMClient({ endpoint: own, region: "us-east-1", credentials });
  const parameter = (Name: string, Value: string, Type: "String" | "SecureString" = "String") =>
    ssm.send(new PutParameterCommand({ Name, Value, Type, Overwrite: true }));
  await parameter("/bench-fanout/pairs", JSON.stringify([{ src_bucket: names.source, des_bucket: names.destination }]));
  await parameter(
    "/bench-fanout/credentials",
    JSON.stringify({ aws_access_key_id: "b", aws_secret_access_key: "b", region: "cn-northwest-1", endpoint: link.endpoint }),
    "SecureString",
  );
  const env = {
    ...process.env,
    AWS_ACCESS_KEY_ID: "bench",
    AWS_SECRET_ACCESS_KEY: "bench",
    AWS_REGION: "us-east-1",
    AWS_ENDPOINT_URL_S3: own,
    AWS_ENDPOINT_URL_SQS: ownServices.endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: ownServices.endpoint,
    AWS_ENDPOINT_URL_SSM: ownServices.endpoint,
    AWS_ENDPOINT_URL_KMS: ownServices.endpoint,
    MESSAGE_KEY_ID: messageKey,
    JOB_QUEUE_URL: queueUrl,
    LEDGER_TABLE: names.table,
    BUCKET_PAIRS_PARAMETER: "/bench-fanout/pairs",
    CREDENTIALS_PARAMETER: "/bench-fanout/credentials",
    DIRECTION: "PUT",
    PART_SIZE_MIB: String(figures.partSizeMiB),
    PART_CONCURRENCY: String(figures.partConcurrency),
    FILE_CONCURRENCY: "1",
    FANOUT_THRESHOLD_MIB: String(figures.thresholdMiB),
    FANOUT_RANGE_PARTS: String(figures.rangeParts),
    POWERTOOLS_LOG_LEVEL: "WARN",
  };
  const cpuBefore = childrenCpuSeconds();
  ownRequestsFrom = ownServices.requests.length;
  const processes = Array.from({ length: workers }, (_, index) =>
    measured(`.tmp/bench-fanout/worker-${index}`, process.execPath, ["packages/cli/dist/s3-migrate.mjs", "worker"], env),
  );
  // the workers are polling before the clock starts: their start-up is not the copy's time
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const documents = DynamoDBDocumentClient.from(dynamo);
  const started = Date.now();
  const queued = await sendJobs({ sqs, queueUrl, signer: new KmsMessageAuthenticator(kms, messageKey) }, [
    {
      body: serializeJob({
        source: { bucket: names.source, key: names.key, size, etag: sourceEtag.replaceAll('"', "") },
        destination: { bucket: names.destination, key: names.key },
        queuedAt: new Date().toISOString(),
      }),
      item: names.key,
    },
  ]);
  if (queued.failed.length > 0) throw new Error(`the job was not queued: ${queued.failed[0]?.reason}`);
  note("job queued; waiting for the ledger to say done");
  let record: Record<string, unknown> | undefined;
  for (;;) {
    record = (
      await documents.send(new GetCommand({ TableName: names.table, Key: objectKey(names.destination, names.key), ConsistentRead: true }))
    ).Item;
    if (record?.status === "done" || record?.status === "failed" || record?.status === "skipped") break;
    if (processes.some((worker) => worker.exitCode() !== undefined)) throw new Error("a worker exited before the object was done");
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const wallSeconds = (Date.now() - started) / 1000;
  for (const worker of processes) worker.stop();
  const exits = await Promise.all(processes.map((worker) => worker.finished));
  if (record?.status !== "done") throw new Error(`the object ended ${String(record?.status)}: ${String(record?.lastError)}`);
  return {
    wallSeconds,
    // start-up included (about 0.35 CPU s a process), as a fleet pays it
    clientCpuSeconds: childrenCpuSeconds() - cpuBefore,
    peakRssMiB: Math.max(...exits.map((exit) => exit.peakRssMiB)),
    verification: String(record.verification),
  };
}

/** rclone copies the object alone, with as many flows (upload concurrency) as one worker. */
async function runRclone(): Promise<RunFigures> {
  const remote = (name: string, endpoint: string, region: string) => ({
    [`RCLONE_CONFIG_${name}_TYPE`]: "s3",
    [`RCLONE_CONFIG_${name}_PROVIDER`]: "Other",
    [`RCLONE_CONFIG_${name}_ENDPOINT`]: endpoint,
    [`RCLONE_CONFIG_${name}_ACCESS_KEY_ID`]: "bench",
    [`RCLONE_CONFIG_${name}_SECRET_ACCESS_KEY`]: "bench",
    [`RCLONE_CONFIG_${name}_REGION`]: region,
    [`RCLONE_CONFIG_${name}_FORCE_PATH_STYLE`]: "true",
  });
  writeFileSync(".tmp/bench-fanout/rclone.conf", "");
  const cpuBefore = childrenCpuSeconds();
  const started = Date.now();
  const rclone = measured(
    ".tmp/bench-fanout/rclone",
    "rclone",
    [
      "--config",
      ".tmp/bench-fanout/rclone.conf",
      "copyto",
      `SRC:${names.source}/${names.key}`,
      `DST:${names.destination}/${names.key}`,
      "--s3-chunk-size",
      `${figures.partSizeMiB}Mi`,
      "--s3-upload-concurrency",
      String(figures.partConcurrency),
      "--s3-upload-cutoff",
      "200Mi",
    ],
    // plain HTTP: rclone refuses a custom CA bundle on its transport
    { ...withoutCaBundle(process.env), ...remote("SRC", own, "us-east-1"), ...remote("DST", link.endpoint, "cn-northwest-1") },
  );
  const exit = await rclone.finished;
  const wallSeconds = (Date.now() - started) / 1000;
  if (exit.status !== 0)
    throw new Error(`rclone exited ${exit.status}: ${readFileSync(".tmp/bench-fanout/rclone.err", "utf8").slice(-2000)}`);
  return { wallSeconds, clientCpuSeconds: childrenCpuSeconds() - cpuBefore, peakRssMiB: exit.peakRssMiB };
}

/**
 * A child process whose peak RSS is sampled from /proc while it runs. Its CPU time is counted
 * with every other reaped child of this driver by {@link childrenCpuSeconds}.
 */
function measured(prefix: string, command: string, args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(command, args, { env, stdio: ["ignore", "ignore", "pipe"] });
  let errors = "";
  child.stderr?.on("data", (chunk) => {
    errors = (errors + chunk).slice(-20_000);
  });
  let peakKiB = 0;
  const sample = () => {
    const status = child.pid === undefined ? "" : readIfPresent(`/proc/${child.pid}/status`);
    peakKiB = Math.max(peakKiB, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
  };
  const sampler = setInterval(sample, 500);
  let exitCode: number | undefined;
  const finished = new Promise<{ status: number | null; peakRssMiB: number }>((resolve) =>
    child.on("exit", (status) => {
      clearInterval(sampler);
      exitCode = status ?? -1;
      writeFileSync(`${prefix}.err`, errors);
      resolve({ status, peakRssMiB: Math.round(peakKiB / 1024) });
    }),
  );
  return {
    finished,
    exitCode: () => exitCode,
    stop: () => {
      sample();
      child.kill("SIGTERM");
    },
  };
}

/** CPU seconds (user + system) of this driver's children that have exited and been reaped (Linux). */
function childrenCpuSeconds(): number {
  const fields = procStatFields("self");
  return (Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS_PER_SECOND;
}

/** Uploads the object as a multipart upload of `partSize` parts, eight at a time; returns its ETag. */
async function seed(): Promise<string> {
  const { UploadId } = await source.send(new CreateMultipartUploadCommand({ Bucket: names.source, Key: names.key }));
  const parts: Array<{ PartNumber: number; ETag: string }> = [];
  for (let first = 1; first <= partCount; first += 8) {
    const numbers = Array.from({ length: Math.min(8, partCount - first + 1) }, (_, index) => first + index);
    await Promise.all(
      numbers.map(async (PartNumber) => {
        const bytes = Math.min(partSize, size - (PartNumber - 1) * partSize);
        const answer = await source.send(
          new UploadPartCommand({ Bucket: names.source, Key: names.key, UploadId, PartNumber, Body: randomBytes(bytes) }),
        );
        parts.push({ PartNumber, ETag: answer.ETag ?? "" });
      }),
    );
  }
  parts.sort((a, b) => a.PartNumber - b.PartNumber);
  const done = await source.send(
    new CompleteMultipartUploadCommand({ Bucket: names.source, Key: names.key, UploadId, MultipartUpload: { Parts: parts } }),
  );
  return done.ETag ?? "";
}

/**
 * S3 requests in a moto request log from `offset` on, by kind; the part numbers uploaded; and how
 * long moto took over CompleteMultipartUpload (from its last UploadPart's answer to the
 * completion's, at the log's one-second resolution): moto concatenates the parts in Python, at
 * about 15 s per GiB on this machine, where S3 takes seconds.
 */
function s3Requests(log: string | undefined, offset: number) {
  const byKind: Record<string, number> = {};
  const partNumbers = new Map<number, number>();
  let lastPartAt = 0;
  let completionSeconds = 0;
  if (log === undefined) return { byKind, partNumbers, completionSeconds };
  const text = readFileSync(log).subarray(offset).toString("utf8");
  for (const match of text.matchAll(/\[([^\]]+)\] "(GET|PUT|POST|DELETE|HEAD) (\S+) HTTP\/1\.1" (\d{3})/g)) {
    const [, loggedAt, method, target, status] = match;
    const at = Date.parse((loggedAt ?? "").replace(/^(\d+)\/(\w+)\/(\d+) /, "$1 $2 $3 "));
    const url = new URL(target ?? "/", "http://moto");
    // the JSON services (SQS, DynamoDB, SSM) are counted by operation at the proxy
    if (url.pathname === "/" || url.pathname.startsWith("/moto-api")) continue;
    const kind = s3Operation(method ?? "", url.searchParams);
    const label = status?.startsWith("2") ? kind : `${kind} (${status})`;
    byKind[label] = (byKind[label] ?? 0) + 1;
    if (kind === "UploadPart") {
      const part = Number(url.searchParams.get("partNumber"));
      partNumbers.set(part, (partNumbers.get(part) ?? 0) + 1);
      lastPartAt = at;
    }
    if (kind === "CompleteMultipartUpload" && status?.startsWith("2")) completionSeconds += (at - lastPartAt) / 1000;
  }
  return { byKind, partNumbers, completionSeconds };
}

/** The S3 operation a request line names. */
function s3Operation(method: string, query: URLSearchParams): string {
  if (method === "PUT") return query.has("partNumber") ? "UploadPart" : query.has("tagging") ? "PutObjectTagging" : "PutObject";
  if (method === "POST") return query.has("uploads") ? "CreateMultipartUpload" : query.has("uploadId") ? "CompleteMultipartUpload" : "Post";
  if (method === "DELETE") return query.has("uploadId") ? "AbortMultipartUpload" : "DeleteObject";
  if (method === "HEAD") return "HeadObject";
  if (query.has("uploadId")) return "ListParts";
  if (query.has("uploads")) return "ListMultipartUploads";
  if (query.has("tagging")) return "GetObjectTagging";
  if (query.has("list-type")) return "ListObjectsV2";
  return "GetObject";
}

/** SQS, DynamoDB and SSM requests the workers made, by operation. */
function operations(): Record<string, number> {
  const counted: Record<string, number> = {};
  for (const request of ownServices.requests.slice(ownRequestsFrom)) {
    const [service, operation] = (request.operation ?? "unknown.unknown").split(".");
    const label = `${service
      ?.replace(/^AmazonSQS$/, "SQS")
      .replace(/^DynamoDB_\d+$/, "DynamoDB")
      .replace(/^AmazonSSM$/, "SSM")} ${operation}`;
    counted[label] = (counted[label] ?? 0) + 1;
  }
  return counted;
}

function prefixed(prefix: string, counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).map(([kind, count]) => [`${prefix} ${kind}`, count]));
}

/** CPU seconds (user + system) a process has used so far, from /proc; 0 without a pid. */
function cpuSecondsOf(pid: string | undefined): number {
  if (pid === undefined) return 0;
  const fields = procStatFields(pid);
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

/** /proc/PID/stat from field 3 on (after the command name, which may hold spaces): utime is [11], stime [12], cutime [13], cstime [14]. */
function procStatFields(pid: string): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
}

function withoutCaBundle(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { AWS_CA_BUNDLE: _ignored, ...rest } = env;
  return rest;
}

function readIfPresent(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

function byteLength(file: string | undefined): number {
  return file === undefined ? 0 : statSync(file).size;
}

function required(name: keyof typeof values): string {
  const value = values[name];
  if (typeof value !== "string" || value === "") throw new Error(`--${name} is required`);
  return value;
}

function round(value: number): number {
  return Number(value.toFixed(2));
}
