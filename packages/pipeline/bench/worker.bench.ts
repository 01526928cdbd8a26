/**
 * Worker benchmark (issue: worker): jobs for a mixed dataset are queued on local endpoints and a
 * cluster-mode worker runs in this process until the queue is empty. The first set is queued as
 * the jobsender packs it (batches of small objects), the others one job an object. Prints wall time, client
 * CPU-seconds per GiB (large objects) and per 1,000 small objects, peak RSS, and AWS requests per
 * object by service and operation. Then the SDK floor: the worker's own clients send the requests
 * a batched object needs (GET, create-only PUT with Content-MD5, and the worker's own conditional
 * ledger commit, `commitCopy`), as many objects at once as a batch copies, with nothing of the
 * pipeline around them, so what the pipeline adds per object is the difference. Usage: node worker-bench.mjs OWN_ENDPOINT DESTINATION_ENDPOINT
 */
import { createHash, randomBytes } from "node:crypto";
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { CreateKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { CreateQueueCommand, SQSClient } from "@aws-sdk/client-sqs";
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { MIB } from "@s3-migrate/transfer";
import { readBatchRules } from "../src/config/environment.js";
import { packJobs } from "../src/jobsender/packJobs.js";
import { ledgerTableDefinition } from "../src/ledger/ledgerSchema.js";
import { KmsMessageAuthenticator } from "../src/messages/messageAuthentication.js";
import { sendJobs } from "../src/queue/sendJobs.js";
import { runClusterWorker } from "../src/worker/clusterWorker.js";
import { setUpWorker } from "../src/worker/workerFromEnvironment.js";

const [own, destination] = process.argv.slice(2);
if (own === undefined || destination === undefined) throw new Error("usage: worker-bench OWN_ENDPOINT DESTINATION_ENDPOINT");
const SMALL = Number(process.env.BENCH_WORKER_SMALL ?? 1000);
const BATCHED = Number(process.env.BENCH_WORKER_BATCHED ?? 10_000);
const LARGE_MIB = Number(process.env.BENCH_WORKER_LARGE_MIB ?? 512);
const FLOOR = Number(process.env.BENCH_WORKER_FLOOR ?? 2000);
/** Messages the worker works on at once (FILE_CONCURRENCY, the cluster loop's concurrency). */
const MESSAGES_AT_ONCE = Number(process.env.BENCH_WORKER_MESSAGES ?? 8);
const credentials = { accessKeyId: "bench", secretAccessKey: "bench" };
const region = "us-east-1";
const counts = new Map<string, number>();
function count<T extends { middlewareStack: { add: (...args: never[]) => void } }>(client: T, service: string): T {
  (client.middlewareStack as unknown as { add: (mw: unknown, options: unknown) => void }).add(
    (next: (args: unknown) => unknown, context: { commandName?: string }) => async (args: unknown) => {
      const key = `${service} ${(context.commandName ?? "?").replace(/Command$/, "")}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      return next(args);
    },
    { step: "finalizeRequest", name: "benchRequestCounter" },
  );
  return client;
}

// Prepare the endpoints: buckets, queue, ledger, credentials; seed and queue the jobs.
const seedSource = new S3Client({ endpoint: own, region, forcePathStyle: true, credentials, requestChecksumCalculation: "WHEN_REQUIRED" });
const seedDestination = new S3Client({ endpoint: destination, region: "cn-northwest-1", forcePathStyle: true, credentials });
await seedSource.send(new CreateBucketCommand({ Bucket: "bench-worker-src" }));
for (const bucket of ["bench-worker-dst", "bench-worker-floor"])
  await seedDestination.send(
    new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: "cn-northwest-1" } }),
  );
const sqs = new SQSClient({ endpoint: own, region, credentials });
const queueUrl =
  (await sqs.send(new CreateQueueCommand({ QueueName: "bench-worker-jobs", Attributes: { VisibilityTimeout: "300" } }))).QueueUrl ?? "";
const dynamo = new DynamoDBClient({ endpoint: own, region, credentials });
// Messages are signed as the jobsender signs them, and the worker checks each one (a KMS VerifyMac).
const kms = new KMSClient({ endpoint: own, region, credentials });
const messageKey = (await kms.send(new CreateKeyCommand({ KeySpec: "HMAC_256", KeyUsage: "GENERATE_VERIFY_MAC" }))).KeyMetadata?.Arn ?? "";
const signedQueue = { sqs, queueUrl, signer: new KmsMessageAuthenticator(kms, messageKey) };
await dynamo.send(new CreateTableCommand(ledgerTableDefinition("bench-worker-ledger")));
const ssm = new SSMClient({ endpoint: own, region, credentials });
await ssm.send(
  new PutParameterCommand({
    Name: "bench-credentials",
    Type: "SecureString",
    Overwrite: true,
    Value: JSON.stringify({ aws_access_key_id: "b", aws_secret_access_key: "b", region: "cn-northwest-1", endpoint: destination }),
  }),
);

await ssm.send(
  new PutParameterCommand({
    Name: "bench-pairs",
    Type: "String",
    Overwrite: true,
    Value: JSON.stringify([{ src_bucket: "bench-worker-src", des_bucket: "bench-worker-dst" }]),
  }),
);

type Set = { name: string; objects: Array<{ key: string; size: number }>; batched?: boolean };
const sets: Set[] = [
  {
    name: `${BATCHED} small objects (1-64 KiB) in batches`,
    batched: true,
    objects: Array.from({ length: BATCHED }, (_, i) => ({
      key: `batched/${String(i).padStart(6, "0")}.bin`,
      size: 1024 + ((i * 7919) % (63 * 1024)),
    })),
  },
  {
    name: `${SMALL} small objects (4-64 KiB)`,
    objects: Array.from({ length: SMALL }, (_, i) => ({
      key: `small/${String(i).padStart(5, "0")}.bin`,
      size: 4096 + ((i * 7919) % (60 * 1024)),
    })),
  },
  { name: `1 object of ${LARGE_MIB} MiB`, objects: [{ key: "large/one.bin", size: LARGE_MIB * MIB }] },
];

const setup = await setUpWorker(
  {
    JOB_QUEUE_URL: queueUrl,
    LEDGER_TABLE: "bench-worker-ledger",
    CREDENTIALS_PARAMETER: "bench-credentials",
    BUCKET_PAIRS_PARAMETER: "bench-pairs",
    DIRECTION: "PUT",
    MESSAGE_KEY_ID: messageKey,
    AWS_ENDPOINT_URL_S3: own,
    AWS_REGION: region,
    FILE_CONCURRENCY: String(MESSAGES_AT_ONCE),
    POWERTOOLS_LOG_LEVEL: "WARN",
  },
  {
    logger: {
      debug: () => undefined,
      info: () => undefined,
      warn: (message, ...extra) => process.stderr.write(`warn: ${message} ${JSON.stringify(extra)}\n`),
      error: (message, ...extra) => process.stderr.write(`error: ${message} ${JSON.stringify(extra)}\n`),
    },
    clients: {
      ssm,
      sqs: count(new SQSClient({ endpoint: own, region, credentials }), "SQS"),
      documents: DynamoDBDocumentClient.from(count(new DynamoDBClient({ endpoint: own, region, credentials }), "DynamoDB"), {
        marshallOptions: { removeUndefinedValues: true },
      }),
      kms: count(new KMSClient({ endpoint: own, region, credentials }), "KMS"),
    },
  },
);
count(setup.worker.source, "S3 source");
count(setup.worker.destination, "S3 destination");

// As the jobsender does, jobs carry the ETag and size seen when listing.
const etags = new Map<string, string>();
const results = [];
const note = (message: string) => process.stderr.write(`worker-bench: ${message}\n`);
for (const set of sets) {
  for (let i = 0; i < set.objects.length; i += 16) {
    await Promise.all(
      set.objects.slice(i, i + 16).map(async (object) => {
        const put = await seedSource.send(
          new PutObjectCommand({ Bucket: "bench-worker-src", Key: object.key, Body: randomBytes(object.size) }),
        );
        etags.set(object.key, (put.ETag ?? "").replaceAll('"', ""));
      }),
    );
  }
  const jobs = set.objects.map((object) => ({
    destinationMissing: true,
    job: {
      schema: "s3-migrate/job" as const,
      version: 1 as const,
      source: { bucket: "bench-worker-src", key: object.key, size: object.size, etag: etags.get(object.key) ?? "" },
      destination: { bucket: "bench-worker-dst", key: object.key },
      queuedAt: new Date().toISOString(),
    },
  }));
  // the jobsender's packing (a batch set) or one job an object (the other sets, as before batches)
  const bodies = packJobs(jobs, { ...readBatchRules({}), ...(set.batched ? {} : { maxObjects: 1 }) }).map((message) => message.body);
  const queued = await sendJobs(
    signedQueue,
    bodies.map((body) => ({ body, item: body })),
  );
  if (queued.failed.length > 0) throw new Error(`${set.name}: ${queued.failed.length} messages not queued: ${queued.failed[0]?.reason}`);
  note(`${set.name}: seeded and queued; draining`);
  counts.clear();
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 100);
  const cpu = process.cpuUsage();
  const started = Date.now();
  const report = await runClusterWorker({ setup, concurrency: MESSAGES_AT_ONCE, pause: new AbortController().signal, idleExitMs: 2000 });
  const wall = (Date.now() - started - 2000) / 1000;
  const used = process.cpuUsage(cpu);
  clearInterval(sampler);
  const bytes = set.objects.reduce((sum, object) => sum + object.size, 0);
  const cpuSeconds = (used.user + used.system) / 1e6;
  // SQS delivers at least once: a message delivered again is settled without a copy (the ledger
  // says done), so it succeeds too. Fewer successes than objects is a failure.
  if (report.succeeded < bodies.length || report.failed > 0)
    throw new Error(`${set.name}: ${report.succeeded} of ${bodies.length} messages succeeded, ${report.failed} failed`);
  results.push({
    set: set.name,
    objects: set.objects.length,
    messages: bodies.length,
    bytes,
    wallSeconds: Number(wall.toFixed(2)),
    cpuSeconds: Number(cpuSeconds.toFixed(2)),
    cpuSecondsPerGiB: Number((cpuSeconds / (bytes / 1024 ** 3)).toFixed(2)),
    cpuSecondsPer1000Objects: Number(((cpuSeconds / set.objects.length) * 1000).toFixed(2)),
    peakRssMiB: Math.round(peak / MIB),
    extraDeliveries: report.received - bodies.length,
    requestsPerObject: Object.fromEntries(
      [...counts.entries()].sort().map(([key, value]) => [key, Number((value / set.objects.length).toFixed(2))]),
    ),
  });
}
// The SDK floor, on the first FLOOR objects of the batched set (already at the source): first GET
// and PUT only (what a copy-only tool must send), then with the ledger commit the worker sends.
const floorObjects = (sets[0]?.objects ?? []).slice(0, FLOOR);
for (const withCommit of [false, true]) {
  const prefix = withCommit ? "floor-commit/" : "floor-copy/";
  counts.clear();
  const cpu = process.cpuUsage();
  const started = Date.now();
  let next = 0;
  const copyOne = async (object: { key: string; size: number }) => {
    const read = await setup.worker.source.send(new GetObjectCommand({ Bucket: "bench-worker-src", Key: object.key }));
    const body = await (read.Body as { transformToByteArray: () => Promise<Uint8Array> }).transformToByteArray();
    const written = await setup.worker.destination.send(
      new PutObjectCommand({
        Bucket: "bench-worker-floor",
        Key: prefix + object.key,
        Body: body,
        ContentLength: body.length,
        ContentMD5: createHash("md5").update(body).digest("base64"),
        IfNoneMatch: "*",
      }),
    );
    if (!withCommit) return;
    const identity = {
      srcBucket: "bench-worker-src",
      srcKey: object.key,
      desBucket: "bench-worker-floor",
      desKey: prefix + object.key,
      size: object.size,
      srcEtag: (read.ETag ?? "").replaceAll('"', ""),
    };
    const done = { status: "done", desEtag: (written.ETag ?? "").replaceAll('"', ""), verification: "source-etag" } as const;
    if (!(await setup.worker.ledger.commitCopy(identity, undefined, done, new Date())))
      throw new Error(`SDK floor: the commit of ${identity.desKey} was refused`);
  };
  await Promise.all(
    Array.from({ length: setup.worker.batch.concurrency }, async () => {
      for (let object = floorObjects[next++]; object !== undefined; object = floorObjects[next++]) await copyOne(object);
    }),
  );
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  results.push({
    set: withCommit
      ? `SDK floor: GET, create-only PUT and ledger commit, ${floorObjects.length} objects`
      : `SDK floor: GET and create-only PUT, ${floorObjects.length} objects`,
    floor: withCommit ? "commit" : "copy",
    objects: floorObjects.length,
    wallSeconds: Number(((Date.now() - started) / 1000).toFixed(2)),
    cpuSeconds: Number(cpuSeconds.toFixed(2)),
    cpuSecondsPer1000Objects: Number(((cpuSeconds / floorObjects.length) * 1000).toFixed(2)),
    requestsPerObject: Object.fromEntries(
      [...counts.entries()].sort().map(([key, value]) => [key, Number((value / floorObjects.length).toFixed(2))]),
    ),
  });
}
console.log(JSON.stringify(results));
