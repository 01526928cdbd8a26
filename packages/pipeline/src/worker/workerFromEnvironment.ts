import { ConfigError, createSideClients, type TransferLogger } from "@s3-migrate/transfer";
import { batchConcurrency, readWorkerEnvironment, type WorkerEnvironment } from "../config/environment.js";
import { refuseLoopingEvents } from "../config/pairChecks.js";
import { ParameterStore } from "../config/parameterStore.js";
import { loadRuntimeConfig } from "../config/runtimeConfig.js";
import { BatchLeases } from "../ledger/batchLease.js";
import { FanoutTransitions } from "../ledger/fanoutTransitions.js";
import { ObjectLedger } from "../ledger/objectLedger.js";
import { ObjectTransitions } from "../ledger/objectTransitions.js";
import type { PipelineMetrics } from "../metricNames.js";
import { createServiceClients, messageAuthenticator, type ServiceClients } from "../runtime/serviceClients.js";
import type { WorkerQueues } from "./settleMessage.js";
import type { WorkerContext } from "./workerContext.js";
import type { EventScope, WorkScope } from "./workScope.js";

/** Everything a worker (Lambda or cluster) runs with, built from its environment. */
export interface WorkerSetup {
  readonly environment: WorkerEnvironment;
  readonly worker: WorkerContext;
  readonly queues: WorkerQueues;
  /** Where the configuration parameters come from (cached across invocations). */
  readonly parameters: ParameterStore;
  /** The configuration the setup was built from ({@link ParameterStore.fingerprint}). */
  readonly configFingerprint: string;
}

/**
 * Builds the worker from the environment (docs/configuration.md) and SSM (bucket pairs, ignore
 * list, credentials), once per cold start or process: its scope (what it may copy), clients with
 * keep-alive sockets sized to files x parts, the ledger, the queues. A change of the pairs takes
 * effect at the next cold start (cluster mode: restart).
 *
 * @throws ConfigError naming the variable or parameter that is wrong, or when the worker would
 *   be allowed nothing at all.
 */
