/**
 * Exactly-once under duplicate delivery, with two cluster-mode worker processes taking messages
 * from one queue at the same time: every copy of a job is delivered (3 or 10 times), yet every
 * byte crosses to the destination once. Counted at the destination endpoint, not from our logs.
 */
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { ObjectTransitions, objectKey, sendJobs, serializeJob } from "@s3-migrate/pipeline";
import { MIB } from "@s3-migrate/transfer";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { handler, resetWorkerForTests } from "../../../functions/worker/src/handler.js";
import { drainDeadLetters, localClients, queueBodies } from "../../support/awsResources.js";
import { buildCli } from "../../support/cli.js";
import { createBucket, makeS3Client, putObject, readObject, testEndpoints, uniqueBucketName } from "../../support/endpoints.js";
import { drainThroughHandler } from "../../support/eventSourceMapping.js";
import { type ProxiedRequest, startFaultProxy } from "../../support/faultProxy.js";
import { deployLocally } from "../../support/functionEnvironment.js";
import { openUploads, randomBody } from "../../support/transferBed.js";
import { queueDepth, startWorker } from "../../support/workerProcess.js";

describe("exactly-once copies under duplicate delivery (two worker processes)", () => {
  const { source, destination } = testEndpoints();
  const src = makeS3Client(source.endpoint, source.region);
  const dst = makeS3Client(destination.endpoint, destination.region);
  const { sqs, documents } = localClients(source.endpoint);
  beforeAll(() => buildCli());

  it("uploads each object's bytes once for 3 and 10 deliveries of small, multipart and slow (longer than a busy retry) objects", {
    timeout: 240_000,
  }, async () => {
    // Prepare: three kinds of object, each queued 3 times and 10 times under its own key
    const sourceBucket = await createBucket(src, uniqueBucketName("once-src"));
    const destinationBucket = await createBucket(dst, uniqueBucketName("once-dst"));
    const kinds = { small: 40 * 1024, multipart: 15 * MIB + 7, slow: 20 * MIB } as const;
    const objects: Array<{ key: string; body: Buffer; deliveries: number; kind: keyof typeof kinds }> = [];
    for (const [kind, size] of Object.entries(kinds) as Array<[keyof typeof kinds, number]>) {
      for (const deliveries of [3, 10]) {
        const key = `${kind}/x${deliveries} +%😀.bin`;
        const body = randomBody(size);
        await putObject(src, sourceBucket, key, body);
        objects.push({ key, body, deliveries, kind });
      }
    }
    const proxy = await startFaultProxy({ target: destination.endpoint });
    // The slow objects' parts take 3 s each, two at a time: each copy lasts longer than the
    // busy-retry delay of a first delivery (at most 5 s) and than a lease: a duplicate deferred
    // as busy would come back mid-copy, and the copy lives only by renewing its lease.
    proxy.addRule({
      match: { method: "PUT", query: "partNumber", path: /\/slow\// },
      action: { type: "delay", ms: 3_000 },
      times: Infinity,
    });
    const deployment = await deployLocally(
      "once",
      [{ src_bucket: sourceBucket, des_bucket: destinationBucket, des_prefix: "copied" }],
      "#",
      { PART_SIZE_MIB: "5", SMALL_OBJECT_THRESHOLD_MIB: "5", PART_CONCURRENCY: "2", FILE_CONCURRENCY: "4" },
      proxy.endpoint,
    );
    deployment.env.DEAD_LETTER_QUEUE_URL = deployment.dlqUrl;
    // The job queue behind a counting proxy too (the SDK sends to the queue URL's host): settled messages must leave in batches
    const queueProxy = await startFaultProxy({ target: source.endpoint });
    deployment.env.JOB_QUEUE_URL = deployment.queueUrl.replace(new URL(deployment.queueUrl).origin, queueProxy.endpoint);
    const bodies = objects.flatMap((object) =>
      Array.from({ length: object.deliveries }, () =>
        serializeJob({
          source: { bucket: sourceBucket, key: object.key, size: object.body.length },
          destination: { bucket: destinationBucket, key: `copied/${object.key}` },
          queuedAt: new Date().toISOString(),
        }),
      ),
    );
    // shuffled, so duplicates of one object reach both workers at the same time
    bodies.sort(() => Math.random() - 0.5);
    const queued = await sendJobs(
      deployment.queue,
      bodies.map((body) => ({ body, item: body })),
    );
    expect(queued.failed).toEqual([]);
    // Act
    // A 4 s visibility (and lease) renewed every 1.3 s: the slow copies outlive several leases,
    // so renewals run while duplicates keep arriving.
    const workers = [0, 1].map(() =>
      startWorker({ ...deployment.env, POWERTOOLS_LOG_LEVEL: "INFO" }, ["--exit-when-idle", "4", "--visibility-timeout", "4"]),
    );
    const statuses = await Promise.all(workers.map((worker) => worker.exited));
    await proxy.close();
    await queueProxy.close();
    // Assess
    for (const [index, status] of statuses.entries()) expect(status, workers[index]?.output()).toBe(0);
    const requestsOf = (key: string): ProxiedRequest[] =>
      proxy.requests.filter((request) => decodeURIComponent(request.path) === `/${destinationBucket}/copied/${key}`);
    for (const object of objects) {
      const requests = requestsOf(object.key);
      const puts = requests.filter((request) => request.method === "PUT" && request.query.partNumber === undefined);
      const parts = requests.filter((request) => request.method === "PUT" && request.query.partNumber !== undefined);
      const label = `${object.key}: ${object.deliveries} deliveries`;
      if (object.kind === "small") {
        expect(puts, label).toHaveLength(1);
        expect(parts, label).toHaveLength(0);
      } else {
        const partNumbers = parts.map((request) => request.query.partNumber).sort();
        expect(new Set(partNumbers).size, label).toBe(partNumbers.length);
        expect(partNumbers.length, label).toBe(Math.ceil(object.body.length / (5 * MIB)) + 1);
        expect(
          requests.filter((request) => request.method === "POST" && "uploads" in request.query),
          label,
        ).toHaveLength(1);
        expect(
          requests.filter((request) => request.method === "POST" && "uploadId" in request.query),
          label,
        ).toHaveLength(1);
      }
      expect((await readObject(dst, destinationBucket, `copied/${object.key}`)).equals(object.body), label).toBe(true);
      const record = await documents.send(
        new GetCommand({ TableName: deployment.table, Key: objectKey(destinationBucket, `copied/${object.key}`) }),
      );
      expect(record.Item, label).toMatchObject({ status: "done", attempts: 1, deliveries: object.deliveries });
    }
    expect(await openUploads(dst, destinationBucket)).toEqual([]);
    expect(await queueDepth(sqs, deployment.queueUrl)).toBe(0);
    expect(await drainDeadLetters(sqs, deployment.dlqUrl)).toEqual([]);
    // the duplicates met both a live lease (settled at once) and a finished copy: both paths ran
    const count = (pattern: RegExp) => workers.reduce((sum, worker) => sum + (worker.output().match(pattern)?.length ?? 0), 0);
    const duplicates = { whileCopying: count(/duplicate settled/g), afterDone: count(/duplicate delivery skipped/g) };
    console.log(`duplicates: ${duplicates.whileCopying} settled against a live lease, ${duplicates.afterDone} after the copy was done`);
    expect(duplicates.whileCopying + duplicates.afterDone).toBe(bodies.length - objects.length);
    expect(duplicates.whileCopying).toBeGreaterThan(0);
    // every settled message was deleted in a DeleteMessageBatch (up to 10 a request), none alone
    const sqsCalls = (operation: string) => queueProxy.requests.filter((request) => request.operation === `AmazonSQS.${operation}`).length;
    console.log(`deletes: ${sqsCalls("DeleteMessageBatch")} DeleteMessageBatch requests for ${bodies.length} messages`);
    expect(sqsCalls("ReceiveMessage")).toBeGreaterThan(0);
    expect(sqsCalls("DeleteMessage")).toBe(0);
    expect(sqsCalls("DeleteMessageBatch")).toBeGreaterThan(0);
    expect(sqsCalls("DeleteMessageBatch")).toBeLessThanOrEqual(bodies.length);
  });
});

describe("waiting for another attempt's lease", () => {
  const { source, destination } = testEndpoints();
  const src = makeS3Client(source.endpoint, source.region);
  const dst = makeS3Client(destination.endpoint, destination.region);
  const { sqs, documents } = localClients(source.endpoint);
  afterEach(() => {
    vi.unstubAllEnvs();
    resetWorkerForTests();
  });

  it("brings a job for a newer version back as a new message once the older copy's lease lapses, so waiting counts no receive", async () => {
    // Prepare: the newer version at the source; an older version's copy holds a live lease
    const sourceBucket = await createBucket(src, uniqueBucketName("wait-src"));
    const destinationBucket = await createBucket(dst, uniqueBucketName("wait-dst"));
    const key = "waits/for the lease.bin";
    const body = randomBody(3000);
    const etag = ((await putObject(src, sourceBucket, key, body)).ETag ?? "").replaceAll('"', "");
    const deployment = await deployLocally("wait", [{ src_bucket: sourceBucket, des_bucket: destinationBucket }]);
    for (const [variable, value] of Object.entries(deployment.env)) vi.stubEnv(variable, value);
    vi.stubEnv("DEAD_LETTER_QUEUE_URL", deployment.dlqUrl);
    const ledger = new ObjectTransitions(documents, deployment.table);
    const older = { srcBucket: sourceBucket, srcKey: key, desBucket: destinationBucket, desKey: key, size: 2000, srcEtag: "0".repeat(32) };
    const now = new Date();
    await ledger.begin(older, { token: "older", messageId: "older-message", expiresAt: now.getTime() + 4_000 }, 0, now);
    await queueBodies(deployment.queue, [
      serializeJob({
        source: { bucket: sourceBucket, key, size: body.length, etag },
        destination: { bucket: destinationBucket, key },
        queuedAt: "",
      }),
    ]);
    const receiveCounts: string[] = [];
    const counting: typeof handler = (event, context) => {
      for (const record of event.Records) receiveCounts.push(record.attributes.ApproximateReceiveCount);
      return handler(event, context);
    };
    // Act
    const drained = await drainThroughHandler(sqs, deployment.queueUrl, counting, { idleRounds: 20 });
    // Assess: delivered twice (busy, then copied), each time as a first delivery
    expect(drained.failures).toBe(0);
    expect(receiveCounts).toEqual(["1", "1"]);
    expect((await readObject(dst, destinationBucket, key)).equals(body)).toBe(true);
    const record = await documents.send(new GetCommand({ TableName: deployment.table, Key: objectKey(destinationBucket, `${key}`) }));
    expect(record.Item).toMatchObject({ status: "done", srcEtag: etag });
    expect(await drainDeadLetters(sqs, deployment.dlqUrl)).toEqual([]);
  });
});
