import { ConfigError, createSideClients, MIB, type TransferLogger } from "@s3-migrate/transfer";
import {
  readBatchRules,
  readCopyShape,
  readFunctionEnvironment,
  readOptionalWhole,
  readSizing,
  readSkipWhenQueueBusy,
} from "../config/environment.js";
import { ParameterStore } from "../config/parameterStore.js";
import { loadRuntimeConfig } from "../config/runtimeConfig.js";
import { type EstimateWorkers, estimateOrReason, tallyRules } from "../estimate/estimateRun.js";
import { loadPriceTable } from "../estimate/priceTable.js";
import { ESTIMATE_DEFAULTS } from "../estimate/requestModel.js";
import { emptyTally } from "../estimate/runTally.js";
import { ObjectLedger } from "../ledger/objectLedger.js";
import type { MessageSigner } from "../messages/messageAuthentication.js";
import type { PipelineMetrics } from "../metricNames.js";
import { createServiceClients, messageAuthenticator, type ServiceClients } from "../runtime/serviceClients.js";
import type { JobsenderOptions, JobsenderReport, WorkerSizing } from "./jobsenderTypes.js";
import { PassStateStore } from "./passState.js";
import { runJobsender } from "./runJobsender.js";

/** What the caller (the Lambda handler, the CLI) supplies besides the environment. */
export interface JobsenderInvocation {
  readonly logger?: TransferLogger;
  readonly metrics?: PipelineMetrics;
  /** Milliseconds the run may take; the run checkpoints `DEADLINE_MARGIN_SECONDS` before. */
  readonly remainingMs?: number;
  readonly runId?: string;
  /** Overrides for tests and the CLI. */
  readonly clients?: ServiceClients;
  readonly options?: Partial<JobsenderOptions>;
}

/**
 * A jobsender run configured the way the deployed function is: variables from `env` (see
 * docs/configuration.md), bucket pairs, ignore list and credentials from SSM, checkpoints and
 * records in the ledger table. Invalid configuration throws a ConfigError before anything is sent.
 */
export async function runJobsenderFromEnvironment(
  env: Readonly<Record<string, string | undefined>>,
  invocation: JobsenderInvocation = {},
): Promise<JobsenderReport> {
  const environment = readFunctionEnvironment(env);
  const clients = invocation.clients ?? createServiceClients(environment.region, environment.maxAttempts, environment.jobQueueUrl);
  const config = await loadRuntimeConfig(new ParameterStore(clients.ssm, environment.parameterMaxAgeSeconds), environment);
  const tuning = { maxAttempts: environment.maxAttempts, maxSockets: 64 };
  const sizing = readWorkerSizing(env);
  const shape = readCopyShape(env);
  const timeoutSeconds = readOptionalWhole(env, "WORKER_TIMEOUT_SECONDS", 60, 900);
  const workers: EstimateWorkers = {
    workerBytesPerSecond: ESTIMATE_DEFAULTS.workerMiBps * MIB,
    secondsPerSmallObject: ESTIMATE_DEFAULTS.secondsPerSmallObject,
    batchSize: readOptionalWhole(env, "WORKER_BATCH_SIZE", 1, 10) ?? ESTIMATE_DEFAULTS.batchSize,
    memoryMiB: sizing?.workerMemoryMiB ?? ESTIMATE_DEFAULTS.memoryMiB,
    invocationSeconds:
      timeoutSeconds === undefined
        ? ESTIMATE_DEFAULTS.invocationSeconds
        : Math.max(1, timeoutSeconds - environment.deadlineMarginMs / 1000),
  };
  const tally = emptyTally();
  const s3 = createSideClients(config, tuning, invocation.logger);
  const report = await runJobsender(
    {
      source: s3.source,
      destination: s3.destination,
      sqs: clients.sqs,
      queueUrl: environment.jobQueueUrl,
      ...withSigner(messageAuthenticator(environment, clients)),
      ledger: new ObjectLedger(clients.documents, environment.ledgerTable),
      state: new PassStateStore(clients.documents, environment.ledgerTable),
      ...(invocation.logger === undefined ? {} : { logger: invocation.logger }),
      ...(invocation.metrics === undefined ? {} : { metrics: invocation.metrics }),
    },
    {
      pairs: config.pairs,
      ignore: config.ignore,
      compareVersions: environment.compareVersionId,
      skipWhenQueueBusy: readSkipWhenQueueBusy(env),
      ...(invocation.remainingMs === undefined ? {} : { deadline: Date.now() + invocation.remainingMs - environment.deadlineMarginMs }),
      ...(invocation.runId === undefined ? {} : { runId: invocation.runId }),
      ...(sizing === undefined ? {} : { sizing }),
      tally: { ...tallyRules(shape, workers), into: tally },
      batching: readBatchRules(env),
      ...invocation.options,
    },
  );
  if (report.skipped !== undefined) return report;
  // The estimate is part of the report the function logs; a region the table lacks is said there, never fatal.
  const places = { pairs: config.pairs, sides: s3, run: environment.region };
  return { ...report, ...(await estimateOrReason(tally, shape, workers, places, loadPriceTable())) };
}

/** The worker's sizing, when the worker's memory is given (`WORKER_MEMORY_MIB`) to check it against. */
function readWorkerSizing(env: Readonly<Record<string, string | undefined>>): WorkerSizing | undefined {
  const memory = env.WORKER_MEMORY_MIB?.trim();
  if (memory === undefined || memory === "") return undefined;
  const workerMemoryMiB = Number(memory);
  if (!Number.isInteger(workerMemoryMiB) || workerMemoryMiB <= 0)
    throw new ConfigError(`Environment variable WORKER_MEMORY_MIB must be a whole number of MiB, got "${memory}"`);
  return { workerMemoryMiB, ...readSizing(env) };
}

/** The signer field of a context, when there is one. */
function withSigner(signer: MessageSigner | undefined): { signer?: MessageSigner } {
  return signer === undefined ? {} : { signer };
}
