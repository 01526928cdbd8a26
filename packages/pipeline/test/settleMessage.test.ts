import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { WAITS_ATTRIBUTE } from "../src/messages/messageAttributes.js";
import { MAC_ATTRIBUTE } from "../src/messages/messageAuthentication.js";
import { type QueueMessage, settleMessage, type WorkerQueues } from "../src/worker/settleMessage.js";

const sqs = mockClient(SQSClient);
const queues: WorkerQueues = {
  sqs: new SQSClient({ region: "us-east-1" }),
  queueUrl: "https://sqs.us-east-1.amazonaws.com/111122223333/jobs",
  deadLetterQueueUrl: "https://sqs.us-east-1.amazonaws.com/111122223333/dlq",
  eventQueue: { url: "https://sqs.us-east-1.amazonaws.com/111122223333/events", arn: "arn:aws:sqs:us-east-1:111122223333:events" },
  signer: { sign: async (body) => `mac-of-${body.length}` },
};
const event: QueueMessage = { messageId: "m1", body: '{"Records":[]}', receiptHandle: "r1", receiveCount: 2, arrivedOn: "event-queue" };

describe("settling a message of the event queue", () => {
  beforeEach(() => {
    sqs.reset();
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [{ Id: "0", MessageId: "n1", MD5OfMessageBody: "" }], Failed: [] });
    sqs.on(ChangeMessageVisibilityCommand).resolves({});
    sqs.on(DeleteMessageCommand).resolves({});
    sqs.on(SendMessageCommand).resolves({});
  });

  it("sends a retry to the job queue, signed, after its delay, and deletes it from the event queue", async () => {
    // Act
    const settled = await settleMessage(queues, event, { kind: "retry-later", reason: "busy", delaySeconds: 30 }, "cluster");
    // Assess
    expect(settled).toBe("succeeded");
    const sent = sqs.commandCalls(SendMessageBatchCommand)[0]?.args[0].input;
    expect(sent?.QueueUrl).toBe(queues.queueUrl);
    expect(sent?.Entries?.[0]).toMatchObject({
      MessageBody: event.body,
      DelaySeconds: 30,
      MessageAttributes: { [MAC_ATTRIBUTE]: { DataType: "String", StringValue: `mac-of-${event.body.length}` } },
    });
    expect(sqs.commandCalls(DeleteMessageCommand)[0]?.args[0].input).toEqual({ QueueUrl: queues.eventQueue?.url, ReceiptHandle: "r1" });
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand)).toHaveLength(0);
  });

  it("counts one wait more on a message sent again to wait for a lease", async () => {
    // Act
    await settleMessage(
      queues,
      { ...event, arrivedOn: undefined, waits: 5 } as QueueMessage,
      { kind: "retry-later", reason: "busy", delaySeconds: 30, asNewMessage: true },
      "lambda",
    );
    // Assess
    expect(sqs.commandCalls(SendMessageBatchCommand)[0]?.args[0].input.Entries?.[0]?.MessageAttributes?.[WAITS_ATTRIBUTE]).toEqual({
      DataType: "Number",
      StringValue: "6",
    });
  });

  it("sends a checked message again with the code it came with, and signs an S3 event's anew", async () => {
    const signed: string[] = [];
    const sign = async (body: string) => {
      signed.push(body);
      return "fresh";
    };
    const counting: WorkerQueues = { ...queues, signer: { sign } };
    const busy = { kind: "retry-later", reason: "busy", delaySeconds: 30, asNewMessage: true } as const;
    // Act
    await settleMessage(counting, { ...event, arrivedOn: undefined, mac: "its-own" } as QueueMessage, busy, "lambda");
    await settleMessage(counting, { ...event, mac: "not checked" }, busy, "lambda");
    // Assess
    const codes = sqs
      .commandCalls(SendMessageBatchCommand)
      .map((call) => call.args[0].input.Entries?.[0]?.MessageAttributes?.[MAC_ATTRIBUTE]?.StringValue);
    expect(codes).toEqual(["its-own", "fresh"]);
    expect(signed).toEqual([event.body]);
  });

  it("leaves a retry that could not be sent visible again on the event queue, at once", async () => {
    sqs.on(SendMessageBatchCommand).rejects(new Error("down"));
    // Act
    const settled = await settleMessage(queues, event, { kind: "retry-later", reason: "busy" }, "lambda");
    // Assess
    expect(settled).toBe("failed");
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand)[0]?.args[0].input).toEqual({
      QueueUrl: queues.eventQueue?.url,
      ReceiptHandle: "r1",
      VisibilityTimeout: 0,
    });
  }, 20_000);

  it("dead-letters an unauthenticated message without a code, and one of ours with the code it came with", async () => {
    // Act
    await settleMessage(
      queues,
      { ...event, arrivedOn: undefined } as QueueMessage,
      {
        kind: "dead-letter",
        code: "Unauthenticated",
        reason: "no code",
        unauthenticated: true,
      },
      "lambda",
    );
    const fromJobQueue = { ...event, arrivedOn: undefined, mac: "its-own" } as QueueMessage;
    await settleMessage(queues, fromJobQueue, { kind: "dead-letter", code: "SourceMissing", reason: "gone" }, "lambda");
    // Assess
    const [refused, ours] = sqs.commandCalls(SendMessageCommand).map((call) => call.args[0].input);
    expect(refused?.MessageAttributes?.[MAC_ATTRIBUTE]).toBeUndefined();
    expect(refused?.MessageAttributes?.errorCode?.StringValue).toBe("Unauthenticated");
    expect(ours?.MessageAttributes?.[MAC_ATTRIBUTE]?.StringValue).toBe("its-own");
  });
});
