import { MIB } from "@s3-migrate/transfer";
import { describe, expect, it } from "vitest";
import type { CopyShape } from "../src/config/environment.js";
import { estimateRun, tallyRules } from "../src/estimate/estimateRun.js";
import { loadPriceTable } from "../src/estimate/priceTable.js";
import { emptyTally, type TallyRules, tallyBatch, tallyObject } from "../src/estimate/runTally.js";

const shape: CopyShape = {
  partSize: 8 * MIB,
  partConcurrency: 4,
  fileConcurrency: 4,
  smallObjectThreshold: 8 * MIB,
  fanoutThreshold: 1024 * MIB,
  fanoutRangeParts: 32,
  copyTags: false,
  serverSideCopy: false,
};
const workers = { workerBytesPerSecond: 1 * MIB, secondsPerSmallObject: 0.1, batchSize: 1, memoryMiB: 1769, invocationSeconds: 840 };
const rules = { shape, bytesPerInvocation: 1 * MIB * 840 };
const GIB = 1024 ** 3;

/**
 * The known listing: 1,000 objects of 10 KiB (queued in 10 batches of 100), two of 100 MiB, one of
 * 2 GiB (fanned out) and one of 900 MiB (copied whole).
 */
function knownListing(listingRules: TallyRules = rules) {
  const tally = emptyTally();
  for (let i = 0; i < 1000; i++) tallyObject(tally, 10 * 1024, listingRules);
  for (let i = 0; i < 10; i++) tallyBatch(tally, 100);
  tallyObject(tally, 100 * MIB, listingRules);
  tallyObject(tally, 100 * MIB, listingRules);
  tallyObject(tally, 2 * GIB, listingRules);
  tallyObject(tally, 900 * MIB, listingRules);
  tally.listedKeys = 1004;
  return tally;
}

