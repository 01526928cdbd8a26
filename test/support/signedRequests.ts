/**
 * Requests signed by hand with a client's own SigV4 signer, for what the SDK's commands do not
 * send as a test needs (another service's request at an S3 path, a presigned URL), and temporary
 * credentials of a second account from moto's STS (which maps their key to that account).
 */
import type { S3Client } from "@aws-sdk/client-s3";

/** A request as the SDK's signer takes it. */
export interface RawRequest {
  method: string;
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
}

/** The client's SigV4 signer, as its config hands it out (typed there as a bare RequestSigner). */
export interface Signer {
  sign(request: unknown, options: { signingService: string; signingRegion: string }): Promise<RawRequest>;
  presign(request: unknown, options: { expiresIn: number }): Promise<RawRequest>;
}

export const signerOf = async (client: S3Client): Promise<Signer> => (await client.config.signer()) as unknown as Signer;

/** Signs `raw` with the client's credentials for `service` in `region` (moto routes by the scope), then fetches it from the moto server at `endpoint`. */
export async function signedFetch(endpoint: string, client: S3Client, service: string, region: string, raw: RawRequest): Promise<Response> {
  const url = new URL(endpoint);
  const unsigned = {
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    method: raw.method,
    path: raw.path,
    query: raw.query ?? {},
    headers: { host: url.host, ...(raw.headers ?? {}) },
    body: raw.body,
  };
  const signed = await (await signerOf(client)).sign(unsigned, { signingService: service, signingRegion: region });
  const query = new URLSearchParams(signed.query ?? {}).toString();
  const { host: _host, ...headers } = signed.headers ?? {};
  return fetch(`${endpoint}${signed.path}${query ? `?${query}` : ""}`, { method: raw.method, headers, body: raw.body });
}

/** Temporary credentials of `arn:aws:iam::ACCOUNT:role/...` from moto's STS (which maps their key to ACCOUNT). */
export async function assumeRole(
  endpoint: string,
  client: S3Client,
  account: string,
): Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken: string }> {
  const body = new URLSearchParams({
    Action: "AssumeRole",
    Version: "2011-06-15",
    RoleArn: `arn:aws:iam::${account}:role/s3m-test-other-account`,
    RoleSessionName: "s3m-test",
  }).toString();
  const response = await signedFetch(endpoint, client, "sts", "us-east-1", {
    method: "POST",
    path: "/",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body,
  });
  const xml = await response.text();
  const field = (name: string): string => {
    const found = new RegExp(`<${name}>([^<]+)</${name}>`).exec(xml);
    if (!found?.[1]) throw new Error(`STS AssumeRole answered ${response.status} without ${name}: ${xml.slice(0, 300)}`);
    return found[1];
  };
  return { accessKeyId: field("AccessKeyId"), secretAccessKey: field("SecretAccessKey"), sessionToken: field("SessionToken") };
}
