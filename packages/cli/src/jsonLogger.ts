import type { TransferLogger } from "@s3-migrate/transfer";

/** Structured logs as JSON lines on stderr (what cluster mode prints when not on a terminal). */
export function jsonLogger(service: string, level: "debug" | "info" | "warn" | "error" = "info"): TransferLogger {
  const order = ["debug", "info", "warn", "error"];
  const write =
    (lineLevel: string) =>
    (message: string, ...extra: Array<Record<string, unknown>>) => {
      if (order.indexOf(lineLevel) < order.indexOf(level)) return;
      process.stderr.write(
        `${JSON.stringify({ level: lineLevel.toUpperCase(), timestamp: new Date().toISOString(), service, message, ...Object.assign({}, ...extra) })}\n`,
      );
    };
  return { debug: write("debug"), info: write("info"), warn: write("warn"), error: write("error") };
}
