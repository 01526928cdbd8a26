/**
 * Every metric the pipeline's functions emit, the transfer library's included: the one home of
 * their names, units and emitters. Code names them through the typed sink (a typo, or a wrong
 * unit, does not compile); the deployment test checks every metric the dashboard graphs against
 * this catalogue, emitter included.
 */
import { type MetricDefinition, type MetricSink, TRANSFER_METRICS } from "@s3-migrate/transfer";

/** The CloudWatch namespace of the metrics unless `POWERTOOLS_METRICS_NAMESPACE` names another. */
export const DEFAULT_METRICS_NAMESPACE = "s3-migrate";

/** The functions' Powertools service names: the `service` dimension of their metrics. */
export const SERVICE = { worker: "worker", jobsender: "jobsender" } as const;

/** A service name. */
export type ServiceName = (typeof SERVICE)[keyof typeof SERVICE];

/** A metric and the functions that emit it. */
export interface PipelineMetricDefinition extends MetricDefinition {
  readonly emittedBy: readonly ServiceName[];
}

const worker = [SERVICE.worker] as const;
const jobsender = [SERVICE.jobsender] as const;

/** The pipeline's own metrics. */
const PIPELINE_METRICS = {
  // worker: outcomes
  ObjectsDone: { unit: "Count", emittedBy: worker, meaning: "objects copied and verified" },
  BytesCompleted: { unit: "Bytes", emittedBy: worker, meaning: "bytes of the objects copied and verified" },
  ObjectsFailed: { unit: "Count", emittedBy: worker, meaning: "objects that failed for good (dead-lettered)" },
  TransferErrors: { unit: "Count", emittedBy: worker, meaning: "copies that failed with a retryable error (delivered again)" },
  ObjectsSkipped: { unit: "Count", emittedBy: worker, meaning: "deliveries of an object already copied, or whose source changed" },
  ObjectsDeleted: { unit: "Count", emittedBy: worker, meaning: "destination objects deleted for an ObjectRemoved event" },
  Continuations: { unit: "Count", emittedBy: worker, meaning: "copies paused at the deadline and continued in a new message" },
  StalledContinuations: {
    unit: "Count",
    emittedBy: worker,
    meaning: "pauses with no part more at the destination than the pause before (3 in a row dead-letter the transfer as NoProgress)",
  },
  BusyWaitsExhausted: {
    unit: "Count",
    emittedBy: worker,
    meaning: "messages dead-lettered as StillBusy after waiting 96 times for another attempt's lease",
  },
  // worker: trust boundary and duplicates
  MessagesRefused: { unit: "Count", emittedBy: worker, meaning: "messages outside the worker's configuration (dead-lettered)" },
  MalformedMessages: { unit: "Count", emittedBy: worker, meaning: "messages that are neither a job nor an S3 event (dead-lettered)" },
  UnauthenticatedMessages: {
    unit: "Count",
    emittedBy: worker,
    meaning: "messages without a valid authentication code that are not S3 events (dead-lettered as they came, nothing acted on)",
  },
  DuplicateDeliveries: { unit: "Count", emittedBy: worker, meaning: "deliveries settled because another attempt holds a live lease" },
  StaleEvents: { unit: "Count", emittedBy: worker, meaning: "S3 events older than one already applied to the key" },
  ObjectsBusy: { unit: "Count", emittedBy: worker, meaning: "deliveries that wait for another attempt's lease to lapse" },
  LeasesLost: { unit: "Count", emittedBy: worker, meaning: "copies stopped because another attempt took the lease over" },
  ObjectsFannedOut: { unit: "Count", emittedBy: worker, meaning: "objects above the fan-out threshold split into range jobs" },
  RangesQueued: { unit: "Count", emittedBy: worker, meaning: "range jobs queued by fan-outs" },
  RangesDone: { unit: "Count", emittedBy: worker, meaning: "ranges of fanned-out objects whose parts are all at the destination" },
  RangesFailed: { unit: "Count", emittedBy: worker, meaning: "ranges that failed for good (dead-lettered; a redrive takes them again)" },
  FanoutRestarts: {
    unit: "Count",
    emittedBy: worker,
    meaning: "fan-outs whose upload vanished at the destination, queued again as one job",
  },
  DeletesSkipped: { unit: "Count", emittedBy: worker, meaning: "ObjectRemoved events whose source object still exists" },
  ObjectsIgnored: { unit: "Count", emittedBy: [SERVICE.worker, SERVICE.jobsender], meaning: "objects on the ignore list" },
  // jobsender
  ObjectsListed: { unit: "Count", emittedBy: jobsender, meaning: "source objects listed" },
  ObjectsPresent: { unit: "Count", emittedBy: jobsender, meaning: "source objects already at the destination" },
  ObjectsQueued: { unit: "Count", emittedBy: jobsender, meaning: "jobs queued" },
  ObjectsAlreadyQueued: {
    unit: "Count",
    emittedBy: jobsender,
    meaning: "objects whose job an earlier pass queued and the ledger still shows",
  },
  SendRetries: { unit: "Count", emittedBy: jobsender, meaning: "job batches sent again after a partial failure" },
  SendFailures: { unit: "Count", emittedBy: jobsender, meaning: "jobs that could not be queued" },
  PairsFailed: { unit: "Count", emittedBy: jobsender, meaning: "bucket pairs whose pass failed (PairsFailedPreflight included)" },
  PairsFailedPreflight: {
    unit: "Count",
    emittedBy: jobsender,
    meaning: "bucket pairs skipped because a bucket is missing, another owner's, refused or elsewhere than configured (preflight)",
  },
} as const satisfies Readonly<Record<string, PipelineMetricDefinition>>;

/** Every metric: the transfer library's (emitted by the worker) and the pipeline's. */
export const METRICS = {
  ...(Object.fromEntries(Object.entries(TRANSFER_METRICS).map(([name, metric]) => [name, { ...metric, emittedBy: worker }])) as {
    readonly [Name in keyof typeof TRANSFER_METRICS]: (typeof TRANSFER_METRICS)[Name] & { readonly emittedBy: typeof worker };
  }),
  ...PIPELINE_METRICS,
} as const satisfies Readonly<Record<string, PipelineMetricDefinition>>;

/** A metric's name. */
export type MetricName = keyof typeof METRICS;

/** The sink the pipeline reports to (it passes the same sink to the transfer library). */
export type PipelineMetrics = MetricSink<typeof METRICS>;
