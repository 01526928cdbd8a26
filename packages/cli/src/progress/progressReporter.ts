import type { ProgressEvent } from "@s3-migrate/transfer";
import { formatBytes, formatDuration } from "../format.js";

/** Counts what a copy has done so far. */
export interface ProgressTotals {
  readonly objects: number;
  readonly bytes: number;
}

/**
 * Shows progress: on a TTY, one line redrawn in place (bar, percent, bytes, rate, objects, ETA);
 * elsewhere a plain line every `intervalMs`, so logs stay readable.
 */
export class ProgressReporter {
  readonly #stream: NodeJS.WriteStream;
  readonly #totals: ProgressTotals;
  readonly #started = Date.now();
  readonly #timer: NodeJS.Timeout;
  #bytes = 0;
  #objects = 0;
  #failed = 0;

  constructor(stream: NodeJS.WriteStream, totals: ProgressTotals, intervalMs = stream.isTTY ? 200 : 5_000) {
    this.#stream = stream;
    this.#totals = totals;
    this.#timer = setInterval(() => this.#render(), intervalMs);
    this.#timer.unref();
  }

  /** A part or small object landed. */
  onProgress = (event: ProgressEvent): void => {
    this.#bytes += event.bytes;
  };

  /** An object is finished (done or failed); `bytesNotReported` covers parts resumed from earlier runs. */
  objectFinished(failed: boolean, bytesNotReported = 0): void {
    this.#objects++;
    if (failed) this.#failed++;
    this.#bytes += bytesNotReported;
  }

  /** Draws the final state and stops redrawing. */
  stop(): void {
    clearInterval(this.#timer);
    this.#render();
    if (this.#stream.isTTY) this.#stream.write("\n");
  }

  #render(): void {
    const elapsed = Date.now() - this.#started;
    const rate = elapsed > 0 ? (this.#bytes / elapsed) * 1000 : 0;
    const fraction =
      this.#totals.bytes > 0 ? Math.min(1, this.#bytes / this.#totals.bytes) : this.#objects / Math.max(1, this.#totals.objects);
    const eta = rate > 0 ? ((this.#totals.bytes - this.#bytes) / rate) * 1000 : Number.POSITIVE_INFINITY;
    const text = `${(fraction * 100).toFixed(1).padStart(5)}%  ${formatBytes(this.#bytes)} / ${formatBytes(this.#totals.bytes)}  ${formatBytes(rate)}/s  objects ${this.#objects}/${this.#totals.objects}${this.#failed > 0 ? ` (${this.#failed} failed)` : ""}  ETA ${formatDuration(eta)}`;
    if (this.#stream.isTTY) {
      const width = 24;
      const filled = Math.round(fraction * width);
      this.#stream.write(`\r\x1b[2K[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${text}`);
    } else {
      this.#stream.write(`progress: ${text}\n`);
    }
  }
}
