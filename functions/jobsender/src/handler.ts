/**
 * The jobsender Lambda: on its EventBridge schedule, compares every bucket pair and queues one
 * job per missing object. All logic is in @s3-migrate/pipeline; this file wires Powertools in.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { DEFAULT_METRICS_NAMESPACE, type JobsenderReport, runJobsenderFromEnvironment, SERVICE } from "@s3-migrate/pipeline";
import type { Context, ScheduledEvent } from "aws-lambda";

// Each deployment names its own service (Terraform: `<name_prefix>-jobsender`), so that two deployments'
// metrics and logs stay apart; an unset or empty variable means the default.
const serviceName = process.env.POWERTOOLS_SERVICE_NAME || SERVICE.jobsender;
const logger = new Logger({ serviceName });
const metrics = new Metrics({
  serviceName,
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? DEFAULT_METRICS_NAMESPACE,
});

/** Runs one jobsender pass (or its continuation) and returns its report. */
export async function handler(event: ScheduledEvent, context: Context): Promise<JobsenderReport> {
  logger.addContext(context);
  metrics.captureColdStartMetric();
  logger.info("Jobsender run", { scheduledAt: event.time });
  try {
    const report = await runJobsenderFromEnvironment(process.env, {
      logger,
      metrics,
      remainingMs: context.getRemainingTimeInMillis(),
      runId: context.awsRequestId,
    });
    logger.info("Jobsender report", { report });
    return report;
  } finally {
    metrics.publishStoredMetrics();
  }
}
