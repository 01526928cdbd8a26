import {
  MAX_OBJECT_SIZE,
  MAX_PART_SIZE,
  MAX_PARTS,
  MAX_SINGLE_PUT_SIZE,
  MIB,
  MIN_PART_SIZE,
  SDK_REQUEST_ATTEMPTS,
  TRANSFER_DEFAULTS,
} from "@s3-migrate/transfer";
import { MAX_BATCH_OBJECTS } from "../messages/batchMessage.js";

/**
 * Every setting of the functions and cluster mode that has a default, in one place: its
 * environment variable, its default and bounds (the environment readers read through these), and
 * the Terraform variable that sets it with that variable's default. Where Terraform deploys a
 * different default than the code's (which cluster mode and the CLI use), `why` says so. A test
 * checks terraform/variables.tf and docs/configuration.md against this table.
 */
export interface SettingBase<Value> {
  /** The environment variable. */
  readonly env: string;
  /** What the code uses when the variable is unset or empty (`undefined`: nothing, e.g. the bucket's default). */
  readonly default: Value;
  /** The root module's variable that sets it, and that variable's default. */
  readonly terraform?: {
    readonly variable: string;
    readonly default: Value;
    /** Why the deployed default differs from the code's; required when it does. */
    readonly why?: string;
  };
}

/** A whole number setting. */
export interface NumberSetting extends SettingBase<number> {
  readonly kind: "number";
  readonly min: number;
  readonly max: number;
  /** Narrower bounds the Terraform variable enforces for a deployment, and why. */
  readonly terraformBounds?: { readonly min?: number; readonly max?: number; readonly why: string };
}

/** A true/false setting (`true`/`false`, `1`/`0`, `yes`/`no`). */
export interface FlagSetting extends SettingBase<boolean> {
  readonly kind: "flag";
}

/** A text setting. */
export interface TextSetting extends SettingBase<string | undefined> {
  readonly kind: "text";
}

/** Any setting. */
export type Setting = NumberSetting | FlagSetting | TextSetting;

