import type { PendingCompletion, ProvenChecksum } from "@s3-migrate/transfer";
import { isBase64, type MessageFields, messageFields } from "./messageFields.js";

/** Schema name and version every job message carries; bump the version on any breaking change. */
export const JOB_SCHEMA = "s3-migrate/job" as const;
export const JOB_SCHEMA_VERSION = 1 as const;

/**
 * One object to copy, as the jobsender queues it (documented in docs/messages.md).
 *
 * @example
 * {"schema":"s3-migrate/job","version":1,
 *  "source":{"bucket":"src","key":"a/b.bin","size":123,"etag":"9b2c...","versionId":"3HL4..."},
 *  "destination":{"bucket":"dst","key":"backup/a/b.bin"},
 *  "queuedAt":"2026-11-28T04:00:00.000Z","passId":"2026-11-28T04:00:00.000Z"}
 */
export interface JobMessage {
  readonly schema: typeof JOB_SCHEMA;
  readonly version: typeof JOB_SCHEMA_VERSION;
  readonly source: {
    readonly bucket: string;
    readonly key: string;
    readonly size: number;
    readonly etag?: string;
    readonly versionId?: string;
  };
  readonly destination: { readonly bucket: string; readonly key: string };
  readonly queuedAt: string;
  /** The jobsender pass that queued it, for tracing. */
  readonly passId?: string;
  /** Set on a worker's continuation of a transfer paused at its deadline: how many so far. */
  readonly continuation?: number;
  /** Set on a continuation: the lease token of the paused attempt, which the next one takes back. */
  readonly leaseToken?: string;
  /** Set on a continuation: the parts done at the pause, and pauses in a row without a part more. */
  readonly progress?: { readonly partsDone: number; readonly stalls: number };
  /** Set on the continuation of S3 event work: the event's sequencer, so it stays ordered. */
  readonly eventSequencer?: string;
  /**
   * Set on a continuation whose completion the deadline cut: the upload and the ETag its result
   * has, so the next attempt finds a completion S3 finished anyway instead of copying again.
   */
  readonly completing?: PendingCompletion;
}

/** The JSON body of a job message. */
export function serializeJob(job: Omit<JobMessage, "schema" | "version">): string {
  const message: JobMessage = { schema: JOB_SCHEMA, version: JOB_SCHEMA_VERSION, ...job };
  return JSON.stringify(message);
}

/** Size in bytes of a serialized job (SQS counts UTF-8 bytes against its 256 KiB limit). */
export function jobBytes(body: string): number {
  return Buffer.byteLength(body, "utf8");
}

/**
 * Parses and validates a job message body.
 * @throws ConfigError saying which field is wrong.
 */
export function parseJobMessage(value: unknown): JobMessage {
  const fields = messageFields(JOB_SCHEMA);
  const { fail, text, optionalText } = fields;
  if (typeof value !== "object" || value === null) return fail("not an object");
  const message = value as Record<string, unknown>;
  if (message.schema !== JOB_SCHEMA) return fail(`schema is ${JSON.stringify(message.schema)}`);
  if (message.version !== JOB_SCHEMA_VERSION) return fail(`unsupported version ${JSON.stringify(message.version)}`);
  const source = fields.object(message, "source");
  const destination = fields.object(message, "destination");
  const size = source.size;
  if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 0) return fail("source.size must be a whole number of bytes");
  const etag = optionalText(source, "etag", "source");
  const versionId = optionalText(source, "versionId", "source");
  const passId = message.passId;
  const progress = fields.progress(message);
  const leaseToken = fields.leaseToken(message);
  const continuation = fields.continuation(message);
  const eventSequencer = message.eventSequencer;
  if (eventSequencer !== undefined && typeof eventSequencer !== "string") return fail("eventSequencer must be a string");
  const completing = message.completing === undefined ? undefined : parseCompleting(message.completing, fields);
  return {
    schema: JOB_SCHEMA,
    version: JOB_SCHEMA_VERSION,
    source: {
      bucket: text(source, "bucket", "source"),
      key: text(source, "key", "source"),
      size,
      ...(etag === undefined ? {} : { etag }),
      ...(versionId === undefined ? {} : { versionId }),
    },
    destination: { bucket: text(destination, "bucket", "destination"), key: text(destination, "key", "destination") },
    queuedAt: typeof message.queuedAt === "string" ? message.queuedAt : "",
    ...(typeof passId === "string" ? { passId } : {}),
    ...(continuation === undefined ? {} : { continuation }),
    ...(leaseToken === undefined ? {} : { leaseToken }),
    ...(progress === undefined ? {} : { progress }),
    ...(eventSequencer === undefined ? {} : { eventSequencer }),
    ...(completing === undefined ? {} : { completing }),
  };
}

/**
 * A continuation's `completing` field: an upload id, a composite ETag, how it was verified and,
 * in an upload with a CRC, the whole object's checksum the completion carries (required for
 * `source-checksum`).
 */
function parseCompleting(value: unknown, fields: MessageFields): PendingCompletion {
  const { fail } = fields;
  const completing = value as Record<string, unknown>;
  if (typeof completing !== "object" || completing === null) return fail("completing must be an object");
  const { uploadId, etag, verification, checksum } = completing;
  if (typeof uploadId !== "string" || uploadId === "") return fail("completing.uploadId must be a non-empty string");
  if (typeof etag !== "string" || !/^[0-9a-f]{32}-\d+$/.test(etag))
    return fail("completing.etag must be a composite ETag (32 hex digits, '-', the part count)");
  if (verification !== "source-checksum" && verification !== "source-etag" && verification !== "part-checksums")
    return fail("completing.verification must be source-checksum, source-etag or part-checksums");
  if (checksum === undefined && verification === "source-checksum") return fail("completing.checksum is required for source-checksum");
  return { uploadId, etag, verification, ...(checksum === undefined ? {} : { checksum: parseChecksum(checksum, fields) }) };
}

/** `completing.checksum`: a CRC S3 verifies for a whole object, and its base64 value. */
function parseChecksum(value: unknown, fields: MessageFields): ProvenChecksum {
  const { fail } = fields;
  const checksum = value as Record<string, unknown>;
  if (typeof checksum !== "object" || checksum === null) return fail("completing.checksum must be an object");
  const algorithm =
    fields.crcAlgorithm(checksum, "algorithm", "completing.checksum") ??
    fail("completing.checksum.algorithm must be CRC32, CRC32C or CRC64NVME");
  if (!isBase64(checksum.value)) return fail("completing.checksum.value must be base64");
  return { algorithm, value: checksum.value };
}
