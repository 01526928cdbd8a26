import { HeadObjectCommand } from "@aws-sdk/client-s3";
import { GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { LEDGER_KEYS, runJobsenderFromEnvironment } from "@s3-migrate/pipeline";
import { MIB } from "@s3-migrate/transfer";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { drainDeadLetters, localClients, queueBodies } from "../../../test/support/awsResources.js";
import {
  createBucket,
  listAllKeys,
  makeS3Client,
  putObject,
  readObject,
  testEndpoints,
  uniqueBucketName,
} from "../../../test/support/endpoints.js";
import { drainThroughHandler } from "../../../test/support/eventSourceMapping.js";
import { deployLocally, type LocalDeployment } from "../../../test/support/functionEnvironment.js";
import { putMultipartObject, randomBody } from "../../../test/support/transferBed.js";
import { handler, resetWorkerForTests } from "../src/handler.js";

describe("worker handler (in-process, local endpoints)", () => {
  const { source, destination } = testEndpoints();
  const src = makeS3Client(source.endpoint, source.region);
  const dst = makeS3Client(destination.endpoint, destination.region);
  const { sqs, documents } = localClients(source.endpoint);
  let sourceBucket: string;
  let destinationBucket: string;
  let deployment: LocalDeployment;
  const dataset = new Map<string, Buffer>();

  beforeAll(async () => {
    sourceBucket = await createBucket(src, uniqueBucketName("wk-src"));
    destinationBucket = await createBucket(dst, uniqueBucketName("wk-dst"));
    const sizes: Array<[string, number]> = [
      ["empty.bin", 0],
      ["folder/", 0],
      ["small/one.txt", 1],
      ["small/四 +%.txt", 3000],
      ["small/emoji 😀.bin", 200_000],
      ["edge/threshold.bin", 5 * MIB],
      ["large/twelve.bin", 12 * MIB + 5],
    ];
    for (const [key, size] of sizes) {
      const body = randomBody(size);
      dataset.set(key, body);
      await putObject(src, sourceBucket, key, body, { ContentType: "application/x-test", Metadata: { origin: "worker-test" } });
    }
    const layout = randomBody(11 * MIB);
    dataset.set("large/layout.bin", layout);
    await putMultipartObject(src, sourceBucket, "large/layout.bin", layout, 5 * MIB);
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    resetWorkerForTests();
  });

  async function deploy(name: string, extra: Record<string, string> = {}): Promise<LocalDeployment> {
    const created = await deployLocally(
      name,
      [{ src_bucket: sourceBucket, src_prefix: "", des_bucket: destinationBucket, des_prefix: name }],
      "#",
      {
        PART_SIZE_MIB: "5",
        SMALL_OBJECT_THRESHOLD_MIB: "5",
        FILE_CONCURRENCY: "4",
        PART_CONCURRENCY: "4",
        ...extra,
      },
    );
    for (const [variable, value] of Object.entries(created.env)) vi.stubEnv(variable, value);
    return created;
  }

  async function ledgerStatuses(table: string): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const status of ["queued", "in_progress", "done", "failed", "skipped"]) {
      const answer = await documents.send(
        new QueryCommand({
          TableName: table,
          IndexName: LEDGER_KEYS.statusIndex.name,
          KeyConditionExpression: "#s = :s",
          ExpressionAttributeNames: { "#s": "status" },
          ExpressionAttributeValues: { ":s": status },
          Select: "COUNT",
        }),
      );
      if (answer.Count) counts[status] = answer.Count;
    }
    return counts;
  }

  it("migrates a mixed dataset from jobsender to queue to worker: byte-identical, metadata kept, ledger all done, queue empty", async () => {
    // Prepare
    deployment = await deploy("e2e");
    // Act
    const sent = await runJobsenderFromEnvironment(process.env);
    const drained = await drainThroughHandler(sqs, deployment.queueUrl, handler);
    // Assess
    expect(sent.pairs[0]?.counts.queued).toBe(dataset.size);
    expect(drained.failures).toBe(0);
    expect((await listAllKeys(dst, destinationBucket, "e2e/")).sort()).toEqual([...dataset.keys()].map((key) => `e2e/${key}`).sort());
    for (const [key, body] of dataset) {
      expect((await readObject(dst, destinationBucket, `e2e/${key}`)).equals(body), key).toBe(true);
      const head = await dst.send(new HeadObjectCommand({ Bucket: destinationBucket, Key: `e2e/${key}` }));
      if (key !== "large/layout.bin") expect(head.Metadata, key).toEqual({ origin: "worker-test" });
    }
    expect(await ledgerStatuses(deployment.table)).toEqual({ done: dataset.size });
    const attributes = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: deployment.queueUrl,
        AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
      }),
    );
    expect(attributes.Attributes).toMatchObject({ ApproximateNumberOfMessages: "0", ApproximateNumberOfMessagesNotVisible: "0" });
  });

  it("treats a duplicate delivery and a redrive of a finished job as a no-op, counting the delivery only", async () => {
    // Prepare: the same job three times (original, duplicate, redrive) for an object copied above
    const body = JSON.stringify({
      Src_bucket: sourceBucket,
      Src_key: "small/one.txt",
      Des_bucket: destinationBucket,
      Des_key: "e2e/small/one.txt",
      Size: 1,
      versionId: "null",
    });
    const before = await documents.send(
      new QueryCommand({
        TableName: deployment.table,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": `obj#${destinationBucket}/e2e/small/one.txt` },
      }),
    );
    for (const [variable, value] of Object.entries(deployment.env)) vi.stubEnv(variable, value);
    for (let i = 0; i < 3; i++) await queueBodies(deployment.queue, [body]);
    const putsBefore = Number((await readObject(dst, destinationBucket, "e2e/small/one.txt")).length);
    // Act
    const drained = await drainThroughHandler(sqs, deployment.queueUrl, handler);
    // Assess
    const after = await documents.send(
      new QueryCommand({
        TableName: deployment.table,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": `obj#${destinationBucket}/e2e/small/one.txt` },
      }),
    );
    const [was, now] = [before.Items?.[0], after.Items?.[0]];
    expect(drained).toMatchObject({ processed: 3, failures: 0 });
    expect(putsBefore).toBe(1);
    expect(now?.deliveries).toBe((was?.deliveries ?? 0) + 3);
    expect({ ...now, deliveries: 0 }).toEqual({ ...was, deliveries: 0 });
  });

  it("fails poison messages alone, with their reason, into the dead-letter queue; the rest of the batch succeeds", async () => {
    // Prepare
    const poisoned = await deploy("poison");
    vi.stubEnv("DEAD_LETTER_QUEUE_URL", poisoned.dlqUrl);
    const bodies = [
      "not json at all",
      JSON.stringify({ hello: "world" }),
      JSON.stringify({
        schema: "s3-migrate/job",
        version: 1,
        source: { bucket: sourceBucket, size: 1 },
        destination: { bucket: destinationBucket, key: "x" },
      }),
      JSON.stringify({ Src_bucket: "no-such-bucket-anywhere", Src_key: "k", Des_bucket: destinationBucket, Des_key: "poison/k", Size: 3 }),
      JSON.stringify({ Src_bucket: sourceBucket, Src_key: "no/such/key", Des_bucket: destinationBucket, Des_key: "poison/no/such/key" }),
      JSON.stringify({
        Src_bucket: sourceBucket,
        Src_key: "small/one.txt",
        Des_bucket: destinationBucket,
        Des_key: "poison/small/one.txt",
        Size: 1,
      }),
    ];
    await queueBodies(poisoned.queue, bodies);
    // Act
    const drained = await drainThroughHandler(sqs, poisoned.queueUrl, handler, { batchSize: 10 });
    // Assess
    expect(drained.failures).toBe(0);
    expect((await readObject(dst, destinationBucket, "poison/small/one.txt")).equals(dataset.get("small/one.txt") ?? Buffer.alloc(0))).toBe(
      true,
    );
    const dead = await drainDeadLetters(sqs, poisoned.dlqUrl);
    expect(dead.map((letter) => [letter.body, letter.errorCode]).sort()).toEqual(
      [
        [bodies[0], "MalformedMessage"],
        [bodies[1], "MalformedMessage"],
        [bodies[2], "MalformedMessage"],
        // an unconfigured bucket is refused before anything is read, and leaves no ledger record
        [bodies[3], "NotConfigured"],
        [bodies[4], "SourceMissing"],
      ].sort(),
    );
    expect(await ledgerStatuses(poisoned.table)).toEqual({ done: 1, failed: 1 });
  });
});
