import { ConfigError } from "@s3-migrate/transfer";

/** Readers of a message's fields that fail with a ConfigError naming the schema and the field. */
export interface MessageFields {
  /** @throws ConfigError `Invalid <schema> message: <why>`. */
  fail(why: string): never;
  /** An object field (`<field> missing` otherwise). */
  object(record: Record<string, unknown>, field: string): Record<string, unknown>;
  /** A non-empty string: an empty key or bucket would turn object calls into bucket calls (GET /bucket/ lists, DELETE deletes it). */
  text(record: Record<string, unknown>, field: string, where: string): string;
  /** A string when present. */
  optionalText(record: Record<string, unknown>, field: string, where: string): string | undefined;
  /** A whole number from `min` to `max`. */
  whole(record: Record<string, unknown>, field: string, where: string, min: number, max?: number): number;
  /** The continuation's lease token, when present (a non-empty string). */
  leaseToken(message: Record<string, unknown>): string | undefined;
  /** The continuation count, when it is a whole number above 0 (anything else is no continuation). */
  continuation(message: Record<string, unknown>): number | undefined;
  /** A continuation's `progress` (`partsDone`, `stalls`), when present. */
  progress(message: Record<string, unknown>): { readonly partsDone: number; readonly stalls: number } | undefined;
  /** A CRC S3 verifies for a whole object (`CRC32`, `CRC32C`, `CRC64NVME`), when present. */
  crcAlgorithm(record: Record<string, unknown>, field: string, where: string): WholeObjectCrc | undefined;
}

/** The CRCs a whole object can be proven by. */
export type WholeObjectCrc = "CRC32" | "CRC32C" | "CRC64NVME";

/** Whether a value is base64 as S3 writes checksums. */
export function isBase64(value: unknown): value is string {
  return typeof value === "string" && /^[A-Za-z0-9+/]+={0,2}$/.test(value);
}

/** The field readers of messages of `schema`: one home for how every message kind checks its fields. */
export function messageFields(schema: string): MessageFields {
  const fail = (why: string): never => {
    throw new ConfigError(`Invalid ${schema} message: ${why}`);
  };
  return {
    fail,
    object(record, field) {
      const found = record[field];
      if (typeof found !== "object" || found === null || Array.isArray(found)) return fail(`${field} missing`);
      return found as Record<string, unknown>;
    },
    text(record, field, where) {
      const found = record[field];
      if (typeof found !== "string" || found === "") return fail(`${where}.${field} must be a non-empty string`);
      return found;
    },
    optionalText(record, field, where) {
      const found = record[field];
      if (found === undefined) return undefined;
      if (typeof found !== "string") return fail(`${where}.${field} must be a non-empty string`);
      return found;
    },
    whole(record, field, where, min, max = Number.MAX_SAFE_INTEGER) {
      const found = record[field];
      if (typeof found !== "number" || !Number.isSafeInteger(found) || found < min || found > max)
        return fail(`${where}.${field} must be a whole number from ${min} to ${max}`);
      return found;
    },
    leaseToken(message) {
      const token = message.leaseToken;
      if (token !== undefined && (typeof token !== "string" || token === "")) return fail("leaseToken must be a string");
      return token;
    },
    continuation(message) {
      const count = message.continuation;
      return typeof count === "number" && Number.isSafeInteger(count) && count > 0 ? count : undefined;
    },
    progress(message) {
      const found = message.progress;
      if (found === undefined) return undefined;
      if (typeof found !== "object" || found === null) return fail("progress must be an object");
      const record = found as Record<string, unknown>;
      const count = (name: string) => {
        const value = record[name];
        return typeof value === "number" && Number.isSafeInteger(value) && value >= 0
          ? value
          : fail(`progress.${name} must be a whole number`);
      };
      return { partsDone: count("partsDone"), stalls: count("stalls") };
    },
    crcAlgorithm(record, field, where) {
      const found = record[field];
      if (found === undefined) return undefined;
      if (found !== "CRC32" && found !== "CRC32C" && found !== "CRC64NVME")
        return fail(`${where}.${field} must be CRC32, CRC32C or CRC64NVME`);
      return found;
    },
  };
}
