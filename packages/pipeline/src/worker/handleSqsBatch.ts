import { setMaxListeners } from "node:events";
import { mapConcurrent } from "@s3-migrate/transfer";
import { readOurAttributes } from "../messages/messageAttributes.js";
import { decideMessage } from "./decideMessage.js";
import { type QueueMessage, settleMessage, type WorkerQueues } from "./settleMessage.js";
import type { WorkerContext } from "./workerContext.js";

/** The part of an SQS Lambda event record the worker reads. */
export interface SqsEventRecord {
  readonly messageId: string;
  readonly body: string;
  readonly receiptHandle: string;
  readonly attributes?: { readonly ApproximateReceiveCount?: string };
  /** The message attributes, as the Lambda event gives them (`stringValue`). */
  readonly messageAttributes?: Readonly<Record<string, { readonly stringValue?: string }>>;
  /** The ARN of the queue the record came from. */
  readonly eventSourceARN?: string;
}

/** A partial batch response: the messages to deliver again. */
export interface BatchResponse {
  batchItemFailures: Array<{ itemIdentifier: string }>;
}

/** What a batch needs besides its records. */
export interface BatchSettings {
  readonly worker: WorkerContext;
  readonly queues: WorkerQueues;
  /** Objects copied at once. */
  readonly fileConcurrency: number;
  /** Epoch ms at which transfers start no new parts (the Lambda deadline minus a safety margin). */
  readonly pauseAt: number;
  /** Epoch ms at which parts still uploading are cancelled; until then they finish. @default pauseAt */
  readonly cancelAt?: number;
  /**
   * Epoch ms the invocation ends (its deadline): the ledger leases it takes last that long, so a
   * crashed invocation's objects are free again before its messages become visible.
   */
  readonly leaseUntil: number;
}

/**
 * Handles an SQS batch in a Lambda: several objects at once (bounded), each message settled on
 * its own, and a partial batch response so one bad message never fails the others.
 */
export async function handleSqsBatch(records: readonly SqsEventRecord[], settings: BatchSettings): Promise<BatchResponse> {
  const pause = new AbortController();
  const cancel = new AbortController();
  setMaxListeners(0, pause.signal);
  setMaxListeners(0, cancel.signal);
  const pauseTimer = setTimeout(() => pause.abort(), Math.max(0, settings.pauseAt - Date.now()));
  const cancelTimer = setTimeout(() => cancel.abort(), Math.max(0, (settings.cancelAt ?? settings.pauseAt) - Date.now()));
  const failures: BatchResponse["batchItemFailures"] = [];
  try {
    await mapConcurrent(records, settings.fileConcurrency, async (record) => {
      const message: QueueMessage = {
        messageId: record.messageId,
        body: record.body,
        receiptHandle: record.receiptHandle,
        receiveCount: Number(record.attributes?.ApproximateReceiveCount ?? 1),
        ...readOurAttributes((name) => record.messageAttributes?.[name]?.stringValue),
        ...(record.eventSourceARN !== undefined && record.eventSourceARN === settings.queues.eventQueue?.arn
          ? { arrivedOn: "event-queue" as const }
          : {}),
      };
      try {
        const action = await decideMessage(settings.worker, message, {
          leaseUntil: () => settings.leaseUntil,
          pause: pause.signal,
          cancel: cancel.signal,
        });
        if ((await settleMessage(settings.queues, message, action, "lambda")) === "failed")
          failures.push({ itemIdentifier: record.messageId });
      } catch (error) {
        settings.worker.logger?.error("Message failed unexpectedly; it will be delivered again", {
          messageId: record.messageId,
          error: String(error),
        });
        failures.push({ itemIdentifier: record.messageId });
      }
    });
  } finally {
    clearTimeout(pauseTimer);
    clearTimeout(cancelTimer);
  }
  return { batchItemFailures: failures };
}
