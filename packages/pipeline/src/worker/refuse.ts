import { type RefusalCode, RefusedWorkError } from "@s3-migrate/transfer";
import type { Work } from "../messages/queueMessage.js";
import type { WorkerContext } from "./workerContext.js";
import { checkScope } from "./workScope.js";

/**
 * The refusal of a message that holds several pieces of work (a batch's objects, an S3 event's
 * records), when any is outside the scope: such a message is forged as a whole (the jobsender
 * batches only configured pairs, S3 sends one record a message), so it is refused whole, each
 * refused piece named by `label`, and nothing is read. Undefined when every piece is in scope.
 */
export function refuseForged(
  context: WorkerContext,
  messageId: string,
  pieces: readonly Work[],
  label: (piece: Work, index: number) => string,
): RefusedWorkError | undefined {
  const refused = pieces.flatMap((piece, index) => {
    const verdict = checkScope(context.scope, piece);
    return verdict.kind === "refused" ? [{ code: verdict.code, reason: `${label(piece, index)}: ${verdict.code}: ${verdict.reason}` }] : [];
  });
  const first = refused[0];
  if (first === undefined) return undefined;
  return refuse(context, messageId, first.code, refused.map((refusal) => refusal.reason).join("; "));
}

/** Counts and logs a message refused by the scope check; the error it returns is its dead letter's reason. */
export function refuse(context: WorkerContext, messageId: string, code: RefusalCode, reason: string): RefusedWorkError {
  context.metrics?.addMetric("MessagesRefused", "Count", 1);
  context.logger?.error("Message refused: outside this worker's configuration; nothing read or written", { messageId, code, reason });
  return new RefusedWorkError(code, reason);
}
