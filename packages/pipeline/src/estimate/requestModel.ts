import { batchConcurrency, type CopyShape } from "../config/environment.js";
import type { RunTally } from "./runTally.js";

/**
 * The requests a run makes on its happy path (no retries, no duplicate deliveries), by service and
 * price class: the one home of those counts, read from what the code sends (and, where noted,
 * measured by `pnpm bench:worker` and `pnpm bench:fanout`). Change it with the code it describes.
 */
export const REQUESTS_PER = {
  /** ListObjectsV2 returns 1,000 keys a page, at each side (a LIST: PUT class). */
  listedKeysPerPage: 1000,
  /** The jobsender, per queued object: the ledger read (BatchGetItem, 100 a call, 1 read unit each) and its `queued` record (PutItem); per message (a job or a batch), 1/10 of a SendMessageBatch. */
  queuedObject: { dynamodbReads: 1, dynamodbWrites: 1, sqsSends: 0.1 },
  /**
   * The worker, per message it takes (an object's job, a range job or a batch): the lease claim
   * and the settling write; and the message's authentication code, made by its sender
   * (GenerateMac) and checked by the worker (VerifyMac).
   */
  message: { dynamodbWrites: 2, kmsRequests: 2 },
  /**
   * An object of a batch, besides its batch's message: its record read (BatchGetItem, eventually
   * consistent: half a read unit) and its one commit; copied server-side, under a lease of its own
   * (its claim and its settling write) instead of the commit.
   */
  batchedObject: { dynamodbReads: 0.5, dynamodbWrites: 1, serverSideDynamodbWrites: 2 },
  /** A small object: one GET at the source (plus GetObjectTagging when tags are copied), one PUT at the destination. */
  smallObject: { sourceGets: 1, destinationPuts: 1 },
  /**
   * An object copied server-side: the HEAD that pins it at the source; then a CopyObject (small)
   * or an UploadPartCopy per part, counted as the streamed copy's PUT and UploadPart are: S3 bills
   * copies as PUT-class requests at the destination and reads the source itself.
   */
  serverSideObject: { sourceHeads: 1 },
  /**
   * A multipart object, besides a ranged GET and an UploadPart per part and the ListParts pages
   * read back at completion: a HEAD at the source; ListMultipartUploads, CreateMultipartUpload,
   * the manifest part's UploadPart and CompleteMultipartUpload at the destination (PUT class).
   */
  multipartObject: { sourceHeads: 1, destinationPuts: 4 },
  /**
   * A range of a fanned-out object, besides its parts: the ListParts of its span, its range job
   * (1/10 of a SendMessageBatch), and about 5.4 ledger writes (range lease, range record, the
   * object's count, completion claim; 4.4 UpdateItem and 1 PutItem measured by `pnpm bench:fanout`).
   */
  range: { destinationPuts: 1, sqsSends: 0.1, dynamodbWrites: 5.4 },
  /** A continuation (a copy that outlives one invocation): its message sent, received, deleted, and the ledger's pause; its code made and checked. */
  continuation: { sqsRequests: 3, dynamodbWrites: 1, kmsRequests: 2 },
} as const;

/**
 * What the estimate assumes of the workers unless told otherwise:
 * - 5 MiB/s a worker: the original's one Lambda moved 80 GB across the border in 2 to 6 hours
 *   (3.5 to 10.6 MiB/s), and `pnpm bench:fanout` measured a worker's 4 flows at 91% of the link;
 * - 0.1 s of request latency per small object: a GET, a PUT and two ledger writes at tens of ms each;
 * - one message per invocation, 1769 MiB and 840 s of copying per invocation: the Terraform
 *   defaults (`worker_batch_size`, `worker_memory_size`, `worker_timeout` less `deadline_margin_seconds`).
 */
export const ESTIMATE_DEFAULTS = {
  workerMiBps: 5,
  /**
   * A server-side copy (CopyObject, UploadPartCopy) moves no byte through the worker, which only
   * waits for S3: assumed 50 MiB/s per copy request, PART_CONCURRENCY at once. AWS publishes no
   * rate (a 5 GB CopyObject in one region takes on the order of a minute or two), and moto,
   * copying in Python, cannot measure one: an assumption.
   */
  serverSideMiBpsPerRequest: 50,
  secondsPerSmallObject: 0.1,
  batchSize: 1,
  memoryMiB: 1769,
  invocationSeconds: 840,
} as const;

