import { HeadObjectCommand, PutBucketNotificationConfigurationCommand } from "@aws-sdk/client-s3";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { objectKey } from "@s3-migrate/pipeline";
import { MIB } from "@s3-migrate/transfer";
import { afterEach, describe, expect, it, vi } from "vitest";
import { localClients } from "../../../test/support/awsResources.js";
import { createBucket, makeS3Client, putObject, readObject, testEndpoints, uniqueBucketName } from "../../../test/support/endpoints.js";
import { drainThroughHandler } from "../../../test/support/eventSourceMapping.js";
import { deployLocally } from "../../../test/support/functionEnvironment.js";
import { putMultipartObject, randomBody } from "../../../test/support/transferBed.js";
import { handler, resetWorkerForTests } from "../src/handler.js";

describe("worker fed by S3 event notifications (local S3 -> SQS -> handler)", () => {
  const { source, destination } = testEndpoints();
  const src = makeS3Client(source.endpoint, source.region);
  const dst = makeS3Client(destination.endpoint, destination.region);
  const { sqs, documents } = localClients(source.endpoint);
  afterEach(() => {
    vi.unstubAllEnvs();
    resetWorkerForTests();
  });

  it("copies every created object under the default destination, exactly once in effect", async () => {
    // Prepare: the source bucket notifies the event queue of every ObjectCreated
    const sourceBucket = await createBucket(src, uniqueBucketName("ev-src"));
    const destinationBucket = await createBucket(dst, uniqueBucketName("ev-dst"));
    const deployment = await deployLocally("events", [{ src_bucket: sourceBucket, des_bucket: destinationBucket }], "#", {
      EVENT_SOURCE_BUCKET: sourceBucket,
      DEFAULT_DEST_BUCKET: destinationBucket,
      DEFAULT_DEST_PREFIX: "from-events",
      PART_SIZE_MIB: "5",
      SMALL_OBJECT_THRESHOLD_MIB: "5",
    });
    for (const [variable, value] of Object.entries(deployment.env)) vi.stubEnv(variable, value);
    const queueArn = `arn:aws:sqs:us-east-1:123456789012:${deployment.eventQueueUrl.split("/").pop()}`;
    await src.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: sourceBucket,
        NotificationConfiguration: { QueueConfigurations: [{ QueueArn: queueArn, Events: ["s3:ObjectCreated:*"] }] },
      }),
    );
    const objects = new Map<string, Buffer>([
      ["plain.txt", randomBody(100)],
      ["with space+plus.txt", randomBody(200)],
      ["数据/😀 file%.bin", randomBody(300)],
    ]);
    for (const [key, body] of objects) await putObject(src, sourceBucket, key, body);
    const multipart = randomBody(11 * MIB);
    objects.set("multi/part.bin", multipart);
    await putMultipartObject(src, sourceBucket, "multi/part.bin", multipart, 5 * MIB);
    // Act
    // (patient: a duplicate that finds the object leased by another worker comes back in seconds)
    const drained = await drainThroughHandler(sqs, deployment.eventQueueUrl, handler, { idleRounds: 40 });
    // moto announces a completed multipart upload twice; when both land in one batch the second
    // finds the object leased by the first and waits on the job queue (signed: the event queue is
    // S3's alone), where it then finds the object done
    const retried = await drainThroughHandler(sqs, deployment.queueUrl, handler, { idleRounds: 40 });
    // Assess
    expect(drained.failures + retried.failures).toBe(0);
    expect(retried.processed).toBeLessThanOrEqual(1);
    for (const [key, body] of objects)
      expect((await readObject(dst, destinationBucket, `from-events/${key}`)).equals(body), key).toBe(true);
    const record = await documents.send(
      new GetCommand({ TableName: deployment.table, Key: objectKey(destinationBucket, "from-events/multi/part.bin") }),
    );
    // proven by the CRC64NVME S3 stores with the source, which the ledger records
    const sourceHead = await src.send(new HeadObjectCommand({ Bucket: sourceBucket, Key: "multi/part.bin", ChecksumMode: "ENABLED" }));
    expect(record.Item).toMatchObject({
      status: "done",
      attempts: 1,
      verification: "source-checksum",
      checksum: { algorithm: "CRC64NVME", value: sourceHead.ChecksumCRC64NVME },
    });
    // both announcements were delivered; the second copied nothing (attempts stays 1)
    expect(record.Item?.deliveries).toBe(2);
    // 3 single PUTs, 2 announcements of the multipart object, and the s3:TestEvent S3 sends
    // when the notification is configured (acknowledged and skipped)
    expect(drained.processed).toBe(6);
  });
});
