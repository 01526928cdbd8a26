/**
 * Combining CRCs of consecutive byte ranges into the CRC of the whole, without reading the bytes
 * again: what S3 does for a multipart upload with a `FULL_OBJECT` checksum, and what a copy needs
 * to prove such an object from its parts' checksums (parts read in parallel, parts resumed from an
 * earlier attempt). The method is zlib's `crc32_combine`: shifting the first CRC by the second
 * range's length is a multiplication by x^(8·length) modulo the polynomial, computed by repeated
 * squaring, so combining costs O(log length) whatever the range's size.
 */

import { UnexpectedResponseError } from "../errors.js";

/** A reflected CRC S3 supports, with the initial value and final XOR both all ones. */
export interface CrcAlgorithm {
  /** S3's name for it (`x-amz-checksum-<name lowercase>`). */
  readonly name: "CRC32" | "CRC32C" | "CRC64NVME";
  /** Bits in the checksum. */
  readonly width: 32 | 64;
  /** The polynomial, bit-reversed (the form table-driven reflected CRCs use). */
  readonly reflectedPolynomial: bigint;
}

/** The CRCs S3 stores and verifies, and their parameters (all reflected, init and xorout all ones). */
export const CRC_ALGORITHMS = {
  CRC32: { name: "CRC32", width: 32, reflectedPolynomial: 0xedb88320n },
  CRC32C: { name: "CRC32C", width: 32, reflectedPolynomial: 0x82f63b78n },
  CRC64NVME: { name: "CRC64NVME", width: 64, reflectedPolynomial: 0x9a6c9329ac4bc9b5n },
} as const satisfies Record<string, CrcAlgorithm>;

/** x^(2^k) modulo each algorithm's polynomial for k = 0..63, computed once per algorithm. */
const powersOfTwoCache = new Map<CrcAlgorithm["name"], readonly bigint[]>();

/** The product of two polynomials modulo the algorithm's polynomial, in the reflected bit order. */
function multiplyModulo(algorithm: CrcAlgorithm, a: bigint, b: bigint): bigint {
  const top = 1n << BigInt(algorithm.width - 1);
  let product = 0n;
  let multiplicand = b;
  for (let bit = top; bit !== 0n; bit >>= 1n) {
    if ((a & bit) !== 0n) {
      product ^= multiplicand;
      if ((a & (bit - 1n)) === 0n) break;
    }
    multiplicand = (multiplicand & 1n) !== 0n ? (multiplicand >> 1n) ^ algorithm.reflectedPolynomial : multiplicand >> 1n;
  }
  return product;
}

function powersOfTwo(algorithm: CrcAlgorithm): readonly bigint[] {
  const cached = powersOfTwoCache.get(algorithm.name);
  if (cached !== undefined) return cached;
  // x^1 in the reflected order is the second-highest bit.
  const powers = [1n << BigInt(algorithm.width - 2)];
  for (let k = 1; k < 64; k++) {
    const previous = powers[k - 1] as bigint;
    powers.push(multiplyModulo(algorithm, previous, previous));
  }
  powersOfTwoCache.set(algorithm.name, powers);
  return powers;
}

/** x^(8·byteCount) modulo the algorithm's polynomial. */
function shiftByBytes(algorithm: CrcAlgorithm, byteCount: bigint): bigint {
  const powers = powersOfTwo(algorithm);
  let result = 1n << BigInt(algorithm.width - 1); // x^0
  let k = 3; // 8 = 2^3
  for (let n = byteCount; n > 0n; n >>= 1n, k++) {
    if ((n & 1n) !== 0n) result = multiplyModulo(algorithm, powers[k % 64] as bigint, result);
  }
  return result;
}

/**
 * The CRC of A followed by B, from the CRC of A, the CRC of B and B's length in bytes.
 *
 * @param first the CRC of the first range, as an unsigned integer of the algorithm's width
 * @param second the CRC of the range that follows it
 * @param secondLength the second range's length in bytes (0 gives `first`)
 * @throws {RangeError} when the length is negative or not an integer
 */
export function combineCrc(algorithm: CrcAlgorithm, first: bigint, second: bigint, secondLength: number | bigint): bigint {
  const length = BigInt(secondLength);
  if (length < 0n) throw new RangeError(`combineCrc: the second range's length must not be negative (${secondLength})`);
  if (length === 0n) return first;
  return multiplyModulo(algorithm, shiftByBytes(algorithm, length), first) ^ second;
}

/**
 * The CRC of ranges that follow each other, from each one's CRC and length.
 *
 * @param ranges in byte order; an empty list gives the CRC of no bytes, 0
 */
export function combineCrcs(
  algorithm: CrcAlgorithm,
  ranges: readonly { readonly crc: bigint; readonly length: number | bigint }[],
): bigint {
  let whole = 0n;
  for (const range of ranges) whole = combineCrc(algorithm, whole, range.crc, range.length);
  return whole;
}

/** A CRC as S3 writes it in `x-amz-checksum-*` headers: the big-endian bytes, in base64. */
export function crcToBase64(algorithm: CrcAlgorithm, crc: bigint): string {
  const bytes = Buffer.alloc(algorithm.width / 8);
  if (algorithm.width === 64) bytes.writeBigUInt64BE(crc);
  else bytes.writeUInt32BE(Number(crc));
  return bytes.toString("base64");
}

/**
 * Reads a CRC from S3's base64 form. A full-object checksum may carry a `-<part count>` suffix in
 * some answers; only the checksum before it is read.
 *
 * @throws {UnexpectedResponseError} when the value is not the algorithm's width (an answer no S3
 *   gives; not retryable)
 */
export function crcFromBase64(algorithm: CrcAlgorithm, value: string): bigint {
  const bytes = Buffer.from(value.split("-")[0] ?? "", "base64");
  if (bytes.length !== algorithm.width / 8)
    throw new UnexpectedResponseError(`${algorithm.name} checksum "${value}" is ${bytes.length} bytes, not ${algorithm.width / 8}`, false);
  return algorithm.width === 64 ? bytes.readBigUInt64BE() : BigInt(bytes.readUInt32BE());
}
