import { ConfigError, MigrationError } from "../errors.js";
import { serializeJob } from "../messages/jobMessage.js";
import { type CopyWork, type EventDefaults, parseQueueMessage, type Work } from "../messages/queueMessage.js";
import { processWork, type WorkerContext } from "./processWork.js";
import type { MessageAction, QueueMessage } from "./settleMessage.js";

/**
 * Decides one message: parses it (a malformed body goes to the dead-letter queue with its
 * reason, alone), splits multi-record S3 events into one job each, runs the work, and maps the
 * outcome to a queue action. A transfer paused at the deadline becomes a new message at once, so
 * it resumes within seconds instead of after the visibility timeout and never uses up the
 * queue's maxReceiveCount.
 */
export async function decideMessage(
  context: WorkerContext,
  message: QueueMessage,
  defaults: EventDefaults,
  signal?: AbortSignal,
  abortSignal?: AbortSignal,
): Promise<MessageAction> {
  let work: Work[];
  try {
    work = parseQueueMessage(message.body, defaults);
  } catch (error) {
    const reason = error instanceof MigrationError ? error.message : String(error);
    context.logger?.error("Malformed message", { messageId: message.messageId, reason });
    context.metrics?.addMetric("MalformedMessages", "Count", 1);
    return { kind: "dead-letter", code: "MalformedMessage", reason };
  }
  if (work.length === 0) return { kind: "delete" };
  if (work.length > 1) return { kind: "replace", bodies: work.map(toJobBody) };
  // A message delivered again was let go by its previous holder (visibility lapsed): take over.
  const outcome = await processWork(context, work[0] as Work, signal, abortSignal, message.receiveCount > 1);
  switch (outcome.action) {
    case "done":
    case "skipped":
      return { kind: "delete" };
    case "paused":
      return { kind: "replace", bodies: [toJobBody(outcome.next)] };
    case "retry":
      return { kind: "retry-later", reason: outcome.error.message };
    case "dead-letter":
      return { kind: "dead-letter", code: outcome.error.code, reason: outcome.error.message };
  }
}

/** A piece of work as an `s3-migrate/job` body (deletes travel as the S3 event they came from). */
function toJobBody(work: Work): string {
  if (work.kind === "delete") {
    return JSON.stringify({
      Records: [{ eventName: "ObjectRemoved:Delete", s3: { bucket: { name: "" }, object: { key: encodeURIComponent(work.sourceKey) } } }],
    });
  }
  const copy: CopyWork = work;
  if (copy.source.size === undefined) throw new ConfigError(`Cannot queue ${copy.source.key} without its size`);
  return serializeJob({
    source: { ...copy.source, size: copy.source.size },
    destination: copy.destination,
    queuedAt: new Date().toISOString(),
    ...(copy.continuation > 0 ? { continuation: copy.continuation } : {}),
  });
}
