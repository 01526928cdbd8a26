import { afterEach, describe, expect, it, vi } from "vitest";
import { drainQueue, localClients } from "../../../test/support/awsResources.js";
import { createBucket, makeS3Client, putObject, testEndpoints, uniqueBucketName } from "../../../test/support/endpoints.js";
import { deployLocally } from "../../../test/support/functionEnvironment.js";
import { lambdaContext } from "../../../test/support/lambdaContext.js";
import { handler } from "../src/handler.js";

const scheduledEvent = { time: "2026-11-28T04:00:00Z" } as Parameters<typeof handler>[0];

describe("jobsender handler (in-process, local endpoints)", () => {
  const { source, destination } = testEndpoints();
  const { sqs } = localClients(source.endpoint);
  afterEach(() => vi.unstubAllEnvs());

  function stubEnvironment(env: Record<string, string>): void {
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  }

  it("reads its configuration from the environment and SSM, and queues the missing objects", async () => {
    // Prepare
    const src = makeS3Client(source.endpoint, source.region);
    const dst = makeS3Client(destination.endpoint, destination.region);
    const sourceBucket = await createBucket(src, uniqueBucketName("jsh-src"));
    const destinationBucket = await createBucket(dst, uniqueBucketName("jsh-dst"));
    for (const key of ["a.txt", "b/c.txt", "skip.tmp", "already.txt"]) await putObject(src, sourceBucket, key, key);
    await putObject(dst, destinationBucket, "already.txt", "already.txt");
    const deployment = await deployLocally(
      "jsh",
      [{ src_bucket: sourceBucket, src_prefix: "/", des_bucket: destinationBucket, des_prefix: "" }],
      "*.tmp",
    );
    stubEnvironment({ ...deployment.env, WORKER_MEMORY_MIB: "1769", WORKER_BATCH_SIZE: "5", WORKER_TIMEOUT_SECONDS: "300" });
    // Act
    const report = await handler(scheduledEvent, lambdaContext("jobsender", 60_000));
    // Assess
    expect(report.pairs[0]).toMatchObject({ status: "complete", counts: { listed: 4, ignored: 1, present: 1, queued: 2 } });
    // the report prices the run: the two queued objects, the keys listed
    expect(report.estimate?.tally).toMatchObject({ objects: 2, listedKeys: 4 });
    expect(Object.keys(report.estimate?.totals ?? {}).length).toBeGreaterThan(0);
    // with the worker as deployed: 5 messages an invocation, 300 s less the deadline margin
    const margin = Number(deployment.env.DEADLINE_MARGIN_SECONDS ?? 30);
    expect(report.estimate?.assumptions.join("\n")).toContain(`1769 MiB, 5 message(s) per invocation`);
    expect(report.estimate?.assumptions.join("\n")).toContain(`${300 - margin} s per invocation`);
    const keys = (await drainQueue(sqs, deployment.queueUrl)).map((body) => JSON.parse(body).source.key);
    expect(keys.sort()).toEqual(["a.txt", "b/c.txt"]);
  });

  it("fails on malformed configuration, naming the parameter and field, and sends nothing", async () => {
    const deployment = await deployLocally("jsh-bad", '[{"src_bucket": "ok-bucket", "des_bucket": 7}]');
    stubEnvironment(deployment.env);
    await expect(handler(scheduledEvent, lambdaContext("jobsender", 60_000))).rejects.toThrow(
      /bucket-pairs, entry 0: field "des_bucket" must be an S3 bucket name/,
    );
    expect(await drainQueue(sqs, deployment.queueUrl)).toEqual([]);
  });

  it("fails on a missing environment variable, naming it", async () => {
    const deployment = await deployLocally("jsh-env", [{ src_bucket: "aaa", des_bucket: "bbb" }]);
    stubEnvironment({ ...deployment.env, JOB_QUEUE_URL: "" });
    await expect(handler(scheduledEvent, lambdaContext("jobsender", 60_000))).rejects.toThrow(
      "Environment variable JOB_QUEUE_URL is required",
    );
  });
});
