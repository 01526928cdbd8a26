import { setMaxListeners } from "node:events";
import { ChangeMessageVisibilityCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { RECEIVED_ATTRIBUTES, readOurAttributes } from "../messages/messageAttributes.js";
import { BatchedDeletes } from "../queue/batchedDeletes.js";
import { SQS_LIMITS } from "../queue/sqsLimits.js";
import { decideMessage } from "./decideMessage.js";
import type { ObjectLease } from "./objectLease.js";
import { type QueueMessage, settleMessage } from "./settleMessage.js";
import type { WorkerContext } from "./workerContext.js";
import type { WorkerSetup } from "./workerFromEnvironment.js";

/** Default visibility timeout (and lease length) of cluster mode, in seconds: the recovery bound. */
export const DEFAULT_VISIBILITY_TIMEOUT_SECONDS = 30;

/** How a cluster-mode worker runs. */
export interface ClusterOptions {
  readonly setup: WorkerSetup;
  /** Objects copied at once. */
  readonly concurrency: number;
  /**
   * Seconds a received message stays invisible, and the object's ledger lease lasts; both are
   * renewed every third of it while work goes on. It bounds recovery: a worker killed mid-copy
   * leaves its object to the next worker within this time. @default 30
   */
  readonly visibilityTimeoutSeconds?: number;
  /** Stops receiving; transfers start no new parts, pause, and their messages continue elsewhere. */
  readonly pause: AbortSignal;
  /** Cancels parts still uploading after a pause (the grace period is over). */
  readonly cancel?: AbortSignal;
  /** Return once the queue stays empty this long (for batch runs and tests); absent: run until paused. */
  readonly idleExitMs?: number;
  /**
   * Asked before each receive: a new setup when the configuration changed
   * (`refreshedSetup`), which the messages received from then on are worked with.
   */
  readonly refresh?: (current: WorkerSetup) => Promise<WorkerSetup | undefined>;
}

/** What a cluster run did. */
export interface ClusterReport {
  received: number;
  succeeded: number;
  failed: number;
}

/**
 * Cluster mode: long-polls the job queue (and S3's event queue, in turn) and runs the same per-message logic as the Lambda on any
 * machine. Message visibility is extended while an object copies (a crashed worker's messages come
 * back within one visibility timeout); on shutdown, receiving stops, parts in flight drain, and
 * unfinished transfers continue in new messages, resumable by any worker from their parts.
 */
export async function runClusterWorker(options: ClusterOptions): Promise<ClusterReport> {
  const batchedDeletes = (url: string) =>
    new BatchedDeletes(options.setup.queues.sqs, url, {
      onFailure: (_receiptHandle, reason) =>
        options.setup.worker.logger?.warn("A settled message was not deleted; it comes back as a duplicate, settled without copying", {
          reason,
        }),
    });
  const given = options.setup.queues;
  const deletes = batchedDeletes(given.queueUrl);
  const eventQueue = given.eventQueue === undefined ? undefined : { ...given.eventQueue, deletes: batchedDeletes(given.eventQueue.url) };
  const setup = { ...options.setup, queues: { ...given, deletes, ...(eventQueue === undefined ? {} : { eventQueue }) } };
  const withDeletes = { ...options, setup };
  // The job queue, and S3's event queue when there is one, polled in turn.
  const sources: ReadonlyArray<{ readonly url: string; readonly arrivedOn?: "event-queue" }> = [
    { url: given.queueUrl },
    ...(eventQueue === undefined ? [] : [{ url: eventQueue.url, arrivedOn: "event-queue" as const }]),
  ];
  let turn = 0;
  let current = options.setup;
  const visibility = options.visibilityTimeoutSeconds ?? DEFAULT_VISIBILITY_TIMEOUT_SECONDS;
  const report: ClusterReport = { received: 0, succeeded: 0, failed: 0 };
  const active = new Set<Promise<void>>();
  setMaxListeners(0, options.pause);
  let idleSince = Date.now();
  while (!options.pause.aborted) {
    if (active.size >= options.concurrency) {
      await Promise.race(active);
      continue;
    }
    if (options.idleExitMs !== undefined && active.size === 0 && Date.now() - idleSince > options.idleExitMs) break;
    // Not cancelled on shutdown: a receive cut short may still have taken messages, which would
    // then stay invisible for a whole visibility timeout. A short poll keeps shutdown prompt.
    // Taken before the request: the leases of these messages must lapse before they reappear.
    current =
      (await options.refresh?.(current).catch((error: unknown) => {
        setup.worker.logger?.warn("Could not read the configuration again; going on with the one loaded", { error: String(error) });
        return undefined;
      })) ?? current;
    const receivedAt = Date.now();
    const source = sources[turn++ % sources.length] as (typeof sources)[number];
    const answer = await setup.queues.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: source.url,
        MaxNumberOfMessages: Math.min(SQS_LIMITS.maxBatchEntries, options.concurrency - active.size),
        // Two queues take turns: a long poll on one would keep the other waiting.
        WaitTimeSeconds: options.idleExitMs === undefined && sources.length === 1 ? 5 : 1,
        VisibilityTimeout: visibility,
        MessageSystemAttributeNames: ["ApproximateReceiveCount"],
        MessageAttributeNames: RECEIVED_ATTRIBUTES,
      }),
    );
    if (options.pause.aborted) {
      await releaseMessages(options, source.url, answer.Messages ?? []);
      break;
    }
    const messages = answer.Messages ?? [];
    if (messages.length > 0) idleSince = Date.now();
    for (const received of messages) {
      report.received++;
      const message: QueueMessage = {
        messageId: received.MessageId ?? "",
        body: received.Body ?? "",
        receiptHandle: received.ReceiptHandle ?? "",
        receiveCount: Number(received.Attributes?.ApproximateReceiveCount ?? 1),
        ...readOurAttributes((name) => received.MessageAttributes?.[name]?.StringValue),
        ...(source.arrivedOn === undefined ? {} : { arrivedOn: source.arrivedOn }),
      };
      const task = handle(withDeletes, current.worker, message, source.url, visibility, receivedAt).then((outcome) => {
        report[outcome]++;
      });
      const tracked = task.finally(() => {
        active.delete(tracked);
        idleSince = Date.now();
      });
      active.add(tracked);
    }
  }
  await Promise.all(active);
  await Promise.all([deletes.close(), eventQueue?.deletes.close()]);
  return report;
}

