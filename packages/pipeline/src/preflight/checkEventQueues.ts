import { GetBucketNotificationConfigurationCommand } from "@aws-sdk/client-s3";
import { queueRegion } from "../runtime/serviceClients.js";
import { describeAnswer, sendOptions } from "./answers.js";
import type { NotifiedQueue, SideS3Client } from "./preflightTypes.js";
import { type PreflightProblem, preflightProblem } from "./problems.js";

/** The event bucket, where it is, and the job queue its events must reach. */
export interface EventQueueTarget {
  readonly bucket: string;
  /** The event bucket's region, as found. */
  readonly region?: string;
  /** The job queue (its URL names its region on AWS). */
  readonly queueUrl?: string;
  readonly signal?: AbortSignal;
}

/**
 * Reads which queues the event bucket notifies and checks that each is in the bucket's region:
 * S3 delivers a bucket's notifications only to a queue of its own region, so a notification to
 * another region's queue never arrives. With the job queue's URL, checks its region too (before
 * the notification exists, as when Terraform has not been applied yet) and notes when no
 * notification targets it.
 *
 * @example
 * await checkEventQueues(clients.source, { bucket: "uploads", region: "eu-west-1", queueUrl: "https://sqs.us-east-1.amazonaws.com/111122223333/jobs" })
 * // problems: [{ code: "EventQueueRegion", message: "event bucket s3://uploads is in eu-west-1, but the job queue ... is in us-east-1; ..." }]
 */
export async function checkEventQueues(
  client: SideS3Client,
  target: EventQueueTarget,
): Promise<{ queues?: NotifiedQueue[]; problems: PreflightProblem[]; notes: string[] }> {
  const where = `event bucket s3://${target.bucket}`;
  const problems: PreflightProblem[] = [];
  const notes: string[] = [];
  const elsewhere = (what: string, region: string | undefined) => {
    if (region === undefined || target.region === undefined || region === target.region) return;
    problems.push(
      preflightProblem("EventQueueRegion", `${where} is in ${target.region}, but ${what} is in ${region}: its notifications never arrive`),
    );
  };
  const queues = await readQueues(client, target).catch((error: unknown) => {
    notes.push(`${where}: its notification configuration could not be read: ${describeAnswer(error)}`);
    return undefined;
  });
  for (const queue of queues ?? []) elsewhere(`its notification's queue ${queue.arn}`, queue.region);
  if (target.queueUrl !== undefined) {
    const name = target.queueUrl.split("/").at(-1) ?? "";
    const notified = queues?.some((queue) => queue.arn.endsWith(`:${name}`)) ?? false;
    if (!notified) elsewhere(`the job queue ${target.queueUrl}`, queueRegion(target.queueUrl));
    if (queues !== undefined && !notified) notes.push(`${where}: no notification targets the job queue ${name} yet`);
  }
  if (target.region === undefined) notes.push(`${where}: its region is unknown, so its queues' regions were not compared`);
  return { ...(queues === undefined ? {} : { queues }), problems, notes };
}

async function readQueues(client: SideS3Client, target: EventQueueTarget): Promise<NotifiedQueue[]> {
  const answer = await client.send(new GetBucketNotificationConfigurationCommand({ Bucket: target.bucket }), sendOptions(target.signal));
  return (answer?.QueueConfigurations ?? []).flatMap((configuration) => {
    const arn = configuration.QueueArn;
    const region = arn?.split(":")[3];
    return arn === undefined || region === undefined ? [] : [{ arn, region }];
  });
}
