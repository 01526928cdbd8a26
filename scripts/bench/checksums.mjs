/**
 * Checksum throughput (`pnpm bench:checksums`, issue 12): every algorithm S3 can store or verify
 * (MD5, SHA-1, SHA-256, CRC32, CRC32C, CRC64NVME) and the implementations a Lambda function can
 * load: Node's own (node:crypto, zlib.crc32), the pure-JavaScript ones the AWS SDK ships
 * (@aws-sdk/checksums), and the registry packages with native code built for linux-x64 glibc
 * (@node-rs/crc32, aws-crt through @aws-sdk/crc64-nvme-crt), installed by the script into
 * NATIVE_DIR. Two shapes of work, each on one core, best of three runs:
 *   - streamed: 1 GiB (BENCH_CHECKSUM_MIB) in 8 MiB updates (a part);
 *   - small objects: a quarter of that as 32 KiB objects, a new checksum each (per-object overhead
 *     included).
 * Before measuring, every implementation must give its algorithm's check value and agree with
 * the others on the test data.
 * Prints MiB/s and CPU-seconds per GiB, and the ratio to MD5 (what every copy pays today).
 * Usage: node scripts/bench/checksums.mjs NATIVE_DIR
 */
import { createHash, randomFillSync } from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";

const nativeDir = process.argv[2];
if (nativeDir === undefined) throw new Error("usage: checksums.mjs NATIVE_DIR");
const MIB = 1024 * 1024;
const STREAM_BYTES = Number(process.env.BENCH_CHECKSUM_MIB ?? 1024) * MIB;
const SMALL_BYTES = STREAM_BYTES / 4;
const SMALL_OBJECT = 32 * 1024;

// The SDK's checksum implementations, from where the S3 client resolves them.
const fromS3Client = createRequire(createRequire(path.resolve("packages/transfer/package.json")).resolve("@aws-sdk/client-s3"));
const sdkCrc = fromS3Client("@aws-sdk/checksums/crc");
const fromNative = createRequire(path.resolve(nativeDir, "package.json"));
const nodeRs = fromNative("@node-rs/crc32");
const crt = fromNative("@aws-sdk/crt-loader").checksums;

/** Each candidate: a factory of `{ update(bytes), digest() }`, synchronous digest. */
const candidates = [
  { algorithm: "MD5", implementation: "node:crypto (OpenSSL)", create: () => createHash("md5") },
  { algorithm: "SHA-1", implementation: "node:crypto (OpenSSL)", create: () => createHash("sha1") },
  { algorithm: "SHA-256", implementation: "node:crypto (OpenSSL)", create: () => createHash("sha256") },
  {
    algorithm: "CRC32",
    implementation: "zlib.crc32 (Node, native)",
    create: () => valueHash((bytes, value) => zlib.crc32(bytes, value), 0),
  },
  {
    algorithm: "CRC32",
    implementation: "@node-rs/crc32 (native, SIMD)",
    create: () => valueHash((bytes, value) => nodeRs.crc32(bytes, value), 0),
  },
  { algorithm: "CRC32", implementation: "aws-crt (native)", create: () => valueHash((bytes, value) => crt.crc32(bytes, value), 0) },
  { algorithm: "CRC32", implementation: "@aws-sdk/checksums Crc32Js (pure JS)", create: () => sdkHash(new sdkCrc.Crc32Js()) },
  {
    algorithm: "CRC32C",
    implementation: "@node-rs/crc32 (native, SIMD)",
    create: () => valueHash((bytes, value) => nodeRs.crc32c(bytes, value), 0),
  },
  { algorithm: "CRC32C", implementation: "aws-crt (native)", create: () => valueHash((bytes, value) => crt.crc32c(bytes, value), 0) },
  { algorithm: "CRC32C", implementation: "@aws-sdk/checksums Crc32cJs (pure JS)", create: () => sdkHash(new sdkCrc.Crc32cJs()) },
  {
    algorithm: "CRC64NVME",
    implementation: "aws-crt (native)",
    create: () => valueHash((bytes, value) => crt.crc64nvme(bytes, value), undefined),
  },
  { algorithm: "CRC64NVME", implementation: "@aws-sdk/checksums Crc64NvmeJs (pure JS)", create: () => sdkHash(new sdkCrc.Crc64NvmeJs()) },
];

function valueHash(step, initial) {
  let value = initial;
  return {
    update(bytes) {
      value = step(bytes, value);
    },
    digest: () => value,
  };
}

function sdkHash(checksum) {
  return { update: (bytes) => checksum.update(bytes), digest: () => checksum.digest() };
}

