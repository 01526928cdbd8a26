import type { CreateTableCommandInput } from "@aws-sdk/client-dynamodb";

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
} as const;

/** The kinds of item, by their sort key. */
export const RECORD_KIND = {
  /** One destination object (`ObjectRecord`). */
  object: "object",
  /** The jobsender's unfinished pass of one bucket pair. */
  pass: "pass",
  /** The jobsender's run lease (one run at a time). */
  lease: "lease",
} as const;

/** The key of a destination object's record: `pk = "obj#" + bucket + "/" + key`. */
export function objectKey(desBucket: string, desKey: string): { pk: string; sk: typeof RECORD_KIND.object } {
  return { pk: objectPk(desBucket, desKey), sk: RECORD_KIND.object };
}

/** The partition key of a destination object's record. */
export function objectPk(desBucket: string, desKey: string): string {
  return `obj#${desBucket}/${desKey}`;
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
  readonly lastError?: string;
  readonly lastErrorCode?: string;
  /** The lease of the attempt copying it: its token, the queue message it works for, and when it lapses (epoch ms). */
  readonly leaseOwner?: string;
  readonly leaseMessageId?: string;
  readonly leaseExpiresAt?: number;
  /** The newest S3 event applied to the key (orderable sequencer); older events are stale. */
  readonly eventSequencer?: string;
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
