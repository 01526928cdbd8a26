import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { GetObjectCommand, ListMultipartUploadsCommand, ListPartsCommand } from "@aws-sdk/client-s3";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { MIB } from "@s3-migrate/core";
import { beforeAll, describe, expect, it } from "vitest";
import { localClients } from "../../support/awsResources.js";
import { buildCli } from "../../support/cli.js";
import { createBucket, makeS3Client, putObject, testEndpoints, uniqueBucketName } from "../../support/endpoints.js";
import { startFaultProxy } from "../../support/faultProxy.js";
import { deployLocally } from "../../support/functionEnvironment.js";
import { openUploads, randomBody } from "../../support/transferBed.js";

function startWorker(
  env: Record<string, string>,
  args: string[],
): { child: ChildProcess; exited: Promise<number | null>; output: () => string } {
  let output = "";
  const child = spawn(process.execPath, ["packages/cli/dist/s3-migrate.mjs", "worker", ...args], { env: { ...process.env, ...env } });
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  return { child, exited: new Promise((resolve) => child.on("exit", (code) => resolve(code))), output: () => output };
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("s3-migrate worker (cluster mode)", () => {
  const { source, destination } = testEndpoints();
  const src = makeS3Client(source.endpoint, source.region);
  const dst = makeS3Client(destination.endpoint, destination.region);
  const { sqs } = localClients(source.endpoint);
  beforeAll(() => buildCli());

  it("killed with -9 in the middle of a 200 MiB transfer and started again, completes it without re-sending stored parts", {
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
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: deployment.queueUrl,
        MessageBody: JSON.stringify({
          schema: "s3-migrate/job",
          version: 1,
          source: { bucket: sourceBucket, key: "big/two-hundred.bin", size },
          destination: { bucket: destinationBucket, key: "big/two-hundred.bin" },
          queuedAt: "",
        }),
      }),
    );
    const storedDataParts = () =>
      proxy.countRequests({ method: "PUT", query: "partNumber", status: 200 }) -
      proxy.countRequests({ method: "PUT", query: { partNumber: "10000" }, status: 200 });
    // Act: the first worker dies hard after 8 parts
    const first = startWorker(deployment.env, ["--visibility-timeout", "4"]);
    await until(() => storedDataParts() >= 8, 120_000);
    first.child.kill("SIGKILL");
    await first.exited;
    const killedAt = proxy.requests.length;
    const uploads = await dst.send(new ListMultipartUploadsCommand({ Bucket: destinationBucket }));
    const uploadId = uploads.Uploads?.[0]?.UploadId;
    const before = await dst.send(new ListPartsCommand({ Bucket: destinationBucket, Key: "big/two-hundred.bin", UploadId: uploadId }));
    const partsBefore = new Set((before.Parts ?? []).map((part) => String(part.PartNumber)).filter((part) => part !== "10000"));
    //  a new worker picks the message up once its visibility lapses (no heartbeat any more)
    const second = startWorker({ ...deployment.env, POWERTOOLS_LOG_LEVEL: "INFO" }, ["--visibility-timeout", "4", "--exit-when-idle", "6"]);
    const status = await second.exited;
    await proxy.close();
    // Assess
    expect(status, second.output()).toBe(0);
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
