/**
 * The small interfaces through which the transfer library (and the pipeline on it) reports what it
 * does. Lambda handlers pass Powertools' Logger and Metrics (which satisfy these shapes); the CLI
 * passes its own; tests pass spies.
 */
import type { MetricCatalogue, TRANSFER_METRICS } from "./metricNames.js";

/** Structured logger; compatible with `Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>`. */
export interface TransferLogger {
  debug(message: string, ...extra: Array<Record<string, unknown>>): void;
  info(message: string, ...extra: Array<Record<string, unknown>>): void;
  warn(message: string, ...extra: Array<Record<string, unknown>>): void;
  error(message: string, ...extra: Array<Record<string, unknown>>): void;
}

/**
 * Metric sink for the metrics of one catalogue: a name outside it, or a unit other than its own,
 * does not compile. Compatible with Powertools `Metrics.addMetric`.
 */
export interface MetricSink<Catalogue extends MetricCatalogue> {
  addMetric<Name extends keyof Catalogue & string>(name: Name, unit: Catalogue[Name]["unit"], value: number): void;
}

/** The sink the transfer library reports to. */
export type TransferMetrics = MetricSink<typeof TRANSFER_METRICS>;

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
