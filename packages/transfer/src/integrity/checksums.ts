/**
 * The checksums S3 stores with an object (`x-amz-checksum-*`), read from an answer, and the CRC
 * implementations a copy computes them with as the bytes stream by. Which one is used for what,
 * and why, is in docs/integrity.md.
 */

import { crc32 as zlibCrc32 } from "node:zlib";
import { CRC_ALGORITHMS, type CrcAlgorithm } from "./crcCombine.js";

/** Every checksum algorithm S3 stores. */
export type ChecksumAlgorithmName = CrcAlgorithm["name"] | "SHA1" | "SHA256";

/** A checksum S3 holds for an object, as HeadObject or GetObject answers it in checksum mode. */
export interface StoredChecksum {
  readonly algorithm: ChecksumAlgorithmName;
  /**
   * `FULL_OBJECT`: the checksum of the object's bytes, whatever its parts. `COMPOSITE`: the
   * checksum of its parts' checksums, reproducible only from the same part layout.
   */
  readonly type: "FULL_OBJECT" | "COMPOSITE";
  /** Base64 as S3 writes it; a composite value ends in `-<part count>`. */
  readonly value: string;
}

/** The checksum fields of an S3 answer (HeadObject, GetObject, PutObject, CompleteMultipartUpload). */
export interface ChecksumFields {
  readonly ChecksumCRC32?: string | undefined;
  readonly ChecksumCRC32C?: string | undefined;
  readonly ChecksumCRC64NVME?: string | undefined;
  readonly ChecksumSHA1?: string | undefined;
  readonly ChecksumSHA256?: string | undefined;
  readonly ChecksumType?: string | undefined;
}

const FIELD_OF = {
  CRC32: "ChecksumCRC32",
  CRC32C: "ChecksumCRC32C",
  CRC64NVME: "ChecksumCRC64NVME",
  SHA1: "ChecksumSHA1",
  SHA256: "ChecksumSHA256",
} as const satisfies Record<ChecksumAlgorithmName, keyof ChecksumFields>;

/** The SDK input or output field that carries `algorithm`'s value, e.g. `ChecksumCRC64NVME`. */
export function checksumField(algorithm: ChecksumAlgorithmName): (typeof FIELD_OF)[ChecksumAlgorithmName] {
  return FIELD_OF[algorithm];
}

/**
 * The checksum an answer carries, or undefined when it has none. S3 sends one algorithm's value;
 * without `ChecksumType` (older stores) a value with a `-N` suffix is composite, any other one is
 * of the whole object.
 */
export function storedChecksumOf(answer: ChecksumFields): StoredChecksum | undefined {
  for (const algorithm of Object.keys(FIELD_OF) as ChecksumAlgorithmName[]) {
    const value = answer[FIELD_OF[algorithm]];
    if (value === undefined || value === "") continue;
    const type = answer.ChecksumType === "COMPOSITE" || /-\d+$/.test(value) ? "COMPOSITE" : "FULL_OBJECT";
    return { algorithm, type, value };
  }
  return undefined;
}

/** A CRC computed chunk by chunk: `update(bytes, previous)` continues the CRC `previous` (0 starts one). */
export interface CrcImplementation {
  readonly algorithm: CrcAlgorithm;
  /** Where the code comes from, for logs and docs/integrity.md's table. */
  readonly implementation: string;
  update(bytes: Buffer, previous: bigint): bigint;
}

/** aws-crt's `checksums` module, loaded alone: not the package's index, which loads MQTT, HTTP and more. */
type CrtChecksums = Pick<typeof import("aws-crt/dist/native/checksums.js"), "crc32c" | "crc64nvme">;

const CRC32_ZLIB: CrcImplementation = {
  algorithm: CRC_ALGORITHMS.CRC32,
  implementation: "zlib.crc32 (Node.js)",
  update: (bytes, previous) => BigInt(zlibCrc32(bytes, Number(previous))),
};

/** aws-crt's CRC32C and CRC64NVME, built once when it first loads; the Error when it cannot. */
let crtCrcs: Promise<Record<"CRC32C" | "CRC64NVME", CrcImplementation> | Error> | undefined;

/** aws-crt's CRCs as {@link CrcImplementation}s. */
function crtImplementations(crt: CrtChecksums): Record<"CRC32C" | "CRC64NVME", CrcImplementation> {
  return {
    CRC32C: {
      algorithm: CRC_ALGORITHMS.CRC32C,
      implementation: "aws-crt (native)",
      update: (bytes, previous) => BigInt(crt.crc32c(bytes, Number(previous))),
    },
    CRC64NVME: {
      algorithm: CRC_ALGORITHMS.CRC64NVME,
      implementation: "aws-crt (native)",
      update: (bytes, previous) => {
        const state = new DataView(new ArrayBuffer(8));
        state.setBigUint64(0, previous);
        return crt.crc64nvme(bytes, state).getBigUint64(0);
      },
    },
  };
}

/**
 * The fastest CRC implementation this process can load for `algorithm`: CRC32 from Node's own
 * zlib, CRC32C and CRC64NVME from aws-crt's native code (loaded on first use, never before).
 * Undefined when aws-crt cannot load here (a platform it ships no binary for): callers then fall
 * back to the MD5 proofs, as the SDK's pure-JavaScript CRCs cost 2 to 6 times MD5
 * (docs/integrity.md).
 */
export async function loadCrc(algorithm: CrcAlgorithm["name"]): Promise<CrcImplementation | undefined> {
  if (algorithm === "CRC32") return CRC32_ZLIB;
  crtCrcs ??= import("aws-crt/dist/native/checksums.js").then(
    (loaded) => crtImplementations(loaded.default ?? loaded),
    (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
  );
  const crcs = await crtCrcs;
  return crcs instanceof Error ? undefined : crcs[algorithm];
}

/** Whether `algorithm` is a CRC this library can compute and combine part by part. */
export function isCrc(algorithm: ChecksumAlgorithmName): algorithm is CrcAlgorithm["name"] {
  return algorithm in CRC_ALGORITHMS;
}