/** The requests, bytes and compute of a run, before prices. */
export interface RunRequests {
  readonly sourceGetClass: number;
  readonly sourcePutClass: number;
  readonly destinationGetClass: number;
  readonly destinationPutClass: number;
  readonly sqsRequests: number;
  /** KMS GenerateMac and VerifyMac: the messages' authentication codes. */
  readonly kmsRequests: number;
  readonly dynamodbWrites: number;
  readonly dynamodbReads: number;
  readonly lambdaInvocations: number;
  readonly lambdaSeconds: number;
  readonly bytes: number;
}

/** How the workers run, for the compute part of the estimate. */
export interface WorkerAssumptions {
  /** Messages per worker invocation (the event source mapping's batch size). */
  readonly batchSize: number;
  /** Bytes per second one worker moves (all its objects together): the link decides it across a border. */
  readonly workerBytesPerSecond: number;
  /** Seconds one small object costs a worker besides its bytes (request latency), shared by `fileConcurrency` at once (a batch's objects: `batchConcurrency`). */
  readonly secondsPerSmallObject: number;
}

/**
 * Bytes per second one worker moves: the link-bound rate of `workers` for a streamed copy; for a
 * server-side copy, its concurrent copy requests at the assumed rate of S3's own copies.
 */
export function copyBytesPerSecond(shape: CopyShape, workers: Pick<WorkerAssumptions, "workerBytesPerSecond">): number {
  return shape.serverSideCopy
    ? ESTIMATE_DEFAULTS.serverSideMiBpsPerRequest * 1024 ** 2 * shape.partConcurrency
    : workers.workerBytesPerSecond;
}

/**
 * The requests a run of `tally` makes with the worker's `shape`. The worker receives and deletes
 * in batches of `batchSize` (the event source mapping's receive and DeleteMessageBatch); each
 * continuation the tally counted is one more message and invocation.
 */
export function runRequests(tally: RunTally, shape: CopyShape, workers: WorkerAssumptions): RunRequests {
  const per = REQUESTS_PER;
  const listPages = Math.ceil(tally.listedKeys / per.listedKeysPerPage);
  // A batch is one message for all its objects; every other object is one message of its own.
  const queuedMessages = tally.objects - tally.batchedObjects + tally.batches;
  const messages = queuedMessages + tally.ranges;
  // A CopyObject copies the tags itself; a multipart copy reads them for its upload.
  const tagReads = shape.copyTags ? (shape.serverSideCopy ? tally.multipartObjects : tally.objects) : 0;
  // Small objects' latency is shared by the objects copied at once: FILE_CONCURRENCY messages, or a batch's objects.
  const lambdaSeconds =
    tally.bytes / copyBytesPerSecond(shape, workers) +
    ((tally.smallObjects - tally.batchedObjects) * workers.secondsPerSmallObject) / shape.fileConcurrency +
    (tally.batchedObjects * workers.secondsPerSmallObject) / batchConcurrency(shape);
  const { continuations } = tally;
  const receivesAndDeletes = (2 * messages) / workers.batchSize;
  return {
    // Server-side: a HEAD pins every object, and S3 reads the bytes itself (billed as the copy's PUT).
    sourceGetClass: shape.serverSideCopy
      ? tally.objects * per.serverSideObject.sourceHeads + tagReads
      : tally.smallObjects * per.smallObject.sourceGets + tally.multipartObjects * per.multipartObject.sourceHeads + tally.parts + tagReads,
    sourcePutClass: listPages,
    destinationGetClass: 0,
    destinationPutClass:
      listPages +
      tally.smallObjects * per.smallObject.destinationPuts +
      tally.multipartObjects * per.multipartObject.destinationPuts +
      tally.parts +
      tally.partListPages +
      tally.ranges * per.range.destinationPuts,
    sqsRequests:
      queuedMessages * per.queuedObject.sqsSends +
      tally.ranges * per.range.sqsSends +
      receivesAndDeletes +
      continuations * per.continuation.sqsRequests,
    kmsRequests: messages * per.message.kmsRequests + continuations * per.continuation.kmsRequests,
    dynamodbWrites:
      tally.objects * per.queuedObject.dynamodbWrites +
      messages * per.message.dynamodbWrites +
      tally.batchedObjects * (shape.serverSideCopy ? per.batchedObject.serverSideDynamodbWrites : per.batchedObject.dynamodbWrites) +
      tally.ranges * per.range.dynamodbWrites +
      continuations * per.continuation.dynamodbWrites,
    dynamodbReads: tally.objects * per.queuedObject.dynamodbReads + tally.batchedObjects * per.batchedObject.dynamodbReads,
    lambdaInvocations: messages / workers.batchSize + continuations,
    lambdaSeconds,
    bytes: tally.bytes,
  };
}
