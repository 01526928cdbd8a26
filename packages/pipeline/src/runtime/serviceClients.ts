import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import { SSMClient } from "@aws-sdk/client-ssm";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { SDK_REQUEST_ATTEMPTS } from "@s3-migrate/transfer";

/** The own-account service clients the functions use (SSM, SQS, DynamoDB). */
export interface ServiceClients {
  readonly ssm: SSMClient;
  readonly sqs: SQSClient;
  readonly documents: DynamoDBDocumentClient;
}

/**
 * Creates the service clients of the account the code runs in. Endpoints follow the SDK's own
 * configuration (`AWS_ENDPOINT_URL_SQS` and friends), which is how tests point them at local
 * servers; credentials follow the default chain (the function's role).
 */
export function createServiceClients(region: string, maxAttempts = SDK_REQUEST_ATTEMPTS): ServiceClients {
  const dynamo = new DynamoDBClient({ region, maxAttempts });
  return {
    ssm: new SSMClient({ region, maxAttempts }),
    sqs: new SQSClient({ region, maxAttempts }),
    documents: DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } }),
  };
}
