/**
 * @s3-migrate/transfer: copies S3 objects between two endpoints (accounts, regions, partitions),
 * verified and resumable at the part level. Everything `s3-migrate copy` needs, and nothing of the
 * queue, the ledger or Lambda: endpoints and clients, part planning, integrity, listing, key
 * mapping, and the small and multipart copies. The pipeline (`@s3-migrate/pipeline`) builds on it.
 *
 * @example
 * const source = createS3Client({ region: "us-east-1" });
 * const destination = createS3Client({ region: "cn-northwest-1", credentials });
 * const outcome = await copyObject({ source, destination }, { source: { bucket: "a", key: "k" }, destination: { bucket: "b", key: "k" } });
 */
export { classifyError } from "./classifyError.js";
export { mapConcurrent } from "./concurrency/mapConcurrent.js";
export { copyObject } from "./copy/copyObject.js";
export { findSameBytes } from "./copy/copySmallObject.js";
export type { SourceIdentity } from "./copy/multipart/completeVerified.js";
export { planForNewUpload } from "./copy/multipart/openUpload.js";
export {
  abortSharedUpload,
  completeSharedUpload,
  copyUploadSpan,
  type OpenedSharedUpload,
  openSharedUpload,
  type SharedUpload,
  type SpanOutcome,
} from "./copy/multipart/sharedUpload.js";
export { headSource, sourceKeyExists } from "./copy/sourceObject.js";
export type {
  CopyRequest,
  DoneOutcome,
  FailedOutcome,
  PausedOutcome,
  PendingCompletion,
  ProvenChecksum,
  SourceChangedOutcome,
  StopSignals,
  TransferContext,
  TransferOutcome,
  TransferSettings,
  Verification,
} from "./copy/types.js";
export { countVerification, emptyVerificationTally, type VerificationTally } from "./copy/verificationTally.js";
export { resolveSettings, TRANSFER_DEFAULTS } from "./defaults.js";
export { BucketRegions } from "./endpoints/bucketRegions.js";
export { type AccessKeys, type BucketFacts, type Direction, type EndpointConfig, parseDirection } from "./endpoints/endpoints.js";
export { copySourceBucket, RegionalS3Client, type RegionCorrection } from "./endpoints/regionalClient.js";
export { isAccountId, isRegionName, isWrongRegionAnswer, partitionOf, regionNamedBy } from "./endpoints/regions.js";
export { type ClientTuning, createS3Client, type SideOptions } from "./endpoints/s3Client.js";
export { createSideClients, type SideClients } from "./endpoints/sideClients.js";
export {
  applyStoredCredentials,
  loadStoredCredentials,
  parseStoredCredentials,
  type StoredCredentials,
  type StoredCredentialsOptions,
} from "./endpoints/storedCredentials.js";
export {
  AccessDeniedError,
  BucketMissingError,
  ConfigError,
  DestinationExistsError,
  ERROR_CODES,
  type ErrorCode,
  MigrationError,
  NoProgressError,
  type RefusalCode,
  RefusedWorkError,
  type Side,
  StillBusyError,
  TransientError,
  UploadGoneError,
  WrongRegionError,
} from "./errors.js";
export {
  type ChecksumAlgorithmName,
  type CrcImplementation,
  checksumField,
  loadCrc,
  type StoredChecksum,
  storedChecksumOf,
} from "./integrity/checksums.js";
export { CRC_ALGORITHMS, combineCrcs, crcFromBase64, crcToBase64 } from "./integrity/crcCombine.js";
export { normalizeEtag } from "./integrity/md5.js";
export { compareKeys } from "./listing/keyOrder.js";
export { listLatestVersions } from "./listing/listLatestVersions.js";
export { type ListedObject, listObjects } from "./listing/listObjects.js";
export { destinationKey, listingPrefix } from "./mapping/destinationKey.js";
export type { MetricCatalogue, MetricDefinition, MetricUnitName } from "./metricNames.js";
export { TRANSFER_METRICS } from "./metricNames.js";
export type { MetricSink, ProgressEvent, ProgressListener, TransferLogger, TransferMetrics } from "./observability.js";
export { GIB, MAX_OBJECT_SIZE, MAX_PART_SIZE, MAX_PARTS, MAX_SINGLE_PUT_SIZE, MIB, MIN_PART_SIZE } from "./plan/limits.js";
export { planParts } from "./plan/partPlan.js";
export {
  backoffDelayMs,
  RETRY_POLICIES,
  type RetryOverrides,
  type RetryPolicy,
  retryPolicy,
  SDK_REQUEST_ATTEMPTS,
  sleep,
  WAITS,
} from "./retry.js";
