import { ConfigError } from "../errors.js";

/** Static access keys for one side; absent means the default chain (the Lambda's role). */
export interface AccessKeys {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** What the configuration says of one bucket. */
export interface BucketFacts {
  /** The bucket's region, e.g. `eu-west-1`: given, it skips the lookup (HeadBucket) of where the bucket is. */
  readonly region?: string;
  /**
   * The 12-digit account that must own the bucket: sent with every request as
   * `ExpectedBucketOwner` (and `ExpectedSourceBucketOwner` when the bucket is a copy's source),
   * so S3 refuses the request if anyone else owns it.
   */
  readonly owner?: string;
}

/** Where one side's S3 lives and who we are there. */
export interface EndpointConfig {
  /**
   * The side's home region, e.g. `us-east-1` or `cn-northwest-1` (China regions resolve to
   * `.amazonaws.com.cn`): where a bucket's region is looked up, and the region of requests that
   * name no bucket. Each bucket's requests go to the bucket's own region.
   */
  readonly region: string;
  /** Custom endpoint URL for S3-compatible or local endpoints; absent means AWS's own. */
  readonly endpoint?: string;
  /** Path-style addressing (`host/bucket/key`); needed by most custom endpoints. @default true with a custom endpoint */
  readonly forcePathStyle?: boolean;
  /** Static keys; absent means the SDK's default credential chain. */
  readonly credentials?: AccessKeys;
  /** What the configuration says of the side's buckets, by name. */
  readonly buckets?: ReadonlyMap<string, BucketFacts>;
}

/**
 * Which side the stored keys belong to. `PUT` (the original's default): our own role reads the
 * source and the stored keys write the destination. `GET`: the stored keys read the source and
 * our role writes the destination.
 */
export type Direction = "PUT" | "GET";

/** Parses a direction setting, case-insensitively. @throws ConfigError for anything else. */
export function parseDirection(value: string | undefined): Direction {
  const direction = (value ?? "PUT").trim().toUpperCase();
  if (direction !== "PUT" && direction !== "GET") {
    throw new ConfigError(`Direction must be PUT or GET, got "${value}"`);
  }
  return direction;
}
