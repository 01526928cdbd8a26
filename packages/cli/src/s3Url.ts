import { ConfigError } from "@s3-migrate/transfer";

/** A bucket and an optional prefix, from `s3://bucket/prefix`. */
export interface BucketPrefix {
  readonly bucket: string;
  readonly prefix: string;
}

/**
 * Parses `s3://bucket` or `s3://bucket/some/prefix`. The prefix is kept exactly as written after
 * the bucket's slash (no decoding), so keys with `%` or `+` mean themselves.
 *
 * @throws ConfigError naming the option when the URL is not of that form.
 */
export function parseS3Url(value: string | undefined, option: string): BucketPrefix {
  const match = /^s3:\/\/([^/]+)(?:\/(.*))?$/s.exec(value ?? "");
  if (match?.[1] === undefined)
    throw new ConfigError(`${option} must look like s3://bucket or s3://bucket/prefix, got ${JSON.stringify(value ?? "")}`);
  return { bucket: match[1], prefix: match[2] ?? "" };
}
