import { randomUUID } from "node:crypto";
import { DeleteObjectCommand } from "@aws-sdk/client-s3";
import { classifyError, sourceKeyExists } from "@s3-migrate/transfer";
import type { DeleteWork } from "../messages/queueMessage.js";
import { recordFailure } from "./settleObject.js";
import { type Attempt, now, retryWhenLeaseLapses, type WorkerContext, type WorkOutcome } from "./workerContext.js";

/**
 * Applies an S3 `ObjectRemoved` event, only when the source object is really gone: a forged or
 * outdated removal of an object that exists deletes nothing and writes nothing. The source is
 * checked again under the object's lease (never taken under a live copy), so no copy can land
 * between the check and the delete; the event's sequencer is recorded with the removal.
 */
export async function processDelete(context: WorkerContext, work: DeleteWork, attempt: Attempt): Promise<WorkOutcome> {
  const where = { key: work.source.key, destinationKey: work.destination.key, messageId: attempt.messageId };
  const object = {
    srcBucket: work.source.bucket,
    srcKey: work.source.key,
    desBucket: work.destination.bucket,
    desKey: work.destination.key,
  };
  const sourceExists = () => sourceKeyExists(context.source, work.source.bucket, work.source.key, attempt.pause);
  const skipped = (): WorkOutcome => {
    context.metrics?.addMetric("DeletesSkipped", "Count", 1);
    context.logger?.warn("ObjectRemoved event, but the source object exists; nothing deleted", where);
    return { action: "skipped", reason: "source-exists" };
  };
  try {
    if (await sourceExists()) return skipped();
  } catch (thrown) {
    return recordFailure(context, undefined, classifyError(thrown, { side: "source", operation: "ListObjectsV2", ...work.source }));
  }
  const sequencer = work.origin.sequencer;
  const claim = {
    token: randomUUID(),
    messageId: attempt.messageId,
    expiresAt: attempt.leaseUntil(),
    ...(sequencer === undefined ? {} : { sequencer }),
  };
  const taken = await context.ledger.beginDelete(object, claim, now(context));
  if (taken.status === "busy")
    return retryWhenLeaseLapses(taken, `s3://${object.desBucket}/${object.desKey} is being copied; its removal waits`);
  try {
    if (await sourceExists()) {
      // Uploaded again since the first look: its own event copies it.
      await context.ledger.finish(taken.lease, { status: "skipped", errorCode: "SourceExists", error: "uploaded again" }, now(context));
      return skipped();
    }
    await context.destination.send(new DeleteObjectCommand({ Bucket: work.destination.bucket, Key: work.destination.key }));
  } catch (thrown) {
    return recordFailure(
      context,
      taken.lease,
      classifyError(thrown, { side: "destination", operation: "DeleteObject", ...work.destination }),
    );
  }
  await context.ledger.finishDelete(taken.lease, now(context));
  context.metrics?.addMetric("ObjectsDeleted", "Count", 1);
  context.logger?.info("Deleted at the destination (ObjectRemoved)", where);
  return { action: "done", bytes: 0 };
}
