/**
 * Fan-out of giant objects across worker processes (issue 10), against moto with its DynamoDB
 * writes serialised (test/setup/moto_server.py), counted at a proxy in front of the destination:
 * the parts each range uploads, the completions, the aborts, not our logs. A small threshold
 * (10 MiB) and ranges of 2 to 4 parts of 5 MiB make the objects small enough for the test bed.
 */
import { HeadObjectCommand, ListPartsCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { FanoutTransitions, type ObjectRecord, objectKey, RANGE_STATUS, serializeJob } from "@s3-migrate/pipeline";
import { MIB } from "@s3-migrate/transfer";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { handler, resetWorkerForTests } from "../../../functions/worker/src/handler.js";
import { drainDeadLetters, drainQueue, localClients, queueBodies } from "../../support/awsResources.js";
import { buildCli } from "../../support/cli.js";
import { createBucket, makeS3Client, putObject, readObject, testEndpoints, uniqueBucketName } from "../../support/endpoints.js";
import { drainThroughHandler } from "../../support/eventSourceMapping.js";
import { type FaultProxy, type ProxiedRequest, startFaultProxy } from "../../support/faultProxy.js";
import { deployLocally, type LocalDeployment, SMALL_FANOUT_ENV } from "../../support/functionEnvironment.js";
import { openUploads, randomBody } from "../../support/transferBed.js";
import { queueDepth, startWorker, until, type WorkerProcess } from "../../support/workerProcess.js";

const PART_SIZE = 5 * MIB;
/** The manifest part that binds an upload to its source version. */
const MANIFEST_PART = "10000";
/** Fan out above 10 MiB, 2 parts of 5 MiB to a range unless a test says otherwise. */
const FANOUT_ENV = { ...SMALL_FANOUT_ENV, DEAD_LETTER_QUEUE_URL: "" };

describe("fan-out of giant objects across worker processes", () => {
  const { source, destination } = testEndpoints();
  const src = makeS3Client(source.endpoint, source.region);
  const dst = makeS3Client(destination.endpoint, destination.region);
  const { sqs, documents } = localClients(source.endpoint);
  beforeAll(() => buildCli());
  afterEach(() => {
    vi.unstubAllEnvs();
    resetWorkerForTests();
  });

  /** Two buckets, the objects at the source, a proxy before the destination and a deployment. */
  async function prepare(name: string, objects: Record<string, number>, env: Record<string, string> = {}) {
    const sourceBucket = await createBucket(src, uniqueBucketName(`${name}-src`));
    const destinationBucket = await createBucket(dst, uniqueBucketName(`${name}-dst`));
    const bodies = new Map<string, Buffer>();
    for (const [key, size] of Object.entries(objects)) {
      const body = randomBody(size);
      await putObject(src, sourceBucket, key, body);
      bodies.set(key, body);
    }
    const proxy = await startFaultProxy({ target: destination.endpoint });
    const deployment = await deployLocally(
      name,
      [{ src_bucket: sourceBucket, des_bucket: destinationBucket }],
      "#",
      { ...FANOUT_ENV, ...env },
      proxy.endpoint,
    );
    deployment.env.DEAD_LETTER_QUEUE_URL = deployment.dlqUrl;
    const fanout = new FanoutTransitions(documents, deployment.table);
    return {
      sourceBucket,
      destinationBucket,
      bodies,
      proxy,
      deployment,
      job: (key: string) =>
        serializeJob({
          source: { bucket: sourceBucket, key, size: bodies.get(key)?.length ?? 0 },
          destination: { bucket: destinationBucket, key },
          queuedAt: new Date().toISOString(),
        }),
      record: async (key: string) =>
        (
          await documents.send(
            new GetCommand({ TableName: deployment.table, Key: objectKey(destinationBucket, key), ConsistentRead: true }),
          )
        ).Item as ObjectRecord | undefined,
      ranges: (key: string) => fanout.ranges(destinationBucket, key),
      uploads: (key: string) => uploadRequests(proxy, destinationBucket, key),
    };
  }

  /** Sends `bodies` to the queue, ten at a time. */
  async function enqueue(deployment: LocalDeployment, bodies: readonly string[]): Promise<void> {
    await queueBodies(deployment.queue, bodies);
  }

  /**
   * Runs the worker handler in-process on the one job in the queue, so it fans the object out,
   * and takes the range jobs it queued off the queue for the test to deliver as it likes.
   */
  async function fanOutOnly(deployment: LocalDeployment): Promise<string[]> {
    for (const [variable, value] of Object.entries(deployment.env)) vi.stubEnv(variable, value);
    const drained = await drainThroughHandler(sqs, deployment.queueUrl, handler, { batchSize: 1, maxInvocations: 1 });
    expect(drained).toMatchObject({ invocations: 1, failures: 0 });
    const rangeJobs = await drainQueue(sqs, deployment.queueUrl);
    for (const body of rangeJobs) expect(JSON.parse(body)).toMatchObject({ schema: "s3-migrate/range" });
    return rangeJobs;
  }

  /** Starts `count` worker processes and stops them (SIGTERM) once `done` holds. */
  async function runWorkers(
    deployment: LocalDeployment,
    count: number,
    done: () => Promise<boolean>,
    args: string[] = ["--visibility-timeout", "4"],
  ): Promise<WorkerProcess[]> {
    const workers = Array.from({ length: count }, () => startWorker({ ...deployment.env, POWERTOOLS_LOG_LEVEL: "INFO" }, args));
    try {
      await until(done, 180_000);
    } finally {
      for (const worker of workers) worker.child.kill("SIGTERM");
    }
    for (const [index, status] of (await Promise.all(workers.map((worker) => worker.exited))).entries())
      expect(status, workers[index]?.output()).not.toBeNull();
    return workers;
  }

  /** Everything settled: the object recorded in its final state, no message waiting or in flight. */
  const settled = (bed: Awaited<ReturnType<typeof prepare>>, key: string, status: string) => async () =>
    (await bed.record(key))?.status === status && (await queueDepth(sqs, bed.deployment.queueUrl)) === 0;

  it("two processes copy a fanned-out object whose job and every range job arrive twice: every byte right, no part uploaded twice, one completion", {
    timeout: 240_000,
  }, async () => {
    // Prepare: 7 parts (the last one 3 bytes) in 4 ranges, and an object below the threshold
    const bed = await prepare("fan-two", { "giant/+%😀 a.bin": 6 * PART_SIZE + 3, "below/threshold.bin": 10 * MIB });
    const giant = "giant/+%😀 a.bin";
    await enqueue(bed.deployment, [bed.job(giant)]);
    const rangeJobs = await fanOutOnly(bed.deployment);
    expect(rangeJobs).toHaveLength(4);
    // every range job twice, the object's job again and the small object's, shuffled
    const deliveries = [...rangeJobs, ...rangeJobs, bed.job(giant), bed.job("below/threshold.bin")].sort(() => Math.random() - 0.5);
    await enqueue(bed.deployment, deliveries);
    // Act
    const workers = await runWorkers(
      bed.deployment,
      2,
      async () => (await settled(bed, giant, "done")()) && (await bed.record("below/threshold.bin"))?.status === "done",
    );
    await bed.proxy.close();
    // Assess: at the endpoint, each part once, one upload created, one completion
    const giantUpload = bed.uploads(giant);
    expect(giantUpload.partPuts).toEqual(["1", "2", "3", "4", "5", "6", "7", MANIFEST_PART]);
    expect(giantUpload.creates).toBe(1);
    expect(giantUpload.completes).toBe(1);
    expect((await readObject(dst, bed.destinationBucket, giant)).equals(bed.bodies.get(giant) ?? Buffer.alloc(0))).toBe(true);
    expect(await bed.record(giant)).toMatchObject({
      status: "done",
      rangeCount: 4,
      verification: "source-checksum",
      checksum: { algorithm: "CRC64NVME" },
    });
    const ranges = await bed.ranges(giant);
    expect(ranges.map((range) => [range.rangeIndex, range.rangeStatus, range.firstPart, range.lastPart])).toEqual([
      [0, RANGE_STATUS.done, 1, 2],
      [1, RANGE_STATUS.done, 3, 4],
      [2, RANGE_STATUS.done, 5, 6],
      [3, RANGE_STATUS.done, 7, 7],
    ]);
    // the object below the threshold was copied by one worker, as before
    const small = bed.uploads("below/threshold.bin");
    expect(small.partPuts).toEqual(["1", "2", MANIFEST_PART]);
    expect(await bed.ranges("below/threshold.bin")).toEqual([]);
    expect(await openUploads(dst, bed.destinationBucket)).toEqual([]);
    expect(await drainDeadLetters(sqs, bed.deployment.dlqUrl)).toEqual([]);
    // both processes worked on ranges
    const rangesCopied = workers.map((worker) => worker.output().match(/"message":"Range copied"/g)?.length ?? 0);
    console.log(`ranges copied per process: ${rangesCopied.join(", ")}`);
    expect(rangesCopied.reduce((sum, count) => sum + count, 0)).toBe(4);
  });

  it("a range worker killed mid-range: another process resumes it once its lease lapses, re-sending at most the parts that were in flight", {
    timeout: 240_000,
  }, async () => {
    // Prepare: 20 parts in 5 ranges of 4; one process, two ranges at a time, two parts each
    const key = "giant/killed.bin";
    const bed = await prepare("fan-kill", { [key]: 20 * PART_SIZE }, { FANOUT_RANGE_PARTS: "4" });
    await enqueue(bed.deployment, [bed.job(key)]);
    await enqueue(bed.deployment, await fanOutOnly(bed.deployment));
    // Act: the first process dies hard in the middle of a range: the ledger has it in progress and
    // the destination has stored some, not all, of its parts
    const first = startWorker(bed.deployment.env, ["--visibility-timeout", "4"]);
    const midRange = async () => {
      const stored = new Set(bed.uploads(key).storedParts.map(Number));
      return (await bed.ranges(key)).find((range) => {
        const storedInRange = Array.from({ length: range.lastPart - range.firstPart + 1 }, (_, i) => range.firstPart + i).filter((part) =>
          stored.has(part),
        ).length;
        return range.rangeStatus === RANGE_STATUS.inProgress && storedInRange > 0 && storedInRange < range.lastPart - range.firstPart + 1;
      });
    };
    await until(async () => (await midRange()) !== undefined, 120_000, 10);
    first.child.kill("SIGKILL");
    await first.exited;
    const killedAt = bed.proxy.requests.length;
    const storedBeforeKill = new Set(bed.uploads(key).storedParts);
    const inFlightAtKill = bed.uploads(key).attemptedParts.filter((part) => !storedBeforeKill.has(part));
    const rangesAtKill = await bed.ranges(key);
    const workers = await runWorkers(bed.deployment, 1, settled(bed, key, "done"));
    await bed.proxy.close();
    // Assess
    const cutRanges = rangesAtKill.filter(
      (range) =>
        range.rangeStatus === RANGE_STATUS.inProgress &&
        [...storedBeforeKill].some((part) => Number(part) >= range.firstPart && Number(part) <= range.lastPart),
    );
    expect(cutRanges.length).toBeGreaterThan(0);
    const after = bed.proxy.requests.slice(killedAt).filter((request) => isPartPut(request, bed.destinationBucket, key));
    // no stored part is sent again; at most the 4 in flight (2 ranges x 2 parts) are
    expect(after.filter((request) => storedBeforeKill.has(request.query.partNumber ?? ""))).toEqual([]);
    expect(inFlightAtKill.length).toBeLessThanOrEqual(4);
    const upload = bed.uploads(key);
    expect(upload.attemptedParts.length - 20).toBeLessThanOrEqual(inFlightAtKill.length);
    expect(upload.creates).toBe(1);
    expect(upload.completes).toBe(1);
    expect((await readObject(dst, bed.destinationBucket, key)).equals(bed.bodies.get(key) ?? Buffer.alloc(0))).toBe(true);
    expect((await bed.ranges(key)).every((range) => range.rangeStatus === RANGE_STATUS.done)).toBe(true);
    expect(workers[0]?.output()).toMatch(/"message":"Range copied".*"partsResumed":[1-9]/);
    expect(await openUploads(dst, bed.destinationBucket)).toEqual([]);
  });

  it("the last two ranges finishing at the same moment, each delivered twice, complete the upload once", { timeout: 240_000 }, async () => {
    // Prepare: 4 parts in 2 ranges, one part at a time, so each range's last part is parts 2 and 4;
    // the destination answers both only when both are stored (one barrier for the two rules)
    const key = "giant/together.bin";
    const bed = await prepare("fan-race", { [key]: 4 * PART_SIZE }, { PART_CONCURRENCY: "1" });
    await enqueue(bed.deployment, [bed.job(key)]);
    const rangeJobs = await fanOutOnly(bed.deployment);
    expect(rangeJobs).toHaveLength(2);
    const barrier = { type: "holdResponses", parties: 2 } as const;
    const lastParts = ["2", "4"].map((partNumber) =>
      bed.proxy.addRule({ match: { method: "PUT", query: { partNumber } }, action: barrier }),
    );
    await enqueue(bed.deployment, [...rangeJobs, ...rangeJobs]);
    // Act
    await runWorkers(bed.deployment, 2, settled(bed, key, "done"));
    await bed.proxy.close();
    // Assess: both last parts were held and released together, and one completion ran
    expect(lastParts.map((rule) => rule.hits)).toEqual([1, 1]);
    const upload = bed.uploads(key);
    expect(upload.partPuts).toEqual(["1", "2", "3", "4", MANIFEST_PART]);
    expect(upload.completes).toBe(1);
    expect((await readObject(dst, bed.destinationBucket, key)).equals(bed.bodies.get(key) ?? Buffer.alloc(0))).toBe(true);
    expect(await bed.record(key)).toMatchObject({ status: "done" });
    expect((await bed.ranges(key)).map((range) => range.rangeStatus)).toEqual([RANGE_STATUS.done, RANGE_STATUS.done]);
  });

  it("a completion failing once is retried by its message, not by a human", { timeout: 240_000 }, async () => {
    // Prepare: the destination refuses completions until the worker gives its first one up
    // (after its own retries and the SDK's); then it accepts them again
    const key = "giant/complete-twice.bin";
    const bed = await prepare("fan-complete", { [key]: 4 * PART_SIZE + 1 });
    await enqueue(bed.deployment, [bed.job(key)]);
    await enqueue(bed.deployment, await fanOutOnly(bed.deployment));
    const refusing = bed.proxy.addRule({
      match: { method: "POST", query: "uploadId" },
      action: { type: "status", status: 500, code: "InternalError" },
      times: Number.POSITIVE_INFINITY,
    });
    // Act
    const worker = startWorker({ ...bed.deployment.env, POWERTOOLS_LOG_LEVEL: "INFO" }, ["--visibility-timeout", "4"]);
    try {
      await until(() => /Completion failed; will retry/.test(worker.output()), 120_000);
      bed.proxy.clearRules();
      await until(settled(bed, key, "done"), 120_000);
    } finally {
      worker.child.kill("SIGTERM");
    }
    expect(await worker.exited, worker.output()).not.toBeNull();
    await bed.proxy.close();
    // Assess: every refused attempt, then one completion that went through; no part sent twice
    const upload = bed.uploads(key);
    expect(refusing.hits).toBeGreaterThan(1);
    expect(upload.completes).toBe(refusing.hits + 1);
    expect(upload.partPuts).toEqual(["1", "2", "3", "4", "5", MANIFEST_PART]);
    expect((await readObject(dst, bed.destinationBucket, key)).equals(bed.bodies.get(key) ?? Buffer.alloc(0))).toBe(true);
    expect(await bed.record(key)).toMatchObject({ status: "done" });
    expect(await drainDeadLetters(sqs, bed.deployment.dlqUrl)).toEqual([]);
  });

  it("a completion the Lambda's hard deadline cut, which S3 finished anyway, is found by the next completer: no restart, nothing sent twice", {
    timeout: 240_000,
  }, async () => {
    // Prepare: 4 parts in 2 ranges, run by the Lambda handler in-process with 10 s invocations;
    // the destination stores the first completion but never answers it
    const key = "giant/completion cut.bin";
    const bed = await prepare("fan-cut", { [key]: 4 * PART_SIZE }, { DEADLINE_MARGIN_SECONDS: "6" });
    const completions = { method: "POST", query: "uploadId" } as const;
    bed.proxy.addRule({ match: completions, action: { type: "holdResponses", parties: 2 } });
    await enqueue(bed.deployment, [bed.job(key)]);
    for (const [variable, value] of Object.entries({ ...bed.deployment.env, POWERTOOLS_LOG_LEVEL: "INFO" })) vi.stubEnv(variable, value);
    // Act: the fan-out, the two ranges, the cut completion, and the range's message coming back
    const drained = await drainThroughHandler(sqs, bed.deployment.queueUrl, handler, { batchSize: 1, timeoutMs: 10_000, idleRounds: 100 });
    await bed.proxy.close();
    // Assess: one upload, each part once, one completion sent; the object done and verified
    expect(drained.failures).toBeGreaterThanOrEqual(1);
    const upload = bed.uploads(key);
    expect(upload.creates).toBe(1);
    expect(upload.completes).toBe(1);
    expect(upload.partPuts).toEqual(["1", "2", "3", "4", MANIFEST_PART]);
    // proven by the source's CRC64NVME, carried through the range jobs and the lost completion
    expect(await bed.record(key)).toMatchObject({ status: "done", verification: "source-checksum", checksum: { algorithm: "CRC64NVME" } });
    expect((await readObject(dst, bed.destinationBucket, key)).equals(bed.bodies.get(key) ?? Buffer.alloc(0))).toBe(true);
    expect(await queueDepth(sqs, bed.deployment.queueUrl)).toBe(0);
    expect(await drainDeadLetters(sqs, bed.deployment.dlqUrl)).toEqual([]);
  });

  it("a source replaced mid fan-out gives the whole fan-out up: SourceChanged, upload aborted, every range settled, no object", {
    timeout: 240_000,
  }, async () => {
    // Prepare: 12 parts in 6 ranges; each part takes at least 1 s at the destination
    const key = "giant/replaced.bin";
    const bed = await prepare("fan-changed", { [key]: 12 * PART_SIZE }, { PART_CONCURRENCY: "1", FILE_CONCURRENCY: "1" });
    await enqueue(bed.deployment, [bed.job(key)]);
    await enqueue(bed.deployment, await fanOutOnly(bed.deployment));
    bed.proxy.addRule({
      match: { method: "PUT", query: "partNumber" },
      action: { type: "delay", ms: 1_000 },
      times: Number.POSITIVE_INFINITY,
    });
    const uploadId = (await openUploads(dst, bed.destinationBucket, key))[0];
    // Act: the source is overwritten once the first range is done
    const worker = startWorker({ ...bed.deployment.env, POWERTOOLS_LOG_LEVEL: "INFO" }, ["--visibility-timeout", "4"]);
    await until(async () => (await bed.ranges(key)).some((range) => range.rangeStatus === RANGE_STATUS.done), 120_000);
    await src.send(new PutObjectCommand({ Bucket: bed.sourceBucket, Key: key, Body: randomBody(PART_SIZE) }));
    try {
      await until(settled(bed, key, "skipped"), 180_000);
    } finally {
      worker.child.kill("SIGTERM");
    }
    expect(await worker.exited, worker.output()).not.toBeNull();
    await bed.proxy.close();
    // Assess
    expect(await bed.record(key)).toMatchObject({ status: "skipped", lastErrorCode: "SourceChanged" });
    const ranges = await bed.ranges(key);
    expect(ranges).toHaveLength(6);
    expect(ranges.filter((range) => range.rangeStatus === RANGE_STATUS.done).length).toBeGreaterThan(0);
    expect(ranges.filter((range) => range.rangeStatus === RANGE_STATUS.aborted).length).toBeGreaterThan(0);
    expect(ranges.every((range) => range.rangeStatus === RANGE_STATUS.done || range.rangeStatus === RANGE_STATUS.aborted)).toBe(true);
    expect(await openUploads(dst, bed.destinationBucket)).toEqual([]);
    await expect(dst.send(new ListPartsCommand({ Bucket: bed.destinationBucket, Key: key, UploadId: uploadId }))).rejects.toMatchObject({
      name: "NoSuchUpload",
    });
    await expect(dst.send(new HeadObjectCommand({ Bucket: bed.destinationBucket, Key: key }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 404 },
    });
    expect(bed.uploads(key).completes).toBe(0);
    expect(await drainDeadLetters(sqs, bed.deployment.dlqUrl)).toEqual([]);
  });

  it("an older upload of ours for the key (a manifest part, another part size) is aborted before the fan-out; another writer's upload is left alone", {
    timeout: 240_000,
  }, async () => {
    // Prepare: two open uploads of the same key at the destination, two parts of 6 MiB each:
    // one of ours for another version (it holds a manifest part), one of another tool
    const key = "giant/older-upload.bin";
    const bed = await prepare("fan-older", { [key]: 5 * PART_SIZE });
    const body = bed.bodies.get(key) ?? Buffer.alloc(0);
    const { CreateMultipartUploadCommand, UploadPartCommand, AbortMultipartUploadCommand } = await import("@aws-sdk/client-s3");
    const openWith = async (partNumbers: number[]) => {
      const upload = await dst.send(new CreateMultipartUploadCommand({ Bucket: bed.destinationBucket, Key: key }));
      for (const partNumber of partNumbers)
        await dst.send(
          new UploadPartCommand({
            Bucket: bed.destinationBucket,
            Key: key,
            UploadId: upload.UploadId,
            PartNumber: partNumber,
            Body: partNumber === 10_000 ? Buffer.from("{}") : body.subarray((partNumber - 1) * 6 * MIB, partNumber * 6 * MIB),
          }),
        );
      return upload.UploadId ?? "";
    };
    const ours = await openWith([1, 2, 10_000]);
    const foreign = await openWith([1, 2]);
    await enqueue(bed.deployment, [bed.job(key)]);
    // Act
    await runWorkers(bed.deployment, 2, settled(bed, key, "done"));
    await bed.proxy.close();
    // Assess: ours was aborted, the other writer's is still open, and the fan-out's own parts of 5 MiB make the object
    expect(bed.proxy.countRequests({ method: "DELETE", query: { uploadId: ours } })).toBe(1);
    expect(bed.proxy.countRequests({ method: "DELETE", query: { uploadId: foreign } })).toBe(0);
    expect(await openUploads(dst, bed.destinationBucket)).toEqual([foreign]);
    await dst.send(new AbortMultipartUploadCommand({ Bucket: bed.destinationBucket, Key: key, UploadId: foreign }));
    const upload = bed.uploads(key);
    expect(upload.partPuts).toEqual(["1", "2", "3", "4", "5", MANIFEST_PART]);
    expect(upload.completes).toBe(1);
    expect((await readObject(dst, bed.destinationBucket, key)).equals(body)).toBe(true);
    expect((await bed.ranges(key)).map((range) => range.rangeStatus)).toEqual([RANGE_STATUS.done, RANGE_STATUS.done, RANGE_STATUS.done]);
  });
});

/** Whether `request` is an UploadPart of `key`. */
function isPartPut(request: ProxiedRequest, bucket: string, key: string): boolean {
  return request.method === "PUT" && request.query.partNumber !== undefined && decodeURIComponent(request.path) === `/${bucket}/${key}`;
}

/** What the destination endpoint saw of `key`'s multipart uploads. */
function uploadRequests(proxy: FaultProxy, bucket: string, key: string) {
  const requests = proxy.requests.filter((request) => decodeURIComponent(request.path) === `/${bucket}/${key}`);
  const parts = requests.filter((request) => isPartPut(request, bucket, key));
  const byNumber = (a: string, b: string) => Number(a) - Number(b);
  const data = (numbers: string[]) => numbers.filter((number) => number !== MANIFEST_PART);
  return {
    /** Every UploadPart sent, by part number, sorted (a part sent twice appears twice). */
    partPuts: parts.map((request) => request.query.partNumber ?? "").sort(byNumber),
    /** Data part numbers sent, with repeats. */
    attemptedParts: data(parts.map((request) => request.query.partNumber ?? "")),
    /** Data part numbers stored (answered 200), with repeats. */
    storedParts: data(parts.filter((request) => request.status === 200).map((request) => request.query.partNumber ?? "")),
    creates: requests.filter((request) => request.method === "POST" && "uploads" in request.query).length,
    completes: requests.filter((request) => request.method === "POST" && "uploadId" in request.query).length,
  };
}
