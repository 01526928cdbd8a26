import { ConfigError, type Direction, MIB, parseDirection } from "@s3-migrate/transfer";

/**
 * Settings both Lambda functions (and cluster mode) read from their environment. The variable
 * names are the contract with terraform/ (see docs/configuration.md).
 */
export interface FunctionEnvironment {
  readonly jobQueueUrl: string;
  readonly ledgerTable: string;
  /** Required by the jobsender; the worker does not read the pairs. */
  readonly bucketPairsParameter?: string;
  readonly ignoreListParameter?: string;
  readonly credentialsParameter?: string;
  readonly direction: Direction;
  readonly maxAttempts: number;
  readonly deadlineMarginMs: number;
  readonly compareVersionId: boolean;
  readonly updateVersionId: boolean;
  readonly getObjectWithVersionId: boolean;
  readonly propagateDeletes: boolean;
  /** Own-side endpoint override (AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL), for S3-compatible or local endpoints. */
  readonly ownS3Endpoint?: string;
  readonly region: string;
}

/** Transfer knobs of the worker. */
export interface WorkerEnvironment extends FunctionEnvironment {
  readonly partSize: number;
  readonly smallObjectThreshold: number;
  readonly partConcurrency: number;
  readonly fileConcurrency: number;
  readonly storageClass?: string;
  readonly sse?: "AES256" | "aws:kms";
  readonly sseKmsKeyId?: string;
  readonly copyTags: boolean;
  readonly defaultDestBucket?: string;
  readonly defaultDestPrefix: string;
  /** The only bucket whose S3 event notifications the worker takes, and their key filter. */
  readonly eventSourceBucket?: string;
  readonly eventFilterPrefix: string;
  readonly eventFilterSuffix: string;
}

/** Reads and checks the shared variables. @throws ConfigError naming the variable. */
export function readFunctionEnvironment(env: Readonly<Record<string, string | undefined>>): FunctionEnvironment {
  const read = reader(env);
  const ignoreList = read.optional("IGNORE_LIST_PARAMETER");
  const credentials = read.optional("CREDENTIALS_PARAMETER");
  const pairs = read.optional("BUCKET_PAIRS_PARAMETER");
  const endpoint = read.optional("AWS_ENDPOINT_URL_S3") ?? read.optional("AWS_ENDPOINT_URL");
  return {
    jobQueueUrl: read.required("JOB_QUEUE_URL"),
    ledgerTable: read.required("LEDGER_TABLE"),
    ...(pairs === undefined ? {} : { bucketPairsParameter: pairs }),
    ...(ignoreList === undefined ? {} : { ignoreListParameter: ignoreList }),
    ...(credentials === undefined ? {} : { credentialsParameter: credentials }),
    direction: parseDirectionVariable(read.optional("DIRECTION")),
    maxAttempts: read.integer("MAX_ATTEMPTS", 5, 1, 100),
    deadlineMarginMs: read.integer("DEADLINE_MARGIN_SECONDS", 30, 1, 600) * 1000,
    compareVersionId: read.flag("COMPARE_VERSION_ID"),
    updateVersionId: read.flag("UPDATE_VERSION_ID"),
    getObjectWithVersionId: read.flag("GET_OBJECT_WITH_VERSION_ID"),
    propagateDeletes: read.flag("PROPAGATE_DELETES"),
    ...(endpoint === undefined ? {} : { ownS3Endpoint: endpoint }),
    region: read.optional("AWS_REGION") ?? read.optional("AWS_DEFAULT_REGION") ?? "us-east-1",
  };
}

/** Reads the shared variables and the worker's transfer knobs. @throws ConfigError naming the variable. */
export function readWorkerEnvironment(env: Readonly<Record<string, string | undefined>>): WorkerEnvironment {
  const read = reader(env);
  const sse = read.optional("SSE");
  if (sse !== undefined && sse !== "AES256" && sse !== "aws:kms")
    throw new ConfigError(`Environment variable SSE must be AES256 or aws:kms, got "${sse}"`);
  const storageClass = read.optional("STORAGE_CLASS");
  const kmsKey = read.optional("SSE_KMS_KEY_ID");
  const defaultBucket = read.optional("DEFAULT_DEST_BUCKET");
  const eventBucket = read.optional("EVENT_SOURCE_BUCKET");
  if ((eventBucket === undefined) !== (defaultBucket === undefined))
    throw new ConfigError(
      eventBucket === undefined
        ? "Environment variable DEFAULT_DEST_BUCKET is set but EVENT_SOURCE_BUCKET is not: set the bucket whose S3 events the worker takes"
        : "Environment variable EVENT_SOURCE_BUCKET is set but DEFAULT_DEST_BUCKET is not: S3 events name no destination",
    );
  return {
    ...readFunctionEnvironment(env),
    partSize: read.integer("PART_SIZE_MIB", 8, 5, 5120) * MIB,
    smallObjectThreshold: read.integer("SMALL_OBJECT_THRESHOLD_MIB", 8, 0, 5120) * MIB,
    partConcurrency: read.integer("PART_CONCURRENCY", 8, 1, 256),
    fileConcurrency: read.integer("FILE_CONCURRENCY", 4, 1, 256),
    ...(storageClass === undefined ? {} : { storageClass }),
    ...(sse === undefined ? {} : { sse }),
    ...(kmsKey === undefined ? {} : { sseKmsKeyId: kmsKey }),
    copyTags: read.flag("COPY_TAGS"),
    ...(defaultBucket === undefined ? {} : { defaultDestBucket: defaultBucket }),
    defaultDestPrefix: read.optional("DEFAULT_DEST_PREFIX") ?? "",
    ...(eventBucket === undefined ? {} : { eventSourceBucket: eventBucket }),
    eventFilterPrefix: read.optional("EVENT_FILTER_PREFIX") ?? "",
    eventFilterSuffix: read.optional("EVENT_FILTER_SUFFIX") ?? "",
  };
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
    required(name: string): string {
      const value = optional(name);
      if (value === undefined) throw new ConfigError(`Environment variable ${name} is required`);
      return value;
    },
    integer(name: string, fallback: number, min: number, max: number): number {
      const value = optional(name);
      if (value === undefined) return fallback;
      const parsed = Number(value);
      if (!Number.isInteger(parsed) || parsed < min || parsed > max)
        throw new ConfigError(`Environment variable ${name} must be a whole number from ${min} to ${max}, got "${value}"`);
      return parsed;
    },
    flag(name: string): boolean {
      const value = optional(name)?.toLowerCase();
      if (value === undefined || value === "false" || value === "0" || value === "no") return false;
      if (value === "true" || value === "1" || value === "yes") return true;
      throw new ConfigError(`Environment variable ${name} must be true or false, got "${value}"`);
    },
  };
}
