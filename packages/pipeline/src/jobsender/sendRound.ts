import { destinationKey, MigrationError, mapConcurrent } from "@s3-migrate/transfer";
import type { BucketPair } from "../config/bucketPairs.js";
import { type BatchRules, readBatchRules } from "../config/environment.js";
import { tallyBatch, tallyObject } from "../estimate/runTally.js";
import { OBJECT_STATUS, objectPk } from "../ledger/ledgerSchema.js";
import { sendJobs } from "../queue/sendJobs.js";
import type { JobsenderContext, JobsenderOptions, PairCounts } from "./jobsenderTypes.js";
import { type PackedMessage, type PlannedJob, packJobs } from "./packJobs.js";
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
  /** How small objects are packed into batch messages. @default the settings' defaults */
  readonly batching?: BatchRules;
}

/** Batches as the settings' defaults make them (BATCH_MAX_OBJECTS, BATCH_MAX_MIB, SMALL_OBJECT_THRESHOLD_MIB). */
const DEFAULT_BATCHING: BatchRules = readBatchRules({});

/**
 * One round: drops candidates the ledger says are already queued or in progress (and, comparing
 * versions, present objects whose recorded source version is current), sends the rest (small
 * objects missing at the destination in batches, see packJobs.ts), and records each sent object
 * as queued in the ledger. A dry run only reports what it would send.
 */
export async function sendRound(context: JobsenderContext, settings: RoundSettings, candidates: Candidate[]): Promise<void> {
  const { pair, counts } = settings;
  const now = context.now?.() ?? new Date();
  const withKeys = candidates.map((candidate) => ({ candidate, desKey: destinationKey(pair.desPrefix, candidate.source.key) }));
  const records =
    context.ledger === undefined
      ? new Map()
      : await context.ledger.getMany(withKeys.map(({ desKey }) => ({ desBucket: pair.desBucket, desKey })));
  const planned: PlannedJob[] = [];
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
    planned.push({
      destinationMissing: candidate.destination === undefined,
      job: {
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
      },
    });
  }
  const jobs = planned.map(({ job }) => job);
  if (jobs.length === 0) return;
  const packed = packJobs(planned, settings.batching ?? DEFAULT_BATCHING);
  if (context.sqs === undefined || context.queueUrl === undefined) {
    for (const job of jobs) settings.onPlanned?.(job);
    tally(settings, packed);
    counts.queued += jobs.length;
    return;
  }
  const { sqs, queueUrl, signer } = context;
  const sentMessages = await sendJobs(
    { sqs, queueUrl, ...(signer === undefined ? {} : { signer }) },
    packed.map((message) => ({ body: message.body, item: message })),
  );
  const result = {
    sent: sentMessages.sent.flatMap((message) => message.jobs),
    failed: sentMessages.failed.flatMap(({ item, reason }) => item.jobs.map((job) => ({ item: job, reason }))),
    retried: sentMessages.retried,
  };
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
  tally(settings, sentMessages.sent);
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

function tally(settings: RoundSettings, messages: readonly PackedMessage[]): void {
  if (settings.tally === undefined) return;
  for (const message of messages) {
    for (const job of message.jobs) tallyObject(settings.tally.into, job.source.size ?? 0, settings.tally);
    if (message.jobs.length > 1) tallyBatch(settings.tally.into, message.jobs.length);
  }
}
