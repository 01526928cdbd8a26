import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { S3Client } from "@aws-sdk/client-s3";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { SDK_REQUEST_ATTEMPTS } from "../retry.js";
import type { EndpointConfig } from "./endpoints.js";

/** Connection and retry settings shared by both sides' clients. */
export interface ClientTuning {
  /** Sockets kept open per endpoint; size it to the requests in flight. @default 50 */
  readonly maxSockets?: number;
  /** Attempts per request, including the first (SDK standard retry, exponential backoff with jitter). @default 5 */
  readonly maxAttempts?: number;
  /** Milliseconds to wait for a TCP connection. @default 5000 */
  readonly connectionTimeoutMs?: number;
  /** Milliseconds a socket may stay silent mid-request before the request fails and is retried. @default 60000 */
  readonly socketTimeoutMs?: number;
}

/**
 * Creates the S3 client of one side: keep-alive agents sized to the concurrency, SDK-level retries,
 * and checksums left to us. The transfer library sends its own Content-MD5 with every write and checks every ETag,
 * so the SDK's default CRC32 on every request and its SHA-256 payload signing would hash each byte
 * twice more for nothing; payloads that carry Content-MD5 are signed `UNSIGNED-PAYLOAD`.
 */
export function createS3Client(config: EndpointConfig, tuning: ClientTuning = {}): S3Client {
  const maxSockets = tuning.maxSockets ?? 50;
  const client = new S3Client({
    region: config.region,
    ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
    forcePathStyle: config.forcePathStyle ?? config.endpoint !== undefined,
    ...(config.credentials === undefined ? {} : { credentials: config.credentials }),
    maxAttempts: tuning.maxAttempts ?? SDK_REQUEST_ATTEMPTS,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    requestHandler: new NodeHttpHandler({
      httpAgent: new HttpAgent({ keepAlive: true, maxSockets }),
      httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets }),
      connectionTimeout: tuning.connectionTimeoutMs ?? 5_000,
      socketTimeout: tuning.socketTimeoutMs ?? 60_000,
    }),
  });
  client.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { headers?: Record<string, string> };
      if (request.headers?.["content-md5"] !== undefined) {
        request.headers["x-amz-content-sha256"] = "UNSIGNED-PAYLOAD";
      }
      return next(args);
    },
    { step: "build", name: "s3MigrateUnsignedPayload", priority: "low" },
  );
  return client;
}
