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

/**
 * Parses and validates the credentials JSON. The message of any error names the parameter and
 * the field, never a secret value.
 *
 * @throws ConfigError when the text is not JSON or a required field is missing or not a string.
 */
export function parseStoredCredentials(text: string, parameterName = "credentials"): StoredCredentials {
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
  if (endpoint !== undefined && !/^https?:\/\/[^\s]+$/.test(endpoint)) {
    throw new ConfigError(`Parameter ${parameterName}: field "endpoint" must be an http(s) URL`);
  }
  const sessionToken = optional("aws_session_token");
  return {
    accessKeyId: required("aws_access_key_id"),
    secretAccessKey: required("aws_secret_access_key"),
    region: required("region"),
    ...(sessionToken === undefined ? {} : { sessionToken }),
    ...(endpoint === undefined ? {} : { endpoint }),
  };
}

/**
 * Reads the credentials SecureString from SSM (decrypted) and parses it.
 *
 * @throws ConfigError when the parameter is missing or malformed.
 */
export async function loadStoredCredentials(ssm: SSMClient, parameterName: string): Promise<StoredCredentials> {
  let value: string | undefined;
  try {
    const answer = await ssm.send(new GetParameterCommand({ Name: parameterName, WithDecryption: true }));
    value = answer.Parameter?.Value;
  } catch (error) {
    throw new ConfigError(`Cannot read SSM parameter ${parameterName}: ${(error as Error).name}`, { cause: error });
  }
  if (value === undefined) throw new ConfigError(`SSM parameter ${parameterName} has no value`);
  return parseStoredCredentials(value, parameterName);
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
