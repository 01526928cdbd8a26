import { createHash } from "node:crypto";
import { GetObjectCommand, HeadObjectCommand } from "@aws-sdk/client-s3";
import { MIB } from "@s3-migrate/transfer";
import { afterEach, describe, expect, it, vi } from "vitest";
import { localClients, queueBodies } from "../../../test/support/awsResources.js";
import { createBucket, makeS3Client, putObject, testEndpoints, uniqueBucketName } from "../../../test/support/endpoints.js";
import { drainThroughHandler } from "../../../test/support/eventSourceMapping.js";
import { startFaultProxy } from "../../../test/support/faultProxy.js";
import { deployLocally } from "../../../test/support/functionEnvironment.js";
import { openUploads, randomBody } from "../../../test/support/transferBed.js";
import { handler, resetWorkerForTests } from "../src/handler.js";

describe("worker deadline (in-process, local endpoints)", () => {
  const { source, destination } = testEndpoints();
  const src = makeS3Client(source.endpoint, source.region);
  const dst = makeS3Client(destination.endpoint, destination.region);
  const { sqs } = localClients(source.endpoint);
  afterEach(() => {
    vi.unstubAllEnvs();
    resetWorkerForTests();
  });

  it("continues a 1 GiB object across at least 3 short invocations without idle time, re-sending no more than the parts in flight", {
    timeout: 600_000,
  }, async () => {
    // Prepare: 1 GiB at the source; 16 MiB parts, 4 in flight; every invocation gets 16 s and stops starting parts 10 s before its end, leaving
    // 6.7 s for the parts in flight to drain (moto mishandles cancelled part uploads; a loaded CI machine needed more than the 4 s of a 6 s margin)
    const size = 1024 * MIB;
    const body = randomBody(size);
    const expectedMd5 = createHash("md5").update(body).digest("hex");
    const sourceBucket = await createBucket(src, uniqueBucketName("dl-src"));
    const destinationBucket = await createBucket(dst, uniqueBucketName("dl-dst"));
    await putObject(src, sourceBucket, "huge/one-gib.bin", body);
    const proxy = await startFaultProxy({ target: destination.endpoint });
    const deployment = await deployLocally(
      "deadline",
      [{ src_bucket: sourceBucket, src_prefix: "", des_bucket: destinationBucket, des_prefix: "" }],
      "#",
      { PART_SIZE_MIB: "16", PART_CONCURRENCY: "4", FILE_CONCURRENCY: "1", DEADLINE_MARGIN_SECONDS: "10" },
      proxy.endpoint,
    );
    for (const [variable, value] of Object.entries(deployment.env)) vi.stubEnv(variable, value);
    await queueBodies(deployment.queue, [
      JSON.stringify({
        schema: "s3-migrate/job",
        version: 1,
        source: { bucket: sourceBucket, key: "huge/one-gib.bin", size },
        destination: { bucket: destinationBucket, key: "huge/one-gib.bin" },
        queuedAt: new Date().toISOString(),
      }),
    ]);
    // Act
    const started = Date.now();
    const drained = await drainThroughHandler(sqs, deployment.queueUrl, handler, { batchSize: 1, timeoutMs: 16_000 });
    const elapsed = Date.now() - started;
    await proxy.close();
    // Assess
    const partCount = Math.ceil(size / (16 * MIB));
    const dataPartPuts =
      proxy.countRequests({ method: "PUT", query: "partNumber" }) - proxy.countRequests({ method: "PUT", query: { partNumber: "10000" } });
    expect(drained.invocations).toBeGreaterThanOrEqual(3);
    // No failure: a completion the deadline cut is found, or completed again, by the next invocation
    // (moto's racing second completion, lie 5, is patched in the test bed)
    expect(drained.failures).toBe(0);
    // every continuation was picked up at once: no invocation waited for the 960 s visibility timeout
    expect(elapsed).toBeLessThan(drained.invocations * 16_000 + 60_000);
    expect(dataPartPuts).toBeGreaterThanOrEqual(partCount);
    expect(dataPartPuts - partCount).toBeLessThanOrEqual((drained.invocations - 1) * 4);
    const head = await dst.send(new HeadObjectCommand({ Bucket: destinationBucket, Key: "huge/one-gib.bin" }));
    expect(head.ContentLength).toBe(size);
    const copy = await dst.send(new GetObjectCommand({ Bucket: destinationBucket, Key: "huge/one-gib.bin" }));
    const hash = createHash("md5");
    for await (const chunk of copy.Body as AsyncIterable<Uint8Array>) hash.update(chunk);
    expect(hash.digest("hex")).toBe(expectedMd5);
    expect(await openUploads(dst, destinationBucket)).toEqual([]);
  });
});
