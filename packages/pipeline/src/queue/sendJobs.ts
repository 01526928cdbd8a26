import { SendMessageBatchCommand, type SendMessageBatchRequestEntry, type SQSClient } from "@aws-sdk/client-sqs";
import { backoffDelayMs, RETRY_POLICIES, type RetryPolicy, sleep } from "@s3-migrate/transfer";
import { jobBytes } from "../messages/jobMessage.js";
import { WAITS_ATTRIBUTE_BYTES, waitsAttributes } from "../messages/messageAttributes.js";
import { MAC_ATTRIBUTE_BYTES, type MessageSigner, macAttributes } from "../messages/messageAuthentication.js";
import { SQS_LIMITS } from "./sqsLimits.js";

/** The job queue and how this process writes to it. */
export interface JobQueue {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  /** Signs every message sent (the worker refuses unsigned ones); absent only where authentication is off. */
  readonly signer?: MessageSigner;
}

/** One message to send, with a value handed back once it is sent (or has failed). */
export interface OutgoingJob<T> {
  readonly body: string;
  readonly item: T;
  /** Seconds before the message can be received (SQS allows up to 900). */
  readonly delaySeconds?: number;
  /** How many times it has waited for another attempt's lease (sent as the `s3mWaits` attribute). */
  readonly waits?: number;
  /** The authentication code `body` already carries (a message sent again unchanged): sent as it is, not signed anew. */
  readonly mac?: string;
}

/** What became of the jobs of one flush. */
export interface SendResult<T> {
  readonly sent: T[];
  readonly failed: Array<{ item: T; reason: string }>;
  /** Entries that needed more than one attempt. */
  readonly retried: number;
}

/**
 * Sends jobs with SendMessageBatch: up to 10 entries and 256 KiB a batch, each signed once by the
 * queue's signer, failed entries retried alone with the `queueSend` backoff (or `policy`),
 * entries that still fail reported with the reason.
 */
export async function sendJobs<T>(
  queue: JobQueue,
  jobs: readonly OutgoingJob<T>[],
  policy: RetryPolicy = RETRY_POLICIES.queueSend,
): Promise<SendResult<T>> {
  const { sqs, queueUrl, signer } = queue;
  const result: { -readonly [K in keyof SendResult<T>]: SendResult<T>[K] } = { sent: [], failed: [], retried: 0 };
  for (const batch of batches(jobs, (signer === undefined ? 0 : MAC_ATTRIBUTE_BYTES) + WAITS_ATTRIBUTE_BYTES)) {
    const macs = signer === undefined ? [] : await Promise.all(batch.map((job) => job.mac ?? signer.sign(job.body)));
    let pending = batch.map((job, index) => ({ job, id: String(index), mac: macs[index] }));
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
              ({ job, id, mac }): SendMessageBatchRequestEntry => ({
                Id: id,
                MessageBody: job.body,
                ...(mac === undefined && !job.waits
                  ? {}
                  : { MessageAttributes: { ...(mac === undefined ? {} : macAttributes(mac)), ...waitsAttributes(job.waits ?? 0) } }),
                ...(job.delaySeconds ? { DelaySeconds: Math.min(SQS_LIMITS.maxDelaySeconds, job.delaySeconds) } : {}),
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

/** Cuts jobs into batches of at most 10 entries and 256 KiB, each entry `attributeBytes` larger than its body. */
export function batches<T>(jobs: readonly OutgoingJob<T>[], attributeBytes = 0): OutgoingJob<T>[][] {
  const out: OutgoingJob<T>[][] = [];
  let current: OutgoingJob<T>[] = [];
  let bytes = 0;
  for (const job of jobs) {
    const size = jobBytes(job.body) + attributeBytes;
    if (current.length > 0 && (current.length === SQS_LIMITS.maxBatchEntries || bytes + size > SQS_LIMITS.maxMessageBytes)) {
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
