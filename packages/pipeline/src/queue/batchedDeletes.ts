import { DeleteMessageBatchCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { SQS_LIMITS } from "./sqsLimits.js";

/** How long a delete waits for others to share its DeleteMessageBatch. @default 50 ms */
export const DELETE_BATCH_WAIT_MS = 50;

/**
 * Deletes settled messages in batches of up to 10 (DeleteMessageBatch) instead of one request
 * each: a delete waits at most `waitMs` for others. Safe for exactly-once because a message is
 * deleted only after the ledger settled it: a delete that is late or lost (the process died, SQS
 * refused an entry) brings the message back after its visibility timeout as a duplicate, which
 * the ledger settles without copying. The worker does not wait for its deletes; `close` flushes.
 */
export class BatchedDeletes {
  readonly #sqs: SQSClient;
  readonly #queueUrl: string;
  readonly #waitMs: number;
  readonly #onFailure: (receiptHandle: string, reason: string) => void;
  #pending: string[] = [];
  #timer: NodeJS.Timeout | undefined;
  readonly #inFlight = new Set<Promise<void>>();

  /** @param onFailure - told of each delete SQS refused or that could not be sent (the message will come back) */
  constructor(
    sqs: SQSClient,
    queueUrl: string,
    {
      waitMs = DELETE_BATCH_WAIT_MS,
      onFailure = () => undefined,
    }: { waitMs?: number; onFailure?: (receiptHandle: string, reason: string) => void } = {},
  ) {
    this.#sqs = sqs;
    this.#queueUrl = queueUrl;
    this.#waitMs = waitMs;
    this.#onFailure = onFailure;
  }

  /** Queues a delete; sent with the next batch (at once when 10 are waiting). */
  delete(receiptHandle: string): void {
    this.#pending.push(receiptHandle);
    if (this.#pending.length >= SQS_LIMITS.maxBatchEntries) this.#send();
    else this.#timer ??= setTimeout(() => this.#send(), this.#waitMs);
  }

  /** Sends what is waiting and waits for every batch sent so far. */
  async close(): Promise<void> {
    while (this.#pending.length > 0) this.#send();
    await Promise.all(this.#inFlight);
  }

  #send(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const handles = this.#pending.splice(0, SQS_LIMITS.maxBatchEntries);
    if (this.#pending.length > 0) this.#timer = setTimeout(() => this.#send(), this.#waitMs);
    if (handles.length === 0) return;
    const batch = this.#sqs
      .send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.#queueUrl,
          Entries: handles.map((ReceiptHandle, index) => ({ Id: String(index), ReceiptHandle })),
        }),
      )
      .then(
        (answer) => {
          for (const failed of answer.Failed ?? [])
            this.#onFailure(handles[Number(failed.Id)] ?? "", `${failed.Code ?? "Failed"}: ${failed.Message ?? ""}`);
        },
        (error: unknown) => {
          for (const handle of handles) this.#onFailure(handle, String(error));
        },
      );
    const tracked = batch.finally(() => this.#inFlight.delete(tracked));
    this.#inFlight.add(tracked);
  }
}
