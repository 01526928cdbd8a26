import { parseArgs } from "node:util";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { queueRegion, redriveDeadLetters, summarizeLedger } from "@s3-migrate/pipeline";
import { ConfigError } from "@s3-migrate/transfer";
import { ownRegion } from "../endpointOptions.js";
import { formatBytes, formatDuration } from "../format.js";

/** Help text of `s3-migrate status` and `s3-migrate redrive`. */
export const OPERATIONS_USAGE = `Usage: s3-migrate status --ledger-table NAME [--queue-url URL] [--dlq-url URL] [--json]
       s3-migrate redrive --dlq-url URL --queue-url URL [--max N]

status   objects and bytes by status (queued, in progress, done, failed, skipped), the ranges
         of fanned-out objects in progress, messages waiting and in flight, dead letters,
         throughput over the last 10 minutes and an ETA.
redrive  moves dead-lettered messages back to the job queue (SQS StartMessageMoveTask where the
         endpoint has it; otherwise receive, send and delete, ten at a time). With --max N it
         always copies, at most N messages.
--region R: the ledger's region (default AWS_REGION, AWS_DEFAULT_REGION, else us-east-1); a
queue is asked in the region its URL names. Endpoints follow the SDK's configuration
(AWS_ENDPOINT_URL_SQS, AWS_ENDPOINT_URL_DYNAMODB).`;

/** Runs `status` or `redrive`; returns the exit status. */
export async function runOperations(command: "status" | "redrive", argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      region: { type: "string" },
      "ledger-table": { type: "string" },
      "queue-url": { type: "string" },
      "dlq-url": { type: "string" },
      max: { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${OPERATIONS_USAGE}\n`);
    return 0;
  }
  const region = ownRegion(values);
  const sqs = new SQSClient({ region: queueRegion(values["queue-url"] ?? values["dlq-url"] ?? "") ?? region });
  if (command === "redrive") {
    if (values["dlq-url"] === undefined || values["queue-url"] === undefined)
      throw new ConfigError("redrive needs --dlq-url and --queue-url");
    const max = values.max === undefined ? Number.POSITIVE_INFINITY : Number(values.max);
    if (!(max > 0)) throw new ConfigError(`--max must be a number from 1 and up, got ${JSON.stringify(values.max)}`);
    const result = await redriveDeadLetters(sqs, values["dlq-url"], values["queue-url"], max);
    process.stdout.write(
      result.method === "move-task"
        ? `redrive: SQS is moving the dead letters back (task ${result.taskHandle ?? "started"}); watch the DLQ depth fall with s3-migrate status\n`
        : `redrive: moved ${result.moved} messages from the dead-letter queue back to the job queue\n`,
    );
    return 0;
  }
  const table = values["ledger-table"];
  if (table === undefined) throw new ConfigError("status needs --ledger-table");
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region }));
  const summary = await summarizeLedger(documents, table, new Date());
  const depth = async (url: string | undefined) => {
    if (url === undefined) return undefined;
    const answer = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
      }),
    );
    return {
      waiting: Number(answer.Attributes?.ApproximateNumberOfMessages ?? 0),
      inFlight: Number(answer.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0),
    };
  };
  const [queue, deadLetters] = await Promise.all([depth(values["queue-url"]), depth(values["dlq-url"])]);
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ ledger: summary, queue, deadLetters })}\n`);
    return 0;
  }
  const lines = ["s3-migrate status"];
  for (const [status, { objects, bytes }] of Object.entries(summary.byStatus))
    lines.push(`  ${status.padEnd(12)} ${String(objects).padStart(10)} objects  ${formatBytes(bytes).padStart(12)}`);
  lines.push(
    `  verified     ${summary.verifiedBy.sourceChecksum} against the source's stored checksum, ${summary.verifiedBy.sourceEtag} against the source ETag, ${summary.verifiedBy.partChecksums} by per-part MD5 only (unproven against the source)`,
  );
  if (summary.fanoutsInProgress > 0) lines.push(`  fanned out   ${summary.fanoutsInProgress} in progress`);
  for (const fanout of summary.fanouts) {
    const { done, in_progress: running, waiting, failed } = fanout.ranges;
    lines.push(
      `    s3://${fanout.bucket}/${fanout.key}: ${formatBytes(fanout.bytesDone)} of ${formatBytes(fanout.bytes)}; ranges ${done} done, ${running} in progress, ${waiting} waiting${failed > 0 ? `, ${failed} failed` : ""}`,
    );
  }
  if (summary.fanouts.length < summary.fanoutsInProgress) lines.push(`    and ${summary.fanoutsInProgress - summary.fanouts.length} more`);
  if (queue !== undefined) lines.push(`  queue        ${queue.waiting} waiting, ${queue.inFlight} in flight`);
  if (deadLetters !== undefined)
    lines.push(
      `  dead letters ${deadLetters.waiting + deadLetters.inFlight}${deadLetters.waiting > 0 ? " (s3-migrate redrive moves them back)" : ""}`,
    );
  lines.push(
    `  throughput   ${formatBytes(summary.bytesPerSecond)}/s over the last ${summary.windowSeconds / 60} minutes; ETA ${summary.etaSeconds === undefined ? "n/a" : formatDuration(summary.etaSeconds * 1000)}`,
  );
  process.stdout.write(`${lines.join("\n")}\n`);
  return 0;
}
