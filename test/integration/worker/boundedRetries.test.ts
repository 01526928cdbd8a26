/**
 * Every kind of retry ends (issue 22): a message that keeps waiting for another attempt's lease
 * as a new message (no receive counted) is dead-lettered as StillBusy after WAITS.maxBusyWaits
 * waits, and a transfer that pauses WAITS.maxStalledContinuations times in a row with no part
 * more at the destination is dead-lettered as NoProgress, its parts kept. Through the worker
 * handler against moto, the destination behind a proxy that holds the data parts.
 */
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { ObjectTransitions, objectKey, sendJobs, serializeJob } from "@s3-migrate/pipeline";
import { MIB, WAITS } from "@s3-migrate/transfer";
import { afterEach, describe, expect, it, vi } from "vitest";
import { handler, resetWorkerForTests } from "../../../functions/worker/src/handler.js";
import { drainDeadLetters, localClients } from "../../support/awsResources.js";
import { createBucket, makeS3Client, putObject, testEndpoints, uniqueBucketName } from "../../support/endpoints.js";
import { drainThroughHandler } from "../../support/eventSourceMapping.js";
import { startFaultProxy } from "../../support/faultProxy.js";
import { deployLocally } from "../../support/functionEnvironment.js";
import { openUploads, randomBody } from "../../support/transferBed.js";

describe("bounded retries", () => {
  const { source, destination } = testEndpoints();
  const src = makeS3Client(source.endpoint, source.region);
  const dst = makeS3Client(destination.endpoint, destination.region);
  const { sqs, documents } = localClients(source.endpoint);
  afterEach(() => {
    vi.unstubAllEnvs();
    resetWorkerForTests();
  });

  it(`a message that waited ${WAITS.maxBusyWaits} times for another attempt's lease is dead-lettered as StillBusy, nothing copied`, async () => {
    // Prepare: another version's copy holds the object's lease for a minute
    const sourceBucket = await createBucket(src, uniqueBucketName("busy-src"));
    const destinationBucket = await createBucket(dst, uniqueBucketName("busy-dst"));
    const key = "busy/held.bin";
    const body = randomBody(3000);
    const etag = ((await putObject(src, sourceBucket, key, body)).ETag ?? "").replaceAll('"', "");
    const deployment = await deployLocally("busy", [{ src_bucket: sourceBucket, des_bucket: destinationBucket }]);
    for (const [variable, value] of Object.entries({ ...deployment.env, DEAD_LETTER_QUEUE_URL: deployment.dlqUrl }))
      vi.stubEnv(variable, value);
    const older = { srcBucket: sourceBucket, srcKey: key, desBucket: destinationBucket, desKey: key, size: 2000, srcEtag: "0".repeat(32) };
    const now = new Date();
    await new ObjectTransitions(documents, deployment.table).begin(
      older,
      { token: "older", messageId: "older-message", expiresAt: now.getTime() + 60_000 },
      0,
      now,
    );
    const job = serializeJob({
      source: { bucket: sourceBucket, key, size: body.length, etag },
      destination: { bucket: destinationBucket, key },
      queuedAt: "",
    });
    const queued = await sendJobs(deployment.queue, [{ body: job, item: job, waits: WAITS.maxBusyWaits }]);
    expect(queued.failed).toEqual([]);
    // Act
    const drained = await drainThroughHandler(sqs, deployment.queueUrl, handler);
    // Assess
    expect(drained).toMatchObject({ processed: 1, failures: 0 });
    const [letter, ...others] = await drainDeadLetters(sqs, deployment.dlqUrl);
    expect(others).toEqual([]);
    expect(letter).toMatchObject({ body: job, errorCode: "StillBusy", mac: expect.any(String) });
    expect(letter?.errorMessage).toMatch(/^Waited 96 times for another attempt's lease: /);
    expect(await openUploads(dst, destinationBucket)).toEqual([]);
    const record = await documents.send(
      new GetCommand({ TableName: deployment.table, Key: objectKey(destinationBucket, key), ConsistentRead: true }),
    );
    expect(record.Item).toMatchObject({ status: "in_progress", srcEtag: "0".repeat(32), leaseOwner: "older" });
  });

  it(`a transfer that pauses ${WAITS.maxStalledContinuations} times in a row with no part more is dead-lettered as NoProgress, its upload kept`, {
    timeout: 120_000,
  }, async () => {
    // Prepare: 4 parts of 5 MiB, whose uploads the destination holds far beyond each invocation
    const sourceBucket = await createBucket(src, uniqueBucketName("stall-src"));
    const destinationBucket = await createBucket(dst, uniqueBucketName("stall-dst"));
    const key = "stall/never.bin";
    const body = randomBody(4 * 5 * MIB);
    const etag = ((await putObject(src, sourceBucket, key, body)).ETag ?? "").replaceAll('"', "");
    const proxy = await startFaultProxy({ target: destination.endpoint });
    for (const part of ["1", "2", "3", "4"])
      proxy.addRule({
        match: { method: "PUT", query: { partNumber: part } },
        action: { type: "delay", ms: 90_000 },
        times: Number.POSITIVE_INFINITY,
      });
    const deployment = await deployLocally(
      "stall",
      [{ src_bucket: sourceBucket, des_bucket: destinationBucket }],
      "#",
      { PART_SIZE_MIB: "5", SMALL_OBJECT_THRESHOLD_MIB: "5", DEADLINE_MARGIN_SECONDS: "3" },
      proxy.endpoint,
    );
    for (const [variable, value] of Object.entries({ ...deployment.env, DEAD_LETTER_QUEUE_URL: deployment.dlqUrl }))
      vi.stubEnv(variable, value);
    const job = serializeJob({
      source: { bucket: sourceBucket, key, size: body.length, etag },
      destination: { bucket: destinationBucket, key },
      queuedAt: "",
    });
    await sendJobs(deployment.queue, [{ body: job, item: job }]);
    // Act: invocations of 6 s, each pausing after 3
    const drained = await drainThroughHandler(sqs, deployment.queueUrl, handler, { batchSize: 1, timeoutMs: 6_000 });
    await proxy.close();
    // Assess: the first attempt and two continuations paused, the third continuation gave up
    expect(drained).toMatchObject({ invocations: WAITS.maxStalledContinuations, failures: 0 });
    const letters = await drainDeadLetters(sqs, deployment.dlqUrl);
    expect(letters.map((letter) => letter.errorCode)).toEqual(["NoProgress"]);
    expect(letters[0]?.errorMessage).toContain(`paused ${WAITS.maxStalledContinuations} times in a row with no part more`);
    const record = await documents.send(
      new GetCommand({ TableName: deployment.table, Key: objectKey(destinationBucket, key), ConsistentRead: true }),
    );
    expect(record.Item).toMatchObject({ status: "failed", lastErrorCode: "NoProgress", continuations: WAITS.maxStalledContinuations - 1 });
    // the upload stays for a redrive to resume
    expect(await openUploads(dst, destinationBucket, key)).toHaveLength(1);
  });
});
