import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { type PendingCompletion, type ProvenChecksum, WAITS } from "@s3-migrate/transfer";
import { HANDOFF, isConditionFailure, judgeLease, refusedItem, writeIf } from "./leaseTerms.js";
import { LEGACY_LEASE_MS, OBJECT_STATUS, type ObjectRecord, objectKey } from "./ledgerSchema.js";

/** The source version a worker is copying: the guard of every transition. */
export interface TransferIdentity {
  readonly srcBucket: string;
  readonly srcKey: string;
  readonly desBucket: string;
  readonly desKey: string;
  readonly size: number;
  readonly srcEtag: string;
  readonly srcVersionId?: string;
}

/** What an attempt asks for when it takes an object's lease. */
export interface LeaseClaim {
  /** The attempt's own token (random); a continuation carries it to take its lease back. */
  readonly token: string;
  /** The queue message the attempt works for: its redelivery is told apart from a duplicate by it. */
  readonly messageId: string;
  /** Epoch ms at which the lease lapses unless renewed: never later than the message reappears. */
  readonly expiresAt: number;
  /** The S3 event behind the work ({@link orderableSequencer}): older events never win. */
  readonly sequencer?: string;
  /**
   * The token came with a continuation: the attempt takes back the lease its paused predecessor
   * handed off, once (a second copy of the continuation is a duplicate), and only while nobody
   * else has taken the object since.
   */
  readonly continuing?: boolean;
}

/** A lease this attempt holds: what every later transition is guarded by. */
export interface HeldLease {
  readonly identity: TransferIdentity;
  readonly token: string;
  /**
   * The S3 event the attempt applies (its orderable sequencer): stored as the key's
   * `eventSequencer` only when the attempt succeeds, so an event that never succeeded orders nothing.
   */
  readonly sequencer?: string;
}

/**
 * A live lease holds the object: look again in `retryAfterMs`. `ownMessage`: the lease may be
 * held for this very message, which must then come back as itself (its holder's copy depends on
 * it); otherwise it may come back as a new message.
 */
export interface Busy {
  readonly status: "busy";
  readonly retryAfterMs: number;
  readonly ownMessage?: boolean;
}

/** How taking the lease went. */
export type BeginResult =
  /**
   * The lease is ours: copy, after looking for what an earlier attempt at this version left.
   * `sequencer`: the event a continuation applies, as its paused predecessor's lease recorded it.
   */
  | ({ readonly status: "started"; readonly sequencer?: string } & EarlierAttempt)
  /** The record says `done` for this source version: nothing to copy. */
  | { readonly status: "already-done" }
  /** Another message for the same version holds a live lease: this one can only copy twice. */
  | { readonly status: "duplicate" }
  /** A live lease for another version, or this very message's earlier delivery still alive: wait. */
  | Busy
  /** A newer S3 event of this key was applied already. */
  | { readonly status: "stale" };

/**
 * What the record said of an earlier attempt at the same source version when the lease was taken:
 * the ledger's word, never a message's.
 */
export interface EarlierAttempt {
  /** The completion it recorded before sending it (or that the deadline cut): look for its result first. */
  readonly pendingCompletion?: PendingCompletion;
  /** It held the object's lease and never finished: it may have written the object before it died. */
  readonly mayBeWritten?: boolean;
}

/** How a finished transfer ended. */
export type Finish =
  | {
      readonly status: "done";
      readonly desEtag: string;
      readonly desVersionId?: string;
      readonly verification: string;
      /** The full-object checksum the destination verified, equal to the source's (`source-checksum`). */
      readonly checksum?: ProvenChecksum;
    }
  | { readonly status: "failed" | "skipped"; readonly errorCode: string; readonly error: string };

/** No attempt holds a live lease (a record of the previous version holds one for LEGACY_LEASE_MS). */
const NO_LIVE_LEASE =
  "(#status <> :inProgress OR leaseExpiresAt < :nowMs OR (attribute_not_exists(leaseExpiresAt) AND updated_at < :legacyStart))";
/** The S3 event being applied is not older than the last one applied to the key. */
const NOT_STALE = "(attribute_not_exists(eventSequencer) OR eventSequencer <= :sequencer)";

