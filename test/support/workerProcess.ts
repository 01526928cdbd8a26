/** Cluster-mode workers (`s3-migrate worker`) as separate processes, as a fleet would run them. */
import { type ChildProcess, spawn } from "node:child_process";
import { GetQueueAttributesCommand, type SQSClient } from "@aws-sdk/client-sqs";

/** A running worker process. */
export interface WorkerProcess {
  readonly child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** Everything it wrote so far (JSON log lines and progress). */
  output(): string;
}

/**
 * Starts the bundled CLI's `worker` command with `env` added to this process's environment.
 *
 * @example const worker = startWorker(deployment.env, ["--exit-when-idle", "5"]);
 */
export function startWorker(env: Record<string, string>, args: string[]): WorkerProcess {
  let output = "";
  const child = spawn(process.execPath, ["packages/cli/dist/s3-migrate.mjs", "worker", ...args], { env: { ...process.env, ...env } });
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  return { child, exited: new Promise((resolve) => child.on("exit", (code) => resolve(code))), output: () => output };
}

/** Polls `condition` every `intervalMs` until it holds. @throws after `timeoutMs`. */
export async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, intervalMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Messages waiting plus in flight. */
export async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<number> {
  const answer = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }),
  );
  return (
    Number(answer.Attributes?.ApproximateNumberOfMessages ?? 0) + Number(answer.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
}
