import { ConfigError } from "@s3-migrate/transfer";

/** One source → destination mapping, in the original tool's SSM format. */
export interface BucketPair {
  readonly srcBucket: string;
  /** `""` or `/` means the whole bucket. */
  readonly srcPrefix: string;
  readonly desBucket: string;
  /** Joined with the full source key; `""` or `/` means the bucket's root. */
  readonly desPrefix: string;
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Parses the bucket-pair parameter: a JSON list of
 * `{"src_bucket","src_prefix","des_bucket","des_prefix"}`. Prefixes may be omitted (whole bucket).
 *
 * @param options.allowEmpty - accept `[]` (a worker that only takes S3 events has no pairs)
 * @throws ConfigError naming the parameter, the entry and the field.
 * @example
 * parseBucketPairs('[{"src_bucket":"a","src_prefix":"/","des_bucket":"b","des_prefix":""}]', "s3_migration_bucket_para")
 */
export function parseBucketPairs(text: string, parameterName = "bucket pairs", options: { allowEmpty?: boolean } = {}): BucketPair[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`Parameter ${parameterName} is not valid JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(parsed)) throw new ConfigError(`Parameter ${parameterName} must be a JSON list of bucket pairs`);
  if (parsed.length === 0 && !options.allowEmpty) throw new ConfigError(`Parameter ${parameterName} lists no bucket pairs`);
  return parsed.map((entry, index) => {
    const where = `Parameter ${parameterName}, entry ${index}`;
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) throw new ConfigError(`${where} must be an object`);
    const fields = entry as Record<string, unknown>;
    const bucket = (field: string): string => {
      const value = fields[field];
      if (typeof value !== "string" || !BUCKET_NAME.test(value)) {
        throw new ConfigError(`${where}: field "${field}" must be an S3 bucket name, got ${JSON.stringify(value)}`);
      }
      return value;
    };
    const prefix = (field: string): string => {
      const value = fields[field];
      if (value === undefined || value === null) return "";
      if (typeof value !== "string") throw new ConfigError(`${where}: field "${field}" must be a string, got ${JSON.stringify(value)}`);
      return value;
    };
    return {
      srcBucket: bucket("src_bucket"),
      srcPrefix: prefix("src_prefix"),
      desBucket: bucket("des_bucket"),
      desPrefix: prefix("des_prefix"),
    };
  });
}
