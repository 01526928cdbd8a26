/**
 * The worker Lambda: copies the objects of an SQS batch, verified and resumable, and answers
 * with a partial batch response. All logic is in @s3-migrate/pipeline; this file wires Powertools in.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import {
  type BatchResponse,
  DEFAULT_METRICS_NAMESPACE,
  handleSqsBatch,
  refreshedSetup,
  SERVICE,
  setUpWorker,
  type WorkerSetup,
} from "@s3-migrate/pipeline";
import type { Context, SQSEvent } from "aws-lambda";

// Each deployment names its own service (Terraform: `<name_prefix>-worker`), so that two deployments'
// metrics and logs stay apart; an unset or empty variable means the default.
const serviceName = process.env.POWERTOOLS_SERVICE_NAME || SERVICE.worker;
const logger = new Logger({ serviceName });
const metrics = new Metrics({
  serviceName,
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? DEFAULT_METRICS_NAMESPACE,
});
let setup: Promise<WorkerSetup> | undefined;

/** Handles one SQS batch. */
export async function handler(event: SQSEvent, context: Context): Promise<BatchResponse> {
  logger.addContext(context);
  metrics.captureColdStartMetric();
  try {
    setup ??= setUpWorker(process.env, { logger, metrics }).catch(forget);
    let ready = await setup;
    // A changed parameter (rotated keys, new pairs) takes effect in a warm container too.
    const refreshed = await refreshedSetup(ready, process.env, { logger, metrics });
    if (refreshed !== undefined) {
      setup = Promise.resolve(refreshed);
      ready = refreshed;
    }
    const deadline = Date.now() + context.getRemainingTimeInMillis();
    return await handleSqsBatch(event.Records, {
      worker: ready.worker,
      queues: ready.queues,
      fileConcurrency: ready.environment.fileConcurrency,
      // Stop starting parts one margin before the end, let parts in flight finish for two thirds
      // of it, and keep the last third to send continuations and write the ledger.
      pauseAt: deadline - ready.environment.deadlineMarginMs,
      cancelAt: deadline - ready.environment.deadlineMarginMs / 3,
      leaseUntil: deadline,
    });
  } finally {
    metrics.publishStoredMetrics();
  }
}

/** Forgets a setup that failed, so the next invocation tries again. */
function forget(error: unknown): never {
  setup = undefined;
  throw error;
}

/** For tests: forget the cached setup so a new environment takes effect. */
export function resetWorkerForTests(): void {
  setup = undefined;
}
