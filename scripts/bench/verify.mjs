#!/usr/bin/env node
// Checks a destination bucket against a seed manifest, independently of the tool that copied it:
// the listing must hold exactly the manifest's keys with the manifest's sizes (nothing missing,
// nothing extra), and the bytes of the checked objects must have the manifest's MD5. Objects
// over 64 MiB are always read in full; of the others every `SAMPLE_EVERY`-th (default 1: all).
// Exits 1 on any difference, so a tool that skipped or mangled work fails the bench.
//
//   node scripts/bench/verify.mjs ENDPOINT BUCKET MANIFEST [SAMPLE_EVERY]
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { GetObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";

const [endpoint, bucket, manifestPath, sampleEveryArg = "1"] = process.argv.slice(2);
if (!endpoint || !bucket || !manifestPath) {
  console.error("usage: node scripts/bench/verify.mjs ENDPOINT BUCKET MANIFEST [SAMPLE_EVERY]");
  process.exit(2);
}
const sampleEvery = Number(sampleEveryArg);
if (!Number.isInteger(sampleEvery) || sampleEvery < 1) {
  console.error(`verify: SAMPLE_EVERY must be a whole number from 1 up, got ${JSON.stringify(sampleEveryArg)}`);
  process.exit(2);
}
const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
const s3 = new S3Client({
  endpoint,
  region: process.env.BENCH_DEST_REGION ?? "us-east-1",
  forcePathStyle: true,
  credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
  responseChecksumValidation: "WHEN_REQUIRED",
});
const started = Date.now();
const problems = [];

const listed = new Map();
let token;
do {
  const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
  for (const object of page.Contents ?? []) listed.set(object.Key, object.Size);
  token = page.IsTruncated ? page.NextContinuationToken : undefined;
} while (token !== undefined);

for (const object of manifest.objects) {
  const size = listed.get(object.key);
  if (size === undefined) problems.push(`missing ${object.key}`);
  else if (size !== object.size) problems.push(`${object.key}: ${size} bytes, expected ${object.size}`);
}
const expectedKeys = new Set(manifest.objects.map((object) => object.key));
for (const key of listed.keys()) if (!expectedKeys.has(key)) problems.push(`unexpected ${key}`);

const checked = manifest.objects.filter((object, index) => object.size > 64 * 1024 * 1024 || index % sampleEvery === 0);
let next = 0;
const worker = async () => {
  while (next < checked.length) {
    const object = checked[next++];
    if (!listed.has(object.key)) continue;
    const answer = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: object.key }));
    const hash = createHash("md5");
    let bytes = 0;
    for await (const chunk of answer.Body) {
      hash.update(chunk);
      bytes += chunk.length;
    }
    const md5 = hash.digest("hex");
    if (bytes !== object.size || md5 !== object.md5)
      problems.push(`${object.key}: read ${bytes} bytes with MD5 ${md5}, expected ${object.size} bytes with MD5 ${object.md5}`);
  }
};
await Promise.all(Array.from({ length: 16 }, worker));

const seconds = ((Date.now() - started) / 1000).toFixed(1);
if (problems.length > 0) {
  console.error(`verify: s3://${bucket} does NOT match the ${manifest.dataset} set (${problems.length} problems):`);
  for (const problem of problems.slice(0, 20)) console.error(`  ${problem}`);
  process.exit(1);
}
console.log(
  `verify: s3://${bucket} matches the ${manifest.dataset} set: ${listed.size} keys with the expected sizes, ` +
    `${checked.length} objects read back byte-for-byte (MD5) (${seconds} s)`,
);
