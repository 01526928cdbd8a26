/**
 * @s3-migrate/pipeline: the serverless migration built on `@s3-migrate/transfer`: job and S3
 * event messages, queue sending, the DynamoDB ledger and its leases, the jobsender (compare and
 * queue), the worker (Lambda and cluster mode) and their configuration from the environment.
 */
export { bucketFactsOf, type NamedBucket, type SideBuckets } from "./config/bucketFacts.js";
export { type BucketPair, parseBucketPairs } from "./config/bucketPairs.js";
export {
  type BatchRules,
  type CopyShape,
  readBatchRules,
  readCopyShape,
  readFunctionEnvironment,
  readWorkerEnvironment,
} from "./config/environment.js";
export { parseIgnoreList } from "./config/ignoreList.js";
export { type EventRoute, refuseLoopingEvents, refuseOverlappingPairs } from "./config/pairChecks.js";
export { PARAMETER_MAX_AGE_SECONDS, ParameterStore } from "./config/parameterStore.js";
export { SETTINGS, type Setting } from "./config/settings.js";
export {
  type EstimateLine,
  type EstimateWorkers,
  estimateOrReason,
  estimateRun,
  type RunEstimate,
  type RunPlaces,
  type RunRegions,
  tallyRules,
} from "./estimate/estimateRun.js";
export { formatEstimate } from "./estimate/formatEstimate.js";
export { loadPriceTable, type PriceTable, pricesFor, type RegionPrices } from "./estimate/priceTable.js";
export { ESTIMATE_DEFAULTS, REQUESTS_PER, type RunRequests, runRequests, type WorkerAssumptions } from "./estimate/requestModel.js";
export { type BucketLocator, runRegionsOf } from "./estimate/runRegions.js";
export { emptyTally, type RunTally, type TallyRules, tallyObject } from "./estimate/runTally.js";
export type { JobsenderReport } from "./jobsender/jobsenderTypes.js";
export { planSegments, segmentsAt } from "./jobsender/keySegments.js";
export { PassStateStore, pairId } from "./jobsender/passState.js";
export { DEFAULT_SEGMENTS_PER_PAIR } from "./jobsender/processPair.js";
export { runJobsenderFromEnvironment } from "./jobsender/runFromEnvironment.js";
export { runJobsender } from "./jobsender/runJobsender.js";
export { FanoutTransitions } from "./ledger/fanoutTransitions.js";
export {
  LEDGER_KEYS,
  ledgerTableDefinition,
  OBJECT_STATUS,
  type ObjectRecord,
  type ObjectStatus,
  objectKey,
  RANGE_STATUS,
  type RangeRecord,
  RECORD_KIND,
} from "./ledger/ledgerSchema.js";
export { summarizeLedger } from "./ledger/ledgerSummary.js";
export { ObjectLedger } from "./ledger/objectLedger.js";
export { type LeaseClaim, ObjectTransitions, type TransferIdentity } from "./ledger/objectTransitions.js";
export { BATCH_SCHEMA, type BatchMessage, batchId, serializeBatch } from "./messages/batchMessage.js";
export { type JobMessage, serializeJob } from "./messages/jobMessage.js";
export {
  KmsMessageAuthenticator,
  MAC_ATTRIBUTE,
  type MacVerdict,
  type MessageSigner,
  type MessageVerifier,
} from "./messages/messageAuthentication.js";
export { type CopyWork, orderableSequencer, parseQueueMessage } from "./messages/queueMessage.js";
export { DEFAULT_METRICS_NAMESPACE, METRICS, type MetricName, type PipelineMetrics, SERVICE } from "./metricNames.js";
export { withinPartition } from "./preflight/configProblems.js";
export { createKmsClients, type KmsEndpoints } from "./preflight/kmsClients.js";
export type {
  BucketRow,
  EncryptionFinding,
  EventsPreflight,
  NotifiedQueue,
  ObjectLockFinding,
  OwnerFinding,
  PairPreflight,
  PreflightClients,
  PreflightInput,
  PreflightOptions,
  PreflightReport,
  ProbeResult,
  RegionFinding,
  SideConfiguration,
  SideS3Client,
  VersioningFinding,
} from "./preflight/preflightTypes.js";
export {
  isConclusive,
  PREFLIGHT_PROBLEMS,
  type PreflightCode,
  PreflightError,
  type PreflightProblem,
  preflightProblem,
} from "./preflight/problems.js";
export { preflightProblems, runPreflight } from "./preflight/runPreflight.js";
export { type JobQueue, sendJobs } from "./queue/sendJobs.js";
export { SQS_LIMITS } from "./queue/sqsLimits.js";
export {
  createServiceClients,
  messageAuthenticator,
  messageSignerFor,
  queueRegion,
  type ServiceClients,
} from "./runtime/serviceClients.js";
export { FINDING_KINDS, type Finding, type FindingKind } from "./verify/classifyObject.js";
export { type VerifyPairReport, type VerifyReport, verifyPairs } from "./verify/verifyPairs.js";
export { FileVerifyState, type VerifyCounts } from "./verify/verifyState.js";
export { DEFAULT_VISIBILITY_TIMEOUT_SECONDS, runClusterWorker } from "./worker/clusterWorker.js";
export { type BatchResponse, handleSqsBatch } from "./worker/handleSqsBatch.js";
export { redriveDeadLetters } from "./worker/redrive.js";
export { refreshedSetup, setUpWorker, type WorkerSetup } from "./worker/workerFromEnvironment.js";
