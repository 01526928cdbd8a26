/**
 * What Lambda's SQS event source mapping does, in-process: receive a batch, invoke the handler
 * with it, delete the messages the handler did not report as failures. Lets integration tests run
 * the real worker handler against a real (local) queue.
 */
import { DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { Context, SQSEvent } from "aws-lambda";
import { lambdaContext } from "./lambdaContext.js";

type Handler = (event: SQSEvent, context: Context) => Promise<{ batchItemFailures: Array<{ itemIdentifier: string }> }>;

/** What a drain did. */
export interface DrainReport {
  invocations: number;
  processed: number;
  failures: number;
}

/**
 * Invokes `handler` with batches from the queue until the queue stays empty (or `maxInvocations`).
 * @param timeoutMs the Lambda timeout each invocation gets.
 */
export async function drainThroughHandler(
  sqs: SQSClient,
  queueUrl: string,
  handler: Handler,
  options: { batchSize?: number; timeoutMs?: number; maxInvocations?: number; idleRounds?: number } = {},
): Promise<DrainReport> {
  const report: DrainReport = { invocations: 0, processed: 0, failures: 0 };
  // as the mapping does, each record names the queue it came from
  const eventSourceARN = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }))).Attributes
    ?.QueueArn;
  let idle = 0;
  while (report.invocations < (options.maxInvocations ?? 500) && idle < (options.idleRounds ?? 2)) {
    const answer = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: options.batchSize ?? 10,
        WaitTimeSeconds: 0,
        MessageSystemAttributeNames: ["ApproximateReceiveCount"],
        MessageAttributeNames: ["All"],
      }),
    );
    const messages = answer.Messages ?? [];
    if (messages.length === 0) {
      idle++;
      await new Promise((resolve) => setTimeout(resolve, 300));
      continue;
    }
    idle = 0;
    const event = {
      Records: messages.map((message) => ({
        messageId: message.MessageId ?? "",
        receiptHandle: message.ReceiptHandle ?? "",
        body: message.Body ?? "",
        attributes: { ApproximateReceiveCount: message.Attributes?.ApproximateReceiveCount ?? "1" },
        eventSourceARN,
        // as the event source mapping gives them: every attribute, in camel case
        messageAttributes: Object.fromEntries(
          Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
            name,
            { stringValue: value.StringValue, dataType: value.DataType },
          ]),
        ),
      })),
    } as unknown as SQSEvent;
    report.invocations++;
    const response = await handler(event, lambdaContext("worker", options.timeoutMs ?? 120_000));
    const failed = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier));
    report.failures += failed.size;
    for (const message of messages) {
      if (failed.has(message.MessageId ?? "")) continue;
      report.processed++;
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
    }
  }
  return report;
}
