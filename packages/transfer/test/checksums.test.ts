import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { confirmStored, proveAgainstSource } from "../src/copy/checksumProof.js";
import { IntegrityError } from "../src/errors.js";
import { checksumField, loadCrc, storedChecksumOf } from "../src/integrity/checksums.js";
import { CRC_ALGORITHMS, combineCrcs, crcToBase64 } from "../src/integrity/crcCombine.js";

/** The catalogue's check values: the CRC of the ASCII bytes "123456789". */
const CHECK_VALUES = { CRC32: 0xcbf43926n, CRC32C: 0xe3069283n, CRC64NVME: 0xae8b14860a799888n } as const;

describe("loadCrc", () => {
  it.each(Object.entries(CHECK_VALUES))("computes %s natively, with the check value", async (name, check) => {
    const crc = await loadCrc(name as keyof typeof CHECK_VALUES);
    expect(crc?.implementation).toMatch(/native|zlib/);
    expect(crc?.update(Buffer.from("123456789"), 0n)).toBe(check);
  });

  it.each(Object.keys(CHECK_VALUES))("continues a %s chunk by chunk to the CRC of the whole, and agrees with combining", async (name) => {
    const crc = await loadCrc(name as keyof typeof CHECK_VALUES);
    if (crc === undefined) throw new Error(`${name} did not load`);
    const bytes = randomBytes(300_001);
    const cuts = [0, 1, 65_536, 65_537, 200_000, bytes.length];
    let running = 0n;
    const ranges: { crc: bigint; length: number }[] = [];
    for (let index = 1; index < cuts.length; index++) {
      const chunk = bytes.subarray(cuts[index - 1], cuts[index]);
      running = crc.update(chunk, running);
      ranges.push({ crc: crc.update(chunk, 0n), length: chunk.length });
    }
    expect(running).toBe(crc.update(bytes, 0n));
    expect(combineCrcs(crc.algorithm, ranges)).toBe(running);
  });
});

describe("storedChecksumOf", () => {
  it("reads the algorithm, type and value an answer carries", () => {
    expect(storedChecksumOf({ ChecksumCRC64NVME: "rosUhgp5mIg=", ChecksumType: "FULL_OBJECT" })).toEqual({
      algorithm: "CRC64NVME",
      type: "FULL_OBJECT",
      value: "rosUhgp5mIg=",
    });
    expect(storedChecksumOf({ ChecksumSHA256: "abc=-3" })).toEqual({ algorithm: "SHA256", type: "COMPOSITE", value: "abc=-3" });
    expect(storedChecksumOf({ ChecksumCRC32: "AAAAAA==", ChecksumType: "COMPOSITE" })?.type).toBe("COMPOSITE");
    expect(storedChecksumOf({ ChecksumCRC32: "AAAAAA==" })?.type).toBe("FULL_OBJECT");
  });

  it("is undefined for an answer without a checksum (a legacy object)", () => {
    expect(storedChecksumOf({})).toBeUndefined();
    expect(storedChecksumOf({ ChecksumType: "FULL_OBJECT", ChecksumCRC32: "" })).toBeUndefined();
  });

  it("names each algorithm's SDK field", () => {
    expect(["CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"].map((name) => checksumField(name as "CRC32"))).toEqual([
      "ChecksumCRC32",
      "ChecksumCRC32C",
      "ChecksumCRC64NVME",
      "ChecksumSHA1",
      "ChecksumSHA256",
    ]);
  });
});

describe("proving a copy by its CRC", () => {
  const stored = {
    algorithm: "CRC64NVME",
    type: "FULL_OBJECT",
    value: crcToBase64(CRC_ALGORITHMS.CRC64NVME, CHECK_VALUES.CRC64NVME),
  } as const;

  it("returns the source's checksum when the bytes read have it", async () => {
    const crc = await loadCrc("CRC64NVME");
    if (crc === undefined) throw new Error("CRC64NVME did not load");
    expect(proveAgainstSource(crc, CHECK_VALUES.CRC64NVME, stored, "s3://b/k")).toEqual({ algorithm: "CRC64NVME", value: "rosUhgp5mIg=" });
  });

  it("refuses bytes that are not the source's, naming both checksums (source side, retryable)", async () => {
    const crc = await loadCrc("CRC64NVME");
    if (crc === undefined) throw new Error("CRC64NVME did not load");
    const refused = (() => {
      try {
        return proveAgainstSource(crc, CHECK_VALUES.CRC64NVME ^ 1n, stored, "s3://b/k");
      } catch (error) {
        return error;
      }
    })();
    expect(refused).toBeInstanceOf(IntegrityError);
    expect(refused).toMatchObject({ side: "source", retryable: true, message: expect.stringContaining("rosUhgp5mIg=") });
  });

  it("refuses a destination answer that confirms another checksum or none, saying what to do for a store without checksums", () => {
    expect(() => confirmStored("rosUhgp5mIg=", "rosUhgp5mIg=", "PutObject")).not.toThrow();
    expect(() => confirmStored("rosUhgp5mIg=", "AAAAAAAAAAA=", "PutObject")).toThrow(/stored checksum AAAAAAAAAAA=, sent rosUhgp5mIg=/);
    expect(() => confirmStored("rosUhgp5mIg=", undefined, "PutObject")).toThrow(/useChecksums off/);
  });
});
