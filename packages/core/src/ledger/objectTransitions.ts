import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { OBJECT_STATUS, type ObjectRecord, objectPk } from "./objectRecord.js";

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
}

/** A lease this attempt holds: what every later transition is guarded by. */
export interface HeldLease {
  readonly identity: TransferIdentity;
  readonly token: string;
}

/** How taking the lease went. */
export type BeginResult =
  /** The lease is ours: copy. */
  | { readonly status: "started" }
  /** The record says `done` for this source version: nothing to copy. */
  | { readonly status: "already-done" }
  /** Another message for the same version holds a live lease: this one can only copy twice. */
  | { readonly status: "duplicate" }
  /** A live lease for another version, or this very message's earlier delivery still alive: wait. */
  | { readonly status: "busy"; readonly retryAfterMs: number }
  /** A newer S3 event of this key was applied already. */
  | { readonly status: "stale" };

/** How a finished transfer ended. */
export type Finish =
  | { readonly status: "done"; readonly desEtag: string; readonly desVersionId?: string; readonly verification: string }
  | { readonly status: "failed" | "skipped"; readonly errorCode: string; readonly error: string };

/** An object record written before lease expiries existed holds its lease this long after `updated_at`. */
const LEGACY_LEASE_MS = 960_000;
/** How soon to look again when the record changed between the refused write and the read. */
const RACE_RETRY_MS = 1_000;

