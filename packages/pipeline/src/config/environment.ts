import { ConfigError, type Direction, isAccountId, isRegionName, MIB, parseDirection } from "@s3-migrate/transfer";
import { PARAMETER_MAX_AGE_SECONDS } from "./parameterStore.js";
import { type FlagSetting, type NumberSetting, SETTINGS, type TextSetting } from "./settings.js";

/**
 * Settings both Lambda functions (and cluster mode) read from their environment. The variable
 * names, defaults and bounds come from `SETTINGS` (settings.ts), the contract with terraform/
 * (see docs/configuration.md).
 */
export interface FunctionEnvironment {
  readonly jobQueueUrl: string;
  readonly ledgerTable: string;
  /** Required by the jobsender; the worker does not read the pairs. */
  readonly bucketPairsParameter?: string;
  readonly ignoreListParameter?: string;
  readonly credentialsParameter?: string;
  /** ALLOW_HTTP_ENDPOINT: accept a stored `endpoint` of plain HTTP off loopback. */
  readonly allowHttpEndpoint: boolean;
  readonly direction: Direction;
  readonly maxAttempts: number;
  readonly deadlineMarginMs: number;
  readonly compareVersionId: boolean;
  readonly updateVersionId: boolean;
  readonly getObjectWithVersionId: boolean;
  readonly propagateDeletes: boolean;
  /** Prove copies by the source's stored CRC and have the destination verify it (off for stores without flexible checksums). */
  readonly useChecksums: boolean;
  /** Own-side endpoint override (AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL), for S3-compatible or local endpoints. */
  readonly ownS3Endpoint?: string;
  readonly region: string;
  /**
   * How queue messages are authenticated: by the KMS HMAC key `MESSAGE_KEY_ID` (what a
   * deployment always sets), or `off` only when `MESSAGE_AUTHENTICATION=off` says so.
   */
  readonly messageAuthentication: { readonly keyId: string } | "off";
  /** POWERTOOLS_PARAMETERS_MAX_AGE: seconds a configuration parameter read is believed (`PARAMETER_MAX_AGE_SECONDS` unset). */
  readonly parameterMaxAgeSeconds: number;
}

/** Transfer knobs of the worker. */
export interface WorkerEnvironment extends FunctionEnvironment, CopyShape {
  readonly storageClass?: string;
  readonly sse?: "AES256" | "aws:kms";
  readonly sseKmsKeyId?: string;
  readonly defaultDestBucket?: string;
  readonly defaultDestPrefix: string;
  /** DEFAULT_DEST_REGION: the default destination bucket's region (else found by the worker). */
  readonly defaultDestRegion?: string;
  /** DEFAULT_DEST_BUCKET_OWNER: the account that must own the default destination bucket. */
  readonly defaultDestOwner?: string;
  /** The only bucket whose S3 event notifications the worker takes, and their key filter. */
  readonly eventSourceBucket?: string;
  /** EVENT_SOURCE_BUCKET_OWNER: the account that must own the event source bucket. */
  readonly eventSourceOwner?: string;
  readonly eventFilterPrefix: string;
  readonly eventFilterSuffix: string;
  /**
   * EVENT_QUEUE_URL and EVENT_QUEUE_ARN: the queue S3's event notifications arrive on, which
   * only S3 may write. An unsigned S3 event is believed only from there.
   */
  readonly eventQueue?: { readonly url: string; readonly arn?: string };
}

