/**
 * Benchmark of the jobsender's compare (issue: jobsender): N source keys against N destination
 * keys served from generated in-memory ListObjectsV2 pages, through the real listing, merge-join,
 * ignore-list and round code (a dry run: nothing is sent). CPU-bound by design: it measures our
 * code, not an endpoint. Prints keys/s and peak RSS. With `verify`, the same listings go through
 * `s3-migrate verify`'s audit instead (outer join, classification, rounds; no ledger, and every key
 * decided by its listing, so no HEAD). Usage: node compare.mjs COUNT [jobsender|verify]
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { parseIgnoreList } from "../src/config/ignoreList.js";
import { runJobsender } from "../src/jobsender/runJobsender.js";
import { verifyPairs } from "../src/verify/verifyPairs.js";

const count = Number(process.argv[2] ?? 1_000_000);
const mode = process.argv[3] ?? "jobsender";
if (mode !== "jobsender" && mode !== "verify") throw new Error(`mode must be jobsender or verify, not ${mode}`);
const PAGE = 1000;

/** Key i in S3 order: zero-padded, spread over 100 folders with a few non-ASCII names. */
function keyOf(index: number): string {
  const folder = String(index % 100).padStart(3, "0");
  return `${folder}/obj-${String(index).padStart(9, "0")}${index % 7 === 0 ? "-数据" : ""}.bin`;
}

/** Keys of one folder are generated in order; folders in order: this yields global S3 order. */
function keyAt(position: number): string {
  const perFolder = Math.ceil(count / 100);
  const folder = Math.floor(position / perFolder);
  const within = position % perFolder;
  return keyOf(within * 100 + folder);
}

/** A fake S3 client answering ListObjectsV2 from generated pages (destination lacks every 10th key). */
function fakeS3(side: "source" | "destination"): S3Client {
  const total = count;
  const send = async (command: { input: { StartAfter?: string; ContinuationToken?: string; Prefix?: string; Delimiter?: string } }) => {
    const input = command.input;
    if (input.Delimiter !== undefined) {
      return {
        CommonPrefixes: Array.from({ length: 100 }, (_, i) => ({ Prefix: `${input.Prefix ?? ""}${String(i).padStart(3, "0")}/` })),
        IsTruncated: false,
      };
    }
    let start = input.ContinuationToken !== undefined ? Number(input.ContinuationToken) : 0;
    if (input.ContinuationToken === undefined && input.StartAfter !== undefined) start = lowerBound(input.StartAfter, side);
    const contents = [];
    let position = start;
    for (; position < total && contents.length < PAGE; position++) {
      const key = keyAt(position);
      if (side === "destination" && position % 10 === 0) continue;
      contents.push({
        Key: side === "destination" ? `mirror/${key}` : key,
        Size: position % 5000,
        ETag: '"0123456789abcdef0123456789abcdef"',
      });
    }
    return { Contents: contents, IsTruncated: position < total, NextContinuationToken: String(position) };
  };
  return { send } as unknown as S3Client;
}

/** First position whose key is after `startAfter` (binary search over the generated order). */
function lowerBound(startAfter: string, side: "source" | "destination"): number {
  const target = side === "destination" ? startAfter.replace(/^mirror\//, "") : startAfter;
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (Buffer.compare(Buffer.from(keyAt(mid)), Buffer.from(target)) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 20);
let planned = 0;
const started = process.hrtime.bigint();
const cpuStart = process.cpuUsage();
const pairs = [{ srcBucket: "src-bucket", srcPrefix: "", desBucket: "dst-bucket", desPrefix: "mirror" }];
const ignore = parseIgnoreList("*.tmp\nsrc-bucket/999/*");
let listed: number | undefined;
if (mode === "jobsender") {
  const report = await runJobsender(
    { source: fakeS3("source"), destination: fakeS3("destination") },
    {
      pairs,
      ignore,
      segmentsPerPair: 4,
      onPlanned: () => {
        planned++;
      },
    },
  );
  listed = report.pairs[0]?.counts.listed;
} else {
  const report = await verifyPairs({ source: fakeS3("source"), destination: fakeS3("destination") }, pairs, ignore, { segmentsPerPair: 4 });
  listed = report.totals.matching + report.totals.missing;
  planned = report.totals.missing;
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const cpu = process.cpuUsage(cpuStart);
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage().rss);
if (listed !== count || planned !== Math.ceil(count / 10)) {
  console.error(
    `compare bench (${mode}): wrong result: listed ${listed}, missing ${planned}, expected ${count} and ${Math.ceil(count / 10)}`,
  );
  process.exit(1);
}
console.log(
  JSON.stringify({
    mode,
    keys: count,
    seconds: Number(seconds.toFixed(2)),
    keysPerSecond: Math.round(count / seconds),
    cpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)),
    peakRssMiB: Math.round(peakRss / 1024 / 1024),
    queued: planned,
  }),
);
