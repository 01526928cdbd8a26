import { readFileSync } from "node:fs";
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { type BucketPair, bucketFactsOf, parseBucketPairs, parseIgnoreList, type SideBuckets } from "@s3-migrate/pipeline";
import { ConfigError } from "@s3-migrate/transfer";

/** The options that name the bucket pairs and the ignore list, as the jobsender reads them (`plan`, `send`, `verify`). */
export const PAIR_OPTIONS = {
  pairs: { type: "string" },
  "pairs-parameter": { type: "string" },
  ignore: { type: "string" },
  "ignore-parameter": { type: "string" },
} as const;

/** Help text of {@link PAIR_OPTIONS}. */
export const PAIR_USAGE = `Pairs and ignore list (the SSM formats):
  --pairs JSON|@file         [{"src_bucket","src_prefix","des_bucket","des_prefix"}], each pair
                             optionally with "src_region","des_region","src_owner","des_owner"
  --pairs-parameter NAME     ... or read them from this SSM parameter
  --ignore TEXT|@file        globs, one a line, matched against bucket/key
  --ignore-parameter NAME    ... or read them from this SSM parameter`;

/** The option values {@link readPairs} reads. */
export interface PairValues {
  readonly pairs?: string | undefined;
  readonly "pairs-parameter"?: string | undefined;
  readonly ignore?: string | undefined;
  readonly "ignore-parameter"?: string | undefined;
  readonly "ssm-region"?: string | undefined;
  readonly "ssm-endpoint"?: string | undefined;
}

/**
 * Reads the bucket pairs and the ignore list from the options: inline, from a file (`@path`) or
 * from an SSM parameter in the SSM region (default `region`), with the regions and owners the
 * pairs give each side's buckets. @throws ConfigError naming the option.
 */
export async function readPairs(
  values: PairValues,
  region: string,
): Promise<{ pairs: BucketPair[]; ignore: ReturnType<typeof parseIgnoreList>; buckets: SideBuckets }> {
  const ssm = new SSMClient({
    region: values["ssm-region"] ?? region,
    ...(values["ssm-endpoint"] === undefined ? {} : { endpoint: values["ssm-endpoint"] }),
  });
  const pairsText = await textOption(values.pairs, values["pairs-parameter"], ssm, "--pairs");
  if (pairsText === undefined) throw new ConfigError("Give the bucket pairs with --pairs or --pairs-parameter");
  const pairs = parseBucketPairs(pairsText, values["pairs-parameter"] ?? "--pairs");
  const ignore = parseIgnoreList(await textOption(values.ignore, values["ignore-parameter"], ssm, "--ignore"));
  return { pairs, ignore, buckets: bucketFactsOf(pairs) };
}

async function textOption(
  value: string | undefined,
  parameter: string | undefined,
  ssm: SSMClient,
  option: string,
): Promise<string | undefined> {
  if (value !== undefined && parameter !== undefined) throw new ConfigError(`Give ${option} or ${option}-parameter, not both`);
  if (value !== undefined) return value.startsWith("@") ? readFileSync(value.slice(1), "utf8") : value;
  if (parameter === undefined) return undefined;
  const answer = await ssm.send(new GetParameterCommand({ Name: parameter, WithDecryption: true })).catch((error: unknown) => {
    throw new ConfigError(`Cannot read SSM parameter ${parameter}: ${(error as Error).name}`);
  });
  return answer.Parameter?.Value;
}
