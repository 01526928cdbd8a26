import { SSMClient } from "@aws-sdk/client-ssm";
import {
  applyStoredCredentials,
  type BucketFacts,
  ConfigError,
  type EndpointConfig,
  isAccountId,
  isRegionName,
  loadStoredCredentials,
  parseDirection,
} from "@s3-migrate/transfer";

/** The parseArgs definitions of the options that say where each side is and who we are there. */
export const ENDPOINT_OPTIONS = {
  region: { type: "string" },
  "source-region": { type: "string" },
  "source-endpoint": { type: "string" },
  "source-owner": { type: "string" },
  "dest-region": { type: "string" },
  "dest-endpoint": { type: "string" },
  "dest-owner": { type: "string" },
  "credentials-parameter": { type: "string" },
  "allow-http": { type: "boolean" },
  direction: { type: "string" },
  "ssm-region": { type: "string" },
  "ssm-endpoint": { type: "string" },
} as const;

/** Help text for {@link ENDPOINT_OPTIONS}. */
export const ENDPOINT_USAGE = `Endpoints (each side has its own; credentials from the default chain unless stored keys apply;
each bucket's region is found with one HeadBucket unless given):
  --region R                 where this account's services are: the SSM parameters, the queue and
                             the ledger (default: AWS_REGION, AWS_DEFAULT_REGION, else us-east-1)
  --source-region R          region of the source bucket(s), skipping the lookup
  --source-endpoint URL      custom S3 endpoint of the source (path-style)
  --source-owner ID          account that must own the source bucket(s) (ExpectedBucketOwner)
  --dest-region R            region of the destination bucket(s), skipping the lookup
  --dest-endpoint URL        custom S3 endpoint of the destination (path-style)
  --dest-owner ID            account that must own the destination bucket(s)
  --credentials-parameter N  SSM SecureString with the other side's keys
                             {"aws_access_key_id","aws_secret_access_key","region"[,"endpoint"]}
                             (its region is that side's home; the bucket may be in another)
  --allow-http               accept a stored "endpoint" of plain http:// off this machine (the
                             objects and their checksums could be read and changed on the way)
  --direction PUT|GET        PUT: stored keys write the destination (default); GET: they read the source
  --ssm-region R, --ssm-endpoint URL   where that parameter lives (default: --region)`;

/** The option values of {@link ENDPOINT_OPTIONS}. */
export type EndpointValues = {
  [K in keyof typeof ENDPOINT_OPTIONS]?: (typeof ENDPOINT_OPTIONS)[K]["type"] extends "boolean" ? boolean | undefined : string | undefined;
};

/** The buckets a command names on each side, with what its configuration (pairs) says of them. */
export interface CommandBuckets {
  readonly source: ReadonlyMap<string, BucketFacts>;
  readonly destination: ReadonlyMap<string, BucketFacts>;
}

/**
 * The region of this account's own services (SSM, SQS, DynamoDB): `--region`, else the
 * environment's, else us-east-1. @throws ConfigError when `--region` is not a region name.
 */
export function ownRegion(values: Pick<EndpointValues, "region">): string {
  return regionOption(values.region, "--region") ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "us-east-1";
}

/**
 * Both sides' endpoint configurations, loading the stored credentials when a parameter is named.
 * A side's home region (where bucket regions are looked up) is the stored keys' region on the
 * keyed side, else `--source-region`/`--dest-region`, else {@link ownRegion}; the region and owner
 * options apply to each of the side's buckets that the pairs give none.
 *
 * @throws ConfigError for a malformed option or stored parameter, or a region in a partition its side cannot sign for.
 */
export async function resolveEndpoints(
  values: EndpointValues,
  buckets: CommandBuckets,
): Promise<{ source: EndpointConfig; destination: EndpointConfig }> {
  const own = ownRegion(values);
  const sourceRegion = regionOption(values["source-region"], "--source-region");
  const destinationRegion = regionOption(values["dest-region"], "--dest-region");
  const source: EndpointConfig = {
    region: sourceRegion ?? own,
    ...endpoint(values["source-endpoint"]),
    buckets: withDefaults(buckets.source, sourceRegion, ownerOption(values["source-owner"], "--source-owner")),
  };
  const destination: EndpointConfig = {
    region: destinationRegion ?? own,
    ...endpoint(values["dest-endpoint"]),
    buckets: withDefaults(buckets.destination, destinationRegion, ownerOption(values["dest-owner"], "--dest-owner")),
  };
  const parameter = values["credentials-parameter"];
  if (parameter === undefined) return { source, destination };
  const ssm = new SSMClient({
    region: values["ssm-region"] ?? own,
    ...(values["ssm-endpoint"] === undefined ? {} : { endpoint: values["ssm-endpoint"] }),
  });
  return applyStoredCredentials(
    parseDirection(values.direction),
    await loadStoredCredentials(ssm, parameter, { allowHttp: values["allow-http"] === true }),
    source,
    destination,
  );
}

/** The buckets of one `copy`: the two it names. */
export function namedBuckets(source: string, destination: string): CommandBuckets {
  return { source: new Map([[source, {}]]), destination: new Map([[destination, {}]]) };
}

/** A whole number from `min` (1 unless given) up to `max`, or the fallback when the option is absent. */
export function integerOption(
  value: string | undefined,
  option: string,
  fallback: number,
  { min = 1, max = Number.MAX_SAFE_INTEGER }: { min?: number; max?: number } = {},
): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max)
    throw new ConfigError(
      `${option} must be a whole number from ${min}${max === Number.MAX_SAFE_INTEGER ? " and up" : ` to ${max}`}, got ${JSON.stringify(value)}`,
    );
  return parsed;
}

/** The region a `--*-region` option names. @throws ConfigError when it is not shaped like one. */
export function regionOption(value: string | undefined, option: string): string | undefined {
  if (value === undefined) return undefined;
  if (!isRegionName(value)) throw new ConfigError(`${option} must be an AWS region such as eu-west-1, got ${JSON.stringify(value)}`);
  return value;
}

function ownerOption(value: string | undefined, option: string): string | undefined {
  if (value === undefined) return undefined;
  if (!isAccountId(value)) throw new ConfigError(`${option} must be a 12-digit AWS account id, got ${JSON.stringify(value)}`);
  return value;
}

function withDefaults(
  buckets: ReadonlyMap<string, BucketFacts>,
  region: string | undefined,
  owner: string | undefined,
): Map<string, BucketFacts> {
  return new Map(
    [...buckets].map(([bucket, facts]) => {
      const bucketRegion = facts.region ?? region;
      const bucketOwner = facts.owner ?? owner;
      return [
        bucket,
        { ...(bucketRegion === undefined ? {} : { region: bucketRegion }), ...(bucketOwner === undefined ? {} : { owner: bucketOwner }) },
      ];
    }),
  );
}

function endpoint(url: string | undefined): Pick<EndpointConfig, "endpoint" | "forcePathStyle"> {
  if (url === undefined) return {};
  if (!/^https?:\/\/\S+$/.test(url)) throw new ConfigError(`Endpoint must be an http(s) URL, got ${JSON.stringify(url)}`);
  return { endpoint: url, forcePathStyle: true };
}
