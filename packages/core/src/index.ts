export { classifyError, type ErrorContext } from "./classifyError.js";
export { type AccessKeys, applyStoredCredentials, type Direction, type EndpointConfig, parseDirection } from "./clients/endpoints.js";
export { type ClientTuning, createS3Client } from "./clients/s3Client.js";
export { compareKeys } from "./compare/keyOrder.js";
export { type JoinedEntry, mergeJoin } from "./compare/mergeJoin.js";
export { type BucketPair, parseBucketPairs } from "./config/bucketPairs.js";
export { loadStoredCredentials, parseStoredCredentials, type StoredCredentials } from "./config/credentials.js";
export { type FunctionEnvironment, readFunctionEnvironment, readWorkerEnvironment, type WorkerEnvironment } from "./config/environment.js";
export { globToRegExpSource, type IgnoreList, parseIgnoreList } from "./config/ignoreList.js";
export { loadRuntimeConfig, type RuntimeConfig } from "./config/runtimeConfig.js";
export * from "./errors.js";
export { compositeEtag, isPlainMd5Etag, normalizeEtag, parseMultipartEtag } from "./integrity/md5.js";
export { type SendResult, sendJobs } from "./jobsender/jobSender.js";
export type * from "./jobsender/jobsenderTypes.js";
export { type PassState, PassStateStore, pairId } from "./jobsender/passState.js";
export { type JobsenderInvocation, runJobsenderFromEnvironment } from "./jobsender/runFromEnvironment.js";
export { checkWorkerMemory, runJobsender } from "./jobsender/runJobsender.js";
export { type LedgerSummary, summarizeLedger } from "./ledger/ledgerSummary.js";
export { ledgerTableDefinition } from "./ledger/ledgerTable.js";
export { ObjectLedger, type QueuedObject } from "./ledger/objectLedger.js";
export { OBJECT_STATUS, type ObjectRecord, type ObjectStatus, objectPk } from "./ledger/objectRecord.js";
export {
  type BeginResult,
  type Finish,
  type HeldLease,
  type LeaseClaim,
  ObjectTransitions,
  type TransferIdentity,
} from "./ledger/objectTransitions.js";
export { type KeySegment, planSegments, segmentsAt } from "./listing/keySegments.js";
export { type ListedVersion, listLatestVersions } from "./listing/listLatestVersions.js";
export { type ListedObject, type ListOptions, listObjects } from "./listing/listObjects.js";
export { destinationKey, listingPrefix } from "./mapping/destinationKey.js";
export { JOB_SCHEMA, JOB_SCHEMA_VERSION, type JobMessage, parseJobMessage, serializeJob } from "./messages/jobMessage.js";
export {
  type CopyWork,
  type DeleteWork,
  decodeEventKey,
  type EventDefaults,
  orderableSequencer,
  parseQueueMessage,
  type Work,
  type WorkOrigin,
} from "./messages/queueMessage.js";
export * from "./observability.js";
export * from "./plan/limits.js";
export { inferPlanFromParts, type PartPlan, type PartRange, partRange, planParts, planWithPartSize } from "./plan/partPlan.js";
export { createServiceClients, type ServiceClients } from "./runtime/serviceClients.js";
export { copyObject } from "./transfer/copyObject.js";
export { type ResolvedSettings, resolveSettings } from "./transfer/defaults.js";
export { mapConcurrent } from "./transfer/mapConcurrent.js";
export type { RetryPolicy } from "./transfer/retry.js";
export type * from "./transfer/types.js";
export {
  type ClusterOptions,
  type ClusterReport,
  DEFAULT_VISIBILITY_TIMEOUT_SECONDS,
  runClusterWorker,
} from "./worker/clusterWorker.js";
export { type Delivery, decideMessage } from "./worker/decideMessage.js";
export { type BatchResponse, type BatchSettings, handleSqsBatch, type SqsEventRecord } from "./worker/handleSqsBatch.js";
export { ObjectLease } from "./worker/objectLease.js";
export { type Attempt, processWork, type SkipReason, type WorkerContext, type WorkOutcome } from "./worker/processWork.js";
export { type RedriveResult, redriveDeadLetters } from "./worker/redrive.js";
export { type MessageAction, type QueueMessage, retryDelaySeconds, settleMessage, type WorkerQueues } from "./worker/settleMessage.js";
export { setUpWorker, type WorkerSetup } from "./worker/workerFromEnvironment.js";
export { checkScope, type EventScope, REFUSAL, type RefusalCode, type ScopeVerdict, type WorkScope } from "./worker/workScope.js";