/** Reads and checks the shared variables. @throws ConfigError naming the variable. */
export function readFunctionEnvironment(env: Readonly<Record<string, string | undefined>>): FunctionEnvironment {
  const read = reader(env);
  const ignoreList = read.optional("IGNORE_LIST_PARAMETER");
  const credentials = read.text(SETTINGS.credentialsParameter);
  const pairs = read.optional("BUCKET_PAIRS_PARAMETER");
  const endpoint = read.optional("AWS_ENDPOINT_URL_S3") ?? read.optional("AWS_ENDPOINT_URL");
  return {
    jobQueueUrl: read.required("JOB_QUEUE_URL"),
    ledgerTable: read.required("LEDGER_TABLE"),
    ...(pairs === undefined ? {} : { bucketPairsParameter: pairs }),
    ...(ignoreList === undefined ? {} : { ignoreListParameter: ignoreList }),
    ...(credentials === undefined ? {} : { credentialsParameter: credentials }),
    allowHttpEndpoint: read.flag(SETTINGS.allowHttpEndpoint),
    direction: parseDirectionVariable(read.text(SETTINGS.direction)),
    maxAttempts: read.number(SETTINGS.maxAttempts),
    deadlineMarginMs: read.number(SETTINGS.deadlineMarginSeconds) * 1000,
    compareVersionId: read.flag(SETTINGS.compareVersionId),
    updateVersionId: read.flag(SETTINGS.updateVersionId),
    getObjectWithVersionId: read.flag(SETTINGS.getObjectWithVersionId),
    propagateDeletes: read.flag(SETTINGS.propagateDeletes),
    useChecksums: read.flag(SETTINGS.useChecksums),
    ...(endpoint === undefined ? {} : { ownS3Endpoint: endpoint }),
    region: read.optional("AWS_REGION") ?? read.optional("AWS_DEFAULT_REGION") ?? "us-east-1",
    messageAuthentication: readMessageAuthentication(env),
    parameterMaxAgeSeconds: readOptionalWhole(env, "POWERTOOLS_PARAMETERS_MAX_AGE", 0, 86_400) ?? PARAMETER_MAX_AGE_SECONDS,
  };
}

/** MESSAGE_KEY_ID, or authentication turned off in so many words. @throws ConfigError when neither or both. */
export function readMessageAuthentication(env: Readonly<Record<string, string | undefined>>): FunctionEnvironment["messageAuthentication"] {
  const read = reader(env);
  const keyId = read.optional("MESSAGE_KEY_ID");
  const mode = read.optional("MESSAGE_AUTHENTICATION");
  if (mode !== undefined && mode !== "off")
    throw new ConfigError(`Environment variable MESSAGE_AUTHENTICATION can only be "off", got "${mode}"`);
  if (keyId !== undefined && mode === "off")
    throw new ConfigError("Environment variables MESSAGE_KEY_ID and MESSAGE_AUTHENTICATION=off contradict each other: unset one");
  if (keyId !== undefined) return { keyId };
  if (mode === "off") return "off";
  throw new ConfigError(
    "Environment variable MESSAGE_KEY_ID is required: the KMS HMAC key that signs and checks queue messages (MESSAGE_AUTHENTICATION=off accepts unsigned messages, for a queue no one else can write)",
  );
}

