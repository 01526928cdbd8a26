import { ConfigError, type ErrorCode, MigrationError, mapConcurrent, StillBusyError, WAITS } from "@s3-migrate/transfer";
import { serializeBatch } from "../messages/batchMessage.js";
import { serializeJob } from "../messages/jobMessage.js";
import { MAC_ATTRIBUTE } from "../messages/messageAuthentication.js";
import { type CopyWork, parseQueueMessage, type RangeWork, type Work } from "../messages/queueMessage.js";
import { serializeRange } from "../messages/rangeMessage.js";
import { processBatch, type SettledPiece } from "./processBatch.js";
import { type Attempt, processWork, type WorkerContext, type WorkOutcome } from "./processWork.js";
import { refuseForged } from "./refuse.js";
import { type MessageAction, type QueueMessage, retryDelaySeconds } from "./settleMessage.js";

/** How a message is being worked on, besides the message itself. */
export type Delivery = Omit<Attempt, "messageId">;

/**
 * Decides one message: parses it (a malformed body goes to the dead-letter queue with its
 * reason, alone), runs the work (a batch's objects and a multi-record S3 event's records at once,
 * each settled on its own), and maps the outcome to a queue action. A transfer paused
 * at the deadline becomes a new message at once, so it resumes within seconds instead of after
 * the visibility timeout and never uses up the queue's maxReceiveCount.
 */
export async function decideMessage(context: WorkerContext, message: QueueMessage, delivery: Delivery): Promise<MessageAction> {
  // A message from the event queue is S3's (its policy admits no one else), and S3 signs nothing.
  const verdict =
    context.verifier === undefined || message.arrivedOn === "event-queue"
      ? "valid"
      : await context.verifier.verify(message.body, message.mac);
  if (verdict === "invalid") return unauthenticated(context, message, "its authentication code does not match its body");
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
  // S3 cannot sign: its events are believed from the event queue, which only S3 may write.
  const onlyEvents = work.every((piece) => piece.origin.format === "s3-event");
  if (message.arrivedOn === "event-queue" && !onlyEvents)
    return unauthenticated(context, message, "only S3 event notifications arrive on the event queue");
  if (verdict === "missing" && message.arrivedOn !== "event-queue")
    return unauthenticated(context, message, `it carries no authentication code (${MAC_ATTRIBUTE})`);
  if (work.length === 0) return { kind: "delete" };
  const attempt = { ...delivery, messageId: message.messageId };
  const batch = work.filter((piece): piece is CopyWork => piece.kind === "copy" && piece.origin.format === "batch");
  if (batch.length > 0) {
    const outcome = await processBatch(context, batch, attempt);
    return outcome.settled === "whole"
      ? boundWaits(context, message, toAction(outcome.outcome))
      : settleApart(context, message, outcome.pieces);
  }
  if (work.length > 1) {
    const refused = refuseForged(context, message.messageId, work, (_, index) => `record ${index}`);
    if (refused !== undefined) return { kind: "dead-letter", code: refused.code, reason: refused.message };
    const pieces: SettledPiece[] = [];
    await mapConcurrent(work, context.batch.concurrency, async (piece) => {
      pieces.push({ work: piece, outcome: await processWork(context, piece, attempt) });
    });
    return settleApart(context, message, pieces);
  }
  return boundWaits(context, message, toAction(await processWork(context, work[0] as Work, attempt)));
}

/**
 * A message that would wait again as a new message after `WAITS.maxBusyWaits` waits goes to the
 * dead-letter queue instead (`StillBusy`): a new message counts no receive against the queue's
 * maxReceiveCount, so nothing else would ever end the waiting.
 */
function boundWaits(context: WorkerContext, message: QueueMessage, action: MessageAction): MessageAction {
  if (action.kind !== "retry-later" || !(action.asNewMessage === true || message.arrivedOn === "event-queue")) return action;
  const refused = tooManyWaits(context, message.waits ?? 0, action.reason);
  return refused === undefined ? action : { kind: "dead-letter", code: refused.code, reason: refused.message };
}

/** The error that ends the waiting after `waits` waits, if it is time (counted and logged). */
function tooManyWaits(context: WorkerContext, waits: number, reason: string): StillBusyError | undefined {
  if (waits < WAITS.maxBusyWaits) return undefined;
  const error = new StillBusyError(`Waited ${waits} times for another attempt's lease: ${reason}`);
  context.metrics?.addMetric("BusyWaitsExhausted", "Count", 1);
  context.logger?.error("Gave up waiting for another attempt's lease", { error: error.message });
  return error;
}

/** Counts, logs and dead-letters a message that is not ours, as it came: nothing of it is acted on. */
function unauthenticated(context: WorkerContext, message: QueueMessage, why: string): MessageAction {
  const reason = `Refused a message that is not authenticated: ${why}`;
  context.logger?.error("Unauthenticated message", { messageId: message.messageId, reason });
  context.metrics?.addMetric("UnauthenticatedMessages", "Count", 1);
  return { kind: "dead-letter", code: "Unauthenticated", reason, unauthenticated: true };
}

