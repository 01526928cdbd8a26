import { ConfigError, isAccountId, isRegionName } from "@s3-migrate/transfer";
import { bucketNameProblem } from "./bucketName.js";
import { refuseOverlappingPairs } from "./pairChecks.js";

/** One source → destination mapping, in the original tool's SSM format plus regions and owners. */
export interface BucketPair {
  readonly srcBucket: string;
  /** `""` or `/` means the whole bucket; otherwise a listing prefix as written (`logs` also lists `logs-old/`). */
  readonly srcPrefix: string;
  readonly desBucket: string;
  /** Joined with the full source key; `""` or `/` means the bucket's root, `copy` and `copy/` the same folder. */
  readonly desPrefix: string;
  /** `src_region`: the source bucket's region, given instead of found (e.g. `us-east-1`). */
  readonly srcRegion?: string;
  /** `des_region`: the destination bucket's region, given instead of found (e.g. `cn-northwest-1`). */
  readonly desRegion?: string;
  /** `src_owner`: the 12-digit account that must own the source bucket (sent as `ExpectedBucketOwner`). */
  readonly srcOwner?: string;
  /** `des_owner`: the 12-digit account that must own the destination bucket (sent as `ExpectedBucketOwner`). */
  readonly desOwner?: string;
}

/** Every field an entry may have; any other is a typo, refused rather than ignored. */
const KNOWN_FIELDS = ["src_bucket", "src_prefix", "des_bucket", "des_prefix", "src_region", "des_region", "src_owner", "des_owner"];

/** S3's limit on a key, and so on a prefix: 1,024 bytes of UTF-8. */
const MAX_PREFIX_BYTES = 1024;

/** Half of a UTF-16 surrogate pair without its other half: not encodable in UTF-8. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * Parses the bucket-pair parameter: a JSON list of
 * `{"src_bucket","src_prefix","des_bucket","des_prefix"}`, each optionally with
 * `"src_region","des_region","src_owner","des_owner"`. Prefixes may be omitted (whole bucket);
 * any optional field may be `null` (as Terraform's `jsonencode` writes an unset one). The pairs
 * must not loop or overlap (see {@link refuseOverlappingPairs}).
 *
 * @param options.allowEmpty - accept `[]` (a worker that only takes S3 events has no pairs)
 * @throws ConfigError naming the parameter, the entry and the field.
 * @example
 * parseBucketPairs('[{"src_bucket":"a-src","src_prefix":"/","des_bucket":"b-dst","des_region":"cn-north-1"}]', "s3_migration_bucket_para")
 * // [{ srcBucket: "a-src", srcPrefix: "/", desBucket: "b-dst", desPrefix: "", desRegion: "cn-north-1" }]
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
  const pairs = parsed.map((entry: unknown, index) => parseEntry(entry, `Parameter ${parameterName}, entry ${index}`));
  refuseOverlappingPairs(pairs, parameterName);
  return pairs;
}

function parseEntry(entry: unknown, where: string): BucketPair {
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) throw new ConfigError(`${where} must be an object`);
  const fields = entry as Record<string, unknown>;
  refuseUnknownFields(fields, where);
  const field = readers(fields, where);
  const srcRegion = field.region("src_region");
  const desRegion = field.region("des_region");
  const srcOwner = field.owner("src_owner");
  const desOwner = field.owner("des_owner");
  return {
    srcBucket: field.bucket("src_bucket"),
    srcPrefix: field.prefix("src_prefix"),
    desBucket: field.bucket("des_bucket"),
    desPrefix: field.prefix("des_prefix"),
    ...(srcRegion === undefined ? {} : { srcRegion }),
    ...(desRegion === undefined ? {} : { desRegion }),
    ...(srcOwner === undefined ? {} : { srcOwner }),
    ...(desOwner === undefined ? {} : { desOwner }),
  };
}

function refuseUnknownFields(fields: Record<string, unknown>, where: string): void {
  const unknown = Object.keys(fields).find((name) => !KNOWN_FIELDS.includes(name));
  if (unknown === undefined) return;
  const near = KNOWN_FIELDS.find((known) => editDistance(known, unknown) <= 2);
  throw new ConfigError(
    `${where}: unknown field ${JSON.stringify(unknown)}${near === undefined ? "" : ` (did you mean "${near}"?)`}; the fields are ${KNOWN_FIELDS.join(", ")}`,
  );
}

/** One reader a field kind, each throwing with the entry and the field named. */
function readers(fields: Record<string, unknown>, where: string) {
  const refuse = (field: string, expected: string): never => {
    throw new ConfigError(`${where}: field "${field}" must be ${expected}, got ${JSON.stringify(fields[field])}`);
  };
  const optionalText = (field: string): string | undefined => {
    const value = fields[field];
    if (value === undefined || value === null) return undefined;
    return typeof value === "string" ? value : refuse(field, "a string");
  };
  return {
    bucket(field: string): string {
      const value = fields[field];
      if (typeof value !== "string") return refuse(field, "an S3 bucket name");
      const problem = bucketNameProblem(value);
      return problem === undefined ? value : refuse(field, `an S3 bucket name (${problem})`);
    },
    prefix(field: string): string {
      const value = optionalText(field) ?? "";
      const control = [...value].findIndex((char) => char < " ");
      if (control !== -1) refuse(field, `free of control characters (U+0000 to U+001F; one at character ${control + 1})`);
      if (LONE_SURROGATE.test(value)) refuse(field, "well-formed Unicode (S3 keys are UTF-8)");
      if (Buffer.byteLength(value, "utf8") > MAX_PREFIX_BYTES) refuse(field, `at most ${MAX_PREFIX_BYTES} bytes in UTF-8 (S3's key limit)`);
      return value;
    },
    region(field: string): string | undefined {
      const value = optionalText(field);
      return value === undefined || isRegionName(value) ? value : refuse(field, "an AWS region such as eu-west-1 or cn-northwest-1");
    },
    owner(field: string): string | undefined {
      const value = optionalText(field);
      return value === undefined || isAccountId(value) ? value : refuse(field, "a 12-digit AWS account id");
    },
  };
}

/** Levenshtein distance, for a "did you mean" on a mistyped field name (names are short). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(substitution, (previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
