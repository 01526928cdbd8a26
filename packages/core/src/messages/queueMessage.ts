import { ConfigError } from "../errors.js";
import { destinationKey } from "../mapping/destinationKey.js";
import { JOB_SCHEMA, parseJobMessage } from "./jobMessage.js";

/** One object to copy, whatever message format announced it. */
export interface CopyWork {
  readonly kind: "copy";
  readonly source: {
    readonly bucket: string;
    readonly key: string;
    readonly size?: number;
    readonly etag?: string;
    readonly versionId?: string;
  };
  readonly destination: { readonly bucket: string; readonly key: string };
  /** How many times this object's transfer has been continued after a deadline. */
  readonly continuation: number;
}

/** One object to delete at the destination (S3 `ObjectRemoved:*`, when delete propagation is on). */
export interface DeleteWork {
  readonly kind: "delete";
  readonly destination: { readonly bucket: string; readonly key: string };
  readonly sourceKey: string;
}

/** Everything a queue message can ask for. */
export type Work = CopyWork | DeleteWork;

/** Where S3 event notifications are copied to (they name no destination). */
export interface EventDefaults {
  readonly defaultDestBucket?: string;
  readonly defaultDestPrefix?: string;
  readonly propagateDeletes?: boolean;
}

/**
 * Turns a queue message body into work: an `s3-migrate/job` message, the original tool's
 * `{"Src_bucket","Src_key","Des_bucket","Des_key","Size","versionId"}`, or an S3 event
 * notification (every record). `s3:TestEvent` and removals without delete propagation give no
 * work.
 *
 * @throws ConfigError saying what is wrong with a malformed body; the message then fails alone.
 */
export function parseQueueMessage(body: string, defaults: EventDefaults = {}): Work[] {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new ConfigError(`Message body is not JSON: ${JSON.stringify(body.slice(0, 120))}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new ConfigError("Message body is not a JSON object");
  const message = value as Record<string, unknown>;
  if (message.schema === JOB_SCHEMA) {
    const job = parseJobMessage(message);
    const continuation = typeof message.continuation === "number" && Number.isInteger(message.continuation) ? message.continuation : 0;
    return [{ kind: "copy", source: job.source, destination: job.destination, continuation }];
  }
  if (message.Event === "s3:TestEvent") return [];
  if (Array.isArray(message.Records)) return parseS3Event(message.Records, defaults);
  if ("Src_bucket" in message || "Src_key" in message) return [parseLegacyJob(message)];
  throw new ConfigError("Message is neither an s3-migrate job, an original-tool job nor an S3 event notification");
}

function parseLegacyJob(message: Record<string, unknown>): CopyWork {
  const text = (field: string): string => {
    const value = message[field];
    if (typeof value !== "string" || value === "")
      throw new ConfigError(`Original-format job: field "${field}" must be a non-empty string`);
    return value;
  };
  const size = message.Size;
  if (size !== undefined && (typeof size !== "number" || !Number.isSafeInteger(size) || size < 0))
    throw new ConfigError('Original-format job: field "Size" must be a whole number of bytes');
  const versionId =
    typeof message.versionId === "string" && message.versionId !== "" && message.versionId !== "null" ? message.versionId : undefined;
  return {
    kind: "copy",
    source: {
      bucket: text("Src_bucket"),
      key: text("Src_key"),
      ...(size === undefined ? {} : { size }),
      ...(versionId === undefined ? {} : { versionId }),
    },
    destination: { bucket: text("Des_bucket"), key: text("Des_key") },
    continuation: 0,
  };
}

function parseS3Event(records: unknown[], defaults: EventDefaults): Work[] {
  const work: Work[] = [];
  for (const [index, record] of records.entries()) {
    const where = `S3 event record ${index}`;
    const event = record as {
      eventName?: unknown;
      s3?: { bucket?: { name?: unknown }; object?: { key?: unknown; size?: unknown; eTag?: unknown; versionId?: unknown } };
    };
    const eventName = typeof event?.eventName === "string" ? event.eventName : "";
    const bucket = event?.s3?.bucket?.name;
    const rawKey = event?.s3?.object?.key;
    if (typeof bucket !== "string" || typeof rawKey !== "string")
      throw new ConfigError(`${where}: s3.bucket.name and s3.object.key are required`);
    const key = decodeEventKey(rawKey);
    const destinationBucket = defaults.defaultDestBucket;
    if (eventName.startsWith("ObjectRemoved:")) {
      if (!defaults.propagateDeletes) continue;
      if (destinationBucket === undefined)
        throw new ConfigError(`${where}: no default destination bucket (DEFAULT_DEST_BUCKET) for S3 events`);
      work.push({
        kind: "delete",
        destination: { bucket: destinationBucket, key: destinationKey(defaults.defaultDestPrefix, key) },
        sourceKey: key,
      });
      continue;
    }
    if (!eventName.startsWith("ObjectCreated:")) continue;
    if (destinationBucket === undefined)
      throw new ConfigError(`${where}: no default destination bucket (DEFAULT_DEST_BUCKET) for S3 events`);
    const object = event.s3?.object ?? {};
    const size = typeof object.size === "number" ? object.size : undefined;
    const etag = typeof object.eTag === "string" && object.eTag !== "" ? object.eTag : undefined;
    const versionId =
      typeof object.versionId === "string" && object.versionId !== "" && object.versionId !== "null" ? object.versionId : undefined;
    work.push({
      kind: "copy",
      source: {
        bucket,
        key,
        ...(size === undefined ? {} : { size }),
        ...(etag === undefined ? {} : { etag }),
        ...(versionId === undefined ? {} : { versionId }),
      },
      destination: { bucket: destinationBucket, key: destinationKey(defaults.defaultDestPrefix, key) },
      continuation: 0,
    });
  }
  return work;
}

/**
 * Decodes a key as S3 event notifications spell it: URL-encoded, with `+` for a space (a real
 * `+` arrives as `%2B`).
 * @throws ConfigError for a malformed escape.
 */
export function decodeEventKey(encoded: string): string {
  try {
    return decodeURIComponent(encoded.replaceAll("+", " "));
  } catch {
    throw new ConfigError(`S3 event key is not valid URL encoding: ${JSON.stringify(encoded)}`);
  }
}