function cpuSeconds(work) {
  const before = process.cpuUsage();
  work();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1e6;
}

const part = randomFillSync(Buffer.allocUnsafe(8 * MIB));
const object = part.subarray(0, SMALL_OBJECT);

function streamed(candidate) {
  const hash = candidate.create();
  for (let done = 0; done < STREAM_BYTES; done += part.length) hash.update(part);
  hash.digest();
}

function small(candidate) {
  for (let done = 0; done < SMALL_BYTES; done += SMALL_OBJECT) {
    const hash = candidate.create();
    hash.update(object);
    hash.digest();
  }
}

// Every implementation must give the algorithm's check value (the digest of "123456789") and agree
// with the others on the random part, or its figures mean nothing.
const CHECK_VALUES = { CRC32: "cbf43926", CRC32C: "e3069283", CRC64NVME: "ae8b14860a799888" };
const hex = (digest) => {
  if (typeof digest === "number") return (digest >>> 0).toString(16).padStart(8, "0");
  const bytes = digest instanceof DataView ? new Uint8Array(digest.buffer, digest.byteOffset, digest.byteLength) : digest;
  return Buffer.from(bytes).toString("hex");
};
const digestOf = async (candidate, bytes) => {
  const hash = candidate.create();
  hash.update(bytes);
  return hex(await hash.digest());
};
const seen = new Map();
for (const candidate of candidates) {
  const expected = CHECK_VALUES[candidate.algorithm];
  const check = await digestOf(candidate, Buffer.from("123456789"));
  if (expected !== undefined && check !== expected)
    throw new Error(`${candidate.algorithm} ${candidate.implementation}: check value ${check}, expected ${expected}`);
  const onPart = await digestOf(candidate, part);
  const other = seen.get(candidate.algorithm);
  if (other !== undefined && other !== onPart)
    throw new Error(`${candidate.algorithm} ${candidate.implementation}: ${onPart} on the test part, others ${other}`);
  seen.set(candidate.algorithm, onPart);
}
process.stderr.write("bench-checksums: every implementation gives its algorithm's check value and agrees with the others\n");

const best = (work, candidate) => Math.min(...[0, 1, 2].map(() => cpuSeconds(() => work(candidate))));
const rows = [];
for (const candidate of candidates) {
  const streamSeconds = best(streamed, candidate);
  const smallSeconds = best(small, candidate);
  rows.push({
    algorithm: candidate.algorithm,
    implementation: candidate.implementation,
    streamedMiBPerSecond: Math.round(STREAM_BYTES / MIB / streamSeconds),
    streamedCpuSecondsPerGiB: Number(((streamSeconds * 1024 * MIB) / STREAM_BYTES).toFixed(3)),
    smallObjectsMiBPerSecond: Math.round(SMALL_BYTES / MIB / smallSeconds),
    smallObjectsCpuSecondsPerGiB: Number(((smallSeconds * 1024 * MIB) / SMALL_BYTES).toFixed(3)),
  });
  process.stderr.write(`bench-checksums: ${candidate.algorithm} ${candidate.implementation} done\n`);
}
const md5 = rows[0];
const header = ["algorithm", "implementation", "8 MiB updates MiB/s", "CPU s/GiB", "x MD5", "32 KiB objects MiB/s", "CPU s/GiB", "x MD5"];
const table = rows.map((row) => [
  row.algorithm,
  row.implementation,
  String(row.streamedMiBPerSecond),
  row.streamedCpuSecondsPerGiB.toFixed(3),
  (row.streamedCpuSecondsPerGiB / md5.streamedCpuSecondsPerGiB).toFixed(2),
  String(row.smallObjectsMiBPerSecond),
  row.smallObjectsCpuSecondsPerGiB.toFixed(3),
  (row.smallObjectsCpuSecondsPerGiB / md5.smallObjectsCpuSecondsPerGiB).toFixed(2),
]);
const widths = header.map((title, column) => Math.max(title.length, ...table.map((row) => row[column].length)));
const line = (cells) => cells.map((cell, column) => (column < 2 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join("  ");
console.log(line(header));
console.log(widths.map((width) => "-".repeat(width)).join("  "));
for (const row of table) console.log(line(row));
fs.mkdirSync(".tmp", { recursive: true });
fs.writeFileSync(
  ".tmp/bench-checksums.json",
  JSON.stringify({ date: new Date().toISOString(), node: process.version, cpu: os.cpus()[0]?.model, rows }, null, 2),
);
console.log("\nwritten to .tmp/bench-checksums.json");
