import { HeadBucketCommand, S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { classifyError } from "../classifyError.js";
import { BucketMissingError, ConfigError, type Side } from "../errors.js";
import { BucketRegions } from "./bucketRegions.js";
import type { BucketFacts, EndpointConfig } from "./endpoints.js";
import { isWrongRegionAnswer, noteOwnersNamed, partitionOf, regionNamedBy } from "./regions.js";

/** A region S3 named for a bucket other than the one its request was signed for. */
export interface RegionCorrection {
  readonly bucket: string;
  /** The region the request was signed for (configured, or found before). */
  readonly signedFor: string;
  /** The region S3 said the bucket is in. */
  readonly region: string;
}

/** How a {@link RegionalS3Client} builds its clients and whom it tells what it learns. */
export interface RegionalOptions {
  /** The client configuration for one region (credentials, endpoint, handler, retries). */
  readonly clientConfig: (region: string) => S3ClientConfig;
  /** Applied to every client made, this one included (middleware such as unsigned payloads). */
  readonly prepare?: (client: S3Client) => void;
  /** The cache of bucket regions to share with the run's other clients; a new one if absent. */
  readonly regions?: BucketRegions;
  /** Facts of the buckets this side's copies read from, for `ExpectedSourceBucketOwner`. */
  readonly copySources?: ReadonlyMap<string, BucketFacts>;
  /** Which side the client is, for error messages. */
  readonly side?: Side;
  /** Told when S3 named another region for a bucket than the one a request was signed for. */
  readonly onRegionCorrected?: (correction: RegionCorrection) => void;
}

interface RoutedInput {
  Bucket?: unknown;
  Body?: unknown;
  CopySource?: unknown;
  ExpectedBucketOwner?: string;
  ExpectedSourceBucketOwner?: string;
}

interface SendOptions {
  readonly abortSignal?: AbortSignal;
}

/**
 * An S3 client of one side that sends each request to its bucket's own region: one client per
 * region, made when first needed and reused; each bucket's region taken from the configuration or
 * found once (HeadBucket, whose answer names it on 200, 301 and 403) and shared with the run's
 * other clients. Every request also carries the owner the configuration names for its bucket
 * (`ExpectedBucketOwner`, and `ExpectedSourceBucketOwner` for a copy's source).
 *
 * A request still answered "wrong region" (a configured region that is wrong, a bucket that was
 * moved) teaches the client the region S3 named; the request is sent again there when its body
 * can be, else the error goes up, classified `WrongRegion`, for the caller's retry. The SDK's own
 * `followRegionRedirects` stays off: it redirects by swapping the client's region for the length
 * of one request, which concurrent requests of the same client would see.
 *
 * Requests that name no bucket go to the home region.
 */
export class RegionalS3Client extends S3Client {
  readonly #home: string;
  readonly #scope: string;
  readonly #buckets: ReadonlyMap<string, BucketFacts>;
  readonly #options: RegionalOptions;
  readonly #regions: BucketRegions;
  readonly #regional = new Map<string, S3Client>();

  /** @throws ConfigError when a bucket's configured region is in a partition the side cannot sign for. */
  constructor(config: EndpointConfig, options: RegionalOptions) {
    super(options.clientConfig(config.region));
    options.prepare?.(this);
    this.#home = config.region;
    this.#buckets = config.buckets ?? new Map();
    this.#options = options;
    this.#regions = options.regions ?? new BucketRegions();
    // Bucket names are unique within one partition of one endpoint.
    this.#scope = `${partitionOf(config.region)} ${config.endpoint ?? "aws"}`;
    refuseOtherPartitions(config, options.side);
  }

  /**
   * Sends `command` to its bucket's region, with the configured owners. Promise form only (the
   * library never uses callbacks).
   */
  // biome-ignore lint/suspicious/noExplicitAny: S3Client.send is overloaded over every command's types; this routes each unchanged.
  override send(command: any, options?: any): any {
    return this.#route(command, options as SendOptions | undefined);
  }

  /** The region of `bucket`: configured, known, or looked up once now. */
  regionOf(bucket: string, signal?: AbortSignal): Promise<string> {
    const configured = this.#buckets.get(bucket)?.region;
    if (configured !== undefined) return this.#regions.regionOf(this.#scope, bucket, async () => configured);
    return this.#regions.regionOf(this.#scope, bucket, () => this.#discover(bucket, signal));
  }

  override destroy(): void {
    for (const client of this.#regional.values()) client.destroy();
    super.destroy();
  }

  // biome-ignore lint/suspicious/noExplicitAny: see send.
  async #route(command: any, options: SendOptions | undefined): Promise<unknown> {
    const input = (command.input ?? {}) as RoutedInput;
    if (typeof input.Bucket !== "string") return super.send(command, options);
    const bucket = input.Bucket;
    this.#bindOwners(input, bucket);
    const region = await this.regionOf(bucket, options?.abortSignal);
    try {
      return await this.#sendIn(region, command, options);
    } catch (error) {
      noteOwnersNamed(error, input);
      const named = isWrongRegionAnswer(error) ? regionNamedBy(error) : undefined;
      if (named === undefined || named === region) throw error;
      this.#regions.learn(this.#scope, bucket, named);
      this.#options.onRegionCorrected?.({ bucket, signedFor: region, region: named });
      if (!canSendAgain(input.Body)) throw error;
      return this.#sendIn(named, command, options);
    }
  }

  // biome-ignore lint/suspicious/noExplicitAny: see send.
  #sendIn(region: string, command: any, options: SendOptions | undefined): Promise<unknown> {
    if (region === this.#home) return super.send(command, options);
    let client = this.#regional.get(region);
    if (client === undefined) {
      client = new S3Client(this.#options.clientConfig(region));
      this.#options.prepare?.(client);
      this.#regional.set(region, client);
    }
    return client.send(command, options);
  }

  /** Asks the home region where `bucket` is: S3 names the region on 200, 301 and 403 alike. */
  async #discover(bucket: string, signal: AbortSignal | undefined): Promise<string> {
    try {
      // The lookup names the owner too: the first request to a bucket is bound like every other.
      const owner = this.#buckets.get(bucket)?.owner;
      const answer = await super.send(
        new HeadBucketCommand({ Bucket: bucket, ...(owner === undefined ? {} : { ExpectedBucketOwner: owner }) }),
        signal === undefined ? {} : { abortSignal: signal },
      );
      return answer.BucketRegion ?? this.#home;
    } catch (error) {
      const named = regionNamedBy(error);
      if (named !== undefined) return named;
      const side = this.#options.side ?? "source";
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 404)
        throw new BucketMissingError(
          `HeadBucket ${side} s3://${bucket}: bucket ${bucket} does not exist on the ${side} side (${this.#scope})`,
          {
            side,
            cause: error,
          },
        );
      // An endpoint that names no region (S3-compatible stores) and refuses HeadBucket: the home region.
      if (status === 403) return this.#home;
      throw classifyError(error, { side, operation: "HeadBucket (finding the bucket's region)", bucket });
    }
  }

  #bindOwners(input: RoutedInput, bucket: string): void {
    const owner = this.#buckets.get(bucket)?.owner;
    if (owner !== undefined && input.ExpectedBucketOwner === undefined) input.ExpectedBucketOwner = owner;
    if (typeof input.CopySource !== "string" || input.ExpectedSourceBucketOwner !== undefined) return;
    const sourceOwner = this.#options.copySources?.get(copySourceBucket(input.CopySource))?.owner;
    if (sourceOwner !== undefined) input.ExpectedSourceBucketOwner = sourceOwner;
  }
}

/** The bucket of a `CopySource` (`bucket/key?versionId=...`, URL-encoded, maybe with a leading `/`). */
export function copySourceBucket(copySource: string): string {
  const path = copySource.startsWith("/") ? copySource.slice(1) : copySource;
  const slash = path.indexOf("/");
  return decodeURIComponent(slash === -1 ? path : path.slice(0, slash));
}

/** Whether a request body can be sent a second time (absent, bytes or text; not a stream). */
function canSendAgain(body: unknown): boolean {
  return body === undefined || typeof body === "string" || body instanceof Uint8Array;
}

function refuseOtherPartitions(config: EndpointConfig, side: Side | undefined): void {
  const home = partitionOf(config.region);
  for (const [bucket, facts] of config.buckets ?? []) {
    if (facts.region === undefined || partitionOf(facts.region) === home) continue;
    throw new ConfigError(
      `Bucket ${bucket} is configured in ${facts.region} (partition ${partitionOf(facts.region)}), but the ${side ?? "its"} side's ` +
        `identity signs for ${config.region} (partition ${home}): one identity cannot reach two partitions; ` +
        "the other partition's side needs its own stored keys (CREDENTIALS_PARAMETER, --credentials-parameter)",
    );
  }
}