/** Reads the shared variables and the worker's transfer knobs. @throws ConfigError naming the variable. */
export function readWorkerEnvironment(env: Readonly<Record<string, string | undefined>>): WorkerEnvironment {
  const read = reader(env);
  const sse = read.optional("SSE");
  if (sse !== undefined && sse !== "AES256" && sse !== "aws:kms")
    throw new ConfigError(`Environment variable SSE must be AES256 or aws:kms, got "${sse}"`);
  const storageClass = read.text(SETTINGS.storageClass);
  const kmsKey = read.optional("SSE_KMS_KEY_ID");
  const defaultBucket = read.optional("DEFAULT_DEST_BUCKET");
  const eventBucket = read.optional("EVENT_SOURCE_BUCKET");
  const defaultRegion = read.region("DEFAULT_DEST_REGION");
  const defaultOwner = read.account("DEFAULT_DEST_BUCKET_OWNER");
  const eventOwner = read.account("EVENT_SOURCE_BUCKET_OWNER");
  const eventQueueUrl = read.optional("EVENT_QUEUE_URL");
  const eventQueueArn = read.optional("EVENT_QUEUE_ARN");
  if ((eventBucket === undefined) !== (defaultBucket === undefined))
    throw new ConfigError(
      eventBucket === undefined
        ? "Environment variable DEFAULT_DEST_BUCKET is set but EVENT_SOURCE_BUCKET is not: set the bucket whose S3 events the worker takes"
        : "Environment variable EVENT_SOURCE_BUCKET is set but DEFAULT_DEST_BUCKET is not: S3 events name no destination",
    );
  return {
    ...readFunctionEnvironment(env),
    ...readCopyShape(env),
    ...(storageClass === undefined ? {} : { storageClass }),
    ...(sse === undefined ? {} : { sse }),
    ...(kmsKey === undefined ? {} : { sseKmsKeyId: kmsKey }),
    ...(defaultBucket === undefined ? {} : { defaultDestBucket: defaultBucket }),
    defaultDestPrefix: read.text(SETTINGS.defaultDestPrefix),
    ...(defaultRegion === undefined ? {} : { defaultDestRegion: defaultRegion }),
    ...(defaultOwner === undefined ? {} : { defaultDestOwner: defaultOwner }),
    ...(eventBucket === undefined ? {} : { eventSourceBucket: eventBucket }),
    ...(eventOwner === undefined ? {} : { eventSourceOwner: eventOwner }),
    eventFilterPrefix: read.text(SETTINGS.eventFilterPrefix),
    eventFilterSuffix: read.text(SETTINGS.eventFilterSuffix),
    ...(eventQueueUrl === undefined
      ? {}
      : { eventQueue: { url: eventQueueUrl, ...(eventQueueArn === undefined ? {} : { arn: eventQueueArn }) } }),
  };
}

/**
 * A whole-number variable that is not a setting of its own (the deployed worker's, which the
 * jobsender reads to describe it), when set. @throws ConfigError naming it when out of bounds.
 */
export function readOptionalWhole(
  env: Readonly<Record<string, string | undefined>>,
  name: string,
  min: number,
  max: number,
): number | undefined {
  const read = reader(env);
  return read.optional(name) === undefined ? undefined : read.number({ env: name, default: min, min, max });
}

/** What decides the requests a worker makes for an object: its sizes, thresholds and whether tags are copied. */
export interface CopyShape extends TransferSizing {
  readonly smallObjectThreshold: number;
  /** Objects larger than this many bytes are fanned out into range jobs; 0: never. */
  readonly fanoutThreshold: number;
  /** Parts per range job. */
  readonly fanoutRangeParts: number;
  readonly copyTags: boolean;
  /** Copy inside S3 (CopyObject, UploadPartCopy): the worker's role reads the source and writes the destination. */
  readonly serverSideCopy: boolean;
}

/**
 * Reads the worker's copy shape (`PART_SIZE_MIB`, `PART_CONCURRENCY`, `FILE_CONCURRENCY`,
 * `SMALL_OBJECT_THRESHOLD_MIB`, `FANOUT_THRESHOLD_MIB`, `FANOUT_RANGE_PARTS`, `COPY_TAGS`,
 * `SERVER_SIDE_COPY`), for the worker and for the run estimate. @throws ConfigError naming the
 * variable.
 */
export function readCopyShape(env: Readonly<Record<string, string | undefined>>): CopyShape {
  const read = reader(env);
  return {
    ...readSizing(env),
    smallObjectThreshold: read.number(SETTINGS.smallObjectThresholdMib) * MIB,
    fanoutThreshold: read.number(SETTINGS.fanoutThresholdMib) * MIB,
    fanoutRangeParts: read.number(SETTINGS.fanoutRangeParts),
    copyTags: read.flag(SETTINGS.copyTags),
    serverSideCopy: read.flag(SETTINGS.serverSideCopy),
  };
}

/**
 * Objects of one batch a worker copies at once: the parts in flight one large object may hold
 * (PART_CONCURRENCY x PART_SIZE_MIB) divided by the most a small object holds (the small-object
 * threshold, whole in memory), so a batch never needs more memory than one large object.
 */
export function batchConcurrency(sizing: { partConcurrency: number; partSize: number; smallObjectThreshold: number }): number {
  const perObject = Math.max(1, sizing.smallObjectThreshold);
  return Math.max(1, Math.floor((sizing.partConcurrency * sizing.partSize) / perObject));
}

