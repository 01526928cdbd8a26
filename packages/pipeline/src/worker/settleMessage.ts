import { ChangeMessageVisibilityCommand, DeleteMessageCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { backoffDelayMs, type ErrorCode, RETRY_POLICIES } from "@s3-migrate/transfer";
import { DEAD_LETTER_ATTRIBUTES } from "../messages/messageAttributes.js";
import { macAttributes } from "../messages/messageAuthentication.js";
import type { BatchedDeletes } from "../queue/batchedDeletes.js";
import { type JobQueue, sendJobs } from "../queue/sendJobs.js";
import { SQS_LIMITS } from "../queue/sqsLimits.js";

/** A message as both the Lambda event and ReceiveMessage give it. */
export interface QueueMessage {
  readonly messageId: string;
  readonly body: string;
  readonly receiptHandle: string;
  /** ApproximateReceiveCount: 1 on the first delivery. */
  readonly receiveCount: number;
  /** The authentication code it came with (the `s3mMac` attribute), if any. */
  readonly mac?: string;
  /** Set when it came from the event queue (only S3 writes there); absent: the job queue. */
  readonly arrivedOn?: "event-queue";
  /** How many times it came back as a new message to wait for another attempt's lease (the `s3mWaits` attribute). */
  readonly waits?: number;
}

/** What to do with a message once its work is decided. */
export type MessageAction =
  | { readonly kind: "delete" }
  /** Send these messages (continuations, split S3 events), then delete the original. */
  | { readonly kind: "replace"; readonly bodies: readonly string[] }
  /**
   * Make it visible again after `delaySeconds` (a lease's expiry), or with backoff by receive
   * count; `asNewMessage`: send it again with that delay and delete this one instead, so a wait
   * for another attempt's lease never uses up the queue's maxReceiveCount.
   */
  | { readonly kind: "retry-later"; readonly reason: string; readonly delaySeconds?: number; readonly asNewMessage?: boolean }
  /**
   * Send it to the dead-letter queue with why, signed so that a redrive brings it back as ours;
   * `unauthenticated`: it failed its authentication and goes there as it came, so no redrive can
   * make it pass.
   */
  | { readonly kind: "dead-letter"; readonly reason: string; readonly code: ErrorCode; readonly unauthenticated?: boolean }
  /**
   * The pieces of a message settled apart (a batch's objects, an S3 event's records): queue these
   * (each after its delay) and dead-letter those, each alone, then delete the original.
   */
  | {
      readonly kind: "split";
      readonly requeue: ReadonlyArray<{ readonly body: string; readonly delaySeconds: number; readonly waits?: number }>;
      readonly deadLetters: ReadonlyArray<{ readonly body: string; readonly code: ErrorCode; readonly reason: string }>;
    };

/** The queues a worker talks to: the job queue (`sqs`, `queueUrl`, `signer`) and the rest. */
export interface WorkerQueues extends JobQueue {
  /** Where terminal failures go at once; without it they reach the DLQ through maxReceiveCount. */
  readonly deadLetterQueueUrl?: string;
  /** Cluster mode's deletes, in batches of up to 10; without it each message is deleted on its own. */
  readonly deletes?: BatchedDeletes;
  /** The queue S3's events arrive on: received and settled there, never sent to (a retry goes to the job queue, signed). */
  readonly eventQueue?: { readonly url: string; readonly arn?: string; readonly deletes?: BatchedDeletes };
}

/**
 * Carries out a message's action. Lambda mode leaves successful messages to the event source
 * mapping to delete (and reports the rest as batch item failures); cluster mode deletes them.
 *
 * @returns `succeeded` (the message is finished with) or `failed` (it will be delivered again).
 */
export async function settleMessage(
  queues: WorkerQueues,
  message: QueueMessage,
  action: MessageAction,
  mode: "lambda" | "cluster",
): Promise<"succeeded" | "failed"> {
  const own = arrivalQueue(queues, message);
  const succeed = async (): Promise<"succeeded"> => {
    if (mode === "lambda") return "succeeded";
    if (own.deletes !== undefined) own.deletes.delete(message.receiptHandle);
    else await queues.sqs.send(new DeleteMessageCommand({ QueueUrl: own.url, ReceiptHandle: message.receiptHandle }));
    return "succeeded";
  };
  const visibleIn = async (seconds: number): Promise<"failed"> => {
    await queues.sqs
      .send(new ChangeMessageVisibilityCommand({ QueueUrl: own.url, ReceiptHandle: message.receiptHandle, VisibilityTimeout: seconds }))
      .catch(() => undefined);
    return "failed";
  };
  switch (action.kind) {
    case "delete":
      return succeed();
    case "replace": {
      const result = await sendJobs(
        queues,
        action.bodies.map((body) => ({ body, item: body })),
      );
      return result.failed.length === 0 ? succeed() : visibleIn(0);
    }
    case "retry-later": {
      // An event comes back on the job queue, signed: the event queue takes S3's messages only.
      if (message.arrivedOn === "event-queue")
        return (await sendAgain(queues, message, action.delaySeconds ?? retryDelaySeconds(message.receiveCount)))
          ? succeed()
          : visibleIn(0);
      if (action.delaySeconds === undefined) return visibleIn(retryDelaySeconds(message.receiveCount));
      if (action.asNewMessage) {
        // SQS delays a message by at most 15 minutes; a longer wait comes back and waits again.
        if (await sendAgain(queues, message, action.delaySeconds)) return succeed();
      }
      return visibleIn(Math.min(SQS_LIMITS.maxVisibilityTimeoutSeconds, action.delaySeconds));
    }
    case "dead-letter":
      if (queues.deadLetterQueueUrl === undefined) return visibleIn(0);
      await deadLetter(queues, queues.deadLetterQueueUrl, message, action);
      return succeed();
    case "split": {
      // Without a dead-letter queue, a piece that can never work goes back alone and reaches the
      // DLQ through maxReceiveCount, as a single job would.
      const direct = queues.deadLetterQueueUrl;
      const requeue: ReadonlyArray<{ readonly body: string; readonly delaySeconds: number; readonly waits?: number }> = [
        ...action.requeue,
        ...(direct === undefined ? action.deadLetters.map(({ body }) => ({ body, delaySeconds: 0 })) : []),
      ];
      const sent = await sendJobs(
        queues,
        requeue.map((piece) => ({ ...piece, item: piece.body })),
      );
      if (direct !== undefined) {
        // A piece is signed anew: the message's own code is for the whole body.
        const { mac: _whole, ...unsigned } = message;
        await Promise.all(action.deadLetters.map((letter) => deadLetter(queues, direct, { ...unsigned, body: letter.body }, letter)));
      }
      return sent.failed.length === 0 ? succeed() : visibleIn(0);
    }
  }
}

/**
 * Sends a message to the dead-letter queue with why (errorCode, errorMessage, originalMessageId)
 * and its authentication code: the one it came with when the body is unchanged, a new one for a
 * piece of it, none when it failed its authentication.
 */
async function deadLetter(
  queues: WorkerQueues,
  deadLetterQueueUrl: string,
  message: QueueMessage,
  why: { readonly code: ErrorCode; readonly reason: string; readonly unauthenticated?: boolean },
): Promise<void> {
  const mac = why.unauthenticated ? undefined : (withCheckedCode(message).mac ?? (await queues.signer?.sign(message.body)));
  await queues.sqs.send(
    new SendMessageCommand({
      QueueUrl: deadLetterQueueUrl,
      MessageBody: message.body,
      MessageAttributes: {
        ...(mac === undefined ? {} : macAttributes(mac)),
        [DEAD_LETTER_ATTRIBUTES.code]: { DataType: "String", StringValue: why.code },
        [DEAD_LETTER_ATTRIBUTES.reason]: { DataType: "String", StringValue: why.reason.slice(0, 1000) },
        [DEAD_LETTER_ATTRIBUTES.originalMessageId]: { DataType: "String", StringValue: message.messageId },
      },
    }),
  );
}

/**
 * The code a message came with, when the worker checked it on arrival (the job queue's): sent on
 * with the same body, it needs no new KMS request. An event queue's message was not checked.
 */
function withCheckedCode(message: QueueMessage): { mac?: string } {
  return message.arrivedOn === "event-queue" || message.mac === undefined ? {} : { mac: message.mac };
}

/** The queue a message came from, and how its deletes go. */
function arrivalQueue(queues: WorkerQueues, message: QueueMessage): { readonly url: string; readonly deletes?: BatchedDeletes } {
  if (message.arrivedOn === "event-queue" && queues.eventQueue !== undefined) return queues.eventQueue;
  return { url: queues.queueUrl, ...(queues.deletes === undefined ? {} : { deletes: queues.deletes }) };
}

/**
 * Sends `message` to the job queue again as a new message, signed, after `delaySeconds` (at most
 * SQS's 15 minutes), one wait more on its count; whether it was sent.
 */
async function sendAgain(queues: WorkerQueues, message: QueueMessage, delaySeconds: number): Promise<boolean> {
  const job = {
    body: message.body,
    item: message.body,
    delaySeconds,
    waits: (message.waits ?? 0) + 1,
    ...withCheckedCode(message),
  };
  const sent = await sendJobs(queues, [job]).catch(() => undefined);
  return sent !== undefined && sent.failed.length === 0;
}

/** The visibility timeout of a message that failed `receiveCount` times: the `redelivery` backoff, in whole seconds. */
export function retryDelaySeconds(receiveCount: number): number {
  return Math.max(1, Math.round(backoffDelayMs(RETRY_POLICIES.redelivery, receiveCount) / 1000));
}
