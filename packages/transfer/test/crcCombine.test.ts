import { randomBytes } from "node:crypto";
import { crc32 } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CRC_ALGORITHMS, type CrcAlgorithm, combineCrc, combineCrcs, crcFromBase64, crcToBase64 } from "../src/integrity/crcCombine.js";

/** A bit-at-a-time reflected CRC, the definition itself: slow and independent of the code under test. */
function referenceCrc(algorithm: CrcAlgorithm, bytes: Uint8Array): bigint {
  const mask = (1n << BigInt(algorithm.width)) - 1n;
  let crc = mask;
  for (const byte of bytes) {
    crc ^= BigInt(byte);
    for (let bit = 0; bit < 8; bit++) crc = (crc & 1n) !== 0n ? (crc >> 1n) ^ algorithm.reflectedPolynomial : crc >> 1n;
  }
  return crc ^ mask;
}

const ALGORITHMS = Object.values(CRC_ALGORITHMS);
// The check values of the catalogue of parametrised CRCs: the CRC of the ASCII bytes "123456789".
const CHECK_VALUES = { CRC32: 0xcbf43926n, CRC32C: 0xe3069283n, CRC64NVME: 0xae8b14860a799888n };

describe("combining CRCs of consecutive ranges", () => {
  it.each(ALGORITHMS)("$name: the reference gives the catalogue's check value, and zlib agrees for CRC32", (algorithm) => {
    // Assess
    const check = Buffer.from("123456789");
    expect(referenceCrc(algorithm, check)).toBe(CHECK_VALUES[algorithm.name]);
    if (algorithm.name === "CRC32") expect(BigInt(crc32(check))).toBe(CHECK_VALUES.CRC32);
  });

  it.each(ALGORITHMS)("$name: the combined CRC of two ranges is the CRC of both, at every split of odd lengths", (algorithm) => {
    // Prepare
    const whole = randomBytes(1031);
    const expected = referenceCrc(algorithm, whole);
    for (const split of [0, 1, 7, 8, 255, 512, 1030, 1031]) {
      const first = whole.subarray(0, split);
      const second = whole.subarray(split);
      // Act
      const combined = combineCrc(algorithm, referenceCrc(algorithm, first), referenceCrc(algorithm, second), second.length);
      // Assess
      expect(combined, `split at ${split}`).toBe(expected);
    }
  });

  it("any split of any bytes into ranges combines to the CRC of the whole, for every algorithm (property)", () => {
    fc.assert(
      fc.property(fc.constantFrom(...ALGORITHMS), fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 8 }), (algorithm, ranges) => {
        // Act
        const combined = combineCrcs(
          algorithm,
          ranges.map((range) => ({ crc: referenceCrc(algorithm, range), length: range.length })),
        );
        // Assess
        expect(combined).toBe(referenceCrc(algorithm, Buffer.concat(ranges)));
      }),
      { numRuns: 200 },
    );
  });

  it("CRC32: 17 parts of unequal sizes, empty ones included, combine to Node's zlib.crc32 of the whole", () => {
    // Prepare: sizes around powers of two, as parts and a tail are
    const sizes = [65536, 65535, 0, 1, 4097, 8 * 1024 * 1024, 3, 0, 65537, 100, 1 << 20, 5, 7, 9, 11, 13, 123457];
    const parts = sizes.map((size) => randomBytes(size));
    // Act
    const combined = combineCrcs(
      CRC_ALGORITHMS.CRC32,
      parts.map((part) => ({ crc: BigInt(crc32(part)), length: part.length })),
    );
    // Assess
    expect(combined).toBe(BigInt(crc32(Buffer.concat(parts))));
  });

  it.each(ALGORITHMS)("$name: no ranges give the CRC of no bytes, and a zero-length range changes nothing", (algorithm) => {
    // Assess
    expect(combineCrcs(algorithm, [])).toBe(referenceCrc(algorithm, new Uint8Array(0)));
    const crc = referenceCrc(algorithm, Buffer.from("part"));
    expect(combineCrc(algorithm, crc, referenceCrc(algorithm, new Uint8Array(0)), 0)).toBe(crc);
  });

  it.each(ALGORITHMS)("$name: shifting by 48 TiB in one step equals shifting by 24 TiB twice (lengths beyond 2^32 bits)", (algorithm) => {
    // Prepare: the CRC of n zero bytes, built by doubling; the two ways must meet
    const half = 24n * 1024n ** 4n;
    let zerosCrc = referenceCrc(algorithm, new Uint8Array(1));
    for (let length = 1n; length < half; length *= 2n) zerosCrc = combineCrc(algorithm, zerosCrc, zerosCrc, length);
    // zerosCrc is now the CRC of 2^k zero bytes for the first 2^k >= half; use that length
    let length = 1n;
    while (length < half) length *= 2n;
    const start = referenceCrc(algorithm, Buffer.from("head"));
    // Act
    const once = combineCrc(algorithm, start, combineCrc(algorithm, zerosCrc, zerosCrc, length), 2n * length);
    const twice = combineCrc(algorithm, combineCrc(algorithm, start, zerosCrc, length), zerosCrc, length);
    // Assess
    expect(once).toBe(twice);
  });

  it("refuses a negative length", () => {
    // Assess
    expect(() => combineCrc(CRC_ALGORITHMS.CRC32, 1n, 2n, -1)).toThrow(/must not be negative/);
  });
});

describe("S3's base64 form of a CRC", () => {
  it.each(ALGORITHMS)("$name: round-trips, and reads the checksum before a part-count suffix", (algorithm) => {
    // Prepare
    const crc = CHECK_VALUES[algorithm.name];
    // Act
    const encoded = crcToBase64(algorithm, crc);
    // Assess
    expect(crcFromBase64(algorithm, encoded)).toBe(crc);
    expect(crcFromBase64(algorithm, `${encoded}-3`)).toBe(crc);
  });

  it("matches the header S3 documents for CRC32 of 123456789 (big-endian bytes cb f4 39 26)", () => {
    // Assess
    expect(crcToBase64(CRC_ALGORITHMS.CRC32, CHECK_VALUES.CRC32)).toBe(Buffer.from("cbf43926", "hex").toString("base64"));
  });

  it("refuses a value of another width with the algorithm's name", () => {
    // Assess
    expect(() => crcFromBase64(CRC_ALGORITHMS.CRC64NVME, crcToBase64(CRC_ALGORITHMS.CRC32, 1n))).toThrow(
      /CRC64NVME checksum .* is 4 bytes, not 8/,
    );
  });
});
