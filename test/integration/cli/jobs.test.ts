import { beforeAll, describe, expect, it } from "vitest";
import { createQueue, drainQueue, localClients } from "../../support/awsResources.js";
import { buildCli, runCli } from "../../support/cli.js";
import { createBucket, makeS3Client, putObject, testEndpoints, uniqueBucketName } from "../../support/endpoints.js";

describe("s3-migrate plan / send (CLI)", () => {
  const { source, destination } = testEndpoints();
  const { sqs } = localClients(source.endpoint);
  let pairs: string;
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

  it("send queues the same jobs", async () => {
    const queueUrl = await createQueue(sqs, `cli-send-${process.pid}`);
    const run = await runCli(["send", "--pairs", pairs, "--ignore", "*.log", "--queue-url", queueUrl, ...endpoints()], {
      AWS_ENDPOINT_URL_SQS: source.endpoint,
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/2 queued/);
    expect((await drainQueue(sqs, queueUrl)).map((body) => JSON.parse(body).source.key).sort()).toEqual(["data/2.bin", "data/数据 +.bin"]);
  });

  it("rejects malformed pairs with exit status 2, naming the field", async () => {
    const run = await runCli(["plan", "--pairs", '[{"src_bucket":"ok-bucket"}]', ...endpoints()]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--pairs, entry 0: field "des_bucket"');
  });
});
