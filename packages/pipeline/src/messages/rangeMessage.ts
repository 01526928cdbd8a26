import { MAX_PARTS, type StoredChecksum } from "@s3-migrate/transfer";
import { isBase64, messageFields, type WholeObjectCrc } from "./messageFields.js";

/** Schema name and version of a range job; bump the version on any breaking change. */
export const RANGE_SCHEMA = "s3-migrate/range" as const;
export const RANGE_SCHEMA_VERSION = 1 as const;

/**
 * One range of parts of a fanned-out object, as the worker that fanned it out queues it
 * (documented in docs/messages.md): copy the parts `firstPart`..`lastPart` of the shared upload
 * `uploadId` from the source version `source.etag` (and `versionId`).
 *
 * @example
 * {"schema":"s3-migrate/range","version":1,
 *  "source":{"bucket":"src","key":"big.iso","size":85899345920,"etag":"6f1e...-640","versionId":"3HL4..."},
 *  "destination":{"bucket":"dst","key":"big.iso"},
 *  "upload":{"uploadId":"VXBsb2Fk...","partSize":134217728,"partCount":640,"layoutMatches":true},
 *  "range":{"index":3,"firstPart":49,"lastPart":64},"rangeCount":40,
 *  "queuedAt":"2026-12-02T05:00:00.000Z"}
 */
export interface RangeMessage {
  readonly schema: typeof RANGE_SCHEMA;
  readonly version: typeof RANGE_SCHEMA_VERSION;
  readonly source: {
    readonly bucket: string;
    readonly key: string;
    readonly size: number;
    readonly etag: string;
    readonly versionId?: string;
    /** The full-object CRC the source stores, which the completed upload must reproduce (with `upload.checksumAlgorithm`). */
    readonly checksum?: StoredChecksum;
  };
  readonly destination: { readonly bucket: string; readonly key: string };
  readonly upload: {
    readonly uploadId: string;
    readonly partSize: number;
    readonly partCount: number;
    readonly layoutMatches: boolean;
    /** The CRC the upload was created with: every part is sent with it. Absent: Content-MD5. */
    readonly checksumAlgorithm?: WholeObjectCrc;
  };
  readonly range: { readonly index: number; readonly firstPart: number; readonly lastPart: number };
  readonly rangeCount: number;
  readonly queuedAt: string;
  /** Set on the continuation of a range paused at its deadline: how many so far. */
  readonly continuation?: number;
  /** Set on a continuation: the lease token of the paused attempt, which the next one takes back. */
  readonly leaseToken?: string;
  /** Set on a continuation: the parts of the range done at the pause, and pauses in a row without a part more. */
  readonly progress?: { readonly partsDone: number; readonly stalls: number };
}

/** The JSON body of a range job. */
export function serializeRange(range: Omit<RangeMessage, "schema" | "version">): string {
  const message: RangeMessage = { schema: RANGE_SCHEMA, version: RANGE_SCHEMA_VERSION, ...range };
  return JSON.stringify(message);
}

/**
 * Parses and validates a range job body (already JSON-decoded).
 * @throws ConfigError saying which field is wrong.
 */
export function parseRangeMessage(value: Record<string, unknown>): RangeMessage {
  const {
    fail,
    object: field,
    text,
    whole,
    leaseToken: readLeaseToken,
    continuation: readContinuation,
    progress: readProgress,
    crcAlgorithm,
  } = messageFields(RANGE_SCHEMA);
  if (value.version !== RANGE_SCHEMA_VERSION) return fail(`unsupported version ${JSON.stringify(value.version)}`);
  const source = field(value, "source");
  const destination = field(value, "destination");
  const upload = field(value, "upload");
  const range = field(value, "range");
  const versionId = source.versionId;
  if (versionId !== undefined && (typeof versionId !== "string" || versionId === "")) return fail("source.versionId must be a string");
  const partCount = whole(upload, "partCount", "upload", 1, MAX_PARTS);
  const rangeCount = whole(value, "rangeCount", "message", 1, MAX_PARTS);
  const firstPart = whole(range, "firstPart", "range", 1, partCount);
  const lastPart = whole(range, "lastPart", "range", firstPart, partCount);
  if (typeof upload.layoutMatches !== "boolean") return fail("upload.layoutMatches must be true or false");
  const algorithm = crcAlgorithm(upload, "checksumAlgorithm", "upload");
  const checksum = source.checksum as Record<string, unknown> | undefined;
  if ((checksum === undefined) !== (algorithm === undefined)) return fail("source.checksum and upload.checksumAlgorithm go together");
  if (checksum !== undefined && (checksum.algorithm !== algorithm || checksum.type !== "FULL_OBJECT" || !isBase64(checksum.value)))
    return fail("source.checksum must be the upload's algorithm, FULL_OBJECT, with a base64 value");
  const leaseToken = readLeaseToken(value);
  const continuation = readContinuation(value);
  const progress = readProgress(value);
  return {
    schema: RANGE_SCHEMA,
    version: RANGE_SCHEMA_VERSION,
    source: {
      bucket: text(source, "bucket", "source"),
      key: text(source, "key", "source"),
      size: whole(source, "size", "source", 1),
      etag: text(source, "etag", "source"),
      ...(versionId === undefined ? {} : { versionId }),
      ...(checksum === undefined || algorithm === undefined
        ? {}
        : { checksum: { algorithm, type: "FULL_OBJECT" as const, value: String(checksum.value) } }),
    },
    destination: { bucket: text(destination, "bucket", "destination"), key: text(destination, "key", "destination") },
    upload: {
      uploadId: text(upload, "uploadId", "upload"),
      partSize: whole(upload, "partSize", "upload", 1),
      partCount,
      layoutMatches: upload.layoutMatches,
      ...(algorithm === undefined ? {} : { checksumAlgorithm: algorithm }),
    },
    range: { index: whole(range, "index", "range", 0, rangeCount - 1), firstPart, lastPart },
    rangeCount,
    queuedAt: typeof value.queuedAt === "string" ? value.queuedAt : "",
    ...(continuation === undefined ? {} : { continuation }),
    ...(leaseToken === undefined ? {} : { leaseToken }),
    ...(progress === undefined ? {} : { progress }),
  };
}
