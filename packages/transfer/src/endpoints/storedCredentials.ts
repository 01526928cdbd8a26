import type { SSMClient } from "@aws-sdk/client-ssm";
import { GetParameterCommand } from "@aws-sdk/client-ssm";
import { ConfigError } from "../errors.js";
import type { Direction, EndpointConfig } from "./endpoints.js";

/**
 * The other side's access keys, as stored in the SSM SecureString parameter (the original
 * tool's format, plus an optional `endpoint` for S3-compatible or test endpoints):
 * `{"aws_access_key_id": "...", "aws_secret_access_key": "...", "region": "cn-northwest-1"}`.
 */
export interface StoredCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly region: string;
  readonly endpoint?: string;
}

/** How far {@link parseStoredCredentials} trusts the stored `endpoint`. */
export interface StoredCredentialsOptions {
  /**
   * Accept an `http://` endpoint on a host other than loopback. SigV4 signs requests, not
   * answers, and the writes carry `UNSIGNED-PAYLOAD` (see `createS3Client`): over plain HTTP a
   * man in the middle reads every object, and can change the bytes read from that side together
   * with the ETags and checksums that would have caught it. Loopback (`127.0.0.0/8`, `::1`,
   * `localhost`) is always accepted: a local test bed is there, and its traffic never leaves the
   * machine.
   *
   * @default false
   */
  readonly allowHttp?: boolean;
}

/**
 * Parses and validates the credentials JSON. The message of any error names the parameter and
 * the field, never a secret value.
 *
 * @throws ConfigError when the text is not JSON, a required field is missing or not a string, or
 * the endpoint is not an http(s) URL or is plain HTTP off loopback without `allowHttp`.
 * @example
 * parseStoredCredentials(text, "s3_migration_credentials", { allowHttp: false })
 */
export function parseStoredCredentials(
  text: string,
  parameterName = "credentials",
  options: StoredCredentialsOptions = {},
): StoredCredentials {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConfigError(`Parameter ${parameterName} is not valid JSON`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`Parameter ${parameterName} must be a JSON object`);
  }
  const fields = parsed as Record<string, unknown>;
  const required = (field: string): string => {
    const value = fields[field];
    if (typeof value !== "string" || value.trim() === "") {
      throw new ConfigError(`Parameter ${parameterName}: field "${field}" must be a non-empty string`);
    }
    return value.trim();
  };
  const optional = (field: string): string | undefined => {
    const value = fields[field];
    if (value === undefined || value === null || value === "") return undefined;
    if (typeof value !== "string") throw new ConfigError(`Parameter ${parameterName}: field "${field}" must be a string`);
    return value.trim();
  };
  const endpoint = optional("endpoint");
  if (endpoint !== undefined) checkEndpoint(endpoint, parameterName, options);
  const sessionToken = optional("aws_session_token");
  return {
    accessKeyId: required("aws_access_key_id"),
    secretAccessKey: required("aws_secret_access_key"),
    region: required("region"),
    ...(sessionToken === undefined ? {} : { sessionToken }),
    ...(endpoint === undefined ? {} : { endpoint }),
  };
}

/** Refuses an endpoint that is no http(s) URL, or plain HTTP off loopback unless allowed. */
function checkEndpoint(endpoint: string, parameterName: string, options: StoredCredentialsOptions): void {
  const url = /^https?:\/\/[^\s]+$/.test(endpoint) ? URL.parse(endpoint) : null;
  if (url === null) throw new ConfigError(`Parameter ${parameterName}: field "endpoint" must be an http(s) URL`);
  if (url.protocol === "http:" && !options.allowHttp && !isLoopback(url.hostname))
    throw new ConfigError(
      `Parameter ${parameterName}: field "endpoint" is plain HTTP to ${url.hostname}, which is not loopback: ` +
        "the objects and the checksums that vouch for them could be read and changed on the way; use https:// " +
        "(or accept plain HTTP knowingly: ALLOW_HTTP_ENDPOINT=true for the functions, --allow-http for the CLI)",
    );
}

/** Whether a URL's (WHATWG-normalised) host is this machine: 127.0.0.0/8, [::1] or localhost. */
function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/**
 * Reads the credentials SecureString from SSM (decrypted) and parses it.
 *
 * @param options - passed to {@link parseStoredCredentials}
 * @throws ConfigError when the parameter is missing or malformed.
 */
export async function loadStoredCredentials(
  ssm: SSMClient,
  parameterName: string,
  options: StoredCredentialsOptions = {},
): Promise<StoredCredentials> {
  let value: string | undefined;
  try {
    const answer = await ssm.send(new GetParameterCommand({ Name: parameterName, WithDecryption: true }));
    value = answer.Parameter?.Value;
  } catch (error) {
    throw new ConfigError(`Cannot read SSM parameter ${parameterName}: ${(error as Error).name}`, { cause: error });
  }
  if (value === undefined) throw new ConfigError(`SSM parameter ${parameterName} has no value`);
  return parseStoredCredentials(value, parameterName, options);
}

/**
 * Puts the stored credentials (and their region and optional endpoint) on the side the direction
 * names, leaving the other side on the default chain.
 *
 * @example
 * applyStoredCredentials("PUT", keys, { region: "us-east-1" }, { region: "us-east-1" })
 * // destination now uses keys.region (e.g. cn-northwest-1) and the stored keys
 */
export function applyStoredCredentials(
  direction: Direction,
  stored: StoredCredentials,
  source: EndpointConfig,
  destination: EndpointConfig,
): { source: EndpointConfig; destination: EndpointConfig } {
  const keyed: EndpointConfig = {
    region: stored.region,
    ...(stored.endpoint === undefined ? {} : { endpoint: stored.endpoint, forcePathStyle: true }),
    credentials: {
      accessKeyId: stored.accessKeyId,
      secretAccessKey: stored.secretAccessKey,
      ...(stored.sessionToken === undefined ? {} : { sessionToken: stored.sessionToken }),
    },
  };
  return direction === "PUT" ? { source, destination: { ...destination, ...keyed } } : { source: { ...source, ...keyed }, destination };
}
