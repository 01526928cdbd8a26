import { createHash, type Hash } from "node:crypto";
import { TransientError } from "../errors.js";
import type { CrcImplementation } from "../integrity/checksums.js";

/** Bytes read from a stream together with their MD5 and, when asked for, their CRC. */
export interface HashedBytes {
  readonly bytes: Buffer;
  /** Empty when the read was asked for no MD5 (`Digests.md5: false`). */
  readonly md5Hex: string;
  readonly md5Base64: string;
  /** The CRC of the bytes when `Digests.crc` was given. */
  readonly crc?: bigint;
}

/** What to compute over the bytes as they arrive. MD5 by default. */
export interface Digests {
  /** @default true */
  readonly md5?: boolean;
  readonly crc?: CrcImplementation;
}

/**
 * Reads exact-length slices from one HTTP body, hashing each as it arrives, so one ranged GET can
 * feed many parts and the MD5 costs no second pass over memory.
 */
export class ByteStreamReader {
  readonly #iterator: AsyncIterator<Uint8Array>;
  #leftover: Buffer | undefined;

  constructor(body: AsyncIterable<Uint8Array>) {
    this.#iterator = body[Symbol.asyncIterator]();
  }

  /**
   * Reads exactly `length` bytes.
   * @param onBytes called with each chunk's size as it arrives (for byte counters).
   * @param into a buffer of at least `length` bytes to fill (reused part buffers spare the
   *   garbage collector); a new one by default.
   * @param digests what to hash the bytes with, in the same pass.
   * @throws TransientError when the stream ends first.
   */
  async read(length: number, onBytes?: (count: number) => void, into?: Buffer, digests: Digests = {}): Promise<HashedBytes> {
    const bytes = into === undefined ? Buffer.allocUnsafe(length) : into.subarray(0, length);
    const hash: Hash | undefined = digests.md5 === false ? undefined : createHash("md5");
    const crc = digests.crc;
    let crcValue = 0n;
    let filled = 0;
    while (filled < length) {
      const chunk = this.#leftover ?? (await this.#next());
      this.#leftover = undefined;
      if (chunk === undefined) throw new TransientError(`Stream ended after ${filled} of ${length} bytes`, { side: "source" });
      const take = Math.min(chunk.length, length - filled);
      const used = take === chunk.length ? chunk : chunk.subarray(0, take);
      used.copy(bytes, filled);
      hash?.update(used);
      if (crc !== undefined) crcValue = crc.update(used, crcValue);
      filled += take;
      onBytes?.(take);
      if (take < chunk.length) this.#leftover = chunk.subarray(take);
    }
    const digest = hash?.digest();
    return {
      bytes,
      md5Hex: digest?.toString("hex") ?? "",
      md5Base64: digest?.toString("base64") ?? "",
      ...(crc === undefined ? {} : { crc: crcValue }),
    };
  }

  /** Whether the stream has bytes beyond what was read. */
  async hasMore(): Promise<boolean> {
    if (this.#leftover !== undefined && this.#leftover.length > 0) return true;
    const chunk = await this.#next();
    if (chunk === undefined) return false;
    this.#leftover = chunk;
    return chunk.length > 0 || (await this.hasMore());
  }

  /** Stops reading and releases the connection. */
  async close(): Promise<void> {
    await this.#iterator.return?.().catch(() => undefined);
  }

  async #next(): Promise<Buffer | undefined> {
    const result = await this.#iterator.next();
    if (result.done) return undefined;
    const value = result.value;
    return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  }
}

/** MD5 of a buffer, both spellings. */
export function hashBytes(bytes: Buffer): HashedBytes {
  const digest = createHash("md5").update(bytes).digest();
  return { bytes, md5Hex: digest.toString("hex"), md5Base64: digest.toString("base64") };
}
