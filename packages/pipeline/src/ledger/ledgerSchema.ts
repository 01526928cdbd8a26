import type { CreateTableCommandInput } from "@aws-sdk/client-dynamodb";
import type { PendingCompletion } from "@s3-migrate/transfer";

/**
 * The ledger's schema, in one place: the table's keys and index, the kinds of item it holds and
 * their keys, the object record's attributes and statuses. The code reads and writes the table
 * through these; `ledgerTableDefinition` creates it where Terraform does not run (tests,
 * benchmarks, the demo); the deployment test checks terraform/modules/ledger against it.
 * docs/ledger.md describes each attribute.
 */

/** The table's key attributes and its one index. */
export const LEDGER_KEYS = {
  partitionKey: "pk",
  sortKey: "sk",
  /** Items by status, ordered by their last change (the `status` command reads it). */
  statusIndex: { name: "by_status", partitionKey: "status", sortKey: "updated_at" },
  /**
   * The table's TTL attribute (epoch seconds): DynamoDB deletes an item some time after it. Only
   * batch records carry it. terraform/modules/ledger's `ttl_attribute_name` must name it (the
   * deployment test checks the applied table).
   */
  timeToLive: "expires_at",
} as const;

/** The kinds of item, by their sort key. */
export const RECORD_KIND = {
  /** One destination object (`ObjectRecord`). */
  object: "object",
  /** The jobsender's unfinished pass of one bucket pair. */
  pass: "pass",
  /** The jobsender's run lease (one run at a time). */
  lease: "lease",
  /** One range of parts of a fanned-out object (`RangeRecord`), under the object's own partition key. */
  range: "range",
  /** The lease of one batch of small objects (`BatchRecord`), so a batch delivered twice copies once. */
  batch: "batch",
} as const;

/**
 * The version of the records this code writes. 1: object records, pass state and the run lease.
 * 2: fan-out (the object record's fan-out attributes and `RangeRecord`s). 3: batches
 * (`BatchRecord`s). Version-1 records are read as before; records of version 2 and later carry
 * `ledgerVersion`.
 */
export const LEDGER_SCHEMA_VERSION = 3;

/** The key of a destination object's record: `pk = "obj#" + bucket + "/" + key`. */
export function objectKey(desBucket: string, desKey: string): { pk: string; sk: typeof RECORD_KIND.object } {
  return { pk: objectPk(desBucket, desKey), sk: RECORD_KIND.object };
}

/** The partition key of a destination object's record. */
export function objectPk(desBucket: string, desKey: string): string {
  return `obj#${desBucket}/${desKey}`;
}

/** Digits of a range's index in its sort key, so ranges sort in order (10,000 parts make at most 10,000 ranges). */
const RANGE_INDEX_DIGITS = 5;

/** The key of one range of a fanned-out object: the object's `pk`, `sk = "range#" + index` (zero-padded). */
export function rangeKey(desBucket: string, desKey: string, index: number): { pk: string; sk: string } {
  return { pk: objectPk(desBucket, desKey), sk: `${RECORD_KIND.range}#${String(index).padStart(RANGE_INDEX_DIGITS, "0")}` };
}

/** The sort-key prefix of an object's range records (Query with begins_with). */
export const RANGE_SORT_PREFIX = `${RECORD_KIND.range}#`;

/** The key of a batch's lease: `pk = "batch#" + batchId`. */
export function batchKey(batchId: string): { pk: string; sk: typeof RECORD_KIND.batch } {
  return { pk: `batch#${batchId}`, sk: RECORD_KIND.batch };
}

/** Where a batch's lease stands. */
export const BATCH_STATUS = {
  /** A worker is copying the batch's objects. */
  inProgress: "in_progress",
  /** Every object of the batch was settled (done, skipped, failed or queued alone). */
  settled: "settled",
} as const;

export type BatchStatus = (typeof BATCH_STATUS)[keyof typeof BATCH_STATUS];

/**
 * The lease of one batch of small objects (schema version 3). Its status is `batchStatus`, not
 * `status`, so batches stay out of the `by_status` index and the summary counts objects only.
 */
export interface BatchRecord {
  readonly pk: string;
  readonly sk: typeof RECORD_KIND.batch;
  readonly ledgerVersion: number;
  readonly batchStatus: BatchStatus;
  /** Objects the batch holds. */
  readonly objects: number;
  readonly leaseOwner?: string;
  readonly leaseMessageId?: string;
  readonly leaseExpiresAt?: number;
  readonly deliveries?: number;
  readonly updated_at: string;
  /** Epoch seconds at which the table's TTL deletes the record (`BATCH_RECORD_TTL_MS` after its last delivery). */
  readonly expires_at?: number;
}

/** The key of the jobsender's pass state of one bucket pair. */
export function passKey(pairId: string): { pk: string; sk: typeof RECORD_KIND.pass } {
  return { pk: `jobsender#pass#${pairId}`, sk: RECORD_KIND.pass };
}

/** The key of the jobsender's run lease. */
export const JOBSENDER_LEASE_KEY = { pk: "jobsender#lease", sk: RECORD_KIND.lease } as const;

/**
 * An object record written before lease expiries existed (no `leaseExpiresAt`) holds its lease
 * this long after `updated_at`: that version's lease was the queue's visibility timeout, whose
 * Terraform default was then the worker timeout (900 s) plus 60 s.
 */
