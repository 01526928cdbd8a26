import { MigrationError } from "@s3-migrate/transfer";
import { COPY_USAGE, runCopy } from "./commands/copy.js";
import { JOBS_USAGE, runJobs } from "./commands/jobs.js";
import { OPERATIONS_USAGE, runOperations } from "./commands/operations.js";
import { PREFLIGHT_USAGE, runPreflightCommand } from "./commands/preflight.js";
import { runVerify, VERIFY_USAGE } from "./commands/verify.js";
import { runWorker, WORKER_USAGE } from "./commands/worker.js";

const USAGE = `Usage: s3-migrate <command> [options]

Commands:
  preflight  check every bucket of the pairs before anything moves: region, owner, encryption, access
  copy       copy objects between two S3 endpoints, verified and resumable
  plan       compare bucket pairs and print the jobs the jobsender would queue
  send       compare bucket pairs and queue the jobs (what the jobsender Lambda does)
  worker     cluster mode: poll the job queue and copy, as the worker Lambda does
  status     objects and bytes by status, queue and DLQ depth, throughput and ETA
  redrive    move dead-lettered messages back to the job queue
  verify     audit bucket pairs: matching, missing, differing, extra and unverified objects

Run "s3-migrate <command> --help" for a command's options.

${COPY_USAGE}

${JOBS_USAGE}

${WORKER_USAGE}

${OPERATIONS_USAGE}

${VERIFY_USAGE}

${PREFLIGHT_USAGE}`;

/** Dispatches a command line; returns the exit status. */
export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "copy":
        return await runCopy(rest);
      case "plan":
      case "send":
        return await runJobs(command, rest);
      case "worker":
        return await runWorker(rest);
      case "status":
      case "redrive":
        return await runOperations(command, rest);
      case "verify":
        return await runVerify(rest);
      case "preflight":
        return await runPreflightCommand(rest);
      case undefined:
      case "help":
      case "--help":
      case "-h":
        process.stdout.write(`${USAGE}\n`);
        return command === undefined ? 2 : 0;
      default:
        process.stderr.write(`Unknown command ${JSON.stringify(command)}\n\n${USAGE}\n`);
        return 2;
    }
  } catch (error) {
    const usage =
      error instanceof MigrationError && !error.retryable
        ? 2
        : (error as { code?: string }).code === "ERR_PARSE_ARGS_UNKNOWN_OPTION"
          ? 2
          : 1;
    process.stderr.write(`s3-migrate: ${(error as Error).message}\n`);
    return usage;
  }
}
