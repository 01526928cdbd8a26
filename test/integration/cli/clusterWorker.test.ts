import { createHash } from "node:crypto";
import { GetObjectCommand, ListMultipartUploadsCommand, ListPartsCommand } from "@aws-sdk/client-s3";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { DEFAULT_VISIBILITY_TIMEOUT_SECONDS, objectKey } from "@s3-migrate/pipeline";
import { MIB } from "@s3-migrate/transfer";
import { beforeAll, describe, expect, it } from "vitest";
import { localClients, queueBodies } from "../../support/awsResources.js";
import { buildCli } from "../../support/cli.js";
import { createBucket, makeS3Client, putObject, testEndpoints, uniqueBucketName } from "../../support/endpoints.js";
import { startFaultProxy } from "../../support/faultProxy.js";
import { deployLocally } from "../../support/functionEnvironment.js";
import { openUploads, randomBody } from "../../support/transferBed.js";
import { startWorker, until } from "../../support/workerProcess.js";

describe("s3-migrate worker (cluster mode)", () => {
  const { source, destination } = testEndpoints();
  const src = makeS3Client(source.endpoint, source.region);
  const dst = makeS3Client(destination.endpoint, destination.region);
  const { documents } = localClients(source.endpoint);
  beforeAll(() => buildCli());

  it("killed with -9 in the middle of a 200 MiB transfer, is resumed by another worker once the lease lapses (within the default visibility), re-sending no stored part", {
    timeout: 300_000,
  }, async () => {
    // Prepare: 25 parts of 8 MiB, two in flight; the destination behind a counting proxy
    const size = 200 * MIB;
    const body = randomBody(size);
    const sourceBucket = await createBucket(src, uniqueBucketName("cw-src"));
    const destinationBucket = await createBucket(dst, uniqueBucketName("cw-dst"));
    await putObject(src, sourceBucket, "big/two-hundred.bin", body);
    const proxy = await startFaultProxy({ target: destination.endpoint });
    const deployment = await deployLocally(
      "cluster",
      [{ src_bucket: sourceBucket, des_bucket: destinationBucket }],
      "#",
      { PART_SIZE_MIB: "8", PART_CONCURRENCY: "2", FILE_CONCURRENCY: "1" },
      proxy.endpoint,
    );
    await queueBodies(deployment.queue, [
      JSON.stringify({
        schema: "s3-migrate/job",
        version: 1,
        source: { bucket: sourceBucket, key: "big/two-hundred.bin", size },
        destination: { bucket: destinationBucket, key: "big/two-hundred.bin" },
        queuedAt: "",
      }),
    ]);
    const ledgerRecord = async () =>
      (await documents.send(new GetCommand({ TableName: deployment.table, Key: objectKey(destinationBucket, "big/two-hundred.bin") })))
        .Item;
    const storedDataParts = () =>
      proxy.countRequests({ method: "PUT", query: "partNumber", status: 200 }) -
      proxy.countRequests({ method: "PUT", query: { partNumber: "10000" }, status: 200 });
    // Act: the first worker (default visibility and lease) dies hard after 8 parts
    const first = startWorker(deployment.env, []);
    await until(() => storedDataParts() >= 8, 120_000);
    first.child.kill("SIGKILL");
    await first.exited;
    const killedAtMs = Date.now();
    const killedAt = proxy.requests.length;
    const attemptedBeforeKill = new Set(
      proxy.requests.filter((request) => request.method === "PUT" && request.query.partNumber !== undefined).map((r) => r.query.partNumber),
    );
    const uploads = await dst.send(new ListMultipartUploadsCommand({ Bucket: destinationBucket }));
    const uploadId = uploads.Uploads?.[0]?.UploadId;
    const before = await dst.send(new ListPartsCommand({ Bucket: destinationBucket, Key: "big/two-hundred.bin", UploadId: uploadId }));
    const partsBefore = new Set((before.Parts ?? []).map((part) => String(part.PartNumber)).filter((part) => part !== "10000"));
    //  a worker already running picks the message up once its visibility lapses (no heartbeat any
    //  more) and takes the object over once the lease has lapsed too
    const second = startWorker({ ...deployment.env, POWERTOOLS_LOG_LEVEL: "INFO" }, []);
    await until(async () => (await ledgerRecord())?.status === "done", 180_000);
    second.child.kill("SIGTERM");
    const status = await second.exited;
    await proxy.close();
    // Assess
    expect(status, second.output()).not.toBeNull();
    const resumedAfterMs = (proxy.requests[killedAt]?.at ?? Number.POSITIVE_INFINITY) - killedAtMs;
    console.log(`cluster worker killed with -9: resumed by another worker after ${(resumedAfterMs / 1000).toFixed(1)} s`);
    // not before the lease could lapse, and within the visibility timeout plus one long poll
    expect(resumedAfterMs).toBeGreaterThan((DEFAULT_VISIBILITY_TIMEOUT_SECONDS / 3) * 2 * 1000 - 1000);
    expect(resumedAfterMs).toBeLessThan((DEFAULT_VISIBILITY_TIMEOUT_SECONDS + 6) * 1000);
    expect(await ledgerRecord()).toMatchObject({ status: "done", attempts: 2, deliveries: 2 });
    // parts cut off in flight by the kill are sent again: at most PART_CONCURRENCY of them
    const resentInFlight = new Set(
      proxy.requests
        .slice(killedAt)
        .filter((request) => request.method === "PUT" && attemptedBeforeKill.has(request.query.partNumber))
        .map((request) => request.query.partNumber),
    );
    resentInFlight.delete("10000");
    expect(resentInFlight.size).toBeLessThanOrEqual(2);
    expect(partsBefore.size).toBeGreaterThanOrEqual(8);
    const resent = proxy.requests
      .slice(killedAt)
      .filter((request) => request.method === "PUT" && partsBefore.has(request.query.partNumber ?? ""));
    expect(resent).toEqual([]);
    const copy = await dst.send(new GetObjectCommand({ Bucket: destinationBucket, Key: "big/two-hundred.bin" }));
    const hash = createHash("md5");
    for await (const chunk of copy.Body as AsyncIterable<Uint8Array>) hash.update(chunk);
    expect(hash.digest("hex")).toBe(createHash("md5").update(body).digest("hex"));
    expect(await openUploads(dst, destinationBucket)).toEqual([]);
    expect(second.output()).toMatch(/"message":"Resuming upload".*"partsResumed":(\d+)/);
  });
});
