import { ConfigError } from "@s3-migrate/transfer";
import type { BucketPair } from "../config/bucketPairs.js";
import { batchConcurrency, type CopyShape } from "../config/environment.js";
import { type PriceTable, pricesFor, type RegionPrices } from "./priceTable.js";
import {
  copyBytesPerSecond,
  ESTIMATE_DEFAULTS,
  REQUESTS_PER,
  type RunRequests,
  runRequests,
  type WorkerAssumptions,
} from "./requestModel.js";
import { type BucketLocator, runRegionsOf } from "./runRegions.js";
import type { RunTally, TallyRules } from "./runTally.js";

/** Where the run's data and services are. */
export interface RunRegions {
  readonly source: string;
  readonly destination: string;
  /** Where the workers, the queue and the ledger run (the Terraform deployment). */
  readonly run: string;
}

/** The workers the estimate prices: how they copy, their memory, and the seconds an invocation copies before it continues. */
export interface EstimateWorkers extends WorkerAssumptions {
  readonly memoryMiB: number;
  readonly invocationSeconds: number;
}

/** One priced item of the estimate. */
export interface EstimateLine {
  readonly item: string;
  readonly region: string;
  readonly quantity: number;
  readonly unit: string;
  readonly unitPrice: number;
  readonly currency: string;
  readonly cost: number;
}

/** What a run is estimated to cost: `plan --json`'s `estimate`. */
export interface RunEstimate {
  readonly tally: RunTally;
  readonly requests: RunRequests;
  readonly lines: readonly EstimateLine[];
  /** Total per currency (a run across partitions is billed in two). */
  readonly totals: Readonly<Record<string, number>>;
  readonly assumptions: readonly string[];
}

const GIB = 1024 ** 3;

/**
 * Prices a run: the requests {@link runRequests} counts, the bytes that leave a region on their
 * way from the source to the workers and from the workers to the destination (AWS bills a GB as
 * 2^30 bytes), and the workers' compute, each at the price of the region that bills it.
 */
export function estimateRun(
  tally: RunTally,
  shape: CopyShape,
  workers: EstimateWorkers,
  regions: RunRegions,
  table: PriceTable,
): RunEstimate {
  const requests = runRequests(tally, shape, workers);
  const source = pricesFor(table, regions.source);
  const destination = pricesFor(table, regions.destination);
  const run = pricesFor(table, regions.run);
  const lines: EstimateLine[] = [];
  const add = (item: string, region: string, prices: RegionPrices, quantity: number, unit: string, unitPrice: number, per: number) => {
    if (quantity > 0)
      lines.push({ item, region, quantity, unit, unitPrice, currency: prices.currency, cost: (quantity / per) * unitPrice });
  };
  add(
    "S3 GET-class requests at the source",
    regions.source,
    source,
    requests.sourceGetClass,
    "1,000 requests",
    source.s3GetClassPer1000,
    1000,
  );
  add("S3 LIST requests at the source", regions.source, source, requests.sourcePutClass, "1,000 requests", source.s3PutClassPer1000, 1000);
  add(
    "S3 PUT-class requests at the destination",
    regions.destination,
    destination,
    requests.destinationPutClass,
    "1,000 requests",
    destination.s3PutClassPer1000,
    1000,
  );
  for (const leg of egressLegs(regions, table, shape.serverSideCopy))
    add(leg.item, leg.region, leg.prices, requests.bytes / GIB, "GB", leg.pricePerGB, 1);
  add("SQS requests", regions.run, run, requests.sqsRequests, "million requests", run.sqsPerMillionRequests, 1e6);
  add("KMS requests (message authentication)", regions.run, run, requests.kmsRequests, "million requests", run.kmsPerMillionRequests, 1e6);
  add("DynamoDB on-demand writes", regions.run, run, requests.dynamodbWrites, "million write units", run.dynamodbPerMillionWrites, 1e6);
  add("DynamoDB on-demand reads", regions.run, run, requests.dynamodbReads, "million read units", run.dynamodbPerMillionReads, 1e6);
  add("Lambda requests", regions.run, run, requests.lambdaInvocations, "million requests", run.lambdaPerMillionRequests, 1e6);
  add("Lambda compute", regions.run, run, (requests.lambdaSeconds * workers.memoryMiB) / 1024, "GB-second", run.lambdaPerGBSecond, 1);
  const totals: Record<string, number> = {};
  for (const line of lines) totals[line.currency] = (totals[line.currency] ?? 0) + line.cost;
  return { tally, requests, lines, totals, assumptions: assumptionsOf(shape, workers, regions, table) };
}

