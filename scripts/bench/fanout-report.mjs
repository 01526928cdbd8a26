#!/usr/bin/env node
// Turns the rows scripts/bench-fanout.sh collected (one JSON line per run, from
// test/bench/fanout.bench.ts) into the printed tables: per run, then speed-up and parallel
// efficiency against the 1-worker run, requests by kind, the ratio to rclone, and the model of
// the original's 80 GB case built from the measured per-worker figures (docs/benchmarks.md,
// "Fan-out", says how). Writes the whole report as JSON beside the rows.
//
//   node scripts/bench/fanout-report.mjs RESULTS_JSONL
//
// The model's assumptions are printed with it; each can be overridden from the environment
// (a Lambda's rate also comes from the original's own 2 to 6 hours for 80 GB in one Lambda):
//   MODEL_OBJECT_GB (80), MODEL_PART_SIZE_MIB (8), MODEL_RANGE_PARTS (32), MODEL_FLOWS (16),
//   MODEL_FLOW_MIBPS ("0.5 1 2": cross-border bandwidth of one TCP flow), MODEL_LAMBDA_MB (1769),
//   MODEL_COMPLETION_SECONDS (30: S3's CompleteMultipartUpload of ~10,000 parts, which moto
//   cannot stand in for)
import { readFileSync, writeFileSync } from "node:fs";

const [resultsPath] = process.argv.slice(2);
if (!resultsPath) {
  console.error("usage: node scripts/bench/fanout-report.mjs RESULTS_JSONL");
  process.exit(2);
}
const MIB = 1024 * 1024;
const GIB = 1024 * MIB;
const rows = readFileSync(resultsPath, "utf8")
  .split("\n")
  .filter((line) => line.trim() !== "")
  .map((line) => JSON.parse(line));
const runs = rows.filter((row) => row.mode === "workers").sort((a, b) => a.workers - b.workers);
const peer = rows.find((row) => row.mode === "rclone");
const one = runs.find((row) => row.workers === 1);
if (one === undefined) throw new Error("fanout-report: the 1-worker run is missing; speed-up and the model need it");
const fixed = (value, digits = 2) => Number(value).toFixed(digits);

const first = rows[0];
console.log(
  `\nFan-out: one ${first.objectGiB} GiB object (${first.partSizeMiB} MiB parts, ranges of ${first.rangeParts} parts) over a link of ${first.linkMiBps} MiB/s per connection, ${first.linkRttMs} ms round trip; ${first.partConcurrency} flows per worker\n`,
);
// moto's CompleteMultipartUpload (concatenating the parts in Python, about 15 s a GiB) is in the
// wall time but is no work of the link or the workers, and S3 takes seconds: speed-up and
// efficiency are given on the transfer time without it, and on the wall time in brackets.
const table = [
  [
    "run",
    "flows",
    "wall s",
    "moto's completion s",
    "transfer s",
    "MiB/s",
    "speed-up",
    "efficiency",
    "link used",
    "client CPU s",
    "CPU s/GiB",
    "cores: clients / moto / link",
    "re-sent",
  ],
];
const speedups = [];
for (const row of [...runs, ...(peer ? [peer] : [])]) {
  const speedup = one.transferSeconds / row.transferSeconds;
  const efficiency = speedup / row.workers;
  const wallSpeedup = one.wallSeconds / row.wallSeconds;
  const wallEfficiency = wallSpeedup / row.workers;
  if (row.mode === "workers") speedups.push({ workers: row.workers, speedup, efficiency, wallSpeedup, wallEfficiency });
  table.push([
    row.mode === "workers" ? `s3-migrate, ${row.workers} worker${row.workers > 1 ? "s" : ""}` : "rclone (peer)",
    String(row.flows),
    fixed(row.wallSeconds, 1),
    fixed(row.completionSeconds, 0),
    fixed(row.transferSeconds, 1),
    fixed(row.bytes / MIB / row.transferSeconds, 1),
    row.mode === "workers" ? `${fixed(speedup)} (${fixed(wallSpeedup)})` : "",
    row.mode === "workers" ? `${fixed(efficiency)} (${fixed(wallEfficiency)})` : "",
    fixed(row.linkUtilisation),
    fixed(row.clientCpuSeconds, 1),
    fixed(row.clientCpuSecondsPerGiB),
    `${fixed(row.coresBusy.clients)} / ${fixed(row.coresBusy.moto)} / ${fixed(row.coresBusy.linkAndDriver)}`,
    `${row.partsResent} parts (${fixed(row.bytesResent / MIB, 0)} MiB)`,
  ]);
}
printTable(table);
const four = speedups.find((entry) => entry.workers === 4);
if (four)
  console.log(
    `\nparallel efficiency at 4 workers: ${fixed(four.efficiency)} on the transfer, ${fixed(four.wallEfficiency)} on the wall time with moto's completion (goal: at least 0.80)`,
  );