/** The queue action of one piece of work's outcome, when it is the whole message. */
function toAction(outcome: WorkOutcome): MessageAction {
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
 * The action for a message whose pieces (a batch's objects, an S3 event's records) were settled
 * one by one: the done and skipped ones are finished with; one to retry goes back to the queue
 * alone (after its delay), one that can never work goes to the dead-letter queue alone with its
 * reason; objects of a batch that the deadline kept from starting go back as one batch. When a
 * piece must come back as this very message (a lease may be held for it), the whole message comes
 * back instead and its finished pieces are skipped then.
 */
function settleApart(context: WorkerContext, message: QueueMessage, pieces: readonly SettledPiece[]): MessageAction {
  const requeue: Array<{ body: string; delaySeconds: number; waits?: number }> = [];
  const deadLetters: Array<{ body: string; code: ErrorCode; reason: string }> = [];
  const notStarted: CopyWork[] = [];
  for (const { work, outcome } of pieces) {
    switch (outcome.action) {
      case "done":
      case "skipped":
        break;
      case "paused":
        if (outcome.next.kind === "copy" && outcome.next.origin.format === "batch" && outcome.next.leaseToken === undefined)
          notStarted.push(outcome.next);
        else requeue.push({ body: toContinuationBody(outcome.next), delaySeconds: 0 });
        break;
      case "queue":
        requeue.push(...outcome.bodies.map((body) => ({ body, delaySeconds: 0 })));
        break;
      case "retry":
        if (!outcome.asNewMessage) {
          const delaySeconds = Math.max(
            ...pieces.map((piece) => (piece.outcome.action === "retry" ? (piece.outcome.retryAfterSeconds ?? 0) : 0)),
          );
          return {
            kind: "retry-later",
            reason: outcome.error.message,
            ...(delaySeconds > 0 ? { delaySeconds } : {}),
          };
        }
        {
          const waits = (message.waits ?? 0) + 1;
          const refused = tooManyWaits(context, message.waits ?? 0, outcome.error.message);
          if (refused !== undefined) deadLetters.push({ body: singleBody(work), code: refused.code, reason: refused.message });
          else
            requeue.push({
              body: singleBody(work),
              delaySeconds: outcome.retryAfterSeconds ?? retryDelaySeconds(message.receiveCount),
              waits,
            });
        }
        break;
      case "dead-letter":
        deadLetters.push({ body: singleBody(work), code: outcome.error.code, reason: outcome.error.message });
        break;
    }
  }
  if (notStarted.length > 0) requeue.push({ body: batchBody(notStarted), delaySeconds: 0 });
  if (requeue.length === 0 && deadLetters.length === 0) return { kind: "delete" };
  return { kind: "split", requeue, deadLetters };
}

/** One piece of a message as a message of its own: an S3 event record in the format it came in, an object of a batch as a job. */
function singleBody(work: Work): string {
  if (work.origin.format === "s3-event") return JSON.stringify({ Records: [work.origin.record] });
  if (work.kind !== "copy") throw new ConfigError("Only copies and S3 event records are pieces of a message");
  return toContinuationBody(work);
}

/** Objects of a batch that did not start, as one batch again. */
function batchBody(pieces: readonly CopyWork[]): string {
  const first = pieces[0] as CopyWork;
  return serializeBatch({
    sourceBucket: first.source.bucket,
    destinationBucket: first.destination.bucket,
    objects: pieces.map((piece) => ({
      key: piece.source.key,
      size: piece.source.size ?? 0,
      etag: piece.source.etag ?? "",
      ...(piece.source.versionId === undefined ? {} : { versionId: piece.source.versionId }),
      destinationKey: piece.destination.key,
    })),
    queuedAt: new Date().toISOString(),
  });
}

/** A paused transfer as the `s3-migrate/job` (or range job) that continues it, carrying the lease token. */
function toContinuationBody(copy: CopyWork | RangeWork): string {
  if (copy.kind === "range") {
    const { kind: _kind, origin: _origin, continuation, leaseToken, progress, ...range } = copy;
    return serializeRange({
      ...range,
      queuedAt: new Date().toISOString(),
      ...(continuation > 0 ? { continuation } : {}),
      ...(leaseToken === undefined ? {} : { leaseToken }),
      ...(progress === undefined ? {} : { progress }),
    });
  }
  if (copy.source.size === undefined) throw new ConfigError(`Cannot queue ${copy.source.key} without its size`);
  return serializeJob({
    source: { ...copy.source, size: copy.source.size },
    destination: copy.destination,
    queuedAt: new Date().toISOString(),
    ...(copy.continuation > 0 ? { continuation: copy.continuation } : {}),
    ...(copy.leaseToken === undefined ? {} : { leaseToken: copy.leaseToken }),
    ...(copy.progress === undefined ? {} : { progress: copy.progress }),
    ...(copy.eventSequencer === undefined ? {} : { eventSequencer: copy.eventSequencer }),
    ...(copy.completing === undefined ? {} : { completing: copy.completing }),
  });
}