/** How the jobsender counts what it queues for {@link estimateRun}: the copy shape, and the bytes one invocation of `workers` moves. */
export function tallyRules(shape: CopyShape, workers: EstimateWorkers): TallyRules {
  return { shape, bytesPerInvocation: copyBytesPerSecond(shape, workers) * workers.invocationSeconds };
}

/** Where a run's copies go, as {@link estimateOrReason} finds their regions: its pairs, the side clients that locate their buckets, and where the workers run. */
export interface RunPlaces {
  readonly pairs: readonly BucketPair[];
  readonly sides: { readonly source: BucketLocator; readonly destination: BucketLocator };
  readonly run: string;
}

/**
 * {@link estimateRun} for a report, at the regions of the run's buckets ({@link runRegionsOf}):
 * the estimate, or why there is none (buckets of one side in several regions, a region the price
 * table lacks), which never fails the pass it prices.
 */
export async function estimateOrReason(
  tally: RunTally,
  shape: CopyShape,
  workers: EstimateWorkers,
  places: RunPlaces,
  table: PriceTable,
): Promise<{ readonly estimate: RunEstimate } | { readonly estimateUnavailable: string }> {
  const located = await runRegionsOf(places.pairs, places.sides, places.run);
  if (!("regions" in located)) return located;
  try {
    return { estimate: estimateRun(tally, shape, workers, located.regions, table) };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { estimateUnavailable: error.message };
  }
}

/**
 * The legs on which the bytes leave a region: source to workers, workers to destination; a
 * server-side copy's go from the source straight to the destination.
 */
function egressLegs(
  regions: RunRegions,
  table: PriceTable,
  serverSide: boolean,
): Array<{ item: string; region: string; prices: RegionPrices; pricePerGB: number }> {
  if (serverSide && pricesFor(table, regions.source).partition !== pricesFor(table, regions.destination).partition)
    throw new ConfigError(
      `A server-side copy stays inside one partition: ${regions.source} and ${regions.destination} are in two (SERVER_SIDE_COPY)`,
    );
  const legs = serverSide
    ? [{ from: regions.source, to: regions.destination, what: "source to the destination, copied by S3" }]
    : [
        { from: regions.source, to: regions.run, what: "source to the workers" },
        { from: regions.run, to: regions.destination, what: "workers to the destination" },
      ];
  return legs.flatMap(({ from, to, what }) => {
    if (from === to) return [];
    const prices = pricesFor(table, from);
    const acrossPartitions = prices.partition !== pricesFor(table, to).partition;
    return [
      {
        item: `Data transfer out, ${what} (${acrossPartitions ? "to the internet: another partition" : "to another region"})`,
        region: from,
        prices,
        pricePerGB: acrossPartitions ? prices.internetEgressPerGB : prices.interRegionPerGB,
      },
    ];
  });
}

function assumptionsOf(shape: CopyShape, workers: EstimateWorkers, regions: RunRegions, table: PriceTable): string[] {
  const mib = (bytes: number) => `${bytes / 1024 ** 2} MiB`;
  const assumptions = [
    "the happy path: no retries, no duplicate deliveries, nothing already at the destination beyond what the listing showed",
    `objects up to ${mib(shape.smallObjectThreshold)} in one PUT; larger ones in ${mib(shape.partSize)} parts (a multipart source's own part size when it fits, which a listing does not show)${shape.fanoutThreshold > 0 ? `; above ${mib(shape.fanoutThreshold)} fanned out in ranges of ${shape.fanoutRangeParts} parts` : ""}`,
    `workers in ${regions.run} with ${workers.memoryMiB} MiB, ${workers.batchSize} message(s) per invocation, moving ${(copyBytesPerSecond(shape, workers) / 1024 ** 2).toFixed(1)} MiB/s each${shape.serverSideCopy ? ` (server-side: S3 copies, ${ESTIMATE_DEFAULTS.serverSideMiBpsPerRequest} MiB/s per copy request assumed, ${shape.partConcurrency} at once)` : ""}, ${workers.secondsPerSmallObject} s of request latency per small object shared by ${shape.fileConcurrency} at once (${batchConcurrency(shape)} at once within a batch), ${workers.invocationSeconds} s per invocation`,
    `ledger writes per range: ${REQUESTS_PER.range.dynamodbWrites} (measured by pnpm bench:fanout); items under 1 KB (one write unit each)`,
    "free tiers, storage, SSE-KMS of the objects, NAT gateways and CloudWatch are left out; first-tier data transfer prices",
  ];
  for (const region of new Set([regions.source, regions.destination, regions.run])) {
    const prices = pricesFor(table, region);
    if (!prices.verified)
      assumptions.push(`prices for ${region} (${prices.currency}, ${prices.asOf || "undated"}) are approximate: ${prices.source}`);
  }
  return assumptions;
}
