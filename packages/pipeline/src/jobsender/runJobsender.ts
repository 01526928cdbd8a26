import { randomUUID } from "node:crypto";
import { setMaxListeners } from "node:events";
import { GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { MIB, planForNewUpload } from "@s3-migrate/transfer";
import type { JobsenderContext, JobsenderOptions, JobsenderReport, PairReport } from "./jobsenderTypes.js";
import { processPair } from "./processPair.js";

/**
 * One jobsender run over every bucket pair: takes the run lease (so two overlapping runs never
 * both send), optionally skips while the queue is busy, compares each pair's source and
 * destination listings as a streaming merge-join, queues exactly the missing or changed objects,
 * and checkpoints at the deadline so the next run continues the same pass.
 *
 * @example
 * const report = await runJobsender(
 *   { source, destination, sqs, queueUrl, ledger, state },
 *   { pairs, ignore, deadline: Date.now() + context.getRemainingTimeInMillis() - 30_000 },
 * );
 */
export async function runJobsender(context: JobsenderContext, options: JobsenderOptions): Promise<JobsenderReport> {
  const now = context.now?.() ?? new Date();
  const runId = options.runId ?? randomUUID();
  if (options.skipWhenQueueBusy && (await queueIsBusy(context))) {
    context.logger?.info("Queue has messages; skipping this run (skipWhenQueueBusy)");
    return { skipped: "queue-busy", pairs: [] };
  }
  const leaseMs = (options.deadline ?? now.getTime() + 15 * 60_000) - now.getTime() + 60_000;
  if (context.state !== undefined && !(await context.state.acquireLease(runId, now, leaseMs))) {
    context.logger?.warn("Another jobsender run holds the lease; this run sends nothing");
    return { skipped: "lease-held", pairs: [] };
  }
  const stop = new AbortController();
  setMaxListeners(0, stop.signal);
  const timer = options.deadline === undefined ? undefined : setTimeout(() => stop.abort(), Math.max(0, options.deadline - Date.now()));
  try {
    const pairs: PairReport[] = [];
    for (const pair of options.pairs) {
      if (stop.signal.aborted) break;
      const report = await processPair(context, options, pair, options.ignore, stop.signal);
      pairs.push(report);
      if (options.tally !== undefined) options.tally.into.listedKeys += report.counts.listed;
      emitCounts(context, report);
      context.logger?.info("Bucket pair compared", { pair: report.pair, status: report.status, ...report.counts });
    }
    const memoryWarning = checkWorkerMemory(options, pairs);
    if (memoryWarning !== undefined) context.logger?.warn(memoryWarning);
    return { pairs, ...(memoryWarning === undefined ? {} : { memoryWarning }) };
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    await context.state?.releaseLease(runId);
  }
}

async function queueIsBusy(context: JobsenderContext): Promise<boolean> {
  if (context.sqs === undefined || context.queueUrl === undefined) return false;
  const answer = await context.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: context.queueUrl,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }),
  );
  const attributes = answer.Attributes ?? {};
  return Number(attributes.ApproximateNumberOfMessages ?? 0) + Number(attributes.ApproximateNumberOfMessagesNotVisible ?? 0) > 0;
}

function emitCounts(context: JobsenderContext, report: PairReport): void {
  const metrics = context.metrics;
  if (metrics === undefined) return;
  metrics.addMetric("ObjectsListed", "Count", report.counts.listed);
  metrics.addMetric("ObjectsIgnored", "Count", report.counts.ignored);
  metrics.addMetric("ObjectsPresent", "Count", report.counts.present);
  metrics.addMetric("ObjectsAlreadyQueued", "Count", report.counts.alreadyQueued);
  if (report.status === "failed") metrics.addMetric("PairsFailed", "Count", 1);
  if (report.preflight !== undefined) metrics.addMetric("PairsFailedPreflight", "Count", 1);
}

/** What a worker process needs besides its part buffers (runtime, SDK, sockets), for the memory check. */
export const WORKER_BASE_MEMORY_MIB = 150;

/**
 * Checks the worker's memory against what its copies hold: every object (or range) it copies at
 * once holds at most `partConcurrency` parts of `partSize` (the worker's per-object memory budget:
 * a larger part size, from the source's own layout or an object too big for 10,000 parts of
 * `partSize`, means fewer parts in flight), plus 150 MiB for the runtime. Warns when that sum
 * exceeds the worker's memory, and when the largest listed object needs a part larger than the
 * budget (it would fail with InsufficientMemory). terraform/main.tf checks the same sum at plan time.
 */
export function checkWorkerMemory(options: Pick<JobsenderOptions, "sizing">, pairs: readonly PairReport[]): string | undefined {
  const sizing = options.sizing;
  if (sizing === undefined) return undefined;
  const budget = sizing.partConcurrency * sizing.partSize;
  const neededMiB = Math.ceil((sizing.fileConcurrency * budget) / MIB) + WORKER_BASE_MEMORY_MIB;
  if (neededMiB > sizing.workerMemoryMiB)
    return `${sizing.fileConcurrency} objects x ${sizing.partConcurrency} parts of ${sizing.partSize / MIB} MiB in flight need about ${neededMiB} MiB, but the worker has ${sizing.workerMemoryMiB} MiB. Raise the worker memory or lower the part size, part or file concurrency.`;
  const largest = pairs.reduce((max, report) => Math.max(max, report.counts.largest?.size ?? 0), 0);
  if (largest <= 0) return undefined;
  const partSize = planForNewUpload(largest, sizing.partSize).partSize;
  if (partSize <= budget) return undefined;
  return `The largest object (${largest} bytes) needs ${partSize / MIB} MiB parts, more than one object's budget of ${sizing.partConcurrency} x ${sizing.partSize / MIB} MiB: it will fail with InsufficientMemory. Raise the part size or part concurrency (and the worker memory with them).`;
}
