/**
 * Deploys what the functions need onto the local endpoints (SSM parameters, a queue, the ledger
 * table) and returns the environment the Terraform module would give them, pointed at moto.
 */
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import type { JobQueue } from "@s3-migrate/pipeline";
import { createLedgerTable, createMessageKey, createQueue, localClients, signingQueue } from "./awsResources.js";
import { testEndpoints } from "./endpoints.js";

/**
 * Knobs that make objects fan out at test-bed sizes: parts of 5 MiB, fan-out above 10 MiB, 2 parts
 * to a range, 2 parts and 2 files at a time.
 */
export const SMALL_FANOUT_ENV: Readonly<Record<string, string>> = {
  PART_SIZE_MIB: "5",
  SMALL_OBJECT_THRESHOLD_MIB: "5",
  FANOUT_THRESHOLD_MIB: "10",
  FANOUT_RANGE_PARTS: "2",
  PART_CONCURRENCY: "2",
  FILE_CONCURRENCY: "2",
};

/** A deployment on the local endpoints; `env` is what the functions read. */
export interface LocalDeployment {
  readonly env: Record<string, string>;
  readonly queueUrl: string;
  /** The queue S3's events arrive on (only S3 writes it in a deployment; a test sends there what S3 would). */
  readonly eventQueueUrl: string;
  readonly dlqUrl: string;
  readonly table: string;
  /** The HMAC key the functions sign and check messages with (`MESSAGE_KEY_ID`). */
  readonly messageKeyArn: string;
  /** The job queue, signing what is sent as the functions do: what a test queues through it is ours. */
  readonly queue: JobQueue;
}

/** Creates the parameters, queues and table under a unique name. */
export async function deployLocally(
  name: string,
  pairs: unknown,
  ignoreList = "#",
  extraEnv: Record<string, string> = {},
  destinationEndpoint = testEndpoints().destination.endpoint,
): Promise<LocalDeployment> {
  const { source, destination } = testEndpoints();
  const { sqs, dynamo, kms } = localClients(source.endpoint);
  const ssm = new SSMClient({
    region: source.region,
    endpoint: source.endpoint,
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
  });
  const unique = `${name}-${process.pid}-${Math.random().toString(36).slice(2, 6)}`;
  const put = (Name: string, Value: string, Type: "String" | "SecureString" = "String") =>
    ssm.send(new PutParameterCommand({ Name, Value, Type, Overwrite: true }));
  await put(`/${unique}/bucket-pairs`, typeof pairs === "string" ? pairs : JSON.stringify(pairs));
  await put(`/${unique}/ignore-list`, ignoreList);
  await put(
    `/${unique}/credentials`,
    JSON.stringify({
      aws_access_key_id: "china",
      aws_secret_access_key: "china-secret",
      region: destination.region,
      endpoint: destinationEndpoint,
    }),
    "SecureString",
  );
  const dlqUrl = await createQueue(sqs, `${unique}-dlq`);
  const queueUrl = await createQueue(sqs, `${unique}-jobs`, {
    VisibilityTimeout: "960",
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: `arn:aws:sqs:us-east-1:123456789012:${unique}-dlq`, maxReceiveCount: "3" }),
  });
  const eventQueueUrl = await createQueue(sqs, `${unique}-events`, {
    VisibilityTimeout: "960",
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: `arn:aws:sqs:us-east-1:123456789012:${unique}-dlq`, maxReceiveCount: "3" }),
  });
  const table = await createLedgerTable(dynamo, `${unique}-ledger`);
  const messageKeyArn = await createMessageKey(kms);
  return {
    queueUrl,
    eventQueueUrl,
    dlqUrl,
    table,
    messageKeyArn,
    queue: signingQueue(sqs, kms, queueUrl, messageKeyArn),
    env: {
      AWS_REGION: source.region,
      AWS_ACCESS_KEY_ID: "testing",
      AWS_SECRET_ACCESS_KEY: "testing",
      AWS_ENDPOINT_URL_S3: source.endpoint,
      AWS_ENDPOINT_URL_SQS: source.endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: source.endpoint,
      AWS_ENDPOINT_URL_SSM: source.endpoint,
      AWS_ENDPOINT_URL_KMS: source.endpoint,
      MESSAGE_KEY_ID: messageKeyArn,
      JOB_QUEUE_URL: queueUrl,
      EVENT_QUEUE_URL: eventQueueUrl,
      EVENT_QUEUE_ARN: `arn:aws:sqs:us-east-1:123456789012:${unique}-events`,
      LEDGER_TABLE: table,
      BUCKET_PAIRS_PARAMETER: `/${unique}/bucket-pairs`,
      IGNORE_LIST_PARAMETER: `/${unique}/ignore-list`,
      CREDENTIALS_PARAMETER: `/${unique}/credentials`,
      DIRECTION: "PUT",
      MAX_ATTEMPTS: "3",
      DEADLINE_MARGIN_SECONDS: "5",
      POWERTOOLS_METRICS_NAMESPACE: "s3-migrate-test",
      POWERTOOLS_LOG_LEVEL: "WARN",
      ...extraEnv,
    },
  };
}