export const LEGACY_LEASE_MS = (900 + 60) * 1000;

/** The ledger's record of one destination object. */
export interface ObjectRecord {
  readonly pk: string;
  readonly sk: typeof RECORD_KIND.object;
  readonly status: ObjectStatus;
  readonly srcBucket: string;
  readonly srcKey: string;
  readonly desBucket: string;
  readonly desKey: string;
  readonly size: number;
  readonly srcEtag?: string;
  readonly srcVersionId?: string;
  readonly desEtag?: string;
  readonly desVersionId?: string;
  readonly uploadId?: string;
  readonly attempts?: number;
  readonly continuations?: number;
  readonly deliveries?: number;
  readonly queuedAt?: string;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  readonly updated_at: string;
  readonly verification?: string;
  /** The full-object checksum the destination verified, equal to the source's (`verification` `source-checksum`). */
  readonly checksum?: { readonly algorithm: string; readonly value: string } | null;
  readonly lastError?: string;
  readonly lastErrorCode?: string;
  /** The lease of the attempt copying it: its token, the queue message it works for, and when it lapses (epoch ms). */
  readonly leaseOwner?: string;
  readonly leaseMessageId?: string;
  readonly leaseExpiresAt?: number;
  /**
   * The S3 event whose copy or removal succeeded last (orderable sequencer): an older event that
   * names a version the source no longer has is stale. Written only with a success.
   */
  readonly eventSequencer?: string;
  /** The S3 event the attempt holding the lease applies; becomes `eventSequencer` when it succeeds. */
  readonly leaseSequencer?: string;
  /** Set on records written by a version-2 worker's fan-out. */
  readonly ledgerVersion?: number;
  /** Fan-out (version 2): the shared upload's plan, its ranges, and the indexes of those done. */
  readonly partSize?: number;
  readonly partCount?: number;
  /** The plan is the source's own part layout (the completed ETag must equal the source's). */
  readonly layoutMatches?: boolean;
  readonly rangeParts?: number;
  readonly rangeCount?: number;
  /** Indexes of the ranges whose parts are all at the destination (a number set: adding one twice changes nothing). */
  readonly rangesDone?: ReadonlySet<number>;
  /** True once an attempt took the object's lease to complete the fanned-out upload. */
  readonly completing?: boolean;
  /**
   * A completion the hard deadline cut (the upload, the composite ETag its result has, its
   * verification): the next completer looks for that object before it completes again.
   */
  readonly pendingCompletion?: PendingCompletion;
  /** The source ETag `pendingCompletion` copies: an attempt at another version ignores it. */
  readonly pendingSourceEtag?: string;
}

/** Where one range of a fanned-out object stands. */
export const RANGE_STATUS = {
  waiting: "waiting",
  inProgress: "in_progress",
  done: "done",
  /** A non-retryable error; the range's job was dead-lettered and may be redriven. */
  failed: "failed",
  /** The fan-out was given up (the source changed): nothing more to do. */
  aborted: "aborted",
} as const;

export type RangeStatus = (typeof RANGE_STATUS)[keyof typeof RANGE_STATUS];

/**
 * The ledger's record of one range of a fanned-out object (schema version 2). Its status is
 * `rangeStatus`, not `status`, so ranges stay out of the `by_status` index and the summary counts
 * objects only.
 */
export interface RangeRecord {
  readonly pk: string;
  readonly sk: string;
  readonly ledgerVersion: number;
  readonly rangeStatus: RangeStatus;
  /** The shared upload the range belongs to; a range job of another upload is stale. */
  readonly uploadId: string;
  readonly rangeIndex: number;
  readonly firstPart: number;
  readonly lastPart: number;
  /** Bytes the range's parts hold. */
  readonly bytes: number;
  readonly attempts?: number;
  readonly continuations?: number;
  readonly partsUploaded?: number;
  readonly partsResumed?: number;
  readonly leaseOwner?: string;
  readonly leaseMessageId?: string;
  readonly leaseExpiresAt?: number;
  readonly lastError?: string;
  readonly lastErrorCode?: string;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  readonly updated_at: string;
}

/** Where an object stands. */
export const OBJECT_STATUS = {
  queued: "queued",
  inProgress: "in_progress",
  done: "done",
  failed: "failed",
  skipped: "skipped",
  /** Deleted at the destination by a propagated `ObjectRemoved` event. */
  deleted: "deleted",
} as const;

export type ObjectStatus = (typeof OBJECT_STATUS)[keyof typeof OBJECT_STATUS];

/** The ledger table as terraform/modules/ledger creates it: on-demand, keys and the status index. */
export function ledgerTableDefinition(tableName: string): CreateTableCommandInput {
  const { partitionKey, sortKey, statusIndex } = LEDGER_KEYS;
  return {
    TableName: tableName,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: [partitionKey, sortKey, statusIndex.partitionKey, statusIndex.sortKey].map((name) => ({
      AttributeName: name,
      AttributeType: "S" as const,
    })),
    KeySchema: [
      { AttributeName: partitionKey, KeyType: "HASH" },
      { AttributeName: sortKey, KeyType: "RANGE" },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: statusIndex.name,
        KeySchema: [
          { AttributeName: statusIndex.partitionKey, KeyType: "HASH" },
          { AttributeName: statusIndex.sortKey, KeyType: "RANGE" },
        ],
        Projection: { ProjectionType: "ALL" },
      },
    ],
  };
}