/** Where the object is, as the values of `SET srcBucket = :srcBucket, ...`. */
function locationValues(object: Pick<TransferIdentity, "srcBucket" | "srcKey" | "desBucket" | "desKey">): Record<string, string> {
  return { ":srcBucket": object.srcBucket, ":srcKey": object.srcKey, ":desBucket": object.desBucket, ":desKey": object.desKey };
}

/** The values NO_LIVE_LEASE reads (DynamoDB refuses values an expression does not use). */
function leaseClock(now: Date, legacy = true): Record<string, unknown> {
  return {
    ":inProgress": OBJECT_STATUS.inProgress,
    ":nowMs": now.getTime(),
    ...(legacy ? { ":legacyStart": new Date(now.getTime() - LEGACY_LEASE_MS).toISOString() } : {}),
  };
}

/**
 * The worker's writes to an object record. Each is one conditional UpdateItem, so a small object
 * costs two writes (begin, finish) and a large one adds one per deadline continuation and one per
 * lease renewal, whatever its size. The record holds a lease (`leaseOwner`, `leaseExpiresAt`,
 * `leaseMessageId`): only its owner moves the record on, and another attempt takes it over only
 * once it has expired, never because a message was delivered again.
 */
export class ObjectTransitions {
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(client: DynamoDBDocumentClient, tableName: string) {
    this.#client = client;
    this.#table = tableName;
  }