/** Makes messages received from `queueUrl` during a shutdown visible again at once. */
async function releaseMessages(
  options: ClusterOptions,
  queueUrl: string,
  messages: ReadonlyArray<{ ReceiptHandle?: string }>,
): Promise<void> {
  for (const message of messages) {
    await options.setup.queues.sqs
      .send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queueUrl,
          ReceiptHandle: message.ReceiptHandle,
          VisibilityTimeout: 0,
        }),
      )
      .catch(() => undefined);
  }
}

async function handle(
  options: ClusterOptions,
  worker: WorkerContext,
  message: QueueMessage,
  queueUrl: string,
  visibility: number,
  receivedAt: number,
): Promise<"succeeded" | "failed"> {
  const { setup } = options;
  const visibilityMs = visibility * 1000;
  // When the message becomes visible again, as last extended: a lease taken now lasts that long.
  let visibleUntil = receivedAt + visibilityMs;
  // The leases the message's work holds: an object's, or a batch's and those of its objects.
  const leases = new Set<ObjectLease<{ readonly token: string }>>();
  // Set once the message is handled (settled, or left to come back): a beat still in flight may then
  // find it deleted, which is no failure.
  let settled = false;
  // Each beat renews the leases first and the visibility second, so a lease always lapses
  // before the message can be delivered again; a beat whose renewal failed does not extend the
  // visibility either (the lease gives itself up locally before it could lapse).
  const beat = async () => {
    const renewals = [...leases].map(async (lease) => {
      if (lease.ended) {
        leases.delete(lease);
        return true;
      }
      const renewed = await lease.renew(Date.now() + visibilityMs, visibilityMs / 3).catch((error: unknown) => {
        setup.worker.logger?.warn("Could not renew a lease", { messageId: message.messageId, error: String(error) });
        return false;
      });
      return renewed || lease.ended;
    });
    if ((await Promise.all(renewals)).includes(false)) return;
    const extendedAt = Date.now();
    await setup.queues.sqs
      .send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queueUrl,
          ReceiptHandle: message.receiptHandle,
          VisibilityTimeout: visibility,
        }),
      )
      .then(() => {
        visibleUntil = extendedAt + visibilityMs;
      })
      .catch((error: unknown) => {
        if (!settled)
          setup.worker.logger?.warn("Could not extend message visibility", { messageId: message.messageId, error: String(error) });
      });
  };
  const heartbeat = setInterval(() => void beat(), Math.max(1_000, visibilityMs / 3));
  try {
    const action = await decideMessage(worker, message, {
      leaseUntil: () => visibleUntil,
      pause: options.pause,
      ...(options.cancel === undefined ? {} : { cancel: options.cancel }),
      onLease: (taken) => {
        leases.add(taken);
      },
    });
    return await settleMessage(setup.queues, message, action, "cluster");
  } catch (error) {
    setup.worker.logger?.error("Message failed unexpectedly; it will be delivered again", {
      messageId: message.messageId,
      error: String(error),
    });
    return "failed";
  } finally {
    settled = true;
    clearInterval(heartbeat);
  }
}
