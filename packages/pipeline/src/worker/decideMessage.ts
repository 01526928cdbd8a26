import { ConfigError, MigrationError } from "@s3-migrate/transfer";
import { serializeJob } from "../messages/jobMessage.js";
import { type CopyWork, parseQueueMessage, type RangeWork, type Work } from "../messages/queueMessage.js";
import { serializeRange } from "../messages/rangeMessage.js";
import { type Attempt, processWork, refuse, type WorkerContext } from "./processWork.js";
import type { MessageAction, QueueMessage } from "./settleMessage.js";
import { checkScope } from "./workScope.js";

/** How a message is being worked on, besides the message itself. */
export type Delivery = Omit<Attempt, "messageId">;

/**
 * Decides one message: parses it (a malformed body goes to the dead-letter queue with its
 * reason, alone), splits multi-record S3 events into one message per record (each checked on its
 * own when it arrives), runs the work, and maps the outcome to a queue action. A transfer paused
 * at the deadline becomes a new message at once, so it resumes within seconds instead of after
 * the visibility timeout and never uses up the queue's maxReceiveCount.
 */
export async function decideMessage(context: WorkerContext, message: QueueMessage, delivery: Delivery): Promise<MessageAction> {
  let work: Work[];
  try {
    const events = context.scope.events;
    work = parseQueueMessage(
      message.body,
      events === undefined ? {} : { defaultDestBucket: events.destinationBucket, defaultDestPrefix: events.destinationPrefix },
    );
  } catch (error) {
    const reason = error instanceof MigrationError ? error.message : String(error);
    context.logger?.error("Malformed message", { messageId: message.messageId, reason });
    context.metrics?.addMetric("MalformedMessages", "Count", 1);
    return { kind: "dead-letter", code: "MalformedMessage", reason };
  }
  if (work.length === 0) return { kind: "delete" };
  if (work.length > 1) return splitRecords(context, message, work);
  const outcome = await processWork(context, work[0] as Work, { ...delivery, messageId: message.messageId });
  switch (outcome.action) {
    case "done":
    case "skipped":
      return { kind: "delete" };
    case "paused":
      return { kind: "replace", bodies: [toContinuationBody(outcome.next)] };
    case "queue":
      return { kind: "replace", bodies: outcome.bodies };
    case "retry":
      return {
        kind: "retry-later",
        reason: outcome.error.message,
        ...(outcome.retryAfterSeconds === undefined ? {} : { delaySeconds: outcome.retryAfterSeconds }),
        ...(outcome.asNewMessage ? { asNewMessage: true } : {}),
      };
    case "dead-letter":
      return { kind: "dead-letter", code: outcome.error.code, reason: outcome.error.message };
  }
}

/**
 * A multi-record S3 event as one message per record, each checked again when it arrives. S3
 * sends one record a message, so a message with a record outside the scope is forged as a whole:
 * it is dead-lettered whole, and none of its records is queued.
 */
function splitRecords(context: WorkerContext, message: QueueMessage, work: readonly Work[]): MessageAction {
  const verdicts = work.map((piece) => checkScope(context.scope, piece));
  const refused = verdicts.flatMap((verdict, index) => (verdict.kind === "refused" ? [{ index, ...verdict }] : []));
  const first = refused[0];
  if (first !== undefined) {
    const reason = refused.map((refusal) => `record ${refusal.index}: ${refusal.code}: ${refusal.reason}`).join("; ");
    const error = refuse(context, message.messageId, first.code, reason);
    return { kind: "dead-letter", code: error.code, reason: error.message };
  }
  return { kind: "replace", bodies: work.filter((_, index) => verdicts[index]?.kind === "allowed").map(toSingleBody) };
}

/** One piece of a multi-record message as a message of its own, in the format it came in. */
function toSingleBody(work: Work): string {
  if (work.origin.format === "s3-event") return JSON.stringify({ Records: [work.origin.record] });
  // Only S3 events carry several records; a job is one object.
  throw new ConfigError("Only S3 event messages hold several pieces of work");
}

/** A paused transfer as the `s3-migrate/job` (or range job) that continues it, carrying the lease token. */
function toContinuationBody(copy: CopyWork | RangeWork): string {
  if (copy.kind === "range") {
    const { kind: _kind, origin: _origin, continuation, leaseToken, ...range } = copy;
    return serializeRange({
      ...range,
      queuedAt: new Date().toISOString(),
      ...(continuation > 0 ? { continuation } : {}),
      ...(leaseToken === undefined ? {} : { leaseToken }),
    });
  }
  if (copy.source.size === undefined) throw new ConfigError(`Cannot queue ${copy.source.key} without its size`);
  return serializeJob({
    source: { ...copy.source, size: copy.source.size },
    destination: copy.destination,
    queuedAt: new Date().toISOString(),
    ...(copy.continuation > 0 ? { continuation: copy.continuation } : {}),
    ...(copy.leaseToken === undefined ? {} : { leaseToken: copy.leaseToken }),
    ...(copy.eventSequencer === undefined ? {} : { eventSequencer: copy.eventSequencer }),
    ...(copy.completing === undefined ? {} : { completing: copy.completing }),
  });
}