describe("the run estimate", () => {
  it("counts a known listing the way the worker copies it", () => {
    expect(knownListing()).toEqual({
      listedKeys: 1004,
      objects: 1004,
      bytes: 1000 * 10 * 1024 + 2 * 100 * MIB + 2 * GIB + 900 * MIB,
      smallObjects: 1000,
      multipartObjects: 4,
      // 100 MiB: 13 parts of 8 MiB (twice); 2 GiB: 256; 900 MiB: 113
      parts: 13 + 13 + 256 + 113,
      partListPages: 4,
      fannedOutObjects: 1,
      // 256 parts in ranges of 32
      ranges: 8,
      // 900 MiB at 1 MiB/s is 900 s: two invocations of 840 s, one continuation
      continuations: 1,
      batchedObjects: 1000,
      batches: 10,
    });
  });

  it("prices it exactly as a hand computation from the price table: us-east-1 to cn-northwest-1, workers in us-east-1", () => {
    // Prepare
    const table = loadPriceTable();
    const usd = table["us-east-1"];
    const cny = table["cn-northwest-1"];
    if (usd === undefined || cny === undefined) throw new Error("the table lacks a region the test prices");
    // Act
    const estimate = estimateRun(
      knownListing(),
      shape,
      workers,
      { source: "us-east-1", destination: "cn-northwest-1", run: "us-east-1" },
      table,
    );
    // Assess: by hand, request by request
    const bytes = 1000 * 10 * 1024 + 2 * 100 * MIB + 2 * GIB + 900 * MIB;
    const parts = 395;
    const queued = 4 + 10; // the large objects' jobs and the small objects' batches
    const messages = queued + 8; // and the range jobs
    const sourceGets = 1000 + 4 + parts; // small GETs, multipart HEADs, ranged GETs
    const sourceLists = 2; // 1,004 keys in pages of 1,000
    const destinationPuts = 2 + 1000 + 4 * 4 + parts + 4 + 8; // lists, small PUTs, per upload (ListMultipartUploads, Create, manifest, Complete), parts, ListParts pages, range ListParts
    const sqs = queued * 0.1 + 8 * 0.1 + 2 * messages + 3 * 1; // sends, range sends, receives and deletes, the continuation
    // queued marks, each message's two (a batch's lease), each batched object's commit, the ranges', the continuation's pause
    const writes = 1004 + 2 * messages + 1000 + 8 * 5.4 + 1;
    const reads = 1004 + 1000 * 0.5; // the jobsender's check of each object; each batched object's record read by the worker
    // the batched objects' latency shared by the 4 a batch copies at once (PART_CONCURRENCY 4 x 8 MiB parts / 8 MiB threshold)
    const lambdaSeconds = bytes / MIB + (1000 * 0.1) / 4;
    const expected = {
      USD:
        (sourceGets / 1000) * usd.s3GetClassPer1000 +
        (sourceLists / 1000) * usd.s3PutClassPer1000 +
        (bytes / GIB) * usd.internetEgressPerGB +
        (sqs / 1e6) * usd.sqsPerMillionRequests +
        ((2 * messages + 2 * 1) / 1e6) * usd.kmsPerMillionRequests + // a code made and checked per message and continuation
        (writes / 1e6) * usd.dynamodbPerMillionWrites +
        (reads / 1e6) * usd.dynamodbPerMillionReads +
        ((messages + 1) / 1e6) * usd.lambdaPerMillionRequests +
        ((lambdaSeconds * 1769) / 1024) * usd.lambdaPerGBSecond,
      CNY: (destinationPuts / 1000) * cny.s3PutClassPer1000,
    };
    expect(Object.keys(estimate.totals).sort()).toEqual(["CNY", "USD"]);
    expect(estimate.totals.USD).toBeCloseTo(expected.USD, 10);
    expect(estimate.totals.CNY).toBeCloseTo(expected.CNY, 10);
    expect(estimate.requests).toMatchObject({
      sourceGetClass: sourceGets,
      destinationPutClass: destinationPuts,
      lambdaInvocations: messages + 1,
    });
    expect(estimate.requests.sqsRequests).toBeCloseTo(sqs, 10);
    expect(estimate.requests.kmsRequests).toBe(2 * messages + 2);
    expect(estimate.requests.dynamodbWrites).toBeCloseTo(writes, 10);
    // egress is the cost that matters: one leg, across partitions, at the internet rate
    const egress = estimate.lines.filter((line) => line.item.startsWith("Data transfer out"));
    expect(egress).toEqual([expect.objectContaining({ region: "us-east-1", unitPrice: usd.internetEgressPerGB, quantity: bytes / GIB })]);
    // the unverified China prices are said to be approximate
    expect(estimate.assumptions.some((line) => line.includes("cn-northwest-1") && line.includes("approximate"))).toBe(true);
  });

  it("prices a server-side copy by hand: no source byte through the workers, one leg from the source's region to the destination's, compute at S3's assumed copy rate", () => {
    // Prepare: us-east-1 to us-west-2, one partition; the same listing, tallied at the server-side rate
    const table = loadPriceTable();
    const east = table["us-east-1"];
    const west = table["us-west-2"];
    if (east === undefined || west === undefined) throw new Error("the table lacks a region the test prices");
    const serverSide = { ...shape, serverSideCopy: true };
    const tally = knownListing(tallyRules(serverSide, { ...workers }));
    // Act
    const estimate = estimateRun(tally, serverSide, workers, { source: "us-east-1", destination: "us-west-2", run: "us-east-1" }, table);
    // Assess: 200 MiB/s a worker (4 copy requests of 50 MiB/s) copies 900 MiB within one invocation
    expect(tally.continuations).toBe(0);
    const bytes = 1000 * 10 * 1024 + 2 * 100 * MIB + 2 * GIB + 900 * MIB;
    const parts = 395;
    const queued = 4 + 10;
    const messages = queued + 8;
    const sourceHeads = 1004; // a HEAD pins each object; S3 reads the bytes itself
    const destinationPuts = 2 + 1000 + 4 * 4 + parts + 4 + 8; // the streamed copy's, CopyObject and UploadPartCopy in place of PUT and UploadPart
    const sqs = queued * 0.1 + 8 * 0.1 + 2 * messages;
    // each batched object copied under a lease of its own: its claim and its settling write
    const writes = 1004 + 2 * messages + 1000 * 2 + 8 * 5.4;
    const reads = 1004 + 1000 * 0.5;
    const lambdaSeconds = bytes / (4 * 50 * MIB) + (1000 * 0.1) / 4;
    const expected =
      (sourceHeads / 1000) * east.s3GetClassPer1000 +
      (2 / 1000) * east.s3PutClassPer1000 +
      (bytes / GIB) * east.interRegionPerGB +
      (sqs / 1e6) * east.sqsPerMillionRequests +
      ((2 * messages) / 1e6) * east.kmsPerMillionRequests +
      (writes / 1e6) * east.dynamodbPerMillionWrites +
      (reads / 1e6) * east.dynamodbPerMillionReads +
      (messages / 1e6) * east.lambdaPerMillionRequests +
      ((lambdaSeconds * 1769) / 1024) * east.lambdaPerGBSecond +
      (destinationPuts / 1000) * west.s3PutClassPer1000;
    expect(Object.keys(estimate.totals)).toEqual(["USD"]);
    expect(estimate.totals.USD).toBeCloseTo(expected, 10);
    expect(estimate.requests).toMatchObject({
      sourceGetClass: sourceHeads,
      destinationPutClass: destinationPuts,
      lambdaInvocations: messages,
    });
    expect(estimate.lines.filter((line) => line.item.startsWith("Data transfer out")).map((line) => [line.item, line.region])).toEqual([
      ["Data transfer out, source to the destination, copied by S3 (to another region)", "us-east-1"],
    ]);
    expect(estimate.assumptions.some((line) => line.includes("server-side") && line.includes("50 MiB/s per copy request"))).toBe(true);
  });

  it("charges no transfer for a server-side copy within one region, wherever the workers run, and refuses one across partitions", () => {
    const serverSide = { ...shape, serverSideCopy: true };
    const estimate = estimateRun(
      knownListing(tallyRules(serverSide, workers)),
      serverSide,
      workers,
      { source: "us-east-1", destination: "us-east-1", run: "us-west-2" },
      loadPriceTable(),
    );
    expect(estimate.lines.filter((line) => line.item.startsWith("Data transfer out"))).toEqual([]);
    expect(() =>
      estimateRun(
        emptyTally(),
        serverSide,
        workers,
        { source: "us-east-1", destination: "cn-northwest-1", run: "us-east-1" },
        loadPriceTable(),
      ),
    ).toThrow("A server-side copy stays inside one partition: us-east-1 and cn-northwest-1 are in two (SERVER_SIDE_COPY)");
  });

  it("charges the bytes on both legs when the workers run in neither the source's nor the destination's region", () => {
    const estimate = estimateRun(
      knownListing(),
      shape,
      workers,
      { source: "us-east-1", destination: "cn-north-1", run: "us-west-2" },
      loadPriceTable(),
    );
    expect(estimate.lines.filter((line) => line.item.startsWith("Data transfer out")).map((line) => [line.region, line.unitPrice])).toEqual(
      [
        ["us-east-1", 0.02],
        ["us-west-2", 0.09],
      ],
    );
  });

  it("lays a user's prices over the table field by field, and refuses a table it cannot use, naming the field", () => {
    const table = loadPriceTable('{"us-east-1": {"internetEgressPerGB": 0.05}}');
    expect(table["us-east-1"]).toMatchObject({ internetEgressPerGB: 0.05, s3PutClassPer1000: 0.005 });
    expect(() => loadPriceTable('{"eu-west-1": {"currency": "USD", "s3PutClassPer1000": 0.005}}', "prices.json")).toThrow(
      "prices.json: eu-west-1.s3GetClassPer1000 must be a price of 0 or more, got undefined",
    );
    expect(() => loadPriceTable("[1]")).toThrow("--prices must be a JSON object of regions");
    expect(() => loadPriceTable("{not json")).toThrow("--prices is not JSON");
    expect(() =>
      estimateRun(emptyTally(), shape, workers, { source: "xx-east-9", destination: "us-east-1", run: "us-east-1" }, table),
    ).toThrow("No prices for region xx-east-9");
  });
});
