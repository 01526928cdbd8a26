import { type BucketPair, ObjectLedger, PassStateStore, parseIgnoreList, runJobsender } from "@s3-migrate/pipeline";
import { createS3Client } from "@s3-migrate/transfer";
import { beforeAll, describe, expect, it } from "vitest";
import { createLedgerTable, createQueue, drainJobs, drainQueue, localClients } from "../../support/awsResources.js";
import { createBucket, listAllKeys, makeS3Client, putObject, testEndpoints, uniqueBucketName } from "../../support/endpoints.js";
import { mapLimit } from "../../support/mapLimit.js";
import { regionCounts } from "../../support/regionFront.js";

const ODD = ["sp ace.txt", "plus+key", "pct%41", "数据/文件", "emoji/😀", "fw/\uFF5E", "a//b", "dir/"];

describe("jobsender against the local endpoints", () => {
  const { source, destination } = testEndpoints();
  const src = makeS3Client(source.endpoint, source.region);
  const dst = makeS3Client(destination.endpoint, destination.region);
  const credentials = { accessKeyId: "testing", secretAccessKey: "testing" };
  const sourceClient = createS3Client({ region: source.region, endpoint: source.endpoint, credentials }, {}, { side: "source" });
  const destinationClient = createS3Client(
    { region: destination.region, endpoint: destination.endpoint, credentials },
    {},
    { side: "destination" },
  );
  const { sqs, dynamo, documents } = localClients(source.endpoint);
  let sourceBucket: string;
  let destinationBucket: string;
  const expected = new Set<string>();

  beforeAll(async () => {
    sourceBucket = await createBucket(src, uniqueBucketName("js-src"));
    destinationBucket = await createBucket(dst, uniqueBucketName("js-dst"));
    // 2,000 objects in 20 folders plus odd keys. The destination (under "mirror/") already has
    // 7 of every 8 objects, a different size for every 9th of those, and *.log files are ignored.
    // (moto's SQS slows down linearly with queue depth, so the queued set is kept to a few hundred.)
    const keys = [
      ...Array.from({ length: 2000 }, (_, i) => `d${String(i % 20).padStart(2, "0")}/obj-${i}${i % 50 === 0 ? ".log" : ".bin"}`),
      ...ODD.map((key) => `odd/${key}`),
    ];
    await mapLimit(keys, 16, async (key, index) => {
      const size = index % 5;
      await putObject(src, sourceBucket, key, Buffer.alloc(size));
      const ignored = key.endsWith(".log");
      const present = index % 8 !== 0 && !key.startsWith("odd/");
      const differentSize = present && index % 9 === 0;
      if (present) await putObject(dst, destinationBucket, `mirror/${key}`, Buffer.alloc(differentSize ? 9 : size));
      if (!ignored && (!present || differentSize)) expected.add(key);
    });
  });

  const pairs = (): BucketPair[] => [{ srcBucket: sourceBucket, srcPrefix: "", desBucket: destinationBucket, desPrefix: "mirror" }];
  const ignore = parseIgnoreList("*.log");

  it("queues exactly the missing and resized objects, odd keys included", async () => {
    // Prepare
    const queueUrl = await createQueue(sqs, `js-exact-${process.pid}`);
    // Act
    const report = await runJobsender(
      { source: sourceClient, destination: destinationClient, sqs, queueUrl },
      { pairs: pairs(), ignore, segmentsPerPair: 4 },
    );
    const queued = await drainJobs(sqs, queueUrl);
    // Assess
    expect(report.pairs[0]).toMatchObject({
      status: "complete",
      counts: { listed: 2008, ignored: 40, present: 2008 - 40 - expected.size, queued: expected.size, failed: 0 },
    });
    expect(new Set(queued.map((job) => job.source.key))).toEqual(expected);
    expect(queued).toHaveLength(expected.size);
    // a missing object goes in a batch (its copy is create-only), a resized one keeps a job of its own (it is overwritten under its lease)
    const job = queued.find((candidate) => candidate.source.key === "odd/emoji/😀");
    expect(job).toMatchObject({
      schema: "s3-migrate/batch",
      source: { bucket: sourceBucket, size: expect.any(Number), etag: expect.stringMatching(/^[0-9a-f]{32}$/) },
      destination: { bucket: destinationBucket, key: "mirror/odd/emoji/😀" },
    });
    const resized = await listAllKeys(destinationClient, destinationBucket, "mirror/");
    const present = new Set(resized.map((key) => key.slice("mirror/".length)));
    for (const candidate of queued.filter(({ source }) => present.has(source.key)))
      expect(candidate.schema, candidate.source.key).toBe("s3-migrate/job");
    // A round whose only missing object is that one sends it as a job (a batch of one costs a write
    // more). Rounds of 100 candidates hold dozens of missing objects here; only the short rounds cut
    // at a segment's end (4) or at each 1,000th listed object (2) can hold a lone one.
    const missing = queued.filter(({ source }) => !present.has(source.key));
    const loneMissing = missing.filter(({ schema }) => schema === "s3-migrate/job");
    expect(loneMissing.length).toBeLessThanOrEqual(4 + 2);
    expect(queued.filter(({ schema }) => schema === "s3-migrate/batch")).toHaveLength(missing.length - loneMissing.length);
  });

  it("stopped at a tiny deadline and resumed, sends every expected object exactly once", async () => {
    // Prepare: a ledger table holds the checkpoints and the lease
    const queueUrl = await createQueue(sqs, `js-resume-${process.pid}`);
    const table = await createLedgerTable(dynamo, `js-ledger-${process.pid}`);
    const context = {
      source: sourceClient,
      destination: destinationClient,
      sqs,
      queueUrl,
      state: new PassStateStore(documents, table),
      ledger: new ObjectLedger(documents, table),
    };
    // Act: runs of 1 s (moto answers a listing page in ~0.1-0.3 s) until the pass completes
    const statuses: string[] = [];
    for (let run = 0; run < 200; run++) {
      const report = await runJobsender(context, { pairs: pairs(), ignore, deadline: Date.now() + 1000, roundSize: 20, pageSize: 100 });
      statuses.push(report.pairs[0]?.status ?? "none");
      if (report.pairs[0]?.status === "complete") break;
    }
    const keys = (await drainJobs(sqs, queueUrl)).map((job) => job.source.key);
    // Assess
    expect(statuses.length).toBeGreaterThan(1);
    expect(statuses.at(-1)).toBe("complete");
    expect(keys.length).toBe(expected.size);
    expect(new Set(keys)).toEqual(expected);
    // a new pass right after sends nothing: everything is recorded as queued in the ledger
    const again = await runJobsender(context, { pairs: pairs(), ignore });
    expect(again.pairs[0]?.counts).toMatchObject({ queued: 0, alreadyQueued: expected.size });
  });

  it("reports a missing bucket on one pair and still processes the others", async () => {
    const queueUrl = await createQueue(sqs, `js-pairs-${process.pid}`);
    const metrics: string[] = [];
    const report = await runJobsender(
      { source: sourceClient, destination: destinationClient, sqs, queueUrl, metrics: { addMetric: (name) => metrics.push(name) } },
      { pairs: [{ srcBucket: "no-such-source-bucket", srcPrefix: "", desBucket: destinationBucket, desPrefix: "" }, ...pairs()], ignore },
    );
    expect(report.pairs[0]).toMatchObject({ status: "failed", error: { code: "BucketMissing" }, preflight: [{ code: "BucketMissing" }] });
    expect(report.pairs[1]).toMatchObject({ status: "complete", counts: { queued: expected.size } });
    expect(report.pairs[1]?.preflight).toBeUndefined();
    expect(metrics.filter((name) => name === "PairsFailedPreflight")).toHaveLength(1);
    expect(metrics.filter((name) => name === "PairsFailed")).toHaveLength(1);
    expect(await drainJobs(sqs, queueUrl)).toHaveLength(expected.size);
  });

  it("skips a pair whose bucket is another account's or elsewhere than configured (preflight), listing nothing of it", async () => {
    // Prepare: the destination is said to be another account's; the source is said to be in us-west-2
    const queueUrl = await createQueue(sqs, `js-preflight-${process.pid}`);
    const logged: Array<Record<string, unknown>> = [];
    const quiet = () => undefined;
    const logger = {
      debug: quiet,
      info: quiet,
      warn: quiet,
      error: (_message: string, ...extra: Array<Record<string, unknown>>) => logged.push(...extra),
    };
    const before = await regionCounts(destination.endpoint, destinationBucket);
    // Act
    const report = await runJobsender(
      { source: sourceClient, destination: destinationClient, sqs, queueUrl, logger },
      {
        pairs: [
          { ...pairs()[0], desOwner: "111111111111" } as BucketPair,
          { ...pairs()[0], srcRegion: "us-west-2", desPrefix: "elsewhere" } as BucketPair,
        ],
        ignore,
      },
    );
    // Assess: one HeadBucket refused at the destination, nothing listed there, nothing queued
    expect(report.pairs.map((pair) => pair.preflight?.map((problem) => problem.code))).toEqual([["OwnerMismatch"], ["WrongRegion"]]);
    expect(report.pairs.map((pair) => pair.counts.listed)).toEqual([0, 0]);
    expect(logged.map((extra) => extra.code)).toEqual(["OwnerMismatch", "WrongRegion"]);
    const after = await regionCounts(destination.endpoint, destinationBucket);
    expect(after.ownerRefusals - before.ownerRefusals).toBe(1);
    expect(await drainQueue(sqs, queueUrl)).toEqual([]);
  });

  it("a second run while the lease is held sends nothing", async () => {
    const queueUrl = await createQueue(sqs, `js-lease-${process.pid}`);
    const table = await createLedgerTable(dynamo, `js-lease-${process.pid}`);
    const state = new PassStateStore(documents, table);
    expect(await state.acquireLease("other-run", new Date(), 60_000)).toBe(true);
    const report = await runJobsender(
      { source: sourceClient, destination: destinationClient, sqs, queueUrl, state },
      { pairs: pairs(), ignore },
    );
    expect(report).toEqual({ skipped: "lease-held", pairs: [] });
    expect(await drainQueue(sqs, queueUrl)).toEqual([]);
  });
});