export async function setUpWorker(
  env: Readonly<Record<string, string | undefined>>,
  observers: { logger?: TransferLogger; metrics?: PipelineMetrics; clients?: ServiceClients; parameters?: ParameterStore } = {},
): Promise<WorkerSetup> {
  const environment = readWorkerEnvironment(env);
  const clients = observers.clients ?? createServiceClients(environment.region, environment.maxAttempts, environment.jobQueueUrl);
  const parameters = observers.parameters ?? new ParameterStore(clients.ssm, environment.parameterMaxAgeSeconds);
  const events = eventScope(environment);
  if (environment.bucketPairsParameter === undefined && events === undefined)
    throw new ConfigError("The worker copies only what its configuration allows: set BUCKET_PAIRS_PARAMETER, EVENT_SOURCE_BUCKET, or both");
  const config = await loadRuntimeConfig(parameters, environment, {
    pairs: events === undefined ? "required" : "optional",
    buckets: eventBuckets(events, environment),
  });
  if (events !== undefined)
    refuseLoopingEvents(
      { ...events, ...(environment.defaultDestRegion === undefined ? {} : { destinationRegion: environment.defaultDestRegion }) },
      config.pairs,
      environment.bucketPairsParameter,
    );
  const scope: WorkScope = { pairs: config.pairs, ignore: config.ignore, ...(events === undefined ? {} : { events }) };
  const tuning = { maxAttempts: environment.maxAttempts, maxSockets: environment.fileConcurrency * (environment.partConcurrency + 1) };
  const s3 = createSideClients(config, tuning, observers.logger);
  const deadLetter = env.DEAD_LETTER_QUEUE_URL?.trim();
  const authenticator = messageAuthenticator(environment, clients);
  if (authenticator === undefined) observers.logger?.warn("Message authentication is off: any message on the queue is acted on");
  return {
    environment,
    parameters,
    configFingerprint: parameters.fingerprint(),
    worker: {
      source: s3.source,
      destination: s3.destination,
      scope,
      ...(authenticator === undefined ? {} : { verifier: authenticator }),
      ledger: new ObjectTransitions(clients.documents, environment.ledgerTable),
      fanout: {
        thresholdBytes: environment.fanoutThreshold,
        rangeParts: environment.fanoutRangeParts,
        ledger: new FanoutTransitions(clients.documents, environment.ledgerTable),
      },
      batch: {
        leases: new BatchLeases(clients.documents, environment.ledgerTable),
        records: new ObjectLedger(clients.documents, environment.ledgerTable),
        concurrency: batchConcurrency(environment),
      },
      ...(observers.logger === undefined ? {} : { logger: observers.logger }),
      ...(observers.metrics === undefined ? {} : { metrics: observers.metrics }),
      settings: {
        partSize: environment.partSize,
        smallObjectThreshold: environment.smallObjectThreshold,
        partConcurrency: environment.partConcurrency,
        // Each object (or range) the worker copies at once holds at most its share of the memory
        // the jobsender checks (files x parts x part size): a source whose own part size is larger
        // than PART_SIZE_MIB gets fewer parts in flight rather than more memory.
        memoryBudgetBytes: environment.partConcurrency * environment.partSize,
        copyTags: environment.copyTags,
        useChecksums: environment.useChecksums,
        serverSideCopy: environment.serverSideCopy,
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
    queues: {
      sqs: clients.sqs,
      queueUrl: environment.jobQueueUrl,
      ...(authenticator === undefined ? {} : { signer: authenticator }),
      ...(deadLetter ? { deadLetterQueueUrl: deadLetter } : {}),
      ...(environment.eventQueue === undefined ? {} : { eventQueue: environment.eventQueue }),
    },
  };
}

/** The S3 event route's buckets, with the owners (and the destination's region) the environment gives them. */
function eventBuckets(events: EventScope | undefined, environment: WorkerEnvironment) {
  if (events === undefined) return {};
  const { eventSourceOwner, defaultDestOwner, defaultDestRegion } = environment;
  return {
    source: [
      { bucket: events.bucket, ...(eventSourceOwner === undefined ? {} : { owner: eventSourceOwner }), where: "EVENT_SOURCE_BUCKET" },
    ],
    destination: [
      {
        bucket: events.destinationBucket,
        ...(defaultDestOwner === undefined ? {} : { owner: defaultDestOwner }),
        ...(defaultDestRegion === undefined ? {} : { region: defaultDestRegion }),
        where: "DEFAULT_DEST_BUCKET",
      },
    ],
  };
}

/** The S3 events the environment lets the worker take, if any. */
function eventScope(environment: WorkerEnvironment): EventScope | undefined {
  if (environment.eventSourceBucket === undefined || environment.defaultDestBucket === undefined) return undefined;
  return {
    bucket: environment.eventSourceBucket,
    filterPrefix: environment.eventFilterPrefix,
    filterSuffix: environment.eventFilterSuffix,
    destinationBucket: environment.defaultDestBucket,
    destinationPrefix: environment.defaultDestPrefix,
    propagateDeletes: environment.propagateDeletes,
  };
}

/**
 * Whether the configuration parameters the setup was built from changed since: each is read
 * again through the setup's store, which asks SSM only once its cache is stale
 * (`POWERTOOLS_PARAMETERS_MAX_AGE`, 300 s by default). A changed setup is built again: rotated
 * keys and new pairs reach a warm container without a cold start.
 */
async function configurationChanged(setup: WorkerSetup): Promise<boolean> {
  const { bucketPairsParameter, ignoreListParameter, credentialsParameter } = setup.environment;
  await Promise.all([
    bucketPairsParameter === undefined ? undefined : setup.parameters.read(bucketPairsParameter, false),
    ignoreListParameter === undefined ? undefined : setup.parameters.read(ignoreListParameter, false),
    credentialsParameter === undefined ? undefined : setup.parameters.read(credentialsParameter, false),
  ]);
  return setup.parameters.fingerprint() !== setup.configFingerprint;
}

/**
 * The setup again, built from the same environment and the same parameter store, when its
 * configuration parameters changed ({@link configurationChanged}); undefined when they did not.
 * The Lambda asks once per invocation, cluster mode before each receive: rotated keys and new
 * pairs take effect within `POWERTOOLS_PARAMETERS_MAX_AGE` without a restart.
 */
export async function refreshedSetup(
  setup: WorkerSetup,
  env: Readonly<Record<string, string | undefined>>,
  observers: { logger?: TransferLogger; metrics?: PipelineMetrics } = {},
): Promise<WorkerSetup | undefined> {
  if (!(await configurationChanged(setup))) return undefined;
  observers.logger?.info("Configuration parameters changed; setting the worker up again");
  return setUpWorker(env, { ...observers, parameters: setup.parameters });
}
