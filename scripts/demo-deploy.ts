// Creates, on the local endpoints, what Terraform creates in AWS for the demo: the destination
// bucket (destination side), and on our own side the job queue with its dead-letter queue, the
// DynamoDB ledger, the bucket-pairs parameter (what the jobsender compares and the only thing the
// worker may copy) and the credentials SecureString that points the worker at the destination.
// Prints `export NAME=value` lines for the worker's environment.
// The ledger table comes from the pipeline's schema (ledgerTableDefinition), as in the tests.
// Usage (bundled by scripts/demo.sh): node .tmp/demo-deploy.mjs OWN_ENDPOINT DESTINATION_ENDPOINT DESTINATION_BUCKET PAIRS_JSON
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { CreateKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { ledgerTableDefinition } from "@s3-migrate/pipeline";

const [own, destination, bucket, pairs] = process.argv.slice(2);
if (!own || !destination || !bucket || !pairs) {
  console.error("usage: node .tmp/demo-deploy.mjs OWN_ENDPOINT DESTINATION_ENDPOINT DESTINATION_BUCKET PAIRS_JSON");
  process.exit(2);
}
const credentials = { accessKeyId: "demo", secretAccessKey: "demo" };
const region = "us-east-1";
const log = (message: string) => console.error(`demo-deploy: ${message}`);

await new S3Client({ endpoint: destination, region: "cn-northwest-1", forcePathStyle: true, credentials }).send(
  new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: "cn-northwest-1" } }),
);
log(`created s3://${bucket} on the destination side`);

const sqs = new SQSClient({ endpoint: own, region, credentials });
const dlq = await sqs.send(new CreateQueueCommand({ QueueName: "s3-migrate-demo-dlq" }));
const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ["QueueArn"] }))).Attributes
  ?.QueueArn;
const queue = await sqs.send(
  new CreateQueueCommand({
    QueueName: "s3-migrate-demo-jobs",
    Attributes: { VisibilityTimeout: "120", RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: "60" }) },
  }),
);
log(`created the job queue and its dead-letter queue`);

await new DynamoDBClient({ endpoint: own, region, credentials }).send(
  new CreateTableCommand(ledgerTableDefinition("s3-migrate-demo-ledger")),
);
log("created the ledger table");

const ssm = new SSMClient({ endpoint: own, region, credentials });
await ssm.send(new PutParameterCommand({ Name: "/s3-migrate-demo/bucket-pairs", Type: "String", Overwrite: true, Value: pairs }));
log("stored the bucket pairs in SSM (String /s3-migrate-demo/bucket-pairs)");

await ssm.send(
  new PutParameterCommand({
    Name: "s3_migration_credentials",
    Type: "SecureString",
    Overwrite: true,
    Value: JSON.stringify({
      aws_access_key_id: "china-demo",
      aws_secret_access_key: "china-demo-secret",
      region: "cn-northwest-1",
      endpoint: destination,
    }),
  }),
);
log("stored the destination side's credentials in SSM (SecureString s3_migration_credentials)");

// The HMAC key the jobsender and the worker sign and check queue messages with, as Terraform creates it.
const messageKey = await new KMSClient({ endpoint: own, region, credentials }).send(
  new CreateKeyCommand({ KeySpec: "HMAC_256", KeyUsage: "GENERATE_VERIFY_MAC", Description: "s3-migrate demo: signs queue messages" }),
);
log("created the KMS HMAC key that signs queue messages");

console.log(`export MESSAGE_KEY_ID='${messageKey.KeyMetadata?.Arn ?? ""}'`);
console.log(`export JOB_QUEUE_URL='${queue.QueueUrl}'`);
console.log(`export DEAD_LETTER_QUEUE_URL='${dlq.QueueUrl}'`);
console.log("export LEDGER_TABLE='s3-migrate-demo-ledger'");
console.log("export BUCKET_PAIRS_PARAMETER='/s3-migrate-demo/bucket-pairs'");
console.log("export CREDENTIALS_PARAMETER='s3_migration_credentials'");
console.log("export DIRECTION='PUT'");
