/**
 * The ledger's record of one destination object (one DynamoDB item; schema in docs/ledger.md).
 * Keys: `pk = "obj#" + destination bucket + "/" + destination key`, `sk = "object"`.
 */
export interface ObjectRecord {
  readonly pk: string;
  readonly sk: "object";
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

/** The partition key of a destination object's record. */
export function objectPk(desBucket: string, desKey: string): string {
  return `obj#${desBucket}/${desKey}`;
}
