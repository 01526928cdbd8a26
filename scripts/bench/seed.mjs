#!/usr/bin/env node
// Seeds one benchmark data set into a fresh source bucket and writes its manifest (key, size, MD5
// of every object) for scripts/bench/verify.mjs. The bytes are deterministic (AES-256-CTR
// keystream under a fixed key), so every tool copies exactly the same data in every run.
//
//   node scripts/bench/seed.mjs ENDPOINT BUCKET large|small MANIFEST
//
// large: one 1 GiB object, uploaded as `aws s3 cp` would (multipart, 8 MiB parts).
// small: 2,000 objects of 4-64 KiB, sizes from a seeded PRNG, each a single PUT.
import { createCipheriv, createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";

const [endpoint, bucket, dataset, manifestPath] = process.argv.slice(2);
if (!endpoint || !bucket || !["large", "small"].includes(dataset ?? "") || !manifestPath) {
  console.error("usage: node scripts/bench/seed.mjs ENDPOINT BUCKET large|small MANIFEST");
  process.exit(2);
}

const KIB = 1024;
const MIB = 1024 * KIB;
const LARGE_SIZE = 1024 * MIB;
const LARGE_PART = 8 * MIB;
const SMALL_COUNT = 2000;
const CONCURRENCY = 16;

const s3 = new S3Client({
  endpoint,
  region: "us-east-1",
  forcePathStyle: true,
  credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
  requestChecksumCalculation: "WHEN_REQUIRED",
  maxAttempts: 5,
});

/** Deterministic pseudo-random bytes: the AES-256-CTR keystream for a name. */
function keystream(name) {
  const key = createHash("sha256").update("s3-migrate bench v1").digest();
  const iv = createHash("md5").update(name).digest();
  const cipher = createCipheriv("aes-256-ctr", key, iv);
  return (length) => cipher.update(Buffer.alloc(length));
}

/** mulberry32: a small seeded PRNG, so the small objects' sizes are the same in every run. */
function prng(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs `task` over `items` with at most `limit` at once; the first failure rejects. */
async function eachLimited(items, limit, task) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await task(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

async function seedLarge() {
  const key = "large/1GiB.bin";
  const read = keystream(key);
  const whole = createHash("md5");
  const { UploadId } = await s3.send(
    new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: "application/octet-stream" }),
  );
  const partCount = Math.ceil(LARGE_SIZE / LARGE_PART);
  // Parts are generated in order (the keystream is sequential) and uploaded 4 at a time.
  const etags = new Array(partCount);
  const inFlight = new Set();
  for (let part = 1; part <= partCount; part++) {
    const body = read(Math.min(LARGE_PART, LARGE_SIZE - (part - 1) * LARGE_PART));
    whole.update(body);
    const upload = s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: part, Body: body })).then(({ ETag }) => {
      etags[part - 1] = ETag;
      inFlight.delete(upload);
    });
    inFlight.add(upload);
    if (inFlight.size >= 4) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  await s3.send(
    new CompleteMultipartUploadCommand({
      Bucket: bucket,
      Key: key,
      UploadId,
      MultipartUpload: { Parts: etags.map((ETag, index) => ({ PartNumber: index + 1, ETag })) },
    }),
  );
  return [{ key, size: LARGE_SIZE, md5: whole.digest("hex") }];
}

async function seedSmall() {
  const random = prng(20240601);
  const objects = Array.from({ length: SMALL_COUNT }, (_, index) => ({
    key: `small/${String(Math.floor(index / 100)).padStart(2, "0")}/${String(index).padStart(4, "0")}.bin`,
    size: 4 * KIB + Math.floor(random() * (60 * KIB + 1)),
  }));
  await eachLimited(objects, CONCURRENCY, async (object) => {
    const body = keystream(object.key)(object.size);
    object.md5 = createHash("md5").update(body).digest("hex");
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: object.key, Body: body }));
  });
  return objects;
}

const started = Date.now();
await s3.send(new CreateBucketCommand({ Bucket: bucket }));
const objects = dataset === "large" ? await seedLarge() : await seedSmall();
const totalBytes = objects.reduce((sum, object) => sum + object.size, 0);
writeFileSync(manifestPath, `${JSON.stringify({ dataset, bucket, objectCount: objects.length, totalBytes, objects }, null, 1)}\n`);
console.log(
  `seed: s3://${bucket} holds the ${dataset} set: ${objects.length} objects, ${totalBytes} bytes (${((Date.now() - started) / 1000).toFixed(1)} s)`,
);
