#!/usr/bin/env node
// Seeds a demo source bucket: many small objects with awkward keys, a 0-byte object, a folder
// marker, medium objects, a multipart object made by "another tool" (8 MiB parts) and one large
// object. Usage: node scripts/seed-demo.mjs ENDPOINT BUCKET [LARGE_MIB]
import { randomBytes } from "node:crypto";
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";

const [endpoint, bucket, largeMib = "200"] = process.argv.slice(2);
if (!endpoint || !bucket) {
  console.error("usage: node scripts/seed-demo.mjs ENDPOINT BUCKET [LARGE_MIB]");
  process.exit(2);
}
const MIB = 1024 * 1024;
const s3 = new S3Client({
  endpoint,
  region: "us-east-1",
  forcePathStyle: true,
  credentials: { accessKeyId: "demo", secretAccessKey: "demo" },
  requestChecksumCalculation: "WHEN_REQUIRED",
});
const put = (Key, Body, extra = {}) => s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body, ...extra }));

await s3.send(new CreateBucketCommand({ Bucket: bucket }));
const odd = ["with space.txt", "plus+sign.txt", "percent%41.txt", "unicode/数据-файл-😀.txt", "double//slash.txt", "trailing/"];
for (const key of odd) await put(`odd/${key}`, Buffer.from(key.endsWith("/") ? "" : `content of ${key}`), { ContentType: "text/plain" });
await put("empty.bin", Buffer.alloc(0));
for (let i = 0; i < 300; i++) await put(`small/${String(i).padStart(4, "0")}.dat`, randomBytes(1024 + ((i * 7919) % (63 * 1024))));
for (const size of [9, 17]) await put(`medium/${size}MiB.bin`, randomBytes(size * MIB), { Metadata: { seeded: "demo" } });

const key = "multipart/made-elsewhere.bin";
const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: "application/octet-stream" }));
const Parts = [];
for (let part = 1; part <= 5; part++) {
  const body = randomBytes(part === 5 ? 3 * MIB : 8 * MIB);
  const { ETag } = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: part, Body: body }));
  Parts.push({ PartNumber: part, ETag });
}
await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId, MultipartUpload: { Parts } }));
await put("large/video.bin", randomBytes(Number(largeMib) * MIB), { ContentType: "video/mp4" });
console.log(`seeded s3://${bucket}: ${odd.length + 1 + 300 + 2 + 2} objects`);
