import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import type { S3Client, S3ClientConfig } from "@aws-sdk/client-s3";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import type { Side } from "../errors.js";
import { SDK_REQUEST_ATTEMPTS } from "../retry.js";
import type { BucketRegions } from "./bucketRegions.js";
import type { BucketFacts, EndpointConfig } from "./endpoints.js";
import { RegionalS3Client, type RegionCorrection } from "./regionalClient.js";

/** Connection and retry settings shared by both sides' clients. */
export interface ClientTuning {
  /** Sockets kept open per endpoint and region; size it to the requests in flight. @default 50 */
  readonly maxSockets?: number;
  /** Attempts per request, including the first (SDK standard retry, exponential backoff with jitter). @default 5 */
  readonly maxAttempts?: number;
  /** Milliseconds to wait for a TCP connection. @default 5000 */
  readonly connectionTimeoutMs?: number;
  /** Milliseconds a socket may stay silent mid-request before the request fails and is retried. @default 60000 */
  readonly socketTimeoutMs?: number;
}

/** What a side's client shares with the run's other clients, and whom it tells what it learns. */
export interface SideOptions {
  /** Which side the client is, for error messages. */
  readonly side?: Side;
  /** The run's one cache of bucket regions (share it between both sides). */
  readonly regions?: BucketRegions;
  /** Facts of the buckets copies read from (the source side's), for `ExpectedSourceBucketOwner`. */
  readonly copySources?: ReadonlyMap<string, BucketFacts>;
  /** Told when S3 named another region for a bucket than a request was signed for. */
  readonly onRegionCorrected?: (correction: RegionCorrection) => void;
}

/**
 * Creates the S3 client of one side: requests go to each bucket's own region
 * ({@link RegionalS3Client}), keep-alive agents sized to the concurrency, SDK-level retries,
 * and checksums left to us. The transfer library sends its own Content-MD5 or CRC with every
 * write and checks every ETag, so the SDK's default CRC32 on every request and its SHA-256
 * payload signing would hash each byte twice more for nothing; payloads that carry Content-MD5
 * are signed `UNSIGNED-PAYLOAD`.
 *
 * @throws ConfigError when a bucket's configured region is in a partition the side cannot sign for.
 * @example
 * const regions = new BucketRegions();
 * const source = createS3Client({ region: "us-east-1" }, {}, { side: "source", regions });
 */
export function createS3Client(config: EndpointConfig, tuning: ClientTuning = {}, side: SideOptions = {}): RegionalS3Client {
  return new RegionalS3Client(config, {
    clientConfig: (region) => clientConfig(config, tuning, region),
    prepare: signUnsignedPayloads,
    ...side,
  });
}

function clientConfig(config: EndpointConfig, tuning: ClientTuning, region: string): S3ClientConfig {
  const maxSockets = tuning.maxSockets ?? 50;
  return {
    region,
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
  };
}

function signUnsignedPayloads(client: S3Client): void {
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
}
