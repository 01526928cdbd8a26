/**
 * SQS queues and the DynamoDB ledger table on the local endpoints, created the way the
 * Terraform modules create them, plus small readers for assertions.
 */
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { CreateKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { CreateQueueCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import {
  type CopyWork,
  type JobQueue,
  KmsMessageAuthenticator,
  ledgerTableDefinition,
  MAC_ATTRIBUTE,
  parseQueueMessage,
  sendJobs,
} from "@s3-migrate/pipeline";
import { expect } from "vitest";

const credentials = { accessKeyId: "testing", secretAccessKey: "testing" };

/** SQS and DynamoDB clients for a local endpoint. */
export function localClients(
  endpoint: string,
  region = "us-east-1",
): { sqs: SQSClient; dynamo: DynamoDBClient; documents: DynamoDBDocumentClient; kms: KMSClient } {
  const sqs = new SQSClient({ endpoint, region, credentials });
  const dynamo = new DynamoDBClient({ endpoint, region, credentials });
  const kms = new KMSClient({ endpoint, region, credentials });
  return { sqs, dynamo, documents: DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } }), kms };
}

/** Creates the HMAC key that signs queue messages, as terraform/modules/queue does; returns its ARN. */
export async function createMessageKey(kms: KMSClient): Promise<string> {
  const answer = await kms.send(new CreateKeyCommand({ KeySpec: "HMAC_256", KeyUsage: "GENERATE_VERIFY_MAC" }));
  const arn = answer.KeyMetadata?.Arn;
  if (arn === undefined) throw new Error("CreateKey returned no ARN");
  return arn;
}

/** The job queue at `queueUrl`, signing with `messageKeyArn` as the deployment's functions do. */
export function signingQueue(sqs: SQSClient, kms: KMSClient, queueUrl: string, messageKeyArn: string): JobQueue {
  return { sqs, queueUrl, signer: new KmsMessageAuthenticator(kms, messageKeyArn) };
}

/** Creates a queue; returns its URL. */
export async function createQueue(sqs: SQSClient, name: string, attributes: Record<string, string> = {}): Promise<string> {
  const answer = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  if (answer.QueueUrl === undefined) throw new Error(`CreateQueue ${name} returned no URL`);
  return answer.QueueUrl;
}

/** Creates the ledger table with the key schema and index of terraform/modules/ledger. */
export async function createLedgerTable(dynamo: DynamoDBClient, name: string): Promise<string> {
  await dynamo.send(new CreateTableCommand(ledgerTableDefinition(name)));
  return name;
}

/** Receives (and deletes) every message currently in the queue; returns the bodies. */
export async function drainQueue(sqs: SQSClient, queueUrl: string): Promise<string[]> {
  const bodies: string[] = [];
  for (let empty = 0; empty < 2; ) {
    const answer = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    const messages = answer.Messages ?? [];
    if (messages.length === 0) {
      empty++;
      continue;
    }
    bodies.push(...messages.map((message) => message.Body ?? ""));
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle })),
      }),
    );
  }
  return bodies;
}

/** Sends these message bodies to the queue (SendMessageBatch, signed by the queue's signer) and expects every one sent. */
export async function queueBodies(queue: JobQueue, bodies: readonly string[]): Promise<void> {
  const queued = await sendJobs(
    queue,
    bodies.map((body) => ({ body, item: body })),
  );
  expect(queued.failed).toEqual([]);
}

/** One object a queued message asks for, as the worker reads it, and the schema of the message that carried it. */
export interface QueuedJob {
  readonly schema: string;
  readonly source: CopyWork["source"];
  readonly destination: CopyWork["destination"];
}

/**
 * Drains the queue like {@link drainQueue} and reads every job out of what it held with the
 * worker's own parser: an `s3-migrate/job` is one, an `s3-migrate/batch` one per object (with
 * `schema` telling them apart).
 */
export async function drainJobs(sqs: SQSClient, queueUrl: string): Promise<QueuedJob[]> {
  return (await drainQueue(sqs, queueUrl)).flatMap((body) => {
    const { schema } = JSON.parse(body);
    return parseQueueMessage(body).map((work) => ({ schema, source: work.source, destination: work.destination }));
  });
}

/** A dead-lettered message as the worker sends it: the body, and why (its message attributes). */
export interface DeadLetter {
  readonly body: string;
  readonly errorCode: string;
  readonly errorMessage: string;
  /** The authentication code it carries (the worker signs what it dead-letters, unless it failed authentication). */
  readonly mac?: string;
}

/** Receives (and deletes) every dead letter currently in `dlqUrl`, with the reason attributes. */
export async function drainDeadLetters(sqs: SQSClient, dlqUrl: string): Promise<DeadLetter[]> {
  const letters: DeadLetter[] = [];
  for (let empty = 0; empty < 2; ) {
    const answer = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, MessageAttributeNames: ["All"] }),
    );
    const messages = answer.Messages ?? [];
    if (messages.length === 0) {
      empty++;
      continue;
    }
    for (const message of messages) {
      letters.push({
        body: message.Body ?? "",
        errorCode: message.MessageAttributes?.errorCode?.StringValue ?? "",
        errorMessage: message.MessageAttributes?.errorMessage?.StringValue ?? "",
        ...(message.MessageAttributes?.[MAC_ATTRIBUTE]?.StringValue === undefined
          ? {}
          : { mac: message.MessageAttributes[MAC_ATTRIBUTE].StringValue }),
      });
    }
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: dlqUrl,
        Entries: messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle })),
      }),
    );
  }
  return letters;
}
