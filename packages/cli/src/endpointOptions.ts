import { SSMClient } from "@aws-sdk/client-ssm";
import { applyStoredCredentials, ConfigError, type EndpointConfig, loadStoredCredentials, parseDirection } from "@s3-migrate/transfer";

/** The parseArgs definitions of the options that say where each side is and who we are there. */
export const ENDPOINT_OPTIONS = {
  "source-region": { type: "string" },
  "source-endpoint": { type: "string" },
  "dest-region": { type: "string" },
  "dest-endpoint": { type: "string" },
  "credentials-parameter": { type: "string" },
  direction: { type: "string" },
  "ssm-region": { type: "string" },
  "ssm-endpoint": { type: "string" },
} as const;

/** Help text for {@link ENDPOINT_OPTIONS}. */
export const ENDPOINT_USAGE = `Endpoints (each side has its own; credentials from the default chain unless stored keys apply):
  --source-region R          region of the source (default: AWS_REGION or us-east-1)
  --source-endpoint URL      custom S3 endpoint of the source (path-style)
  --dest-region R            region of the destination (default: same as source)
  --dest-endpoint URL        custom S3 endpoint of the destination (path-style)
  --credentials-parameter N  SSM SecureString with the other side's keys
                             {"aws_access_key_id","aws_secret_access_key","region"[,"endpoint"]}
  --direction PUT|GET        PUT: stored keys write the destination (default); GET: they read the source
  --ssm-region R, --ssm-endpoint URL   where that parameter lives (default: the source side)`;

type EndpointValues = { [K in keyof typeof ENDPOINT_OPTIONS]?: string | undefined };

/** Both sides' endpoint configurations, loading the stored credentials when a parameter is named. */
export async function resolveEndpoints(values: EndpointValues): Promise<{ source: EndpointConfig; destination: EndpointConfig }> {
  const sourceRegion = values["source-region"] ?? process.env.AWS_REGION ?? "us-east-1";
  const source: EndpointConfig = { region: sourceRegion, ...endpoint(values["source-endpoint"]) };
  const destination: EndpointConfig = { region: values["dest-region"] ?? sourceRegion, ...endpoint(values["dest-endpoint"]) };
  const parameter = values["credentials-parameter"];
  if (parameter === undefined) return { source, destination };
  const ssm = new SSMClient({
    region: values["ssm-region"] ?? source.region,
    ...(values["ssm-endpoint"] === undefined ? {} : { endpoint: values["ssm-endpoint"] }),
  });
  return applyStoredCredentials(parseDirection(values.direction), await loadStoredCredentials(ssm, parameter), source, destination);
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

function endpoint(url: string | undefined): Pick<EndpointConfig, "endpoint" | "forcePathStyle"> {
  if (url === undefined) return {};
  if (!/^https?:\/\/\S+$/.test(url)) throw new ConfigError(`Endpoint must be an http(s) URL, got ${JSON.stringify(url)}`);
  return { endpoint: url, forcePathStyle: true };
}