  /**
   * Takes the object's lease for this source version. Refused when the record says `done` for
   * the same ETag and size, while another attempt's lease is live (a continuation takes back the
   * lease its predecessor handed off, once), and when a newer S3 event of the key was applied.
   */
  async begin(identity: TransferIdentity, claim: LeaseClaim, continuation: number, now: Date): Promise<BeginResult> {
    const sequenced = claim.sequencer !== undefined;
    try {
      const answer = await this.#client.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: this.#key(identity),
          UpdateExpression: `SET #status = :inProgress, srcBucket = :srcBucket, srcKey = :srcKey, desBucket = :desBucket, desKey = :desKey, #size = :size, srcEtag = :etag, srcVersionId = :versionId, leaseOwner = :token, leaseMessageId = :messageId, leaseExpiresAt = :expiresAt, startedAt = if_not_exists(startedAt, :now), updated_at = :now${sequenced ? ", leaseSequencer = :sequencer" : claim.continuing ? "" : " REMOVE leaseSequencer"} ADD attempts :attempt, deliveries :one, continuations :continued`,
          ConditionExpression: `${beginCondition(claim, continuation)}${sequenced ? ` AND ${NOT_STALE}` : ""}`,
          ExpressionAttributeNames: { "#status": "status", "#size": "size" },
          ExpressionAttributeValues: {
            ...leaseClock(now, !claim.continuing),
            ...(claim.continuing ? { ":handoff": HANDOFF } : { ":done": OBJECT_STATUS.done }),
            ...locationValues(identity),
            ":size": identity.size,
            ":etag": identity.srcEtag,
            ":versionId": identity.srcVersionId ?? null,
            ":token": claim.token,
            ":messageId": claim.messageId,
            ":expiresAt": claim.expiresAt,
            ":now": now.toISOString(),
            ":attempt": continuation === 0 ? 1 : 0,
            ":continued": continuation === 0 ? 0 : 1,
            ":one": 1,
            ...(sequenced ? { ":sequencer": claim.sequencer } : {}),
          },
          ReturnValues: "ALL_OLD",
          ReturnValuesOnConditionCheckFailure: "ALL_OLD",
        }),
      );
      const old = answer.Attributes as LedgerRecord | undefined;
      const sequencer = claim.sequencer ?? (claim.continuing ? old?.leaseSequencer : undefined);
      return { status: "started", ...(sequencer === undefined ? {} : { sequencer }), ...earlierAttempt(old, identity) };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const current = (await this.#refusedRecord(error, identity)) ?? undefined;
      const result = classifyRefusal(current, identity, claim, now.getTime());
      // A delivery that copies nothing is still counted, so a record shows how often it came.
      if (result.status === "already-done" || result.status === "duplicate") await this.#countDelivery(identity);
      return result;
    }
  }

  /**
   * Extends a held lease to `expiresAt` (cluster mode renews it with each visibility heartbeat).
   * @returns false when the lease is no longer ours (it expired and another attempt took it).
   */
  async renew(lease: HeldLease, expiresAt: number): Promise<boolean> {
    return this.#guarded(lease, "SET leaseExpiresAt = :expiresAt", { ":expiresAt": expiresAt });
  }

  /**
   * Notes the open upload of a paused transfer and hands the lease off to the continuation about
   * to be queued (`leaseMessageId = "handoff"`): the first continuation carrying the token takes
   * it back, a second copy of it is a duplicate.
   */
  async pause(lease: HeldLease, uploadId: string | undefined, pending: PendingCompletion | undefined, now: Date): Promise<boolean> {
    return this.#guarded(
      lease,
      `SET uploadId = :uploadId, leaseMessageId = :handoff, leaseExpiresAt = :handoffUntil, updated_at = :now${pending === undefined ? "" : ", pendingCompletion = :pending, pendingSourceEtag = :etag"}`,
      {
        ":uploadId": uploadId ?? null,
        ":handoff": HANDOFF,
        ":handoffUntil": now.getTime() + WAITS.handoffLeaseMs,
        ":now": now.toISOString(),
        ...(pending === undefined ? {} : { ":pending": pending }),
      },
    );
  }

  /**
   * Records a retryable error and lets the lease go (`leaseExpiresAt = 0`, no owner): whichever
   * delivery comes next, this message after its backoff or a duplicate, may take the object at
   * once, and a late renewal of this attempt can no longer revive it.
   */
  async recordError(lease: HeldLease, errorCode: string, error: string, now: Date): Promise<boolean> {
    return this.#guarded(
      lease,
      "SET lastErrorCode = :code, lastError = :error, leaseExpiresAt = :released, updated_at = :now REMOVE leaseOwner, leaseMessageId",
      {
        ":code": errorCode,
        ":error": error.slice(0, 1000),
        ":released": 0,
        ":now": now.toISOString(),
      },
    );
  }

  /**
   * Notes, under the lease, a completion about to be sent or cut by the hard deadline, bound to the
   * source version the lease copies, so the next attempt looks for its result before it sends
   * anything again (S3 may have finished it and removed the upload). @returns false when the lease
   * is no longer ours.
   */
  async notePendingCompletion(lease: HeldLease, pending: PendingCompletion, now: Date): Promise<boolean> {
    return this.#guarded(lease, "SET pendingCompletion = :pending, pendingSourceEtag = :etag, updated_at = :now", {
      ":pending": pending,
      ":now": now.toISOString(),
    });
  }

  /** Ends the transfer and its lease. @returns false when the lease was no longer ours. */
  async finish(lease: HeldLease, finish: Finish, now: Date): Promise<boolean> {
    if (finish.status === "done") {
      return this.#guarded(
        lease,
        `SET #status = :status, desEtag = :desEtag, desVersionId = :desVersionId, verification = :verification, checksum = :checksum, ${lease.sequencer === undefined ? "" : "eventSequencer = :sequencer, "}finishedAt = :now, updated_at = :now REMOVE uploadId, lastError, lastErrorCode, leaseOwner, leaseMessageId, leaseExpiresAt, completing, rangesDone, pendingCompletion, pendingSourceEtag, leaseSequencer`,
        {
          ":status": OBJECT_STATUS.done,
          ":desEtag": finish.desEtag,
          ":desVersionId": finish.desVersionId ?? null,
          ":verification": finish.verification,
          ":checksum": finish.checksum ?? null,
          ...(lease.sequencer === undefined ? {} : { ":sequencer": lease.sequencer }),
          ":now": now.toISOString(),
        },
      );
    }
    return this.#guarded(
      lease,
      "SET #status = :status, lastErrorCode = :code, lastError = :error, finishedAt = :now, updated_at = :now REMOVE uploadId, leaseOwner, leaseMessageId, leaseExpiresAt, completing, rangesDone, pendingCompletion, pendingSourceEtag, leaseSequencer",
      {
        ":status": finish.status,
        ":code": finish.errorCode,
        ":error": finish.error.slice(0, 1000),
        ":now": now.toISOString(),
      },
    );
  }

  /**
   * Records a create-only copy (`CopyRequest.createOnly`) as `done` in one write, with no lease
   * taken before it: S3 let exactly one writer create the key, and this records it only while the
   * record is as `seen` before the copy (none, or the jobsender's `queued` mark). A record that
   * moved meanwhile (another attempt took the object) keeps that attempt's state.
   *
   * @param seen - the record read before the copy (see {@link isUnclaimed}); undefined when there was none
   * @returns false when the record had moved on
   */
  async commitCopy(
    identity: TransferIdentity,
    seen: Pick<ObjectRecord, "updated_at"> | undefined,
    copy: Extract<Finish, { status: "done" }>,
    now: Date,
  ): Promise<boolean> {
    return writeIf(this.#client, {
      TableName: this.#table,
      Key: this.#key(identity),
      UpdateExpression:
        "SET #status = :done, srcBucket = :srcBucket, srcKey = :srcKey, desBucket = :desBucket, desKey = :desKey, #size = :size, srcEtag = :etag, srcVersionId = :versionId, desEtag = :desEtag, desVersionId = :desVersionId, verification = :verification, checksum = :checksum, startedAt = if_not_exists(startedAt, :now), finishedAt = :now, updated_at = :now ADD attempts :one, deliveries :one",
      ConditionExpression: seen === undefined ? "attribute_not_exists(pk)" : "#status = :queued AND updated_at = :seenAt",
      ExpressionAttributeNames: { "#status": "status", "#size": "size" },
      ExpressionAttributeValues: {
        ":done": OBJECT_STATUS.done,
        ...locationValues(identity),
        ":size": identity.size,
        ":etag": identity.srcEtag,
        ":versionId": identity.srcVersionId ?? null,
        ":desEtag": copy.desEtag,
        ":desVersionId": copy.desVersionId ?? null,
        ":verification": copy.verification,
        ":checksum": copy.checksum ?? null,
        ":now": now.toISOString(),
        ":one": 1,
        ...(seen === undefined ? {} : { ":queued": OBJECT_STATUS.queued, ":seenAt": seen.updated_at }),
      },
    });
  }

  /**
   * Records a failure that happened before the transfer could begin (the source could not even
   * be read), so every job ends in the ledger; never over a `done` record or a live lease.
   */
  async failBeforeStart(
    object: Pick<TransferIdentity, "srcBucket" | "srcKey" | "desBucket" | "desKey">,
    errorCode: string,
    error: string,
    now: Date,
  ): Promise<boolean> {
    return writeIf(this.#client, {
      TableName: this.#table,
      Key: objectKey(object.desBucket, object.desKey),
      UpdateExpression:
        "SET #status = :failed, srcBucket = :srcBucket, srcKey = :srcKey, desBucket = :desBucket, desKey = :desKey, lastErrorCode = :code, lastError = :error, finishedAt = :now, updated_at = :now ADD attempts :one, deliveries :one",
      ConditionExpression: `attribute_not_exists(pk) OR (#status <> :done AND ${NO_LIVE_LEASE})`,
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: {
        ...leaseClock(now),
        ":failed": OBJECT_STATUS.failed,
        ":done": OBJECT_STATUS.done,
        ...locationValues(object),
        ":code": errorCode,
        ":error": error.slice(0, 1000),
        ":now": now.toISOString(),
        ":one": 1,
      },
    });
  }

  /**
   * Takes the object's lease to apply an S3 `ObjectRemoved` event (the record is `in_progress`
   * with no source version while the destination object is deleted, so a copy of a newer upload
   * waits for it), unless a live lease holds it. No event order is judged: the removal is applied
   * only once the source, checked under this lease, is really gone (no copy can interleave), and
   * {@link finishDelete} then records `deleted` and the event's sequencer.
   */
  async beginDelete(
    object: Pick<TransferIdentity, "srcBucket" | "srcKey" | "desBucket" | "desKey">,
    claim: LeaseClaim,
    now: Date,
  ): Promise<{ readonly status: "started"; readonly lease: HeldLease } | Busy> {
    const sequenced = claim.sequencer !== undefined;
    const identity: TransferIdentity = { ...object, size: 0, srcEtag: REMOVAL_ETAG };
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: this.#key(object),
          UpdateExpression: `SET #status = :inProgress, srcBucket = :srcBucket, srcKey = :srcKey, desBucket = :desBucket, desKey = :desKey, srcEtag = :removal, leaseOwner = :token, leaseMessageId = :messageId, leaseExpiresAt = :expiresAt, updated_at = :now${sequenced ? ", leaseSequencer = :sequencer" : ""} REMOVE uploadId, pendingCompletion, pendingSourceEtag${sequenced ? "" : ", leaseSequencer"}`,
          ConditionExpression: `attribute_not_exists(pk) OR ${NO_LIVE_LEASE}`,
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: {
            ...leaseClock(now),
            ...locationValues(object),
            ":removal": REMOVAL_ETAG,
            ":token": claim.token,
            ":messageId": claim.messageId,
            ":expiresAt": claim.expiresAt,
            ":now": now.toISOString(),
            ...(sequenced ? { ":sequencer": claim.sequencer } : {}),
          },
          ReturnValuesOnConditionCheckFailure: "ALL_OLD",
        }),
      );
      return { status: "started", lease: { identity, token: claim.token, ...(sequenced ? { sequencer: claim.sequencer } : {}) } };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const current = await this.#refusedRecord(error, object);
      const leaseLeft = (current === undefined ? 0 : liveLeaseExpiry(current)) - now.getTime();
      return { status: "busy", retryAfterMs: Math.max(WAITS.raceRetryMs, leaseLeft) };
    }
  }

  /** Records that the removal was applied at the destination, and ends its lease. */
  async finishDelete(lease: HeldLease, now: Date): Promise<boolean> {
    return this.#guarded(
      lease,
      `SET #status = :deleted, finishedAt = :now, updated_at = :now${lease.sequencer === undefined ? "" : ", eventSequencer = :sequencer"} REMOVE leaseOwner, leaseMessageId, leaseExpiresAt, lastError, lastErrorCode, leaseSequencer`,
      {
        ":deleted": OBJECT_STATUS.deleted,
        ":now": now.toISOString(),
        ...(lease.sequencer === undefined ? {} : { ":sequencer": lease.sequencer }),
      },
    );
  }

  /** The record as it was when a conditional write was refused (from the error, else read). */
  async #refusedRecord(error: unknown, object: Pick<TransferIdentity, "desBucket" | "desKey">): Promise<LedgerRecord | undefined> {
    const old = refusedItem<LedgerRecord>(error);
    if (old !== undefined) return old;
    const read = await this.#client.send(
      new GetCommand({
        TableName: this.#table,
        Key: objectKey(object.desBucket, object.desKey),
        ConsistentRead: true,
      }),
    );
    return read.Item as LedgerRecord | undefined;
  }

  async #countDelivery(identity: TransferIdentity): Promise<void> {
    await this.#client.send(
      new UpdateCommand({
        TableName: this.#table,
        Key: this.#key(identity),
        UpdateExpression: "ADD deliveries :one",
        ExpressionAttributeValues: { ":one": 1 },
      }),
    );
  }

  /** An update that applies only while this attempt holds the record's lease. */
  async #guarded(lease: HeldLease, update: string, values: Record<string, unknown>): Promise<boolean> {
    return writeIf(this.#client, {
      TableName: this.#table,
      Key: this.#key(lease.identity),
      UpdateExpression: update,
      ConditionExpression: "#status = :inProgress AND leaseOwner = :token AND srcEtag = :etag",
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: {
        ...values,
        ":inProgress": OBJECT_STATUS.inProgress,
        ":token": lease.token,
        ":etag": lease.identity.srcEtag,
      },
    });
  }

  #key(identity: Pick<TransferIdentity, "desBucket" | "desKey">) {
    return objectKey(identity.desBucket, identity.desKey);
  }
}

