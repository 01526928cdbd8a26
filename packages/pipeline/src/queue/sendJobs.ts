import { SendMessageBatchCommand, type SendMessageBatchRequestEntry, type SQSClient } from "@aws-sdk/client-sqs";
import { backoffDelayMs, RETRY_POLICIES, type RetryPolicy, sleep } from "@s3-migrate/transfer";
import { jobBytes } from "../messages/jobMessage.js";

/** One message to send, with a value handed back once it is sent (or has failed). */
export interface OutgoingJob<T> {
  readonly body: string;
  readonly item: T;
  /** Seconds before the message can be received (SQS allows up to 900). */
  readonly delaySeconds?: number;
}

/** What became of the jobs of one flush. */
export interface SendResult<T> {
  readonly sent: T[];
  readonly failed: Array<{ item: T; reason: string }>;
  /** Entries that needed more than one attempt. */
  readonly retried: number;
}

const MAX_BATCH_ENTRIES = 10;
/** SQS delays a message by at most 15 minutes. */
export const MAX_DELAY_SECONDS = 900;
const MAX_BATCH_BYTES = 256 * 1024;

/**
 * Sends jobs with SendMessageBatch: up to 10 entries and 256 KiB a batch, failed entries retried
 * alone with the `queueSend` backoff (or `policy`), entries that still fail reported with the reason.
 */
export async function sendJobs<T>(
  sqs: SQSClient,
  queueUrl: string,
  jobs: readonly OutgoingJob<T>[],
  policy: RetryPolicy = RETRY_POLICIES.queueSend,
): Promise<SendResult<T>> {
  const result: { -readonly [K in keyof SendResult<T>]: SendResult<T>[K] } = { sent: [], failed: [], retried: 0 };
  for (const batch of batches(jobs)) {
    let pending = batch.map((job, index) => ({ job, id: String(index) }));
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > 1) {
        result.retried += pending.length;
        await sleep(backoffDelayMs(policy, attempt - 1));
      }
      let failures: Array<{ Id?: string; Message?: string; Code?: string; SenderFault?: boolean }>;
      try {
        const answer = await sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: pending.map(
              ({ job, id }): SendMessageBatchRequestEntry => ({
                Id: id,
                MessageBody: job.body,
                ...(job.delaySeconds ? { DelaySeconds: Math.min(MAX_DELAY_SECONDS, job.delaySeconds) } : {}),
              }),
            ),
          }),
        );
        failures = answer.Failed ?? [];
      } catch (error) {
        failures = pending.map(({ id }) => ({
          Id: id,
          Message: (error as Error).message,
          Code: (error as Error).name,
          SenderFault: false,
        }));
      }
      const failedIds = new Map(failures.map((failure) => [failure.Id, failure]));
      for (const entry of pending) if (!failedIds.has(entry.id)) result.sent.push(entry.job.item);
      const retryable = pending.filter((entry) => {
        const failure = failedIds.get(entry.id);
        if (failure === undefined) return false;
        if (failure.SenderFault || attempt >= policy.maxAttempts) {
          result.failed.push({ item: entry.job.item, reason: `${failure.Code ?? "Error"}: ${failure.Message ?? "send failed"}` });
          return false;
        }
        return true;
      });
      pending = retryable;
    }
  }
  return result;
}

/** Cuts jobs into batches of at most 10 entries and 256 KiB. */
export function batches<T>(jobs: readonly OutgoingJob<T>[]): OutgoingJob<T>[][] {
  const out: OutgoingJob<T>[][] = [];
  let current: OutgoingJob<T>[] = [];
  let bytes = 0;
  for (const job of jobs) {
    const size = jobBytes(job.body);
    if (current.length > 0 && (current.length === MAX_BATCH_ENTRIES || bytes + size > MAX_BATCH_BYTES)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(job);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}
