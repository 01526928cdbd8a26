/**
 * Batches of small objects (`s3-migrate/batch`): each object settled on its own, every byte
 * copied once under duplicate delivery and a worker killed half-way, and the ledger writes a batch
 * costs. Both S3 endpoints and DynamoDB sit behind counting proxies, so "copied once" and "one
 * write an object" are what the endpoints saw, not what our logs say.
 */
import { createHash } from "node:crypto";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { type BatchMessage, objectKey, serializeBatch } from "@s3-migrate/pipeline";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { handler, resetWorkerForTests } from "../../../functions/worker/src/handler.js";
import { drainDeadLetters, localClients, queueBodies } from "../../support/awsResources.js";
import { buildCli } from "../../support/cli.js";
import { createBucket, makeS3Client, putObject, readObject, testEndpoints, uniqueBucketName } from "../../support/endpoints.js";
import { drainThroughHandler } from "../../support/eventSourceMapping.js";
import { type FaultProxy, type ProxiedRequest, startFaultProxy } from "../../support/faultProxy.js";
import { deployLocally, type LocalDeployment } from "../../support/functionEnvironment.js";
import { randomBody } from "../../support/transferBed.js";
import { queueDepth, startWorker, until } from "../../support/workerProcess.js";

const md5 = (body: Uint8Array) => createHash("md5").update(body).digest("hex");

interface Bed {
  readonly sourceBucket: string;
  readonly destinationBucket: string;
  readonly sourceProxy: FaultProxy;
  readonly destinationProxy: FaultProxy;
  readonly ledgerProxy: FaultProxy;
  readonly deployment: LocalDeployment;
}

