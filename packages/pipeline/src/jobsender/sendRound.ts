import { destinationKey, MigrationError, mapConcurrent } from "@s3-migrate/transfer";
import type { BucketPair } from "../config/bucketPairs.js";
import { tallyObject } from "../estimate/runTally.js";
import { OBJECT_STATUS, objectPk } from "../ledger/ledgerSchema.js";
import { type JobMessage, serializeJob } from "../messages/jobMessage.js";
import { sendJobs } from "../queue/sendJobs.js";
import type { JobsenderContext, JobsenderOptions, PairCounts } from "./jobsenderTypes.js";
import type { Candidate } from "./processSegment.js";

/** Settings a round needs beyond the context. */
export interface RoundSettings {
  readonly pair: BucketPair;
  readonly passId: string;
  readonly compareVersions: boolean;
  readonly requeueAfterMs: number;
  readonly counts: PairCounts;
  readonly onPlanned?: JobsenderOptions["onPlanned"];
  readonly tally?: JobsenderOptions["tally"];
}

/**
 * One round: drops candidates the ledger says are already queued or in progress (and, comparing
 * versions, present objects whose recorded source version is current), sends the rest, and
 * records each sent job as queued in the ledger. A dry run only reports what it would send.
 */
export async function sendRound(context: JobsenderContext, settings: RoundSettings, candidates: Candidate[]): Promise<void> {
  const { pair, counts } = settings;
  const now = context.now?.() ?? new Date();
  const withKeys = candidates.map((candidate) => ({ candidate, desKey: destinationKey(pair.desPrefix, candidate.source.key) }));
  const records =
    context.ledger === undefined
      ? new Map()
      : await context.ledger.getMany(withKeys.map(({ desKey }) => ({ desBucket: pair.desBucket, desKey })));
  const jobs: JobMessage[] = [];
  for (const { candidate, desKey } of withKeys) {
    const record = records.get(objectPk(pair.desBucket, desKey));
    const sameSizePresent = candidate.destination !== undefined && candidate.destination.size === candidate.source.size;
    if (sameSizePresent && (!settings.compareVersions || record?.srcVersionId === candidate.source.versionId)) {
      counts.present++;
      continue;
    }
    const held = record?.status === OBJECT_STATUS.queued || record?.status === OBJECT_STATUS.inProgress;
    const fresh = record !== undefined && now.getTime() - Date.parse(record.updated_at) < settings.requeueAfterMs;
    if (held && fresh && (record.srcEtag ?? undefined) === (candidate.source.etag || undefined)) {
      counts.alreadyQueued++;
      continue;
    }
    jobs.push({
      schema: "s3-migrate/job",
      version: 1,
      source: {
        bucket: pair.srcBucket,
        key: candidate.source.key,
        size: candidate.source.size,
        ...(candidate.source.etag ? { etag: candidate.source.etag } : {}),
        ...(candidate.source.versionId === undefined ? {} : { versionId: candidate.source.versionId }),
      },
      destination: { bucket: pair.desBucket, key: desKey },
      queuedAt: now.toISOString(),
      passId: settings.passId,
    });
  }
  if (jobs.length === 0) return;
  if (context.sqs === undefined || context.queueUrl === undefined) {
    for (const job of jobs) settings.onPlanned?.(job);
    tally(settings, jobs);
    counts.queued += jobs.length;
    return;
  }
  const result = await sendJobs(
    context.sqs,
    context.queueUrl,
    jobs.map((job) => ({ body: serializeJob(job), item: job })),
  );
  counts.failed += result.failed.length;
  for (const failure of result.failed) {
    context.logger?.error("Job not sent", { key: failure.item.source.key, reason: failure.reason });
  }
  if (result.retried > 0) context.metrics?.addMetric("SendRetries", "Count", result.retried);
  if (result.failed.length > 0) context.metrics?.addMetric("SendFailures", "Count", result.failed.length);
  const ledger = context.ledger;
  if (ledger !== undefined) {
    await mapConcurrent(result.sent, 8, async (job) => {
      await ledger.markQueued(
        {
          srcBucket: job.source.bucket,
          srcKey: job.source.key,
          desBucket: job.destination.bucket,
          desKey: job.destination.key,
          size: job.source.size,
          ...(job.source.etag === undefined ? {} : { srcEtag: job.source.etag }),
          ...(job.source.versionId === undefined ? {} : { srcVersionId: job.source.versionId }),
        },
        now,
      );
    });
  }
  tally(settings, result.sent);
  counts.queued += result.sent.length;
  context.metrics?.addMetric("ObjectsQueued", "Count", result.sent.length);
  if (result.failed.length === jobs.length && jobs.length > 0) {
    throw new MigrationError(
      "Transient",
      `Could not send any of ${jobs.length} jobs to ${context.queueUrl}: ${result.failed[0]?.reason}`,
      true,
    );
  }
}

function tally(settings: RoundSettings, jobs: readonly JobMessage[]): void {
  if (settings.tally === undefined) return;
  for (const job of jobs) tallyObject(settings.tally.into, job.source.size ?? 0, settings.tally);
}
