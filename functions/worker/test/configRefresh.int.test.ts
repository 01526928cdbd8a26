/**
 * A warm worker sees its configuration change (issue 22: Powertools Parameters): the credentials
 * SecureString is rotated to keys for another endpoint, and the next invocation of the same
 * container (or the next message of a running cluster worker) writes there, without a cold start
 * or a restart. Counted at two proxies in front of the destination.
 */
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { serializeJob } from "@s3-migrate/pipeline";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { localClients, queueBodies } from "../../../test/support/awsResources.js";
import { buildCli } from "../../../test/support/cli.js";
import { createBucket, makeS3Client, putObject, readObject, testEndpoints, uniqueBucketName } from "../../../test/support/endpoints.js";
import { drainThroughHandler } from "../../../test/support/eventSourceMapping.js";
import { startFaultProxy } from "../../../test/support/faultProxy.js";
import { deployLocally } from "../../../test/support/functionEnvironment.js";
import { startWorker, until } from "../../../test/support/workerProcess.js";
import { handler, resetWorkerForTests } from "../src/handler.js";

describe("worker configuration in a warm container", () => {
  const { source, destination } = testEndpoints();
  const src = makeS3Client(source.endpoint, source.region);
  const dst = makeS3Client(destination.endpoint, destination.region);
  const { sqs } = localClients(source.endpoint);
  const ssm = new SSMClient({
    region: source.region,
    endpoint: source.endpoint,
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
  });
  beforeAll(() => buildCli());
  afterEach(() => {
    vi.unstubAllEnvs();
    resetWorkerForTests();
  });

  /** Two buckets, two proxies in front of the destination, the stored keys pointing at the first; parameters believed for 1 s. */
  async function prepare(name: string) {
    const sourceBucket = await createBucket(src, uniqueBucketName(`${name}-src`));
    const destinationBucket = await createBucket(dst, uniqueBucketName(`${name}-dst`));
    const one = await startFaultProxy({ target: destination.endpoint });
    const two = await startFaultProxy({ target: destination.endpoint });
    const deployment = await deployLocally(
      name,
      [{ src_bucket: sourceBucket, des_bucket: destinationBucket }],
      "#",
      { POWERTOOLS_PARAMETERS_MAX_AGE: "1" },
      one.endpoint,
    );
    for (const key of ["before.txt", "after.txt"]) await putObject(src, sourceBucket, key, key);
    const job = (key: string) =>
      serializeJob({
        source: { bucket: sourceBucket, key, size: key.length },
        destination: { bucket: destinationBucket, key },
        queuedAt: "",
      });
    const rotate = () =>
      ssm.send(
        new PutParameterCommand({
          Name: deployment.env.CREDENTIALS_PARAMETER,
          Type: "SecureString",
          Overwrite: true,
          Value: JSON.stringify({
            aws_access_key_id: "rotated",
            aws_secret_access_key: "rotated-secret",
            region: destination.region,
            endpoint: two.endpoint,
          }),
        }),
      );
    const puts = (proxy: typeof one, key: string) =>
      proxy.requests.filter((r) => r.method === "PUT" && decodeURIComponent(r.path) === `/${destinationBucket}/${key}`).length;
    return { destinationBucket, one, two, deployment, job, rotate, puts };
  }

  it("Lambda: rotated credentials take effect once the parameter cache is stale, without a cold start", async () => {
    // Prepare
    const bed = await prepare("rotate");
    for (const [variable, value] of Object.entries(bed.deployment.env)) vi.stubEnv(variable, value);
    await queueBodies(bed.deployment.queue, [bed.job("before.txt")]);
    await drainThroughHandler(sqs, bed.deployment.queueUrl, handler);
    // Act: the keys are rotated to the other endpoint; the same container takes the next job
    await bed.rotate();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await queueBodies(bed.deployment.queue, [bed.job("after.txt")]);
    await drainThroughHandler(sqs, bed.deployment.queueUrl, handler);
    await Promise.all([bed.one.close(), bed.two.close()]);
    // Assess
    expect([bed.puts(bed.one, "before.txt"), bed.puts(bed.two, "before.txt")]).toEqual([1, 0]);
    expect([bed.puts(bed.one, "after.txt"), bed.puts(bed.two, "after.txt")]).toEqual([0, 1]);
    expect((await readObject(dst, bed.destinationBucket, "after.txt")).toString()).toBe("after.txt");
  });

  it("cluster mode: a running worker takes rotated credentials for the messages it receives after, without a restart", {
    timeout: 60_000,
  }, async () => {
    // Prepare
    const bed = await prepare("rotate-cluster");
    await queueBodies(bed.deployment.queue, [bed.job("before.txt")]);
    const worker = startWorker({ ...bed.deployment.env, POWERTOOLS_LOG_LEVEL: "INFO" }, ["--exit-when-idle", "6"]);
    await until(async () => (await readObject(dst, bed.destinationBucket, "before.txt").catch(() => undefined)) !== undefined, 30_000, 100);
    // Act
    await bed.rotate();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await queueBodies(bed.deployment.queue, [bed.job("after.txt")]);
    await worker.exited;
    await Promise.all([bed.one.close(), bed.two.close()]);
    // Assess
    expect([bed.puts(bed.one, "before.txt"), bed.puts(bed.two, "before.txt")]).toEqual([1, 0]);
    expect([bed.puts(bed.one, "after.txt"), bed.puts(bed.two, "after.txt")]).toEqual([0, 1]);
    expect(worker.output()).toContain("Configuration parameters changed; setting the worker up again");
  });
});
