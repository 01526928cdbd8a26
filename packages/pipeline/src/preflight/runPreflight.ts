import { type BucketFacts, destinationKey, listingPrefix, mapConcurrent, type Side } from "@s3-migrate/transfer";
import type { BucketPair } from "../config/bucketPairs.js";
import type { EventRoute } from "../config/pairChecks.js";
import { BucketChecks, type BucketTarget } from "./checkBucket.js";
import { checkEventQueues } from "./checkEventQueues.js";
import { eventRouteProblems } from "./configProblems.js";
import { pairSideFacts } from "./pairPreflight.js";
import type {
  EventsPreflight,
  PairPreflight,
  PreflightClients,
  PreflightInput,
  PreflightOptions,
  PreflightReport,
} from "./preflightTypes.js";
import { type PreflightProblem, preflightProblem } from "./problems.js";

/** Pairs checked at once (each sends a few requests per bucket, both buckets at once). */
const PAIRS_AT_ONCE = 4;

/**
 * The check before anything moves: for each bucket pair (and the S3 event route), each bucket's
 * region (found, and against the configured one), partition, owner, versioning, Object Lock and
 * default encryption, whether the side's identity can use its KMS key, list under the prefix,
 * read the first object and, only with `writeProbe`, write and delete a marker under the
 * destination prefix; for the event bucket, whether its notifications' queues are in its region.
 * Every problem found is a {@link PreflightProblem} with its code and what to fix. Nothing is
 * changed unless `writeProbe` is on.
 *
 * @example
 * const report = await runPreflight({ source, destination, kms }, { pairs, sides: { source: sourceConfig, destination: destinationConfig } });
 * if (!report.ok) for (const problem of preflightProblems(report)) console.log(problem.code, problem.message);
 */
export async function runPreflight(
  clients: PreflightClients,
  input: PreflightInput,
  options: PreflightOptions = {},
): Promise<PreflightReport> {
  const writeProbe = options.writeProbe ?? false;
  const configuration = eventRouteProblems(input.events, input.pairs);
  if (configuration.length > 0) return { ok: false, writeProbe, problems: configuration, pairs: [] };
  const checks = new BucketChecks(clients, options);
  const pairs: PairPreflight[] = [];
  await mapConcurrent(
    input.pairs.map((pair, index) => ({ pair, index })),
    PAIRS_AT_ONCE,
    async ({ pair, index }) => {
      pairs.push(await checkPair(checks, input, pair, index, options));
    },
  );
  pairs.sort((a, b) => a.index - b.index);
  const events = input.events === undefined ? undefined : await checkEvents(checks, clients, input, input.events, options);
  const report = { writeProbe, problems: [], pairs, ...(events === undefined ? {} : { events }) };
  return { ok: preflightProblems(report).length === 0, ...report };
}

/**
 * Every problem of a report, each once: the configuration's, each pair's and its buckets', the
 * event route's (a bucket two pairs name carries its own problems in both pairs' rows).
 */
export function preflightProblems(report: Pick<PreflightReport, "problems" | "pairs" | "events">): PreflightProblem[] {
  const routes = [...report.pairs, ...(report.events === undefined ? [] : [report.events])];
  const all = [
    ...report.problems,
    ...routes.flatMap((route) => [...route.source.problems, ...route.destination.problems, ...route.problems]),
  ];
  const seen = new Set<string>();
  return all.filter((problem) => {
    const id = `${problem.code}\n${problem.message}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

async function checkPair(
  checks: BucketChecks,
  input: PreflightInput,
  pair: BucketPair,
  index: number,
  options: PreflightOptions,
): Promise<PairPreflight> {
  const listed = listingPrefix(pair.srcPrefix);
  const written = destinationKey(pair.desPrefix, "") + listed;
  const [source, destination] = await Promise.all([
    checks.row(target(input, "source", pair.srcBucket, listed, pairSideFacts(pair, "source"))),
    checks.row(target(input, "destination", pair.desBucket, written, pairSideFacts(pair, "destination"))),
  ]);
  const problems: PreflightProblem[] = [];
  if (options.serverSideCopy && source.partition !== undefined && destination.partition !== undefined)
    if (source.partition !== destination.partition)
      problems.push(
        preflightProblem(
          "PartitionMismatch",
          `pair ${index}: a server-side copy cannot cross partitions (source ${source.partition}, destination ${destination.partition}); S3 copies only within one`,
        ),
      );
  return { index, route: `s3://${pair.srcBucket}/${listed} -> s3://${pair.desBucket}/${written}`, source, destination, problems };
}

async function checkEvents(
  checks: BucketChecks,
  clients: PreflightClients,
  input: PreflightInput,
  events: EventRoute,
  options: PreflightOptions,
): Promise<EventsPreflight> {
  const written = destinationKey(events.destinationPrefix, "") + events.filterPrefix;
  const [source, destination] = await Promise.all([
    checks.row(target(input, "source", events.bucket, events.filterPrefix, regionOnly(events.bucketRegion))),
    checks.row(target(input, "destination", events.destinationBucket, written, regionOnly(events.destinationRegion))),
  ]);
  const queues = source.reached
    ? await checkEventQueues(clients.source, {
        bucket: events.bucket,
        ...(source.region.found === undefined ? {} : { region: source.region.found }),
        ...(options.queueUrl === undefined ? {} : { queueUrl: options.queueUrl }),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      })
    : { problems: [], notes: [`event bucket s3://${events.bucket} was not reached: its notifications were not read`] };
  return {
    route: `s3://${events.bucket}/${events.filterPrefix} -> s3://${events.destinationBucket}/${written} (S3 events)`,
    source,
    destination,
    ...(queues.queues === undefined ? {} : { queues: queues.queues }),
    problems: queues.problems,
    notes: queues.notes,
  };
}

/** A bucket of a route, with what the side's configuration says of it (else what the route says). */
function target(input: PreflightInput, side: Side, bucket: string, prefix: string, routeFacts: BucketFacts): BucketTarget {
  const configured = input.sides[side].buckets?.get(bucket);
  return { side, bucket, prefix, facts: configured ?? routeFacts, home: input.sides[side].region };
}

function regionOnly(region: string | undefined): BucketFacts {
  return region === undefined ? {} : { region };
}
