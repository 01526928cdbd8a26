import { ConfigError, destinationKey, type PendingCompletion } from "@s3-migrate/transfer";
import type { ContinuationProgress } from "../worker/continuationProgress.js";
import { BATCH_SCHEMA, batchId, parseBatchMessage } from "./batchMessage.js";
import { JOB_SCHEMA, parseJobMessage } from "./jobMessage.js";
import { parseRangeMessage, RANGE_SCHEMA, type RangeMessage } from "./rangeMessage.js";

/**
 * Which message format announced a piece of work. The worker's scope check treats them
 * differently: jobs must name a configured pair's mapping, S3 events the configured event bucket.
 */
export type WorkOrigin =
  | { readonly format: "job" }
  /** A range job, queued by the worker that fanned a giant object out. */
  | { readonly format: "range" }
  | { readonly format: "original-job" }
  /** One object of an `s3-migrate/batch` message: the batch's identity (`batchId`) and the object's place in it. */
  | { readonly format: "batch"; readonly batchId: string; readonly index: number }
  | {
      readonly format: "s3-event";
      /** `eventSource` of the record; only `aws:s3` is accepted. */
      readonly eventSource: string;
      readonly eventName: string;
      /** The record's `s3.object.sequencer`, made comparable as text ({@link orderableSequencer}). */
      readonly sequencer?: string;
      /** The record as it arrived, so a multi-record message can be split without rewriting it. */
      readonly record: unknown;
    };

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
  /** The lease token of the attempt this continues (a continuation takes its own lease back). */
  readonly leaseToken?: string;
  /** What the transfers before this continuation got done (a continuation of ours, signed). */
  readonly progress?: ContinuationProgress;
  /** The orderable sequencer of the S3 event a continuation continues (it stays as old as its event). */
  readonly eventSequencer?: string;
  /** A completion the paused attempt started and lost (see `PendingCompletion`). */
  readonly completing?: PendingCompletion;
  readonly origin: WorkOrigin;
}

/** One object to delete at the destination (S3 `ObjectRemoved:*`, when delete propagation is on). */
export interface DeleteWork {
  readonly kind: "delete";
  /** The removed source object: deleted at the destination only if it is really gone. */
  readonly source: { readonly bucket: string; readonly key: string };
  readonly destination: { readonly bucket: string; readonly key: string };
  readonly origin: Extract<WorkOrigin, { format: "s3-event" }>;
}

/** One range of parts of a fanned-out object to copy (and, if it is the last, the upload to complete). */
export interface RangeWork {
  readonly kind: "range";
  readonly source: RangeMessage["source"];
  readonly destination: RangeMessage["destination"];
  readonly upload: RangeMessage["upload"];
  readonly range: RangeMessage["range"];
  readonly rangeCount: number;
  /** How many times this range has been continued after a deadline. */
  readonly continuation: number;
  /** The lease token of the attempt this continues. */
  readonly leaseToken?: string;
  /** What the transfers of this range before this continuation got done. */
  readonly progress?: ContinuationProgress;
  readonly origin: Extract<WorkOrigin, { format: "range" }>;
}

/** Everything a queue message can ask for. */
export type Work = CopyWork | DeleteWork | RangeWork;

/** Where S3 event notifications are copied to (they name no destination). */
export interface EventDefaults {
  readonly defaultDestBucket?: string;
  readonly defaultDestPrefix?: string;
}