if (peer) {
  console.log(
    `s3-migrate with 1 worker against rclone with as many flows (${peer.flows}): transfer time ${fixed(one.transferSeconds / peer.transferSeconds)}x, wall time ${fixed(one.wallSeconds / peer.wallSeconds)}x, client CPU ${fixed(one.clientCpuSeconds / peer.clientCpuSeconds)}x`,
  );
}

console.log("\nRequests by kind");
const kinds = [...new Set(rows.flatMap((row) => Object.keys(row.requests)))].sort();
const requestTable = [["request", ...rows.map((row) => (row.mode === "workers" ? `${row.workers} w` : "rclone"))]];
for (const kind of kinds) requestTable.push([kind, ...rows.map((row) => String(row.requests[kind] ?? 0))]);
printTable(requestTable);

const model = buildModel();
console.log(
  `\nModel: the original's ${model.assumptions.objectGB} GB object across the border with N Lambdas (the original: 2 to 6 hours in one Lambda)`,
);
console.log(`  measured here: ${model.measured.description}`);
console.log(`  assumed: ${model.assumptions.description}`);
const modelTable = [
  ["a Lambda's rate from", "N", "MiB/s per Lambda", "time", "Lambda GB-s", "Lambda $", "requests $", "egress $", "total $"],
];
for (const line of model.lines)
  modelTable.push([
    line.basis,
    String(line.lambdas),
    fixed(line.perLambdaMiBps, 1),
    duration(line.seconds),
    fixed(line.gbSeconds, 0),
    fixed(line.lambdaCost),
    fixed(line.requestCost),
    fixed(line.egressCost),
    fixed(line.totalCost),
  ]);
printTable(modelTable);
writeFileSync(resultsPath.replace(/\.jsonl$/, "-report.json"), `${JSON.stringify({ rows, speedups, model }, null, 2)}\n`);

/**
 * The 80 GB model. Each Lambda copies one range at a time with MODEL_FLOWS flows of
 * MODEL_FLOW_MIBPS each, turning them into throughput as well as one worker did here (the
 * 1-worker run's link utilisation: round trips per part, each range's tail), capped by one vCPU
 * at the measured client CPU per GiB. N Lambdas take ceil(ranges / N) rounds of ranges, slowed by
 * the coordination loss measured at the largest worker count here beyond what its own rounds
 * explain. Requests scale from the largest run, per part and per range; prices are those of
 * MODEL_PRICE_REGION (us-east-1) in the run estimate's price table, egress to the internet at the first tier.
 */
/** A region's prices from the run estimate's one price table (packages/pipeline/src/estimate/prices.json), per unit. */
function modelPrices(region) {
  const table = JSON.parse(readFileSync(new URL("../../packages/pipeline/src/estimate/prices.json", import.meta.url), "utf8"));
  const prices = table[region];
  if (prices === undefined) throw new Error(`The price table has no ${region}`);
  return {
    lambdaGbSecond: prices.lambdaPerGBSecond,
    lambdaRequest: prices.lambdaPerMillionRequests / 1e6,
    s3PutClass: prices.s3PutClassPer1000 / 1000,
    s3GetClass: prices.s3GetClassPer1000 / 1000,
    sqsRequest: prices.sqsPerMillionRequests / 1e6,
    dynamodbWrite: prices.dynamodbPerMillionWrites / 1e6,
    dynamodbRead: prices.dynamodbPerMillionReads / 1e6,
    egressGB: prices.internetEgressPerGB,
  };
}