/** A record as read back: any attribute may be missing (older records, removals). */
export type LedgerRecord = Partial<ObjectRecord>;

/** `srcEtag` of a record while a removal holds its lease: no source version. */
const REMOVAL_ETAG = "";

/** The condition under which `begin` takes the lease, for this kind of attempt. */
function beginCondition(claim: LeaseClaim, continuation: number): string {
  if (claim.continuing)
    return "(#status = :inProgress AND leaseOwner = :token AND srcEtag = :etag AND (leaseMessageId = :handoff OR leaseExpiresAt < :nowMs))";
  const free =
    continuation > 0
      ? // The continuation of a transfer paused by the previous version of the worker (no token):
        // it takes over a record of that version, as that version did.
        `(${NO_LIVE_LEASE} OR attribute_not_exists(leaseExpiresAt))`
      : NO_LIVE_LEASE;
  return `(attribute_not_exists(pk) OR (NOT (#status = :done AND srcEtag = :etag AND #size = :size) AND ${free}))`;
}

/**
 * Whether no attempt has claimed the object since it was queued: no record, or the jobsender's
 * `queued` mark of this same version. Only such an object may be copied create-only and
 * committed in one write ({@link ObjectTransitions.commitCopy}); any other record (done, failed,
 * leased, another version) goes through `begin` and its lease.
 */
