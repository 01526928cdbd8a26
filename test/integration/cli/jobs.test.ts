import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ChangeMessageVisibilityCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { KmsMessageAuthenticator, MAC_ATTRIBUTE } from "@s3-migrate/pipeline";
import { beforeAll, describe, expect, it } from "vitest";
import { createMessageKey, createQueue, drainJobs, localClients } from "../../support/awsResources.js";
import { buildCli, runCli } from "../../support/cli.js";
import { createBucket, makeS3Client, putObject, testEndpoints, uniqueBucketName } from "../../support/endpoints.js";

describe("s3-migrate plan / send (CLI)", () => {
  const { source, destination } = testEndpoints();
  const { sqs, kms } = localClients(source.endpoint);
  let pairs: string;
  /** The same source, to a bucket in us-west-2 on the destination's server (one partition with the source). */
  let westPairs: string;
  const endpoints = () => [
    "--source-endpoint",
    source.endpoint,
    "--dest-endpoint",
    destination.endpoint,
    "--dest-region",
    destination.region,
  ];

  beforeAll(async () => {
    buildCli();
    const src = makeS3Client(source.endpoint, source.region);
    const dst = makeS3Client(destination.endpoint, destination.region);
    const sourceBucket = await createBucket(src, uniqueBucketName("plan-src"));
    const destinationBucket = await createBucket(dst, uniqueBucketName("plan-dst"));
    for (const key of ["logs/a.log", "data/1.bin", "data/2.bin", "data/数据 +.bin"]) await putObject(src, sourceBucket, key, key);
    await putObject(dst, destinationBucket, "copy/data/1.bin", "data/1.bin");
    pairs = JSON.stringify([{ src_bucket: sourceBucket, src_prefix: "", des_bucket: destinationBucket, des_prefix: "copy/" }]);
    const westBucket = await createBucket(makeS3Client(destination.endpoint, "us-west-2"), uniqueBucketName("plan-west"));
    await putObject(makeS3Client(destination.endpoint, "us-west-2"), westBucket, "copy/data/1.bin", "data/1.bin");
    westPairs = JSON.stringify([{ src_bucket: sourceBucket, src_prefix: "", des_bucket: westBucket, des_prefix: "copy/" }]);
  });

  it("plan prints one job per line and sends nothing", async () => {
    const run = await runCli(["plan", "--pairs", pairs, "--ignore", "*.log", ...endpoints()]);
    expect(run.status, run.stderr).toBe(0);
    const jobs = run.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(jobs.map((job) => job.destination.key).sort()).toEqual(["copy/data/2.bin", "copy/data/数据 +.bin"]);
    expect(run.stderr).toMatch(/4 listed, 1 ignored, 1 present, 2 to queue/);
  });

  it("plan estimates the run from the price table (plan --json's estimate), saying what it assumes; a user's prices override it", async () => {
    // Prepare: a user's table lowering the destination's request price
    const prices = path.join(mkdtempSync(path.join(tmpdir(), "prices-")), "prices.json");
    writeFileSync(prices, JSON.stringify({ "cn-northwest-1": { s3PutClassPer1000: 0.001 } }));
    // Act
    const json = await runCli(["plan", "--pairs", pairs, "--ignore", "*.log", "--json", "--prices", prices, ...endpoints()]);
    const text = await runCli(["plan", "--pairs", pairs, "--ignore", "*.log", ...endpoints()]);
    const missing = await runCli(["plan", "--pairs", pairs, "--prices", "/nonexistent/prices.json", ...endpoints()]);
    const unpriced = await runCli(["plan", "--pairs", pairs, "--run-region", "eu-central-1", ...endpoints()]);
    // Assess: the two small objects to queue, their requests, egress from us-east-1 across the partition border
    expect(json.status, json.stderr).toBe(0);
    const { estimate } = JSON.parse(json.stderr.trim().split("\n").at(-1) ?? "{}");
    // both are missing at the destination: one batch of two
    expect(estimate.tally).toMatchObject({
      listedKeys: 4,
      objects: 2,
      smallObjects: 2,
      multipartObjects: 0,
      batchedObjects: 2,
      batches: 1,
    });
    // reads: the jobsender's check of each, and the worker's half-unit read of each batched record
    expect(estimate.requests).toMatchObject({ sourceGetClass: 2, sourcePutClass: 1, destinationPutClass: 3, dynamodbReads: 3 });
    expect(estimate.lines).toContainEqual(
      expect.objectContaining({ item: "S3 PUT-class requests at the destination", currency: "CNY", unitPrice: 0.001, quantity: 3 }),
    );
    expect(estimate.lines).toContainEqual(expect.objectContaining({ region: "us-east-1", unitPrice: 0.09, currency: "USD" }));
    expect(Object.keys(estimate.totals).sort()).toEqual(["CNY", "USD"]);
    expect(text.stderr).toMatch(/Estimated cost of copying 2 objects/);
    expect(text.stderr).toMatch(/total: [\d.]+ USD \+ [\d.]+ CNY/);
    expect(text.stderr).toMatch(/prices for cn-northwest-1 \(CNY, 2026-12\) are approximate/);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("Cannot read --prices file /nonexistent/prices.json: ENOENT");
    // a region the table lacks costs the plan its estimate, not its jobs
    expect(unpriced.status).toBe(0);
    expect(unpriced.stdout.trim().split("\n")).toHaveLength(3);
    expect(unpriced.stderr).toContain("No estimate: No prices for region eu-central-1");
  });

  it("plan estimates a server-side copy (SERVER_SIDE_COPY) as S3 will make it, and says it cannot cross partitions", async () => {
    // Act: the same source, priced as a copy to a bucket in us-west-2, then as one to the China partition
    const westEndpoints = ["--source-endpoint", source.endpoint, "--dest-endpoint", destination.endpoint, "--dest-region", "us-west-2"];
    const sameSide = await runCli(["plan", "--pairs", westPairs, "--ignore", "*.log", "--json", ...westEndpoints], {
      SERVER_SIDE_COPY: "true",
    });
    const across = await runCli(["plan", "--pairs", pairs, "--ignore", "*.log", ...endpoints()], { SERVER_SIDE_COPY: "true" });
    // Assess: a HEAD per object at the source, one inter-region leg straight from the source, in dollars only
    expect(sameSide.status, sameSide.stderr).toBe(0);
    const { estimate } = JSON.parse(sameSide.stderr.trim().split("\n").at(-1) ?? "{}");
    expect(estimate.requests).toMatchObject({ sourceGetClass: 2, destinationPutClass: 3 });
    expect(estimate.lines).toContainEqual(
      expect.objectContaining({ item: "Data transfer out, source to the destination, copied by S3 (to another region)", unitPrice: 0.02 }),
    );
    expect(Object.keys(estimate.totals)).toEqual(["USD"]);
    expect(estimate.assumptions.join("\n")).toContain("server-side: S3 copies");
    expect(across.status).toBe(0);
    expect(across.stderr).toContain("No estimate: A server-side copy stays inside one partition: us-east-1 and cn-northwest-1 are in two");
  });

  it("send queues the same jobs, each signed with the message key; without a key it queues nothing", async () => {
    const queueUrl = await createQueue(sqs, `cli-send-${process.pid}`);
    const key = await createMessageKey(kms);
    const unsigned = await runCli(["send", "--pairs", pairs, "--ignore", "*.log", "--queue-url", queueUrl, ...endpoints()], {
      AWS_ENDPOINT_URL_SQS: source.endpoint,
    });
    expect(unsigned.status).toBe(2);
    expect(unsigned.stderr).toContain("MESSAGE_KEY_ID is required");
    // Act
    const run = await runCli(
      ["send", "--pairs", pairs, "--ignore", "*.log", "--queue-url", queueUrl, "--message-key", key, ...endpoints()],
      {
        AWS_ENDPOINT_URL_SQS: source.endpoint,
        AWS_ENDPOINT_URL_KMS: source.endpoint,
      },
    );
    // Assess
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/2 queued/);
    const answer = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ["All"] }),
    );
    const verifier = new KmsMessageAuthenticator(kms, key);
    const verdicts = await Promise.all(
      (answer.Messages ?? []).map((message) =>
        verifier.verify(message.Body ?? "", message.MessageAttributes?.[MAC_ATTRIBUTE]?.StringValue),
      ),
    );
    expect(verdicts.length).toBeGreaterThan(0);
    expect(verdicts.every((verdict) => verdict === "valid")).toBe(true);
    for (const message of answer.Messages ?? [])
      await sqs.send(
        new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 0 }),
      );
    expect((await drainJobs(sqs, queueUrl)).map((job) => job.source.key).sort()).toEqual(["data/2.bin", "data/数据 +.bin"]);
  });

  it("rejects malformed pairs with exit status 2, naming the field", async () => {
    const run = await runCli(["plan", "--pairs", '[{"src_bucket":"ok-bucket"}]', ...endpoints()]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--pairs, entry 0: field "des_bucket"');
  });
});
