import { createHash } from "node:crypto";
import { messageFields } from "./messageFields.js";

/** Schema name and version of a batch of small objects; bump the version on any breaking change. */
export const BATCH_SCHEMA = "s3-migrate/batch" as const;
export const BATCH_SCHEMA_VERSION = 1 as const;

/** Objects a batch holds at most, whatever the setting: one BatchGetItem (100 keys) reads them all. */
export const MAX_BATCH_OBJECTS = 100;

/** One object of a batch: its source version and where it goes (documented in docs/messages.md). */
export interface BatchObject {
  readonly key: string;
  readonly size: number;
  readonly etag: string;
  readonly versionId?: string;
  readonly destinationKey: string;
}

/**
 * Many small objects of one bucket pair in one message, as the jobsender queues them when the
 * destination has none of them (documented in docs/messages.md). The worker copies them at once
 * and settles each on its own.
 *
 * @example
 * {"schema":"s3-migrate/batch","version":1,"sourceBucket":"src","destinationBucket":"dst",
 *  "objects":[{"key":"a/1.json","size":812,"etag":"9b2c...","destinationKey":"backup/a/1.json"},
 *             {"key":"a/2.json","size":64,"etag":"07f1...","versionId":"3HL4...","destinationKey":"backup/a/2.json"}],
 *  "queuedAt":"2026-12-02T05:00:00.000Z","passId":"2026-12-02T05:00:00.000Z"}
 */
export interface BatchMessage {
  readonly schema: typeof BATCH_SCHEMA;
  readonly version: typeof BATCH_SCHEMA_VERSION;
  readonly sourceBucket: string;
  readonly destinationBucket: string;
  readonly objects: readonly BatchObject[];
  readonly queuedAt: string;
  /** The jobsender pass that queued it, for tracing. */
  readonly passId?: string;
}

/** The JSON body of a batch message. */
export function serializeBatch(batch: Omit<BatchMessage, "schema" | "version">): string {
  const message: BatchMessage = { schema: BATCH_SCHEMA, version: BATCH_SCHEMA_VERSION, ...batch };
  return JSON.stringify(message);
}

/**
 * The batch's identity: a digest of its buckets and objects (not of when it was queued), so every
 * copy of one batch takes the same lease in the ledger and a batch delivered twice copies once.
 */
export function batchId(batch: Pick<BatchMessage, "sourceBucket" | "destinationBucket" | "objects">): string {
  const canonical = JSON.stringify([
    batch.sourceBucket,
    batch.destinationBucket,
    batch.objects.map((object) => [object.key, object.size, object.etag, object.versionId ?? null, object.destinationKey]),
  ]);
  return createHash("sha256").update(canonical).digest("hex");
}

/**
 * Parses and validates a batch message body.
 * @throws ConfigError saying which field of which object is wrong.
 */
export function parseBatchMessage(value: unknown): BatchMessage {
  const fields = messageFields(BATCH_SCHEMA);
  const { fail, text, optionalText, whole } = fields;
  if (typeof value !== "object" || value === null) return fail("not an object");
  const message = value as Record<string, unknown>;
  if (message.schema !== BATCH_SCHEMA) return fail(`schema is ${JSON.stringify(message.schema)}`);
  if (message.version !== BATCH_SCHEMA_VERSION) return fail(`unsupported version ${JSON.stringify(message.version)}`);
  const list = message.objects;
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_BATCH_OBJECTS)
    return fail(`objects must be a list of 1 to ${MAX_BATCH_OBJECTS} objects`);
  const objects = list.map((entry: unknown, index): BatchObject => {
    const where = `objects[${index}]`;
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) return fail(`${where} must be an object`);
    const object = entry as Record<string, unknown>;
    const versionId = optionalText(object, "versionId", where);
    return {
      key: text(object, "key", where),
      size: whole(object, "size", where, 0),
      etag: text(object, "etag", where),
      ...(versionId === undefined || versionId === "" ? {} : { versionId }),
      destinationKey: text(object, "destinationKey", where),
    };
  });
  const passId = message.passId;
  return {
    schema: BATCH_SCHEMA,
    version: BATCH_SCHEMA_VERSION,
    sourceBucket: text(message, "sourceBucket", "batch"),
    destinationBucket: text(message, "destinationBucket", "batch"),
    objects,
    queuedAt: typeof message.queuedAt === "string" ? message.queuedAt : "",
    ...(typeof passId === "string" ? { passId } : {}),
  };
}
