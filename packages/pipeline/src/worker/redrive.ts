import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
  StartMessageMoveTaskCommand,
} from "@aws-sdk/client-sqs";
import { MAC_ATTRIBUTE, macAttributes } from "../messages/messageAuthentication.js";
import { SQS_LIMITS } from "../queue/sqsLimits.js";

/** How a redrive went. */
export interface RedriveResult {
  /** `move-task`: SQS moves the messages itself (asynchronously); `copy`: we received, sent and deleted them. */
  readonly method: "move-task" | "copy";
  readonly moved: number;
  readonly taskHandle?: string;
}

/**
 * Moves dead-lettered messages back to the job queue: with SQS's own StartMessageMoveTask where
 * the endpoint has it, otherwise by receiving from the DLQ, sending to the queue and deleting from
 * the DLQ, ten at a time (a message is deleted only after it was sent). Either way a message keeps
 * its authentication code and nothing is signed anew: what the worker refused as unauthenticated
 * comes back unauthenticated, and is refused again.
 */
export async function redriveDeadLetters(
  sqs: SQSClient,
  deadLetterQueueUrl: string,
  queueUrl: string,
  maxMessages = Number.POSITIVE_INFINITY,
): Promise<RedriveResult> {
  const arnOf = async (url: string) => {
    const answer = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }));
    return answer.Attributes?.QueueArn;
  };
  if (!Number.isFinite(maxMessages)) {
    try {
      const [sourceArn, destinationArn] = await Promise.all([arnOf(deadLetterQueueUrl), arnOf(queueUrl)]);
      const task = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: sourceArn, DestinationArn: destinationArn }));
      return { method: "move-task", moved: 0, ...(task.TaskHandle === undefined ? {} : { taskHandle: task.TaskHandle }) };
    } catch (error) {
      // Endpoints without message move tasks (older regions' APIs, S3-compatible stacks, moto)
      // answer in many ways; anything but a refusal of our rights falls back to copying.
      if (/AccessDenied|Forbidden/.test((error as { name?: string }).name ?? "")) throw error;
    }
  }
  let moved = 0;
  while (moved < maxMessages) {
    const answer = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: deadLetterQueueUrl,
        MaxNumberOfMessages: Math.min(SQS_LIMITS.maxBatchEntries, maxMessages - moved),
        WaitTimeSeconds: 1,
        VisibilityTimeout: 60,
        MessageAttributeNames: [MAC_ATTRIBUTE],
      }),
    );
    const messages = answer.Messages ?? [];
    if (messages.length === 0) break;
    const sent = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: messages.map((message, index) => {
          const mac = message.MessageAttributes?.[MAC_ATTRIBUTE]?.StringValue;
          return {
            Id: String(index),
            MessageBody: message.Body ?? "",
            ...(mac === undefined ? {} : { MessageAttributes: macAttributes(mac) }),
          };
        }),
      }),
    );
    const ok = new Set((sent.Successful ?? []).map((entry) => entry.Id));
    const toDelete = messages.filter((_, index) => ok.has(String(index)));
    if (toDelete.length > 0) {
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: deadLetterQueueUrl,
          Entries: toDelete.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle ?? "" })),
        }),
      );
    }
    moved += toDelete.length;
    if (toDelete.length < messages.length) break;
  }
  return { method: "copy", moved };
}