function buildModel() {
  const env = (name, fallback) => process.env[name] ?? fallback;
  const assumptions = {
    objectGB: Number(env("MODEL_OBJECT_GB", 80)),
    partSizeMiB: Number(env("MODEL_PART_SIZE_MIB", 8)),
    rangeParts: Number(env("MODEL_RANGE_PARTS", 32)),
    flows: Number(env("MODEL_FLOWS", 16)),
    flowMiBps: String(env("MODEL_FLOW_MIBPS", "0.5 1 2")).split(/\s+/).map(Number),
    lambdaMB: Number(env("MODEL_LAMBDA_MB", 1769)),
    completionSeconds: Number(env("MODEL_COMPLETION_SECONDS", 30)),
    prices: modelPrices(env("MODEL_PRICE_REGION", "us-east-1")),
  };
  const largest = runs.at(-1);
  const benchRanges = Math.ceil(largest.bytes / (largest.partSizeMiB * MIB) / largest.rangeParts);
  const roundsEfficiency = (ranges, lambdas) => ranges / lambdas / Math.ceil(ranges / lambdas);
  const measuredLargest = speedups.find((entry) => entry.workers === largest.workers)?.efficiency ?? 1;
  const coordination = Math.min(1, measuredLargest / roundsEfficiency(benchRanges, largest.workers));
  const utilisation = Math.min(1, one.linkUtilisation);
  const cpuCeilingMiBps = GIB / MIB / one.clientCpuSecondsPerGiB;
  const bytes = assumptions.objectGB * 1e9;
  const parts = Math.ceil(bytes / (assumptions.partSizeMiB * MIB));
  const ranges = Math.ceil(parts / assumptions.rangeParts);
  const largestParts = Math.ceil(largest.bytes / (largest.partSizeMiB * MIB));
  const perPart = (pattern) => sum(largest.requests, pattern) / largestParts;
  const perRange = (pattern) => sum(largest.requests, pattern) / benchRanges;
  const requestCost =
    parts *
      perPart(/^S3 destination (UploadPart|CreateMultipartUpload|CompleteMultipartUpload|PutObject)/) *
      assumptions.prices.s3PutClass +
    ranges * perRange(/^S3 destination (ListParts|ListMultipartUploads)/) * assumptions.prices.s3PutClass +
    parts * perPart(/^S3 source /) * assumptions.prices.s3GetClass +
    ranges * perRange(/^SQS /) * assumptions.prices.sqsRequest +
    ranges * perRange(/^DynamoDB (UpdateItem|PutItem|BatchWriteItem|DeleteItem)/) * assumptions.prices.dynamodbWrite +
    ranges * perRange(/^DynamoDB (GetItem|Query|BatchGetItem)/) * assumptions.prices.dynamodbRead +
    ranges * assumptions.prices.lambdaRequest;
  // Besides flows of a given bandwidth, the original's own figure: one Lambda moved 80 GB in 2 to
  // 6 hours, so a Lambda of ours is assumed to move no more than that.
  const originalMiBps = (hours) => bytes / (hours * 3600) / MIB;
  const rates = [
    ...assumptions.flowMiBps.map((flowMiBps) => ({
      basis: `${fixed(flowMiBps, 1)} MiB/s a flow`,
      perLambdaMiBps: Math.min(assumptions.flows * flowMiBps * utilisation, cpuCeilingMiBps),
    })),
    { basis: "the original's 2 h", perLambdaMiBps: originalMiBps(2) },
    { basis: "the original's 6 h", perLambdaMiBps: originalMiBps(6) },
  ];
  const lines = [];
  for (const { basis, perLambdaMiBps } of rates) {
    const rangeSeconds = (assumptions.rangeParts * assumptions.partSizeMiB) / perLambdaMiBps;
    for (const lambdas of [1, 8, 32, 128]) {
      const seconds = (Math.ceil(ranges / lambdas) * rangeSeconds) / (lambdas === 1 ? 1 : coordination) + assumptions.completionSeconds;
      const gbSeconds = lambdas * seconds * (assumptions.lambdaMB / 1024);
      const lambdaCost = gbSeconds * assumptions.prices.lambdaGbSecond;
      const egressCost = assumptions.objectGB * assumptions.prices.egressGB;
      lines.push({
        basis,
        lambdas,
        perLambdaMiBps,
        seconds,
        gbSeconds,
        lambdaCost,
        requestCost,
        egressCost,
        totalCost: lambdaCost + requestCost + egressCost,
      });
    }
  }
  return {
    measured: {
      oneWorkerLinkUtilisation: utilisation,
      coordinationAtLargest: coordination,
      cpuCeilingMiBps,
      description: `one worker turned ${fixed(utilisation * 100, 0)}% of its flows' capacity into throughput; beyond its rounds of ranges, ${largest.workers} workers lost ${fixed((1 - coordination) * 100, 0)}% to coordination; one vCPU carries ${fixed(cpuCeilingMiBps, 0)} MiB/s at ${fixed(one.clientCpuSecondsPerGiB)} CPU s/GiB`,
    },
    assumptions: {
      ...assumptions,
      parts,
      ranges,
      description: `${parts} parts of ${assumptions.partSizeMiB} MiB in ${ranges} ranges of ${assumptions.rangeParts}; ${assumptions.flows} flows per Lambda of ${assumptions.lambdaMB} MB (one range at a time); ${assumptions.completionSeconds} s for S3 to complete the upload; prices: Lambda $${assumptions.prices.lambdaGbSecond}/GB-s, S3 PUT $0.005 and GET $0.0004 per 1,000, SQS $0.40 and DynamoDB writes $0.625 per million, egress $${assumptions.prices.egressGB}/GB`,
    },
    lines,
  };
}

function sum(requests, pattern) {
  return Object.entries(requests)
    .filter(([kind]) => pattern.test(kind))
    .reduce((total, [, count]) => total + count, 0);
}

function duration(seconds) {
  if (seconds < 60) return `${fixed(seconds, 0)} s`;
  if (seconds < 3600) return `${fixed(seconds / 60, 1)} min`;
  return `${fixed(seconds / 3600, 1)} h`;
}

function printTable(lines) {
  const widths = lines[0].map((_, column) => Math.max(...lines.map((line) => String(line[column]).length)));
  for (const line of lines) console.log(`  ${line.map((cell, column) => String(cell).padEnd(widths[column])).join("  ")}`);
}
