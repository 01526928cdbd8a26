import { partition } from "@aws-sdk/core/client";

/*
 * What a region says: its partition, and what S3 answers when a request was signed for another.
 */

/**
 * The partition a region belongs to (`aws`, `aws-cn`, `aws-us-gov`, ...), by the AWS SDK's own
 * partition table, so a new region of a known partition needs no change here.
 *
 * @example partitionOf("cn-northwest-1") // "aws-cn"
 */
export function partitionOf(region: string): string {
  return partition(region).name;
}

interface AnsweredError {
  readonly name?: string;
  readonly Region?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly $response?: { readonly headers?: Record<string, string | undefined> };
}

/** Error names S3 gives a request signed for a region other than its bucket's. */
const WRONG_REGION_NAMES = new Set(["PermanentRedirect", "AuthorizationHeaderMalformed", "IllegalLocationConstraintException"]);

/**
 * Whether S3 refused a request because it was signed for the wrong region: `301
 * PermanentRedirect` (a HEAD's has no body, so only its status says it), or `400
 * AuthorizationHeaderMalformed` / `IllegalLocationConstraintException`.
 */
export function isWrongRegionAnswer(error: unknown): boolean {
  const answered = (typeof error === "object" && error !== null ? error : {}) as AnsweredError;
  return answered.$metadata?.httpStatusCode === 301 || WRONG_REGION_NAMES.has(answered.name ?? "");
}

/**
 * The region S3 named for a bucket in an answer: the `x-amz-bucket-region` header it sends with
 * 200, 301 and 403 answers (HeadBucket's among them), else the `<Region>` of an
 * AuthorizationHeaderMalformed body. Undefined when the answer names none (an S3-compatible
 * endpoint, say).
 */
export function regionNamedBy(error: unknown): string | undefined {
  const answered = (typeof error === "object" && error !== null ? error : {}) as AnsweredError;
  const header = answered.$response?.headers?.["x-amz-bucket-region"];
  if (typeof header === "string" && header !== "") return header;
  return typeof answered.Region === "string" && answered.Region !== "" ? answered.Region : undefined;
}

/** The shape of an AWS region name: `us-east-1`, `cn-northwest-1`, `us-gov-west-1`, `eu-central-2`. */
const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** Whether `value` is shaped like an AWS region name (whether AWS has it is S3's to say). */
export function isRegionName(value: string): boolean {
  return REGION_NAME.test(value);
}

/** The shape of an AWS account id: 12 digits. */
const ACCOUNT_ID = /^\d{12}$/;

/** Whether `value` is an AWS account id (12 digits), as `ExpectedBucketOwner` takes. */
export function isAccountId(value: string): boolean {
  return ACCOUNT_ID.test(value);
}

/** The owners a refused request named, by the error S3 answered it with. */
const ownersNamed = new WeakMap<object, string>();

/**
 * Remembers that the request `error` answered named its buckets' owners (`ExpectedBucketOwner`,
 * `ExpectedSourceBucketOwner`), so that an access denial can say the bucket may be someone else's.
 */
export function noteOwnersNamed(error: unknown, input: { ExpectedBucketOwner?: unknown; ExpectedSourceBucketOwner?: unknown }): void {
  if (typeof error !== "object" || error === null) return;
  const named = [
    typeof input.ExpectedBucketOwner === "string" ? `the bucket's owner as ${input.ExpectedBucketOwner}` : undefined,
    typeof input.ExpectedSourceBucketOwner === "string" ? `the copy source's owner as ${input.ExpectedSourceBucketOwner}` : undefined,
  ].filter((text) => text !== undefined);
  if (named.length > 0) ownersNamed.set(error, named.join(" and "));
}

/** What {@link noteOwnersNamed} remembered of `error`: e.g. `the bucket's owner as 111122223333`. */
export function ownersNamedBy(error: unknown): string | undefined {
  return typeof error === "object" && error !== null ? ownersNamed.get(error) : undefined;
}