export function isUnclaimed(record: LedgerRecord | undefined, identity: Pick<TransferIdentity, "srcEtag" | "size">): boolean {
  if (record === undefined) return true;
  return (
    record.status === OBJECT_STATUS.queued &&
    (record.srcEtag ?? identity.srcEtag) === identity.srcEtag &&
    (record.size === undefined || Number(record.size) === identity.size) &&
    typeof record.updated_at === "string"
  );
}

/** Whether the record says `done` for this very source version (nothing to copy). */
export function isDoneFor(record: LedgerRecord | undefined, identity: Pick<TransferIdentity, "srcEtag" | "size">): boolean {
  return record?.status === OBJECT_STATUS.done && record.srcEtag === identity.srcEtag && Number(record.size) === identity.size;
}

/** Whether an S3 event of the key newer than `sequencer` was applied (NOT_STALE, read back). */
function isStale(record: LedgerRecord, sequencer: string | undefined): boolean {
  return sequencer !== undefined && record.eventSequencer !== undefined && record.eventSequencer > sequencer;
}

/** When the record's lease lapses (epoch ms); in the past when none is live. */
function liveLeaseExpiry(record: LedgerRecord): number {
  if (record.status !== OBJECT_STATUS.inProgress) return 0;
  if (record.leaseExpiresAt !== undefined) return Number(record.leaseExpiresAt);
  return Date.parse(record.updated_at ?? "") + LEGACY_LEASE_MS || 0;
}

