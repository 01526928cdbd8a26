import { createS3Client } from "../clients/s3Client.js";
import { readWorkerEnvironment, type WorkerEnvironment } from "../config/environment.js";
import { loadRuntimeConfig } from "../config/runtimeConfig.js";
import { ObjectTransitions } from "../ledger/objectTransitions.js";
import type { EventDefaults } from "../messages/queueMessage.js";
import type { TransferLogger, TransferMetrics } from "../observability.js";
import { createServiceClients, type ServiceClients } from "../runtime/serviceClients.js";
import type { WorkerContext } from "./processWork.js";
import type { WorkerQueues } from "./settleMessage.js";

/** Everything a worker (Lambda or cluster) runs with, built from its environment. */
export interface WorkerSetup {
  readonly environment: WorkerEnvironment;
  readonly worker: WorkerContext;
  readonly queues: WorkerQueues;
  readonly defaults: EventDefaults;
}

/**
 * Builds the worker from the environment (docs/configuration.md) and SSM (credentials), once per
 * cold start: clients with keep-alive sockets sized to files x parts, the ledger, the queues.
 *
 * @throws ConfigError naming the variable or parameter that is wrong.
 */
export async function setUpWorker(
  env: Readonly<Record<string, string | undefined>>,
  observers: { logger?: TransferLogger; metrics?: TransferMetrics; clients?: ServiceClients } = {},
): Promise<WorkerSetup> {
  const environment = readWorkerEnvironment(env);
  const clients = observers.clients ?? createServiceClients(environment.region, environment.maxAttempts);
  const config = await loadRuntimeConfig(clients.ssm, environment, { pairs: false });
  const tuning = { maxAttempts: environment.maxAttempts, maxSockets: environment.fileConcurrency * (environment.partConcurrency + 1) };
  const deadLetter = env.DEAD_LETTER_QUEUE_URL?.trim();
  return {
    environment,
    worker: {
      source: createS3Client(config.source, tuning),
      destination: createS3Client(config.destination, tuning),
      ledger: new ObjectTransitions(clients.documents, environment.ledgerTable),
      ...(observers.logger === undefined ? {} : { logger: observers.logger }),
      ...(observers.metrics === undefined ? {} : { metrics: observers.metrics }),
      settings: {
        partSize: environment.partSize,
        smallObjectThreshold: environment.smallObjectThreshold,
        partConcurrency: environment.partConcurrency,
        copyTags: environment.copyTags,
        retry: { maxAttempts: environment.maxAttempts },
        ...(environment.storageClass === undefined ? {} : { storageClass: environment.storageClass }),
        ...(environment.sse === undefined
          ? {}
          : {
              encryption:
                environment.sse === "AES256"
                  ? { mode: "AES256" as const }
                  : { mode: "aws:kms" as const, ...(environment.sseKmsKeyId === undefined ? {} : { kmsKeyId: environment.sseKmsKeyId }) },
            }),
      },
      updateVersionId: environment.updateVersionId,
      getObjectWithVersionId: environment.getObjectWithVersionId,
    },
    queues: { sqs: clients.sqs, queueUrl: environment.jobQueueUrl, ...(deadLetter ? { deadLetterQueueUrl: deadLetter } : {}) },
    defaults: {
      ...(environment.defaultDestBucket === undefined ? {} : { defaultDestBucket: environment.defaultDestBucket }),
      defaultDestPrefix: environment.defaultDestPrefix,
      propagateDeletes: environment.propagateDeletes,
    },
  };
}