/**
 * Turns a queue message body into work: an `s3-migrate/job` message, an `s3-migrate/batch` of small
 * objects (one piece of work each), an `s3-migrate/range` job
 * (one range of a fanned-out object), the original tool's
 * `{"Src_bucket","Src_key","Des_bucket","Des_key","Size","versionId"}`, or an S3 event
 * notification (every `ObjectCreated:*` and `ObjectRemoved:*` record). `s3:TestEvent` and other
 * event types give no work. Parsing decides nothing about what is allowed: the worker's scope
 * check ({@link checkScope}) does, before anything is read.
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
    return [
      {
        kind: "copy",
        source: job.source,
        destination: job.destination,
        continuation: job.continuation ?? 0,
        ...(job.leaseToken === undefined ? {} : { leaseToken: job.leaseToken }),
        ...(job.progress === undefined ? {} : { progress: job.progress }),
        ...(job.eventSequencer === undefined ? {} : { eventSequencer: orderableSequencer(job.eventSequencer, JOB_SCHEMA) }),
        ...(job.completing === undefined ? {} : { completing: job.completing }),
        origin: { format: "job" },
      },
    ];
  }
  if (message.schema === BATCH_SCHEMA) {
    const batch = parseBatchMessage(message);
    const id = batchId(batch);
    return batch.objects.map((object, index) => ({
      kind: "copy",
      source: {
        bucket: batch.sourceBucket,
        key: object.key,
        size: object.size,
        etag: object.etag,
        ...(object.versionId === undefined ? {} : { versionId: object.versionId }),
      },
      destination: { bucket: batch.destinationBucket, key: object.destinationKey },
      continuation: 0,
      origin: { format: "batch", batchId: id, index },
    }));
  }
  if (message.schema === RANGE_SCHEMA) {
    const range = parseRangeMessage(message);
    return [
      {
        kind: "range",
        source: range.source,
        destination: range.destination,
        upload: range.upload,
        range: range.range,
        rangeCount: range.rangeCount,
        continuation: range.continuation ?? 0,
        ...(range.leaseToken === undefined ? {} : { leaseToken: range.leaseToken }),
        ...(range.progress === undefined ? {} : { progress: range.progress }),
        origin: { format: "range" },
      },
    ];
  }
  if (message.Event === "s3:TestEvent") return [];
  if (Array.isArray(message.Records)) return parseS3Event(message.Records, defaults);
  if ("Src_bucket" in message || "Src_key" in message) return [parseLegacyJob(message)];
  throw new ConfigError("Message is neither an s3-migrate job, batch or range job, an original-tool job nor an S3 event notification");
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
    origin: { format: "original-job" },
  };
}

interface S3EventRecord {
  eventSource?: unknown;
  eventName?: unknown;
  s3?: {
    bucket?: { name?: unknown };
    object?: { key?: unknown; size?: unknown; eTag?: unknown; versionId?: unknown; sequencer?: unknown };
  };
}

function parseS3Event(records: unknown[], defaults: EventDefaults): Work[] {
  const work: Work[] = [];
  for (const [index, record] of records.entries()) {
    const where = `S3 event record ${index}`;
    const event = record as S3EventRecord;
    const eventName = typeof event?.eventName === "string" ? event.eventName : "";
    const removed = eventName.startsWith("ObjectRemoved:");
    if (!removed && !eventName.startsWith("ObjectCreated:")) continue;
    const bucket = event.s3?.bucket?.name;
    const rawKey = event.s3?.object?.key;
    if (typeof bucket !== "string" || bucket === "" || typeof rawKey !== "string")
      throw new ConfigError(`${where}: s3.bucket.name and s3.object.key are required`);
    const key = decodeEventKey(rawKey);
    // An empty key would turn object calls into bucket calls (GET /bucket/ lists, DELETE deletes it).
    if (key === "") throw new ConfigError(`${where}: s3.object.key is empty`);
    // Without DEFAULT_DEST_BUCKET the worker takes no S3 events at all; the scope check refuses
    // the record (ForeignEventSource) rather than calling the message malformed.
    const destinationBucket = defaults.defaultDestBucket ?? "";
    const object = event.s3?.object ?? {};
    const sequencer = object.sequencer === undefined || object.sequencer === "" ? undefined : orderableSequencer(object.sequencer, where);
    const origin = {
      format: "s3-event" as const,
      eventSource: typeof event.eventSource === "string" ? event.eventSource : "",
      eventName,
      ...(sequencer === undefined ? {} : { sequencer }),
      record,
    };
    const destination = { bucket: destinationBucket, key: destinationKey(defaults.defaultDestPrefix, key) };
    if (removed) {
      work.push({ kind: "delete", source: { bucket, key }, destination, origin });
      continue;
    }
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
      destination,
      continuation: 0,
      origin,
    });
  }
  return work;
}

/** Width sequencers are padded to; S3's are 16 to 20 hex digits today. */
const SEQUENCER_WIDTH = 64;

/**
 * An S3 event sequencer as a string that sorts like the events of one key happened: upper-case
 * hex, right-padded with zeros to a fixed width, as S3's documentation prescribes for comparing
 * sequencers of different lengths (older copies of that page said left-pad; the current one,
 * "Event message structure", says right-pad).
 *
 * @throws ConfigError for a sequencer that is not hexadecimal.
 */
export function orderableSequencer(sequencer: unknown, where = "S3 event record"): string {
  if (typeof sequencer !== "string" || !/^[0-9A-Fa-f]{1,64}$/.test(sequencer))
    throw new ConfigError(`${where}: s3.object.sequencer must be up to ${SEQUENCER_WIDTH} hexadecimal digits`);
  return sequencer.toUpperCase().padEnd(SEQUENCER_WIDTH, "0");
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
