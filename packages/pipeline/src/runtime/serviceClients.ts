import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { KMSClient } from "@aws-sdk/client-kms";
import { SQSClient } from "@aws-sdk/client-sqs";
import { SSMClient } from "@aws-sdk/client-ssm";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { isRegionName, SDK_REQUEST_ATTEMPTS } from "@s3-migrate/transfer";
import { type FunctionEnvironment, readMessageAuthentication } from "../config/environment.js";
import { KmsMessageAuthenticator, type MessageSigner } from "../messages/messageAuthentication.js";

/** The own-account service clients the functions use (SSM, SQS, DynamoDB, KMS). */
export interface ServiceClients {
  readonly ssm: SSMClient;
  readonly sqs: SQSClient;
  readonly documents: DynamoDBDocumentClient;
  /** Signs and checks queue messages (the message key's region is the function's). */
  readonly kms: KMSClient;
}

/**
 * Creates the service clients of the account the code runs in, in its region, the SQS client in
 * the region the job queue's URL names when it names one. Endpoints follow the SDK's own
 * configuration (`AWS_ENDPOINT_URL_SQS` and friends), which is how tests point them at local
 * servers; credentials follow the default chain (the function's role).
 */
export function createServiceClients(region: string, maxAttempts = SDK_REQUEST_ATTEMPTS, queueUrl?: string): ServiceClients {
  const dynamo = new DynamoDBClient({ region, maxAttempts });
  return {
    ssm: new SSMClient({ region, maxAttempts }),
    sqs: new SQSClient({ region: (queueUrl === undefined ? undefined : queueRegion(queueUrl)) ?? region, maxAttempts }),
    documents: DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } }),
    kms: new KMSClient({ region, maxAttempts }),
  };
}

/**
 * The region a queue URL names: `https://sqs.REGION.amazonaws.com[.cn]/ACCOUNT/NAME` or the
 * legacy `https://REGION.queue.amazonaws.com[.cn]/...`; undefined for any other URL (a local
 * endpoint's).
 *
 * @example queueRegion("https://sqs.eu-west-1.amazonaws.com/123456789012/jobs") // "eu-west-1"
 */
export function queueRegion(url: string): string | undefined {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return undefined;
  }
  const named = /^sqs\.([^.]+)\.amazonaws\.com(\.cn)?$/.exec(host)?.[1] ?? /^([^.]+)\.queue\.amazonaws\.com(\.cn)?$/.exec(host)?.[1];
  return named !== undefined && isRegionName(named) ? named : undefined;
}

/** The message authenticator the environment asks for (undefined: authentication is off). */
export function messageAuthenticator(
  environment: Pick<FunctionEnvironment, "messageAuthentication">,
  clients: Pick<ServiceClients, "kms">,
): KmsMessageAuthenticator | undefined {
  const mode = environment.messageAuthentication;
  return mode === "off" ? undefined : new KmsMessageAuthenticator(clients.kms, mode.keyId);
}

/**
 * The signer a tool outside the functions (the CLI's `send`) uses: `MESSAGE_KEY_ID` in `env`, in
 * `region`, or none when `MESSAGE_AUTHENTICATION=off`. @throws ConfigError when neither is set.
 */
export function messageSignerFor(env: Readonly<Record<string, string | undefined>>, region: string): MessageSigner | undefined {
  return messageAuthenticator({ messageAuthentication: readMessageAuthentication(env) }, { kms: new KMSClient({ region }) });
}