const isConditionFailure = (error: unknown) => (error as { name?: string }).name === "ConditionalCheckFailedException";

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
   * the same ETag and size, when another attempt's lease has not expired (a continuation's own
   * token is always let back in), and when a newer S3 event of the key was applied.
   */
  async begin(identity: TransferIdentity, claim: LeaseClaim, continuation: number, now: Date): Promise<BeginResult> {
    const nowMs = now.getTime();
    const sequenced = claim.sequencer !== undefined;
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: this.#key(identity),
          UpdateExpression: `SET #status = :inProgress, srcBucket = :srcBucket, srcKey = :srcKey, desBucket = :desBucket, desKey = :desKey, #size = :size, srcEtag = :etag, srcVersionId = :versionId, leaseOwner = :token, leaseMessageId = :messageId, leaseExpiresAt = :expiresAt, startedAt = if_not_exists(startedAt, :now), updated_at = :now${sequenced ? ", eventSequencer = :sequencer" : ""} ADD attempts :attempt, deliveries :one, continuations :continued`,
          ConditionExpression: `attribute_not_exists(pk) OR (NOT (#status = :done AND srcEtag = :etag AND #size = :size) AND (#status <> :inProgress OR leaseOwner = :token OR leaseExpiresAt < :nowMs OR (attribute_not_exists(leaseExpiresAt) AND updated_at < :legacyStart))${sequenced ? " AND (attribute_not_exists(eventSequencer) OR eventSequencer <= :sequencer)" : ""})`,
          ExpressionAttributeNames: { "#status": "status", "#size": "size" },
          ExpressionAttributeValues: {
            ":inProgress": OBJECT_STATUS.inProgress,
            ":done": OBJECT_STATUS.done,
            ":srcBucket": identity.srcBucket,
            ":srcKey": identity.srcKey,
            ":desBucket": identity.desBucket,
            ":desKey": identity.desKey,
            ":size": identity.size,
            ":etag": identity.srcEtag,
            ":versionId": identity.srcVersionId ?? null,
            ":token": claim.token,
            ":messageId": claim.messageId,
            ":expiresAt": claim.expiresAt,
            ":nowMs": nowMs,
            ":now": now.toISOString(),
            ":legacyStart": new Date(nowMs - LEGACY_LEASE_MS).toISOString(),
            ":attempt": continuation === 0 ? 1 : 0,
            ":continued": continuation === 0 ? 0 : 1,
            ":one": 1,
            ...(sequenced ? { ":sequencer": claim.sequencer } : {}),
          },
          ReturnValuesOnConditionCheckFailure: "ALL_OLD",
        }),
      );
      return { status: "started" };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const current = (await this.#refusedRecord(error, identity)) ?? undefined;
      const result = classifyRefusal(current, identity, claim, nowMs);
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

  /** Notes the open upload of a paused transfer; the lease stays ours for the continuation. */
  async pause(lease: HeldLease, uploadId: string | undefined, now: Date): Promise<boolean> {
    return this.#guarded(lease, "SET uploadId = :uploadId, updated_at = :now", {
      ":uploadId": uploadId ?? null,
      ":now": now.toISOString(),
    });
  }

  /**
   * Records a retryable error and lets the lease go (`leaseExpiresAt = 0`): whichever delivery
   * comes next, this message after its backoff or a duplicate, may take the object at once.
   */
  async recordError(lease: HeldLease, errorCode: string, error: string, now: Date): Promise<boolean> {
    return this.#guarded(lease, "SET lastErrorCode = :code, lastError = :error, leaseExpiresAt = :released, updated_at = :now", {
      ":code": errorCode,
      ":error": error.slice(0, 1000),
      ":released": 0,
      ":now": now.toISOString(),
    });
  }

  /** Ends the transfer and its lease. @returns false when the lease was no longer ours. */
  async finish(lease: HeldLease, finish: Finish, now: Date): Promise<boolean> {
    if (finish.status === "done") {
      return this.#guarded(
        lease,
        "SET #status = :status, desEtag = :desEtag, desVersionId = :desVersionId, verification = :verification, finishedAt = :now, updated_at = :now REMOVE uploadId, lastError, lastErrorCode, leaseOwner, leaseMessageId, leaseExpiresAt",
        {
          ":status": OBJECT_STATUS.done,
          ":desEtag": finish.desEtag,
          ":desVersionId": finish.desVersionId ?? null,
          ":verification": finish.verification,
          ":now": now.toISOString(),
        },
      );
    }
    return this.#guarded(
      lease,
      "SET #status = :status, lastErrorCode = :code, lastError = :error, finishedAt = :now, updated_at = :now REMOVE uploadId, leaseOwner, leaseMessageId, leaseExpiresAt",
      {
        ":status": finish.status,
        ":code": finish.errorCode,
        ":error": finish.error.slice(0, 1000),
        ":now": now.toISOString(),
      },
    );
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
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: { pk: objectPk(object.desBucket, object.desKey), sk: "object" },
          UpdateExpression:
            "SET #status = :failed, srcBucket = :srcBucket, srcKey = :srcKey, desBucket = :desBucket, desKey = :desKey, lastErrorCode = :code, lastError = :error, finishedAt = :now, updated_at = :now ADD attempts :one, deliveries :one",
          ConditionExpression:
            "attribute_not_exists(pk) OR (#status <> :done AND (#status <> :inProgress OR attribute_not_exists(leaseExpiresAt) OR leaseExpiresAt < :nowMs))",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: {
            ":failed": OBJECT_STATUS.failed,
            ":done": OBJECT_STATUS.done,
            ":inProgress": OBJECT_STATUS.inProgress,
            ":srcBucket": object.srcBucket,
            ":srcKey": object.srcKey,
            ":desBucket": object.desBucket,
            ":desKey": object.desKey,
            ":code": errorCode,
            ":error": error.slice(0, 1000),
            ":now": now.toISOString(),
            ":nowMs": now.getTime(),
            ":one": 1,
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /**
   * Records that an S3 `ObjectRemoved` event is being applied: `status = deleted` and its
   * sequencer, unless a newer event of the key was applied (`stale`) or a live lease is copying
   * the object (`busy`). Called before the destination object is deleted, so a retry of the same
   * event (same sequencer) passes again.
   */
  async recordDelete(
    object: Pick<TransferIdentity, "srcBucket" | "srcKey" | "desBucket" | "desKey">,
    sequencer: string | undefined,
    now: Date,
  ): Promise<"recorded" | "stale" | { readonly busyForMs: number }> {
    const sequenced = sequencer !== undefined;
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: { pk: objectPk(object.desBucket, object.desKey), sk: "object" },
          UpdateExpression: `SET #status = :deleted, srcBucket = :srcBucket, srcKey = :srcKey, desBucket = :desBucket, desKey = :desKey, finishedAt = :now, updated_at = :now${sequenced ? ", eventSequencer = :sequencer" : ""} REMOVE uploadId, leaseOwner, leaseMessageId, leaseExpiresAt`,
          ConditionExpression: `(attribute_not_exists(#status) OR #status <> :inProgress OR attribute_not_exists(leaseExpiresAt) OR leaseExpiresAt < :nowMs)${sequenced ? " AND (attribute_not_exists(eventSequencer) OR eventSequencer <= :sequencer)" : ""}`,
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: {
            ":deleted": OBJECT_STATUS.deleted,
            ":inProgress": OBJECT_STATUS.inProgress,
            ":srcBucket": object.srcBucket,
            ":srcKey": object.srcKey,
            ":desBucket": object.desBucket,
            ":desKey": object.desKey,
            ":now": now.toISOString(),
            ":nowMs": now.getTime(),
            ...(sequenced ? { ":sequencer": sequencer } : {}),
          },
          ReturnValuesOnConditionCheckFailure: "ALL_OLD",
        }),
      );
      return "recorded";
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const current = await this.#refusedRecord(error, object);
      if (sequenced && current?.eventSequencer !== undefined && current.eventSequencer > sequencer) return "stale";
      return { busyForMs: Math.max(RACE_RETRY_MS, Number(current?.leaseExpiresAt ?? 0) - now.getTime()) };
    }
  }

  /**
   * Whether an S3 removal may be applied, judged from the record alone (a consistent read, no
   * write): `stale` when a newer event of the key was applied, busy while a live lease copies it.
   * {@link recordDelete} checks the same conditions again atomically.
   */
  async judgeDelete(
    object: Pick<TransferIdentity, "desBucket" | "desKey">,
    sequencer: string | undefined,
    now: Date,
  ): Promise<"clear" | "stale" | { readonly busyForMs: number }> {
    const read = await this.#client.send(new GetCommand({ TableName: this.#table, Key: this.#key(object), ConsistentRead: true }));
    const current = read.Item as (ObjectRecord & { eventSequencer?: string }) | undefined;
    if (current === undefined) return "clear";
    if (sequencer !== undefined && current.eventSequencer !== undefined && current.eventSequencer > sequencer) return "stale";
    const leaseLeft = Number(current.leaseExpiresAt ?? 0) - now.getTime();
    if (current.status === OBJECT_STATUS.inProgress && leaseLeft > 0) return { busyForMs: Math.max(RACE_RETRY_MS, leaseLeft) };
    return "clear";
  }

  /** The record as it was when a conditional write was refused (from the error, else read). */
  async #refusedRecord(
    error: unknown,
    object: Pick<TransferIdentity, "desBucket" | "desKey">,
  ): Promise<(ObjectRecord & { eventSequencer?: string }) | undefined> {
    const old = (error as { Item?: Parameters<typeof unmarshall>[0] }).Item;
    if (old !== undefined) return unmarshall(old) as ObjectRecord;
    const read = await this.#client.send(
      new GetCommand({
        TableName: this.#table,
        Key: { pk: objectPk(object.desBucket, object.desKey), sk: "object" },
        ConsistentRead: true,
      }),
    );
    return read.Item as ObjectRecord | undefined;
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
    try {
      await this.#client.send(
        new UpdateCommand({
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
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  #key(identity: Pick<TransferIdentity, "desBucket" | "desKey">) {
    return { pk: objectPk(identity.desBucket, identity.desKey), sk: "object" };
  }
}

/** Why `begin` was refused, from the record as it stood. */
function classifyRefusal(
  current: (ObjectRecord & { eventSequencer?: string }) | undefined,
  identity: TransferIdentity,
  claim: LeaseClaim,
  nowMs: number,
): BeginResult {
  if (current === undefined) return { status: "busy", retryAfterMs: RACE_RETRY_MS };
  const sameVersion = current.srcEtag === identity.srcEtag && Number(current.size) === identity.size;
  if (current.status === OBJECT_STATUS.done && sameVersion) return { status: "already-done" };
  if (claim.sequencer !== undefined && current.eventSequencer !== undefined && current.eventSequencer > claim.sequencer)
    return { status: "stale" };
  if (current.status !== OBJECT_STATUS.inProgress) return { status: "busy", retryAfterMs: RACE_RETRY_MS };
  const expiresAt =
    current.leaseExpiresAt === undefined ? Date.parse(current.updated_at) + LEGACY_LEASE_MS : Number(current.leaseExpiresAt);
  const retryAfterMs = Math.max(RACE_RETRY_MS, expiresAt - nowMs);
  // This very message, delivered again while its lease lives: its holder lost the visibility but
  // may still be copying. Wait for the lease to lapse rather than take it or drop the message.
  if (current.leaseMessageId === claim.messageId) return { status: "busy", retryAfterMs };
  return sameVersion ? { status: "duplicate" } : { status: "busy", retryAfterMs };
}
