/**
 * A warm worker sees its configuration change (issue 22: Powertools Parameters): the credentials
 * SecureString is rotated to keys for another endpoint, and the next invocation of the same
 * container writes there, without a cold start. Counted at two proxies in front of the destination.
 */
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { serializeJob } from "@s3-migrate/pipeline";
import { afterEach, describe, expect, it, vi } from "vitest";
import { localClients, queueBodies } from "../../../test/support/awsResources.js";
import { createBucket, makeS3Client, putObject, readObject, testEndpoints, uniqueBucketName } from "../../../test/support/endpoints.js";
import { drainThroughHandler } from "../../../test/support/eventSourceMapping.js";
import { startFaultProxy } from "../../../test/support/faultProxy.js";
import { deployLocally } from "../../../test/support/functionEnvironment.js";
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
  afterEach(() => {
    vi.unstubAllEnvs();
    resetWorkerForTests();
  });

  it("rotated credentials take effect once the parameter cache is stale, without a cold start", async () => {
    // Prepare: the stored keys point at proxy one; parameters are believed for 1 s
    const sourceBucket = await createBucket(src, uniqueBucketName("rotate-src"));
    const destinationBucket = await createBucket(dst, uniqueBucketName("rotate-dst"));
    const one = await startFaultProxy({ target: destination.endpoint });
    const two = await startFaultProxy({ target: destination.endpoint });
    const deployment = await deployLocally(
      "rotate",
      [{ src_bucket: sourceBucket, des_bucket: destinationBucket }],
      "#",
      { POWERTOOLS_PARAMETERS_MAX_AGE: "1" },
      one.endpoint,
    );
    for (const [variable, value] of Object.entries(deployment.env)) vi.stubEnv(variable, value);
    const job = (key: string) =>
      serializeJob({
        source: { bucket: sourceBucket, key, size: key.length },
        destination: { bucket: destinationBucket, key },
        queuedAt: "",
      });
    for (const key of ["before.txt", "after.txt"]) await putObject(src, sourceBucket, key, key);
    await queueBodies(deployment.queue, [job("before.txt")]);
    await drainThroughHandler(sqs, deployment.queueUrl, handler);
    // Act: the keys are rotated to the other endpoint; the same container takes the next job
    await ssm.send(
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
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await queueBodies(deployment.queue, [job("after.txt")]);
    await drainThroughHandler(sqs, deployment.queueUrl, handler);
    await Promise.all([one.close(), two.close()]);
    // Assess
    const puts = (proxy: typeof one, key: string) =>
      proxy.requests.filter((r) => r.method === "PUT" && decodeURIComponent(r.path) === `/${destinationBucket}/${key}`).length;
    expect([puts(one, "before.txt"), puts(two, "before.txt")]).toEqual([1, 0]);
    expect([puts(one, "after.txt"), puts(two, "after.txt")]).toEqual([0, 1]);
    expect((await readObject(dst, destinationBucket, "after.txt")).toString()).toBe("after.txt");
  });
});
