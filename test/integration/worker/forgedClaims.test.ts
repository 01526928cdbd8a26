/**
 * Nothing a message claims is believed without the ledger or the source (issue 22): a job that
 * names a completion the ledger never recorded, an S3 event with a forged sequencer, a range job
 * with another ETag, and a worker killed between CompleteMultipartUpload and its ledger write.
 * Counted at a proxy in front of the destination, against moto with atomic conditional writes.
 */
import { createHash } from "node:crypto";
import { HeadObjectCommand } from "@aws-sdk/client-s3";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { KmsMessageAuthenticator, MAC_ATTRIBUTE, objectKey, redriveDeadLetters, serializeJob } from "@s3-migrate/pipeline";
import { MIB } from "@s3-migrate/transfer";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { handler, resetWorkerForTests } from "../../../functions/worker/src/handler.js";
import { createMessageKey, drainDeadLetters, drainQueue, localClients, queueBodies } from "../../support/awsResources.js";
import { buildCli } from "../../support/cli.js";
import { createBucket, makeS3Client, putObject, readObject, testEndpoints, uniqueBucketName } from "../../support/endpoints.js";
import { drainThroughHandler } from "../../support/eventSourceMapping.js";
import { type FaultProxy, startFaultProxy } from "../../support/faultProxy.js";
import { deployLocally, type LocalDeployment, SMALL_FANOUT_ENV } from "../../support/functionEnvironment.js";
import { openUploads, randomBody } from "../../support/transferBed.js";
import { startWorker, until } from "../../support/workerProcess.js";

