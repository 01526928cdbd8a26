import type { BatchRules } from "../config/environment.js";
import { type BatchObject, serializeBatch } from "../messages/batchMessage.js";
import { type JobMessage, serializeJob } from "../messages/jobMessage.js";
import { SQS_LIMITS } from "../queue/sqsLimits.js";

/** A job the jobsender is about to send, and whether the destination lacks the object altogether. */
export interface PlannedJob {
  readonly job: JobMessage;
  /** No object at the destination key: only such objects are batched (their copies are create-only). */
  readonly destinationMissing: boolean;
}

/** One message to send and the jobs it carries. */
export interface PackedMessage {
  readonly body: string;
  readonly jobs: readonly JobMessage[];
}

/** Room left in a batch body for SQS's own accounting and the fields around the objects. */
const BODY_HEADROOM_BYTES = 4 * 1024;

/**
 * Packs a round's jobs into messages: small objects (one PUT, at most `maxBytes`, with an ETag)
 * missing at the destination go into `s3-migrate/batch` messages of up to `maxObjects` objects,
 * `maxBytes` of data and the 256 KiB message limit; every other job is a message of its own. A
 * batch of one object is sent as a job.
 */
export function packJobs(planned: readonly PlannedJob[], rules: BatchRules): PackedMessage[] {
  const messages: PackedMessage[] = [];
  const open = new Map<string, { jobs: JobMessage[]; bytes: number; bodyBytes: number }>();
  const flush = (pair: string) => {
    const batch = open.get(pair);
    if (batch === undefined) return;
    open.delete(pair);
    messages.push(batch.jobs.length === 1 ? single(batch.jobs[0] as JobMessage) : batchMessage(batch.jobs));
  };
  for (const { job, destinationMissing } of planned) {
    if (!batchable(job, destinationMissing, rules)) {
      messages.push(single(job));
      continue;
    }
    const pair = `${job.source.bucket}\n${job.destination.bucket}`;
    const entryBytes = Buffer.byteLength(JSON.stringify(batchObject(job)), "utf8") + 1;
    const current = open.get(pair);
    if (
      current !== undefined &&
      (current.jobs.length >= rules.maxObjects ||
        current.bytes + job.source.size > rules.maxBytes ||
        current.bodyBytes + entryBytes > SQS_LIMITS.maxMessageBytes - BODY_HEADROOM_BYTES)
    )
      flush(pair);
    const batch = open.get(pair) ?? { jobs: [], bytes: 0, bodyBytes: 0 };
    batch.jobs.push(job);
    batch.bytes += job.source.size;
    batch.bodyBytes += entryBytes;
    open.set(pair, batch);
  }
  for (const pair of [...open.keys()]) flush(pair);
  return messages;
}

function batchable(job: JobMessage, destinationMissing: boolean, rules: BatchRules): boolean {
  return (
    rules.maxObjects > 1 &&
    destinationMissing &&
    job.source.etag !== undefined &&
    job.source.etag !== "" &&
    job.source.size <= rules.smallObjectThreshold &&
    job.source.size <= rules.maxBytes
  );
}

function single(job: JobMessage): PackedMessage {
  const { schema: _schema, version: _version, ...fields } = job;
  return { body: serializeJob(fields), jobs: [job] };
}

function batchMessage(jobs: readonly JobMessage[]): PackedMessage {
  const first = jobs[0] as JobMessage;
  return {
    body: serializeBatch({
      sourceBucket: first.source.bucket,
      destinationBucket: first.destination.bucket,
      objects: jobs.map(batchObject),
      queuedAt: first.queuedAt,
      ...(first.passId === undefined ? {} : { passId: first.passId }),
    }),
    jobs,
  };
}

function batchObject(job: JobMessage): BatchObject {
  return {
    key: job.source.key,
    size: job.source.size,
    etag: job.source.etag ?? "",
    ...(job.source.versionId === undefined ? {} : { versionId: job.source.versionId }),
    destinationKey: job.destination.key,
  };
}