/** Why `begin` was refused, from the record as it stood. */
function classifyRefusal(current: LedgerRecord | undefined, identity: TransferIdentity, claim: LeaseClaim, nowMs: number): BeginResult {
  if (current === undefined) return { status: "busy", retryAfterMs: WAITS.raceRetryMs };
  const sameVersion = current.srcEtag === identity.srcEtag && Number(current.size) === identity.size;
  if (isDoneFor(current, identity)) return { status: "already-done" };
  if (isStale(current, claim.sequencer)) return { status: "stale" };
  const judged = judgeLease({ ...current, expiresAt: liveLeaseExpiry(current) }, claim, nowMs);
  if (judged.status !== "held") return judged;
  // another message's live lease: a duplicate of the same version settles, another version waits
  return sameVersion ? { status: "duplicate" } : { status: "busy", retryAfterMs: judged.retryAfterMs };
}

/** What the record left by an earlier attempt at this source version tells the attempt that takes the lease now. */
function earlierAttempt(old: LedgerRecord | undefined, identity: TransferIdentity): EarlierAttempt {
  if (old?.status !== OBJECT_STATUS.inProgress || old.srcEtag !== identity.srcEtag || Number(old.size) !== identity.size) return {};
  const pending = old.pendingSourceEtag === identity.srcEtag ? (old.pendingCompletion ?? undefined) : undefined;
  // A lease handed off at a pause wrote nothing whole; any other unfinished one may have.
  return {
    ...(old.leaseMessageId === HANDOFF ? {} : { mayBeWritten: true }),
    ...(pending === undefined ? {} : { pendingCompletion: pending }),
  };
}