describe("forged claims and the crash between completion and ledger", () => {
  const { source, destination } = testEndpoints();
  const src = makeS3Client(source.endpoint, source.region);
  const dst = makeS3Client(destination.endpoint, destination.region);
  const { sqs, documents } = localClients(source.endpoint);
  beforeAll(() => buildCli());
  afterEach(() => {
    vi.unstubAllEnvs();
    resetWorkerForTests();
  });

  interface Bed {
    readonly sourceBucket: string;
    readonly destinationBucket: string;
    readonly proxy: FaultProxy;
    readonly deployment: LocalDeployment;
  }

  async function prepare(name: string, env: Record<string, string>): Promise<Bed> {
    const sourceBucket = await createBucket(src, uniqueBucketName(`${name}-src`));
    const destinationBucket = await createBucket(dst, uniqueBucketName(`${name}-dst`));
    const proxy = await startFaultProxy({ target: destination.endpoint });
    const deployment = await deployLocally(
      name,
      [{ src_bucket: sourceBucket, des_bucket: destinationBucket }],
      "#",
      { POWERTOOLS_LOG_LEVEL: "ERROR", ...env },
      proxy.endpoint,
    );
    deployment.env.DEAD_LETTER_QUEUE_URL = deployment.dlqUrl;
    for (const [variable, value] of Object.entries(deployment.env)) vi.stubEnv(variable, value);
    return { sourceBucket, destinationBucket, proxy, deployment };
  }
  const etagOf = async (bucket: string, key: string, client = src) =>
    ((await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).ETag ?? "").replaceAll('"', "");
  const job = (bed: Bed, key: string, size: number, etag: string, extra: Record<string, unknown> = {}) =>
    JSON.stringify({
      ...JSON.parse(
        serializeJob({
          source: { bucket: bed.sourceBucket, key, size, etag },
          destination: { bucket: bed.destinationBucket, key },
          queuedAt: "",
        }),
      ),
      ...extra,
    });
  const record = async (bed: Bed, key: string) =>
    (
      await documents.send(
        new GetCommand({ TableName: bed.deployment.table, Key: objectKey(bed.destinationBucket, key), ConsistentRead: true }),
      )
    ).Item;
  /** Sends a body with the code given (or none), as a principal that may send but not sign would. */
  const sendAsIs = (QueueUrl: string, { body, mac }: { body: string; mac?: string }) =>
    sqs.send(
      new SendMessageCommand({
        QueueUrl,
        MessageBody: body,
        ...(mac === undefined ? {} : { MessageAttributes: { [MAC_ATTRIBUTE]: { DataType: "String", StringValue: mac } } }),
      }),
    );
  const partPuts = (bed: Bed, key: string) =>
    bed.proxy.requests.filter((r) => r.method === "PUT" && decodeURIComponent(r.path) === `/${bed.destinationBucket}/${key}`).length;

  it("a job naming a completion the ledger never recorded (the destination's old ETag) copies the new bytes instead of recording done", {
    timeout: 120_000,
  }, async () => {
    // Prepare: the destination holds version one as a two-part upload; the source is overwritten
    // with other bytes of the same size
    const bed = await prepare("forge-completing", { PART_SIZE_MIB: "5", SMALL_OBJECT_THRESHOLD_MIB: "5" });
    const key = "big/object.bin";
    const size = 10 * MIB;
    const one = randomBody(size);
    await putObject(src, bed.sourceBucket, key, one);
    await queueBodies(bed.deployment.queue, [job(bed, key, size, await etagOf(bed.sourceBucket, key))]);
    await drainThroughHandler(sqs, bed.deployment.queueUrl, handler);
    const oldComposite = await etagOf(bed.destinationBucket, key, dst);
    expect(oldComposite).toMatch(/-2$/);
    const two = randomBody(size);
    await putObject(src, bed.sourceBucket, key, two);
    // Act: one job with the new source ETag, claiming the old destination ETag as a lost completion
    const forged = job(bed, key, size, await etagOf(bed.sourceBucket, key), {
      completing: { uploadId: "forged-upload", etag: oldComposite, verification: "source-etag" },
    });
    await queueBodies(bed.deployment.queue, [forged]);
    await drainThroughHandler(sqs, bed.deployment.queueUrl, handler);
    await bed.proxy.close();
    // Assess: the new bytes are at the destination, and the ledger says done for them
    expect((await readObject(dst, bed.destinationBucket, key)).equals(two)).toBe(true);
    expect(await etagOf(bed.destinationBucket, key, dst)).not.toBe(oldComposite);
    expect(await record(bed, key)).toMatchObject({ status: "done", srcEtag: await etagOf(bed.sourceBucket, key) });
    expect(await drainDeadLetters(sqs, bed.deployment.dlqUrl)).toEqual([]);
  });

  it("an S3 event with a forged sequencer (F x 64) cannot freeze its key: the genuine event of the next upload is copied", {
    timeout: 120_000,
  }, async () => {
    const bed = await prepare("forge-sequencer", {});
    const events = await createBucket(src, uniqueBucketName("forge-ev"));
    Object.assign(bed.deployment.env, {
      EVENT_SOURCE_BUCKET: events,
      DEFAULT_DEST_BUCKET: bed.destinationBucket,
      DEFAULT_DEST_PREFIX: "events",
    });
    for (const [variable, value] of Object.entries(bed.deployment.env)) vi.stubEnv(variable, value);
    const key = "incoming/frozen.csv";
    const event = (sequencer: string, eTag: string) =>
      JSON.stringify({
        Records: [
          {
            eventVersion: "2.1",
            eventSource: "aws:s3",
            eventName: "ObjectCreated:Put",
            s3: { bucket: { name: events }, object: { key: encodeURIComponent(key), size: 11, eTag, sequencer } },
          },
        ],
      });
    await putObject(src, events, key, "version one");
    // Act: the forged event first, then the source overwritten and its genuine event
    await queueBodies(bed.deployment.queue, [event("F".repeat(64), await etagOf(events, key))]);
    await drainThroughHandler(sqs, bed.deployment.queueUrl, handler);
    expect((await readObject(dst, bed.destinationBucket, `events/${key}`)).toString()).toBe("version one");
    await putObject(src, events, key, "version two");
    await queueBodies(bed.deployment.queue, [event("0055AED6DCD90281E6", await etagOf(events, key))]);
    await drainThroughHandler(sqs, bed.deployment.queueUrl, handler);
    await bed.proxy.close();
    // Assess
    expect((await readObject(dst, bed.destinationBucket, `events/${key}`)).toString()).toBe("version two");
    expect(await drainDeadLetters(sqs, bed.deployment.dlqUrl)).toEqual([]);
  });

  it("a range job with the real upload id and another ETag is refused (ForgedClaim): the live upload is not aborted and the object completes", {
    timeout: 180_000,
  }, async () => {
    const bed = await prepare("forge-range", SMALL_FANOUT_ENV);
    const key = "giant/live.bin";
    const body = randomBody(4 * 5 * MIB);
    await putObject(src, bed.sourceBucket, key, body);
    await queueBodies(bed.deployment.queue, [job(bed, key, body.length, await etagOf(bed.sourceBucket, key))]);
    expect(await drainThroughHandler(sqs, bed.deployment.queueUrl, handler, { batchSize: 1, maxInvocations: 1 })).toMatchObject({
      failures: 0,
    });
    const ranges = await drainQueue(sqs, bed.deployment.queueUrl);
    expect(ranges).toHaveLength(2);
    const forgedRange = JSON.parse(ranges[0] ?? "{}");
    forgedRange.source.etag = "0123456789abcdef0123456789abcdef";
    // Act: the forged range first, then the genuine ones
    await queueBodies(bed.deployment.queue, [JSON.stringify(forgedRange)]);
    await drainThroughHandler(sqs, bed.deployment.queueUrl, handler);
    const deletesAfterForgery = bed.proxy.countRequests({ method: "DELETE" });
    const dead = await drainDeadLetters(sqs, bed.deployment.dlqUrl);
    await queueBodies(bed.deployment.queue, ranges);
    await drainThroughHandler(sqs, bed.deployment.queueUrl, handler);
    await bed.proxy.close();
    // Assess
    expect(dead.map((letter) => letter.errorCode)).toEqual(["ForgedClaim"]);
    expect(deletesAfterForgery).toBe(0);
    expect((await readObject(dst, bed.destinationBucket, key)).equals(body)).toBe(true);
    expect(await record(bed, key)).toMatchObject({ status: "done" });
    expect(await openUploads(dst, bed.destinationBucket)).toEqual([]);
  });

  it("a worker killed after CompleteMultipartUpload, before its ledger write: the next attempt finds the object and sends no part again", {
    timeout: 180_000,
  }, async () => {
    // Prepare: a 15 MiB object in 3 parts; the destination completes the upload but never answers
    const bed = await prepare("crash-complete", { PART_SIZE_MIB: "5", SMALL_OBJECT_THRESHOLD_MIB: "5" });
    const key = "big/crash.bin";
    const body = randomBody(15 * MIB);
    await putObject(src, bed.sourceBucket, key, body);
    bed.proxy.addRule({ match: { method: "POST", query: "uploadId" }, action: { type: "holdResponses", parties: 2 } });
    await queueBodies(bed.deployment.queue, [job(bed, key, body.length, await etagOf(bed.sourceBucket, key))]);
    const first = startWorker(bed.deployment.env, ["--visibility-timeout", "4"]);
    // Act: kill -9 once S3 holds the completed object
    await until(
      async () => (await dst.send(new HeadObjectCommand({ Bucket: bed.destinationBucket, Key: key })).catch(() => undefined)) !== undefined,
      120_000,
      50,
    );
    first.child.kill("SIGKILL");
    await first.exited;
    expect(await record(bed, key)).toMatchObject({ status: "in_progress", pendingCompletion: { etag: expect.stringMatching(/-3$/) } });
    const putsBefore = partPuts(bed, key);
    bed.proxy.clearRules();
    const second = startWorker(bed.deployment.env, ["--visibility-timeout", "4"]);
    try {
      // the message comes back once its visibility (and with it the dead worker's lease) lapses
      await until(async () => (await record(bed, key))?.status === "done", 60_000, 200);
    } finally {
      second.child.kill("SIGTERM");
      await second.exited;
    }
    await bed.proxy.close();
    // Assess: done from the first attempt's completion, nothing sent again
    expect(partPuts(bed, key)).toBe(putsBefore);
    // (proven by the source's CRC64NVME, which the pending completion carried through the crash)
    expect(await record(bed, key)).toMatchObject({ status: "done", verification: "source-checksum" });
    expect((await readObject(dst, bed.destinationBucket, key)).equals(body)).toBe(true);
    expect(await drainDeadLetters(sqs, bed.deployment.dlqUrl)).toEqual([]);
  });

  it("messages that are not ours are dead-lettered as they came, nothing read: no code, another body's code, another key's code; a redrive cannot make them ours", {
    timeout: 120_000,
  }, async () => {
    // Prepare: four objects; each forged message names one of them, the fourth job is ours
    const bed = await prepare("unsigned", {});
    const keys = ["no-code.txt", "swapped-code.txt", "other-key.txt", "ours.txt"];
    for (const key of keys) await putObject(src, bed.sourceBucket, key, `body of ${key}`);
    const jobs = await Promise.all(keys.map(async (key) => job(bed, key, `body of ${key}`.length, await etagOf(bed.sourceBucket, key))));
    const { kms } = localClients(source.endpoint);
    const otherKey = new KmsMessageAuthenticator(kms, await createMessageKey(kms));
    const ours = bed.deployment.queue.signer as KmsMessageAuthenticator;
    const forged = [
      { body: jobs[0] as string },
      // a valid code, of another message's body
      { body: jobs[1] as string, mac: await ours.sign(jobs[3] as string) },
      // a valid code of this body, by a key that is not the deployment's
      { body: jobs[2] as string, mac: await otherKey.sign(jobs[2] as string) },
    ];
    for (const message of forged) await sendAsIs(bed.deployment.queueUrl, message);
    await queueBodies(bed.deployment.queue, [jobs[3] as string]);
    // Act
    expect(await drainThroughHandler(sqs, bed.deployment.queueUrl, handler)).toMatchObject({ failures: 0 });
    const touched = (key: string) => bed.proxy.requests.filter((r) => decodeURIComponent(r.path).endsWith(`/${key}`)).length;
    const dead = await drainDeadLetters(sqs, bed.deployment.dlqUrl);
    // Assess: refused with the reason, unsigned, and nothing of them read, written or recorded
    expect(dead.map((letter) => [letter.body, letter.errorCode, letter.mac]).sort()).toEqual(
      forged.map(({ body }) => [body, "Unauthenticated", undefined]).sort(),
    );
    expect(dead.map((letter) => letter.errorMessage).sort()).toEqual([
      "Refused a message that is not authenticated: it carries no authentication code (s3mMac)",
      "Refused a message that is not authenticated: its authentication code does not match its body",
      "Refused a message that is not authenticated: its authentication code does not match its body",
    ]);
    for (const key of keys.slice(0, 3)) {
      expect(touched(key), key).toBe(0);
      expect(await record(bed, key), key).toBeUndefined();
    }
    expect((await readObject(dst, bed.destinationBucket, "ours.txt")).toString()).toBe("body of ours.txt");
    // Act: a redrive brings them back as they are, and they are refused again
    for (const message of forged) await sendAsIs(bed.deployment.dlqUrl, message);
    await redriveDeadLetters(sqs, bed.deployment.dlqUrl, bed.deployment.queueUrl, 10);
    await drainThroughHandler(sqs, bed.deployment.queueUrl, handler);
    await bed.proxy.close();
    expect((await drainDeadLetters(sqs, bed.deployment.dlqUrl)).map((letter) => letter.errorCode)).toEqual([
      "Unauthenticated",
      "Unauthenticated",
      "Unauthenticated",
    ]);
    for (const key of keys.slice(0, 3)) expect(touched(key), key).toBe(0);
  });

  it("a dead letter of ours keeps its code: redriven once its cause is fixed, it is copied", { timeout: 120_000 }, async () => {
    // Prepare: a signed job for a source key that does not exist yet
    const bed = await prepare("redrive-signed", {});
    const key = "late/arrival.txt";
    await queueBodies(bed.deployment.queue, [job(bed, key, 7, createHash("md5").update("arrived").digest("hex"))]);
    await drainThroughHandler(sqs, bed.deployment.queueUrl, handler);
    const [letter] = await drainDeadLetters(sqs, bed.deployment.dlqUrl);
    expect(letter).toMatchObject({ errorCode: "SourceMissing", mac: expect.any(String) });
    await sendAsIs(bed.deployment.dlqUrl, { body: letter?.body ?? "", ...(letter?.mac === undefined ? {} : { mac: letter.mac }) });
    // Act: the object the job names arrives (its seven bytes, so its ETag), then the redrive
    await putObject(src, bed.sourceBucket, key, "arrived");
    await redriveDeadLetters(sqs, bed.deployment.dlqUrl, bed.deployment.queueUrl, 10);
    await drainThroughHandler(sqs, bed.deployment.queueUrl, handler);
    await bed.proxy.close();
    // Assess
    expect(await drainDeadLetters(sqs, bed.deployment.dlqUrl)).toEqual([]);
    expect(await record(bed, key)).toMatchObject({ status: "done" });
  });

  it("S3 events are believed only from the event queue: an unsigned removal on the job queue deletes nothing, a job on the event queue is refused, S3's own events are copied in both modes", {
    timeout: 180_000,
  }, async () => {
    // Prepare: events of one bucket, deletes propagated; the destination holds a key of its own
    const bed = await prepare("event-queue", {});
    const events = await createBucket(src, uniqueBucketName("evq"));
    Object.assign(bed.deployment.env, {
      EVENT_SOURCE_BUCKET: events,
      DEFAULT_DEST_BUCKET: bed.destinationBucket,
      DEFAULT_DEST_PREFIX: "events",
      PROPAGATE_DELETES: "true",
    });
    for (const [variable, value] of Object.entries(bed.deployment.env)) vi.stubEnv(variable, value);
    await putObject(dst, bed.destinationBucket, "events/only-here.txt", "the destination's own");
    const record = (eventName: string, key: string, extra: Record<string, unknown> = {}) => ({
      eventVersion: "2.1",
      eventSource: "aws:s3",
      eventName,
      s3: { bucket: { name: events }, object: { key: encodeURIComponent(key), sequencer: "0055AED6DCD90281E6", ...extra } },
    });
    const removal = JSON.stringify({ Records: [record("ObjectRemoved:Delete", "only-here.txt")] });
    await putObject(src, events, "lambda.txt", "copied by the Lambda");
    await putObject(src, events, "cluster.txt", "copied by a cluster worker");
    const created = (key: string) => JSON.stringify({ Records: [record("ObjectCreated:Put", key)] });
    // Act: a removal as a principal with SendMessage would forge it, a job on the event queue, S3's genuine event
    await sendAsIs(bed.deployment.queueUrl, { body: removal });
    await sendAsIs(bed.deployment.eventQueueUrl, { body: job(bed, "lambda.txt", 20, await etagOf(events, "lambda.txt")) });
    await sendAsIs(bed.deployment.eventQueueUrl, { body: created("lambda.txt") });
    await drainThroughHandler(sqs, bed.deployment.queueUrl, handler);
    await drainThroughHandler(sqs, bed.deployment.eventQueueUrl, handler);
    const dead = await drainDeadLetters(sqs, bed.deployment.dlqUrl);
    // the cluster worker polls both queues
    await sendAsIs(bed.deployment.eventQueueUrl, { body: created("cluster.txt") });
    const worker = startWorker(bed.deployment.env, ["--exit-when-idle", "3"]);
    await worker.exited;
    await bed.proxy.close();
    // Assess
    expect(dead.map((letter) => letter.errorMessage).sort()).toEqual([
      "Refused a message that is not authenticated: it carries no authentication code (s3mMac)",
      "Refused a message that is not authenticated: only S3 event notifications arrive on the event queue",
    ]);
    expect(bed.proxy.countRequests({ method: "DELETE" })).toBe(0);
    expect((await readObject(dst, bed.destinationBucket, "events/only-here.txt")).toString()).toBe("the destination's own");
    expect((await readObject(dst, bed.destinationBucket, "events/lambda.txt")).toString()).toBe("copied by the Lambda");
    expect((await readObject(dst, bed.destinationBucket, "events/cluster.txt")).toString()).toBe("copied by a cluster worker");
  });
});
