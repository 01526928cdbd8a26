/**
 * Server-side copy in the deployed worker (SERVER_SIDE_COPY, Terraform's `server_side_copy`): the
 * functions' role reaches both sides, so there is no credentials parameter and both buckets are on
 * one test-bed endpoint, behind one proxy that counts every S3 request the workers make. Worker
 * processes run against moto with its DynamoDB writes serialised (test/setup/moto_server.py), every
 * job delivered twice: what is proven is counted at the endpoint, not read from our logs.
 */
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { FanoutTransitions, type ObjectRecord, objectKey, RANGE_STATUS, serializeJob } from "@s3-migrate/pipeline";
import { MIB } from "@s3-migrate/transfer";
import { beforeAll, describe, expect, it } from "vitest";
import { drainDeadLetters, localClients, queueBodies } from "../../support/awsResources.js";
import { buildCli } from "../../support/cli.js";
import { createBucket, makeS3Client, putObject, readObject, testEndpoints, uniqueBucketName } from "../../support/endpoints.js";
import { type ProxiedRequest, startFaultProxy } from "../../support/faultProxy.js";
import { deployLocally, SMALL_FANOUT_ENV } from "../../support/functionEnvironment.js";
import { openUploads, randomBody } from "../../support/transferBed.js";
import { queueDepth, startWorker, until } from "../../support/workerProcess.js";

const PART_SIZE = 5 * MIB;
/** The manifest part that binds an upload to its source version: the one part with a body. */
const MANIFEST_PART = "10000";

describe("worker processes with SERVER_SIDE_COPY", () => {
  const { source } = testEndpoints();
  const s3 = makeS3Client(source.endpoint, source.region);
  const { sqs, documents } = localClients(source.endpoint);
  beforeAll(() => buildCli());

  it("copy a small, a multipart and a fanned-out object, each job delivered twice, inside S3: no byte read, every part copied once, one CopyObject, proven by the source's CRC64NVME", {
    timeout: 240_000,
  }, async () => {
    // Prepare: both buckets on one endpoint; a small object, one of 2 parts, one of 6 parts fanned
    // out in 3 ranges of 2 (above 10 MiB)
    const sourceBucket = await createBucket(s3, uniqueBucketName("ssc-worker-src"));
    const destinationBucket = await createBucket(s3, uniqueBucketName("ssc-worker-dst"));
    const objects = { "small/é +%.txt": 70_000, "multi/two parts.bin": PART_SIZE + 3, "giant/+😀 six.bin": 5 * PART_SIZE + 3 };
    const bodies = new Map<string, Buffer>();
    for (const [key, size] of Object.entries(objects)) {
      bodies.set(key, randomBody(size));
      await putObject(s3, sourceBucket, key, bodies.get(key) ?? Buffer.alloc(0));
    }
    const proxy = await startFaultProxy({ target: source.endpoint });
    const deployment = await deployLocally("ssc-worker", [{ src_bucket: sourceBucket, des_bucket: destinationBucket }], "#", {
      SERVER_SIDE_COPY: "true",
      // the role reaches both sides: no stored keys at all
      CREDENTIALS_PARAMETER: "",
      AWS_ENDPOINT_URL_S3: proxy.endpoint,
      ...SMALL_FANOUT_ENV,
    });
    deployment.env.DEAD_LETTER_QUEUE_URL = deployment.dlqUrl;
    const jobs = Object.entries(objects).map(([key, size]) =>
      serializeJob({
        source: { bucket: sourceBucket, key, size },
        destination: { bucket: destinationBucket, key },
        queuedAt: new Date().toISOString(),
      }),
    );
    await queueBodies(deployment.queue, [...jobs, ...jobs]);
    const record = async (key: string) =>
      (await documents.send(new GetCommand({ TableName: deployment.table, Key: objectKey(destinationBucket, key), ConsistentRead: true })))
        .Item as ObjectRecord | undefined;
    // Act
    const workers = [0, 1].map(() => startWorker({ ...deployment.env, POWERTOOLS_LOG_LEVEL: "INFO" }, ["--visibility-timeout", "4"]));
    try {
      await until(
        async () =>
          (await Promise.all(Object.keys(objects).map(record))).every((item) => item?.status === "done") &&
          (await queueDepth(sqs, deployment.queueUrl)) === 0,
        180_000,
      );
    } finally {
      for (const worker of workers) worker.child.kill("SIGTERM");
    }
    for (const worker of workers) expect(await worker.exited, worker.output()).not.toBeNull();
    await proxy.close();
    // Assess: not one byte of an object came through the workers
    expect(proxy.countRequests({ method: "GET", query: { "x-id": "GetObject" } })).toBe(0);
    const toKey = (key: string) => (request: ProxiedRequest) => decodeURIComponent(request.path) === `/${destinationBucket}/${key}`;
    const partsOf = (key: string) =>
      proxy.requests
        .filter((request) => toKey(key)(request) && request.method === "PUT" && request.query.partNumber !== undefined)
        .map((request) => ({ part: request.query.partNumber ?? "", copied: request.copySource !== undefined }))
        .sort((a, b) => Number(a.part) - Number(b.part));
    const copiedFrom = (key: string) => `${sourceBucket}/${key.split("/").map(encodeURIComponent).join("/")}`;
    // the small object: one CopyObject, exactly once despite two deliveries
    const small = "small/é +%.txt";
    const smallCopies = proxy.requests.filter((request) => toKey(small)(request) && request.method === "PUT" && request.copySource);
    expect(smallCopies.map((request) => [request.copySource, request.status])).toEqual([[copiedFrom(small), 200]]);
    // the multipart objects: every data part an UploadPartCopy, each once; only the manifest has a body
    const dataParts = (count: number) => Array.from({ length: count }, (_, index) => ({ part: String(index + 1), copied: true }));
    expect(partsOf("multi/two parts.bin")).toEqual([...dataParts(2), { part: MANIFEST_PART, copied: false }]);
    expect(partsOf("giant/+😀 six.bin")).toEqual([...dataParts(6), { part: MANIFEST_PART, copied: false }]);
    for (const key of ["multi/two parts.bin", "giant/+😀 six.bin"]) {
      const copies = proxy.requests.filter((request) => toKey(key)(request) && request.copySource !== undefined);
      expect(new Set(copies.map((request) => request.copySource))).toEqual(new Set([copiedFrom(key)]));
      expect(
        proxy.requests.filter((request) => toKey(key)(request) && request.method === "POST" && "uploadId" in request.query),
      ).toHaveLength(1);
    }
    for (const [key, body] of bodies) {
      expect((await readObject(s3, destinationBucket, key)).equals(body), key).toBe(true);
      expect(await record(key), key).toMatchObject({
        status: "done",
        verification: "source-checksum",
        checksum: { algorithm: "CRC64NVME" },
      });
    }
    expect(await record("giant/+😀 six.bin")).toMatchObject({ rangeCount: 3 });
    const ranges = await new FanoutTransitions(documents, deployment.table).ranges(destinationBucket, "giant/+😀 six.bin");
    expect(ranges.map((range) => [range.rangeIndex, range.rangeStatus])).toEqual([
      [0, RANGE_STATUS.done],
      [1, RANGE_STATUS.done],
      [2, RANGE_STATUS.done],
    ]);
    expect(await openUploads(s3, destinationBucket)).toEqual([]);
    expect(await drainDeadLetters(sqs, deployment.dlqUrl)).toEqual([]);
  });
});