/** How the jobsender packs small objects into batch messages. */
export interface BatchRules {
  /** Objects a batch holds at most (1: no batches). */
  readonly maxObjects: number;
  /** Bytes a batch's objects hold at most together; a larger object is queued alone. */
  readonly maxBytes: number;
  /** Only objects the worker copies with one PUT are batched. */
  readonly smallObjectThreshold: number;
}

/** Reads `BATCH_MAX_OBJECTS`, `BATCH_MAX_MIB` and `SMALL_OBJECT_THRESHOLD_MIB`. @throws ConfigError naming the variable. */
export function readBatchRules(env: Readonly<Record<string, string | undefined>>): BatchRules {
  const read = reader(env);
  return {
    maxObjects: read.number(SETTINGS.batchMaxObjects),
    maxBytes: read.number(SETTINGS.batchMaxMib) * MIB,
    smallObjectThreshold: read.number(SETTINGS.smallObjectThresholdMib) * MIB,
  };
}

/** The sizes a worker transfers with, which the jobsender also reads to check the worker's memory. */
export interface TransferSizing {
  readonly partSize: number;
  readonly partConcurrency: number;
  readonly fileConcurrency: number;
}

/** Reads `PART_SIZE_MIB`, `PART_CONCURRENCY` and `FILE_CONCURRENCY`. @throws ConfigError naming the variable. */
export function readSizing(env: Readonly<Record<string, string | undefined>>): TransferSizing {
  const read = reader(env);
  return {
    partSize: read.number(SETTINGS.partSizeMib) * MIB,
    partConcurrency: read.number(SETTINGS.partConcurrency),
    fileConcurrency: read.number(SETTINGS.fileConcurrency),
  };
}

/** Reads the flag `SKIP_WHEN_QUEUE_BUSY` (the jobsender's). @throws ConfigError when it is not true or false. */
export function readSkipWhenQueueBusy(env: Readonly<Record<string, string | undefined>>): boolean {
  return reader(env).flag(SETTINGS.skipWhenQueueBusy);
}

function parseDirectionVariable(value: string | undefined): Direction {
  try {
    return parseDirection(value);
  } catch {
    throw new ConfigError(`Environment variable DIRECTION must be PUT or GET, got "${value}"`);
  }
}

function reader(env: Readonly<Record<string, string | undefined>>) {
  const optional = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === "" ? undefined : value;
  };
  return {
    optional,
    region(name: string): string | undefined {
      const value = optional(name);
      if (value !== undefined && !isRegionName(value))
        throw new ConfigError(`Environment variable ${name} must be an AWS region such as eu-west-1, got "${value}"`);
      return value;
    },
    account(name: string): string | undefined {
      const value = optional(name);
      if (value !== undefined && !isAccountId(value))
        throw new ConfigError(`Environment variable ${name} must be a 12-digit AWS account id, got "${value}"`);
      return value;
    },
    required(name: string): string {
      const value = optional(name);
      if (value === undefined) throw new ConfigError(`Environment variable ${name} is required`);
      return value;
    },
    number({ env: name, default: fallback, min, max }: Pick<NumberSetting, "env" | "default" | "min" | "max">): number {
      const value = optional(name);
      if (value === undefined) return fallback;
      const parsed = Number(value);
      if (!Number.isInteger(parsed) || parsed < min || parsed > max)
        throw new ConfigError(`Environment variable ${name} must be a whole number from ${min} to ${max}, got "${value}"`);
      return parsed;
    },
    flag({ env: name, default: fallback }: FlagSetting): boolean {
      const value = optional(name)?.toLowerCase();
      if (value === undefined) return fallback;
      if (value === "false" || value === "0" || value === "no") return false;
      if (value === "true" || value === "1" || value === "yes") return true;
      throw new ConfigError(`Environment variable ${name} must be true or false, got "${value}"`);
    },
    text<Value extends string | undefined>(setting: TextSetting & { readonly default: Value }): string | Value {
      return optional(setting.env) ?? setting.default;
    },
  };
}