describe("batches of small objects", () => {
  const { source, destination } = testEndpoints();
  const src = makeS3Client(source.endpoint, source.region);
  const dst = makeS3Client(destination.endpoint, destination.region);
  const { sqs, documents } = localClients(source.endpoint);
  beforeAll(() => buildCli());
  afterEach(() => {
    vi.unstubAllEnvs();
    resetWorkerForTests();
  });

  /** Two buckets with `objects` at the source, and a deployment whose S3 and DynamoDB traffic is counted. */
  async function openBed(name: string, objects: ReadonlyMap<string, Buffer>, env: Record<string, string> = {}): Promise<Bed> {
    const sourceBucket = await createBucket(src, uniqueBucketName(`${name}-src`));
    const destinationBucket = await createBucket(dst, uniqueBucketName(`${name}-dst`));
    for (const [key, body] of objects) await putObject(src, sourceBucket, key, body);
    const sourceProxy = await startFaultProxy({ target: source.endpoint });
    const destinationProxy = await startFaultProxy({ target: destination.endpoint });
    const ledgerProxy = await startFaultProxy({ target: source.endpoint });
    const deployment = await deployLocally(
      name,
      [{ src_bucket: sourceBucket, des_bucket: destinationBucket, des_prefix: "copied" }],
      "#",
      { AWS_ENDPOINT_URL_S3: sourceProxy.endpoint, AWS_ENDPOINT_URL_DYNAMODB: ledgerProxy.endpoint, ...env },
      destinationProxy.endpoint,
    );
    deployment.env.DEAD_LETTER_QUEUE_URL = deployment.dlqUrl;
    return { sourceBucket, destinationBucket, sourceProxy, destinationProxy, ledgerProxy, deployment };
  }

  const closeBed = async (bed: Bed) => {
    await bed.sourceProxy.close();
    await bed.destinationProxy.close();
    await bed.ledgerProxy.close();
  };

  /** A batch of these keys as the jobsender would queue it (ETags are the bodies' MD5s). */
  const batchOf = (bed: Bed, keys: readonly string[], etags: ReadonlyMap<string, string>): string =>
    serializeBatch({
      sourceBucket: bed.sourceBucket,
      destinationBucket: bed.destinationBucket,
      objects: keys.map((key) => ({ key, size: sizes.get(key) ?? 0, etag: etags.get(key) ?? "", destinationKey: `copied/${key}` })),
      queuedAt: new Date().toISOString(),
    } satisfies Omit<BatchMessage, "schema" | "version">);
  const sizes = new Map<string, number>();

  const send = (deployment: LocalDeployment, bodies: readonly string[]) => queueBodies(deployment.queue, bodies);

  /** The destination's object writes (PutObject, not parts) of one key, with the status each got. */
  const putsOf = (bed: Bed, key: string): ProxiedRequest[] =>
    bed.destinationProxy.requests.filter(
      (request) =>
        request.method === "PUT" &&
        request.query.partNumber === undefined &&
        decodeURIComponent(request.path) === `/${bed.destinationBucket}/copied/${key}`,
    );

  async function records(table: string): Promise<Map<string, Record<string, unknown>>> {
    const items = (await documents.send(new ScanCommand({ TableName: table, ConsistentRead: true }))).Items ?? [];
    return new Map(items.map((item) => [String(item.pk), item]));
  }

  const writes = (bed: Bed) =>
    bed.ledgerProxy.requests.filter((request) =>
      /\.(UpdateItem|PutItem|BatchWriteItem|DeleteItem|TransactWriteItems)$/.test(request.operation ?? ""),
    ).length;

  it("a batch with a missing source, an archived object and a denied key among good ones: each good one done once, each bad one dead-lettered alone with its reason", {
    timeout: 120_000,
  }, async () => {
    // Prepare: good objects with odd keys (0 bytes, spaces, +, %, unicode, //, a trailing /), and three bad ones
    const good = new Map<string, Buffer>(
      ["good/a.txt", "good/space key +%😀.bin", "good/empty", "good//double", "good/folder/", "good/ümlaut.json"].map((key, index) => [
        key,
        index === 2 || index === 4 ? Buffer.alloc(0) : randomBody(1_000 + index * 977),
      ]),
    );
    const bed = await openBed("batch-bad", good);
    const archived = randomBody(300);
    await putObject(src, bed.sourceBucket, "bad/archived.bin", archived, { StorageClass: "GLACIER" });
    const denied = randomBody(200);
    await putObject(src, bed.sourceBucket, "bad/denied.bin", denied);
    bed.sourceProxy.addRule({
      match: { method: "GET", path: /\/bad\/denied\.bin$/ },
      action: { type: "status", status: 403, code: "AccessDenied", message: "Access Denied" },
      times: Number.POSITIVE_INFINITY,
    });
    const etags = new Map<string, string>([...good].map(([key, body]) => [key, md5(body)]));
    etags.set("bad/archived.bin", md5(archived));
    etags.set("bad/denied.bin", md5(denied));
    etags.set("bad/missing.bin", md5(Buffer.from("never written")));
    for (const [key, body] of good) sizes.set(key, body.length);
    sizes.set("bad/archived.bin", archived.length);
    sizes.set("bad/denied.bin", denied.length);
    sizes.set("bad/missing.bin", 13);
    const keys = [...good.keys(), "bad/missing.bin", "bad/archived.bin", "bad/denied.bin"].sort(() => Math.random() - 0.5);
    await send(bed.deployment, [batchOf(bed, keys, etags)]);

    // Act: the Lambda handler, as the event source mapping runs it
    for (const [variable, value] of Object.entries(bed.deployment.env)) vi.stubEnv(variable, value);
    const drained = await drainThroughHandler(sqs, bed.deployment.queueUrl, handler);
    await closeBed(bed);

    // Assess: the good ones copied once, byte-exact, and done
    expect(drained.failures).toBe(0);
    const ledger = await records(bed.deployment.table);
    for (const [key, body] of good) {
      expect(
        putsOf(bed, key).map((request) => request.status),
        key,
      ).toEqual([200]);
      expect((await readObject(dst, bed.destinationBucket, `copied/${key}`)).equals(body), key).toBe(true);
      expect(ledger.get(objectKey(bed.destinationBucket, `copied/${key}`).pk), key).toMatchObject({ status: "done", attempts: 1 });
    }
    // each bad one: never written, recorded failed with its reason, and dead-lettered alone as a job of its own
    const reasons = { "bad/missing.bin": "SourceMissing", "bad/archived.bin": "ArchivedObject", "bad/denied.bin": "AccessDenied" };
    const letters = await drainDeadLetters(sqs, bed.deployment.dlqUrl);
    expect(letters.map((letter) => letter.errorCode).sort()).toEqual(Object.values(reasons).sort());
    for (const [key, code] of Object.entries(reasons)) {
      expect(putsOf(bed, key), key).toEqual([]);
      expect(ledger.get(objectKey(bed.destinationBucket, `copied/${key}`).pk), key).toMatchObject({
        status: "failed",
        lastErrorCode: code,
      });
      const letter = letters.find((candidate) => candidate.errorCode === code);
      expect(JSON.parse(letter?.body ?? "{}"), key).toMatchObject({
        schema: "s3-migrate/job",
        source: { key },
        destination: { key: `copied/${key}` },
      });
    }
    expect(await queueDepth(sqs, bed.deployment.queueUrl)).toBe(0);
    // the ledger: one write an object (its commit, or its failure) and two for the batch's lease
    expect(writes(bed)).toBe(keys.length + 2);
  });

  it("batches delivered three times, and batches that overlap, to three worker processes: every object written once", {
    timeout: 180_000,
  }, async () => {
    // Prepare: 60 objects; batches of 20 each sent 3 times, and two more that straddle them
    const objects = new Map<string, Buffer>(
      Array.from({ length: 60 }, (_, index) => [`many/${String(index).padStart(3, "0")} +%.bin`, randomBody(512 + index * 61)]),
    );
    const bed = await openBed("batch-twice", objects, { FILE_CONCURRENCY: "4" });
    const etags = new Map([...objects].map(([key, body]) => [key, md5(body)]));
    for (const [key, body] of objects) sizes.set(key, body.length);
    const keys = [...objects.keys()];
    const batches = [keys.slice(0, 20), keys.slice(20, 40), keys.slice(40, 60)].map((slice) => batchOf(bed, slice, etags));
    const straddling = [keys.slice(10, 30), keys.slice(35, 55)].map((slice) => batchOf(bed, slice, etags));
    const bodies = [...batches, ...batches, ...batches, ...straddling].sort(() => Math.random() - 0.5);
    // Every write of an object is held a little, so duplicates meet a batch mid-copy
    bed.destinationProxy.addRule({ match: { method: "PUT" }, action: { type: "delay", ms: 150 }, times: Number.POSITIVE_INFINITY });
    await send(bed.deployment, bodies);

    // Act
    const workers = [0, 1, 2].map(() =>
      startWorker({ ...bed.deployment.env, POWERTOOLS_LOG_LEVEL: "INFO" }, ["--exit-when-idle", "4", "--visibility-timeout", "6"]),
    );
    const statuses = await Promise.all(workers.map((worker) => worker.exited));
    await closeBed(bed);

    // Assess: one successful write an object (a create-only write that lost to another batch got 412 and wrote nothing)
    for (const [index, status] of statuses.entries()) expect(status, workers[index]?.output()).toBe(0);
    const ledger = await records(bed.deployment.table);
    let refused = 0;
    for (const [key, body] of objects) {
      const puts = putsOf(bed, key);
      expect(
        puts.filter((request) => request.status === 200),
        key,
      ).toHaveLength(1);
      refused += puts.filter((request) => request.status === 412).length;
      expect(
        puts.every((request) => request.status === 200 || request.status === 412),
        key,
      ).toBe(true);
      expect((await readObject(dst, bed.destinationBucket, `copied/${key}`)).equals(body), key).toBe(true);
      expect(ledger.get(objectKey(bed.destinationBucket, `copied/${key}`).pk), key).toMatchObject({ status: "done", attempts: 1 });
    }
    console.log(`create-only writes refused with 412: ${refused} (only objects of the straddling batches can meet one)`);
    const straddled = new Set([...keys.slice(10, 30), ...keys.slice(35, 55)]);
    for (const key of keys.filter((candidate) => !straddled.has(candidate)))
      expect(putsOf(bed, key).length, `${key} is in one batch only, delivered 3 times`).toBe(1);
    expect(await queueDepth(sqs, bed.deployment.queueUrl)).toBe(0);
    expect(await drainDeadLetters(sqs, bed.deployment.dlqUrl)).toEqual([]);
  });

  it("a batch worker killed half-way: the next one copies the rest, and nothing that was done is written again", {
    timeout: 180_000,
  }, async () => {
    // Prepare: one batch of 40 objects, two at a time (PART_CONCURRENCY 2 x 5 MiB parts / 5 MiB threshold), each write held 300 ms
    const objects = new Map<string, Buffer>(Array.from({ length: 40 }, (_, index) => [`half/${index}.bin`, randomBody(2_000 + index)]));
    const bed = await openBed("batch-killed", objects, { PART_SIZE_MIB: "5", PART_CONCURRENCY: "2", SMALL_OBJECT_THRESHOLD_MIB: "5" });
    const etags = new Map([...objects].map(([key, body]) => [key, md5(body)]));
    for (const [key, body] of objects) sizes.set(key, body.length);
    bed.destinationProxy.addRule({ match: { method: "PUT" }, action: { type: "delay", ms: 300 }, times: Number.POSITIVE_INFINITY });
    await send(bed.deployment, [batchOf(bed, [...objects.keys()], etags)]);
    const done = async () =>
      [...(await records(bed.deployment.table)).values()].filter((record) => record.sk === "object" && record.status === "done").length;

    // Act: kill -9 once some but not all objects are done, then let a second worker take the batch
    const first = startWorker(bed.deployment.env, ["--visibility-timeout", "4"]);
    await until(async () => (await done()) >= 8, 60_000, 20);
    first.child.kill("SIGKILL");
    await first.exited;
    const doneAtKill = new Set(
      [...(await records(bed.deployment.table)).values()]
        .filter((record) => record.sk === "object" && record.status === "done")
        .map((record) => String(record.srcKey)),
    );
    expect(doneAtKill.size).toBeGreaterThan(0);
    expect(doneAtKill.size).toBeLessThan(objects.size);
    // the batch comes back once its visibility (and the killed worker's batch lease) lapses
    const second = startWorker({ ...bed.deployment.env, POWERTOOLS_LOG_LEVEL: "INFO" }, ["--visibility-timeout", "4"]);
    try {
      await until(async () => (await done()) === objects.size && (await queueDepth(sqs, bed.deployment.queueUrl)) === 0, 60_000);
    } finally {
      second.child.kill("SIGTERM");
    }
    expect(await second.exited, second.output()).not.toBeNull();
    await closeBed(bed);

    // Assess: everything there and done; what was done at the kill was written once; nothing written twice successfully
    const ledger = await records(bed.deployment.table);
    for (const [key, body] of objects) {
      const puts = putsOf(bed, key);
      if (doneAtKill.has(key)) expect(puts, `${key} was done before the kill`).toHaveLength(1);
      // A write cut by the kill (no answer) may still have reached the destination: the next
      // worker's create-only write then gets 412 and records the bytes it finds, copying nothing.
      expect(puts.filter((request) => request.status === 200).length, key).toBeLessThanOrEqual(1);
      expect(puts.filter((request) => request.status === 200 || request.status === 412).length, key).toBeGreaterThanOrEqual(1);
      expect((await readObject(dst, bed.destinationBucket, `copied/${key}`)).equals(body), key).toBe(true);
      expect(ledger.get(objectKey(bed.destinationBucket, `copied/${key}`).pk), key).toMatchObject({ status: "done" });
    }
    expect(second.output()).toMatch(/Already copied; skipped/);
    expect(await queueDepth(sqs, bed.deployment.queueUrl)).toBe(0);
    expect(await drainDeadLetters(sqs, bed.deployment.dlqUrl)).toEqual([]);
  });

  it("an S3 event message with several records is worked on in place, each record settled alone", { timeout: 120_000 }, async () => {
    // Prepare: an event bucket with two objects, and an event naming them and a third that is gone
    const bodies = new Map([
      ["incoming/a b+.csv", randomBody(700)],
      ["incoming/c.csv", randomBody(900)],
    ]);
    const bed = await openBed("batch-events", new Map());
    for (const [key, body] of bodies) await putObject(src, bed.sourceBucket, key, body);
    bed.deployment.env.EVENT_SOURCE_BUCKET = bed.sourceBucket;
    bed.deployment.env.DEFAULT_DEST_BUCKET = bed.destinationBucket;
    bed.deployment.env.DEFAULT_DEST_PREFIX = "events";
    const record = (key: string, body: Buffer, sequencer: string) => ({
      eventVersion: "2.1",
      eventSource: "aws:s3",
      eventName: "ObjectCreated:Put",
      s3: {
        bucket: { name: bed.sourceBucket },
        object: { key: encodeURIComponent(key).replaceAll("%20", "+"), size: body.length, eTag: md5(body), sequencer },
      },
    });
    const records = [
      record("incoming/a b+.csv", bodies.get("incoming/a b+.csv") as Buffer, "0055AED6DCD90281E5"),
      record("incoming/gone.csv", Buffer.from("gone"), "0055AED6DCD90281E6"),
      record("incoming/c.csv", bodies.get("incoming/c.csv") as Buffer, "0055AED6DCD90281E7"),
    ];
    await send(bed.deployment, [JSON.stringify({ Records: records })]);

    // Act
    for (const [variable, value] of Object.entries(bed.deployment.env)) vi.stubEnv(variable, value);
    const drained = await drainThroughHandler(sqs, bed.deployment.queueUrl, handler);
    await closeBed(bed);

    // Assess: one message, worked on once; the two there copied once each; the gone one dead-lettered alone, as its own event
    expect(drained).toMatchObject({ invocations: 1, processed: 1, failures: 0 });
    for (const [key, body] of bodies) {
      const puts = bed.destinationProxy.requests.filter(
        (request) => request.method === "PUT" && decodeURIComponent(request.path) === `/${bed.destinationBucket}/events/${key}`,
      );
      expect(
        puts.map((request) => request.status),
        key,
      ).toEqual([200]);
      expect((await readObject(dst, bed.destinationBucket, `events/${key}`)).equals(body), key).toBe(true);
    }
    const letters = await drainDeadLetters(sqs, bed.deployment.dlqUrl);
    expect(letters.map((letter) => letter.errorCode)).toEqual(["SourceMissing"]);
    expect(JSON.parse(letters[0]?.body ?? "{}")).toEqual({ Records: [records[1]] });
    expect(await queueDepth(sqs, bed.deployment.queueUrl)).toBe(0);
  });
});
