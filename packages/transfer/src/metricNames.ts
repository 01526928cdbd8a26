/**
 * The metrics the transfer library emits: the one home of their names and units. The pipeline
 * adds its own (`@s3-migrate/pipeline`'s `METRICS`); the dashboard is checked against both.
 */

/** Units emitted, spelled as CloudWatch (and Powertools' `MetricUnit`) spell them. */
export type MetricUnitName = "Bytes" | "Count" | "Milliseconds";

/** What one metric is: its unit and what a data point counts. */
export interface MetricDefinition {
  readonly unit: MetricUnitName;
  readonly meaning: string;
}

/** A set of metric definitions by name. */
export type MetricCatalogue = Readonly<Record<string, MetricDefinition>>;

/** The metrics every copy reports, whoever runs it (the worker Lambda, cluster mode, the CLI). */
export const TRANSFER_METRICS = {
  BytesRead: { unit: "Bytes", meaning: "bytes read from the source, counted once per part or small object read whole" },
  BytesWritten: { unit: "Bytes", meaning: "bytes stored at the destination (each part or small object)" },
  Retries: { unit: "Count", meaning: "reads or writes retried after a transient error" },
  PartsResumed: { unit: "Count", meaning: "parts found already uploaded and not sent again" },
  UploadsAborted: { unit: "Count", meaning: "open uploads of the key aborted as superseded" },
  TransferDuration: { unit: "Milliseconds", meaning: "how long one copy attempt took" },
} as const satisfies MetricCatalogue;