/** The settings, by what the code calls them. */
export const SETTINGS = {
  partSizeMib: {
    kind: "number",
    env: "PART_SIZE_MIB",
    default: TRANSFER_DEFAULTS.partSize / MIB,
    min: MIN_PART_SIZE / MIB,
    max: MAX_PART_SIZE / MIB,
    terraform: { variable: "part_size_mib", default: TRANSFER_DEFAULTS.partSize / MIB },
  },
  smallObjectThresholdMib: {
    kind: "number",
    env: "SMALL_OBJECT_THRESHOLD_MIB",
    default: TRANSFER_DEFAULTS.smallObjectThreshold / MIB,
    min: 0,
    max: MAX_SINGLE_PUT_SIZE / MIB,
    terraform: { variable: "small_object_threshold_mib", default: TRANSFER_DEFAULTS.smallObjectThreshold / MIB },
  },
  fanoutThresholdMib: {
    kind: "number",
    env: "FANOUT_THRESHOLD_MIB",
    // 1 GiB, as AWS's Data Transfer Hub splits objects. Fanning out costs per range one SQS
    // send, receive and delete, a ListParts and four ledger writes, and one queue round trip of
    // latency (about a second): against 32 parts of 8 MiB per range that is a few percent of the
    // requests. Below 1 GiB one worker with 16 flows finishes in well under a minute even at a
    // few MiB/s per cross-border flow; above it, the object's time is the migration's tail.
    default: 1024,
    min: 0,
    max: MAX_OBJECT_SIZE / MIB,
    terraform: { variable: "fanout_threshold_mib", default: 1024 },
  },
  fanoutRangeParts: {
    kind: "number",
    env: "FANOUT_RANGE_PARTS",
    // Two rounds of the default 8 parts in flight, so a range keeps its flows busy while its last
    // parts finish; 1 GiB fans out into 8 ranges of 128 MiB.
    default: 16,
    min: 1,
    max: MAX_PARTS,
    terraform: {
      variable: "fanout_range_parts",
      default: 32,
      why: "the worker Lambda has 16 parts in flight (part_concurrency), so a range of 32 parts is the same two rounds of them",
    },
  },
  batchMaxObjects: {
    kind: "number",
    env: "BATCH_MAX_OBJECTS",
    // A batch's objects are read with one BatchGetItem (100 keys) and cost the batch's lease, two
    // ledger writes, once: 100 objects make that 0.02 writes an object. 1 queues one job an object.
    default: MAX_BATCH_OBJECTS,
    min: 1,
    max: MAX_BATCH_OBJECTS,
    terraform: { variable: "batch_max_objects", default: MAX_BATCH_OBJECTS },
  },
  batchMaxMib: {
    kind: "number",
    env: "BATCH_MAX_MIB",
    // What one batch copies at most: 64 MiB is a few seconds of a worker's bandwidth, so a batch
    // that fails or is cut by the deadline re-reads little; larger objects are queued alone.
    default: 64,
    min: 1,
    max: 1024,
    terraform: { variable: "batch_max_mib", default: 64 },
  },
  partConcurrency: {
    kind: "number",
    env: "PART_CONCURRENCY",
    default: TRANSFER_DEFAULTS.partConcurrency,
    min: 1,
    max: 256,
    terraform: {
      variable: "part_concurrency",
      default: 16,
      why: "the worker Lambda's default 1,769 MB holds 16 parts of 8 MiB in flight with room to spare; a cluster-mode host is sized by its operator",
    },
  },
  fileConcurrency: {
    kind: "number",
    env: "FILE_CONCURRENCY",
    default: 4,
    min: 1,
    max: 256,
    terraform: { variable: "file_concurrency", default: 4 },
    terraformBounds: {
      max: 64,
      why: "a worker Lambda receives at most 10 messages a batch (worker_batch_size), so more objects at once do nothing there; cluster hosts set their own",
    },
  },
  maxAttempts: {
    kind: "number",
    env: "MAX_ATTEMPTS",
    default: SDK_REQUEST_ATTEMPTS,
    min: 1,
    max: 100,
    terraform: {
      variable: "max_attempts",
      default: 10,
      why: "a deployed worker shares its throttled prefixes with hundreds of others, so it retries longer before a message goes back to the queue",
    },
  },
  deadlineMarginSeconds: {
    kind: "number",
    env: "DEADLINE_MARGIN_SECONDS",
    default: 30,
    min: 1,
    max: 600,
    terraformBounds: { min: 5, why: "with less, a worker Lambda's parts in flight cannot drain and hand off before its timeout" },
    terraform: {
      variable: "deadline_margin_seconds",
      default: 60,
      why: "the 900 s Lambda has 16 parts in flight by default (part_concurrency), which need longer to drain than cluster mode's 8",
    },
  },
  copyTags: {
    kind: "flag",
    env: "COPY_TAGS",
    default: TRANSFER_DEFAULTS.copyTags,
    terraform: {
      variable: "copy_tags",
      default: true,
      why: "the deployment grants the tagging permissions with the rest, so a migration keeps tags unless told not to; the CLI and cluster mode may run with credentials that lack them",
    },
  },
  storageClass: {
    kind: "text",
    env: "STORAGE_CLASS",
    default: undefined,
    terraform: {
      variable: "storage_class",
      default: "STANDARD",
      why: "a deployment states its storage class; unset, copies take the destination bucket's default",
    },
  },
  credentialsParameter: {
    kind: "text",
    env: "CREDENTIALS_PARAMETER",
    default: undefined,
    terraform: {
      variable: "credentials_parameter_name",
      // null: the root module derives /<name_prefix>/credentials, so two deployments never share one
      default: undefined,
    },
  },
  direction: { kind: "text", env: "DIRECTION", default: "PUT", terraform: { variable: "direction", default: "PUT" } },
  defaultDestPrefix: { kind: "text", env: "DEFAULT_DEST_PREFIX", default: "", terraform: { variable: "default_dest_prefix", default: "" } },
  eventFilterPrefix: {
    kind: "text",
    env: "EVENT_FILTER_PREFIX",
    default: "",
    terraform: { variable: "bucket_events_filter_prefix", default: "" },
  },
  eventFilterSuffix: {
    kind: "text",
    env: "EVENT_FILTER_SUFFIX",
    default: "",
    terraform: { variable: "bucket_events_filter_suffix", default: "" },
  },
  useChecksums: {
    kind: "flag",
    env: "USE_CHECKSUMS",
    default: TRANSFER_DEFAULTS.useChecksums,
    terraform: { variable: "use_checksums", default: true },
  },
  serverSideCopy: {
    kind: "flag",
    env: "SERVER_SIDE_COPY",
    default: TRANSFER_DEFAULTS.serverSideCopy,
    terraform: { variable: "server_side_copy", default: false },
  },
  allowHttpEndpoint: {
    // No Terraform variable: a deployment reaches the other partition over HTTPS; the flag is for
    // an S3-compatible store on a private network that speaks only HTTP (cluster mode).
    kind: "flag",
    env: "ALLOW_HTTP_ENDPOINT",
    default: false,
  },
  propagateDeletes: {
    kind: "flag",
    env: "PROPAGATE_DELETES",
    default: false,
    terraform: { variable: "propagate_deletes", default: false },
  },
  compareVersionId: {
    kind: "flag",
    env: "COMPARE_VERSION_ID",
    default: false,
    terraform: { variable: "compare_version_id", default: false },
  },
  updateVersionId: { kind: "flag", env: "UPDATE_VERSION_ID", default: false, terraform: { variable: "update_version_id", default: false } },
  getObjectWithVersionId: {
    kind: "flag",
    env: "GET_OBJECT_WITH_VERSION_ID",
    default: false,
    terraform: { variable: "get_object_with_version_id", default: false },
  },
  skipWhenQueueBusy: { kind: "flag", env: "SKIP_WHEN_QUEUE_BUSY", default: false },
} as const satisfies Readonly<Record<string, Setting>>;
