/**
 * The small interfaces through which core reports what it does. Lambda handlers pass Powertools'
 * Logger and Metrics (which satisfy these shapes); the CLI passes its own; tests pass spies.
 */

/** Structured logger; compatible with `Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>`. */
export interface TransferLogger {
  debug(message: string, ...extra: Array<Record<string, unknown>>): void;
  info(message: string, ...extra: Array<Record<string, unknown>>): void;
  warn(message: string, ...extra: Array<Record<string, unknown>>): void;
  error(message: string, ...extra: Array<Record<string, unknown>>): void;
}

/** Metric sink; compatible with Powertools `Metrics.addMetric`. */
export interface TransferMetrics {
  addMetric(name: string, unit: MetricUnitName, value: number): void;
}

/** Units core emits, spelled as CloudWatch (and Powertools' `MetricUnit`) spell them. */
export type MetricUnitName = "Bytes" | "Count" | "Milliseconds";

/** One step of progress on one object. */
export interface ProgressEvent {
  key: string;
  /** Bytes written to the destination by this event (a part or a whole small object). */
  bytes: number;
  /** Parts completed so far for this object (1 for a small object). */
  partsDone: number;
  /** Parts this object has in all (1 for a small object). */
  partCount: number;
}

/** Called after every part or small object lands at the destination. */
export type ProgressListener = (event: ProgressEvent) => void;

/** A logger that drops everything. */
export const silentLogger: TransferLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** A metrics sink that drops everything. */
export const noMetrics: TransferMetrics = { addMetric: () => undefined };
