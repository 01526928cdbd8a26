import { ConfigError } from "@s3-migrate/transfer";
import DEFAULT_PRICES from "./prices.json" with { type: "json" };

/** One region's list prices, in its partition's currency (`prices.json` holds the defaults). */
export interface RegionPrices {
  readonly partition: string;
  readonly currency: string;
  /** When the figures were taken (YYYY-MM). */
  readonly asOf: string;
  /** False when the figures were not checked against the price page: the estimate says so. */
  readonly verified: boolean;
  readonly source: string;
  /** PUT, COPY, POST and LIST requests (CreateMultipartUpload, UploadPart, Complete, ListParts...). */
  readonly s3PutClassPer1000: number;
  /** GET, HEAD and the other requests. */
  readonly s3GetClassPer1000: number;
  /** Data leaving the region for the internet (another partition), first tier. */
  readonly internetEgressPerGB: number;
  /** Data leaving the region for another region of the same partition. */
  readonly interRegionPerGB: number;
  readonly lambdaPerGBSecond: number;
  readonly lambdaPerMillionRequests: number;
  readonly sqsPerMillionRequests: number;
  /** KMS cryptographic requests (GenerateMac, VerifyMac). */
  readonly kmsPerMillionRequests: number;
  /** On-demand write request units (items up to 1 KB). */
  readonly dynamodbPerMillionWrites: number;
  /** On-demand read request units (strongly consistent, items up to 4 KB). */
  readonly dynamodbPerMillionReads: number;
}

/** Prices by region name. */
export type PriceTable = Readonly<Record<string, RegionPrices>>;

const PRICE_FIELDS = [
  "s3PutClassPer1000",
  "s3GetClassPer1000",
  "internetEgressPerGB",
  "interRegionPerGB",
  "lambdaPerGBSecond",
  "lambdaPerMillionRequests",
  "sqsPerMillionRequests",
  "kmsPerMillionRequests",
  "dynamodbPerMillionWrites",
  "dynamodbPerMillionReads",
] as const satisfies ReadonlyArray<keyof RegionPrices>;

/**
 * The price table: `prices.json`, with `overrides` (the same JSON shape, e.g. a user's file) laid
 * over it region by region and field by field. A region new to the table must give every price.
 * @throws ConfigError naming the region and field when an override is not a price table.
 */
export function loadPriceTable(overrides?: string, origin = "--prices"): PriceTable {
  const table: Record<string, RegionPrices> = {};
  for (const [region, prices] of Object.entries(DEFAULT_PRICES)) if (region !== "$comment") table[region] = prices as RegionPrices;
  if (overrides === undefined) return table;
  let parsed: unknown;
  try {
    parsed = JSON.parse(overrides);
  } catch (error) {
    throw new ConfigError(`${origin} is not JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw new ConfigError(`${origin} must be a JSON object of regions, e.g. {"us-east-1": {"internetEgressPerGB": 0.085}}`);
  for (const [region, given] of Object.entries(parsed as Record<string, unknown>)) {
    if (region === "$comment") continue;
    if (typeof given !== "object" || given === null) throw new ConfigError(`${origin}: region ${region} must be an object of prices`);
    const merged = {
      ...(table[region] ?? { partition: region.startsWith("cn-") ? "aws-cn" : "aws", asOf: "", verified: false, source: origin }),
      ...given,
    } as Record<string, unknown>;
    if (table[region] === undefined) merged.source = origin;
    for (const field of PRICE_FIELDS) {
      const price = merged[field];
      if (typeof price !== "number" || !Number.isFinite(price) || price < 0)
        throw new ConfigError(`${origin}: ${region}.${field} must be a price of 0 or more, got ${JSON.stringify(price)}`);
    }
    if (typeof merged.currency !== "string" || merged.currency === "") throw new ConfigError(`${origin}: ${region}.currency must be given`);
    table[region] = merged as unknown as RegionPrices;
  }
  return table;
}

/** One region's prices. @throws ConfigError listing the regions the table knows. */
export function pricesFor(table: PriceTable, region: string): RegionPrices {
  const prices = table[region];
  if (prices === undefined)
    throw new ConfigError(
      `No prices for region ${region} (the table has ${Object.keys(table).join(", ")}); add it with --prices FILE, e.g. {"${region}": {...every field of us-east-1...}}`,
    );
  return prices;
}
