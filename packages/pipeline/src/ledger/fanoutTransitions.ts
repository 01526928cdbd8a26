import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { mapConcurrent, WAITS } from "@s3-migrate/transfer";
import { HANDOFF, isConditionFailure, judgeLease, refusedItem, writeIf } from "./leaseTerms.js";
import {
  LEDGER_KEYS,
  LEDGER_SCHEMA_VERSION,
  OBJECT_STATUS,
  type ObjectRecord,
  objectKey,
  objectPk,
  RANGE_SORT_PREFIX,
  RANGE_STATUS,
  type RangeRecord,
  rangeKey,
} from "./ledgerSchema.js";
import type { Busy, HeldLease, LeaseClaim, TransferIdentity } from "./objectTransitions.js";

/** One range of a fanned-out object: which upload, which parts. */
export interface RangeRef {
  readonly desBucket: string;
  readonly desKey: string;
  readonly uploadId: string;
  readonly index: number;
}

/** One range as the fan-out plans it. */
export interface RangePlan {
  readonly index: number;
  readonly firstPart: number;
  readonly lastPart: number;
  readonly bytes: number;
}

/** The shared upload of a fanned-out object and its ranges. */
export interface FanoutPlan {
  readonly uploadId: string;
  readonly partSize: number;
  readonly partCount: number;
  readonly layoutMatches: boolean;
  readonly rangeParts: number;
  readonly ranges: readonly RangePlan[];
}

/** A range lease this attempt holds. */
export interface HeldRange {
  readonly range: RangeRef;
  readonly token: string;
}

/** How taking a range's lease went. */
export type RangeBeginResult =
  | { readonly status: "started" }
  /** The range's parts are all at the destination already. */
  | { readonly status: "already-done" }
  /** Another message for the range holds a live lease. */
  | { readonly status: "duplicate" }
  /** The job names an upload the object is no longer fanned out to (completed, given up or replaced). */
  | { readonly status: "superseded" }
  | Busy;

/** Where the fan-out stands once a range is recorded done. */
export type RangeTally =
  | { readonly status: "counted"; readonly rangesDone: number; readonly rangeCount: number }
  /** The object is done already (another range's attempt completed it). */
  | { readonly status: "object-done" }
  /** The object is no longer fanned out to this upload. */
  | { readonly status: "superseded" };

/** How claiming the completion went. */
export type CompletionClaim =
  | { readonly status: "claimed"; readonly lease: HeldLease; readonly record: ObjectRecord }
  | { readonly status: "object-done" }
  /** Another attempt is completing it under a live lease. */
  | { readonly status: "held" }
  | { readonly status: "superseded" };

/** What a range did, for its record. */
export interface RangeResult {
  readonly partsUploaded: number;
  readonly partsResumed: number;
}

/** Range records written at once when an object fans out. */
const RANGE_WRITE_CONCURRENCY = 10;

/**
 * The ledger's writes for fanned-out objects (schema version 2, docs/ledger.md). The object record
 * keeps its lease and gains the fan-out (the shared upload, its plan, the set of ranges done); each
 * range gets a record of its own under the object's partition key, with a lease of its own, so two
 * attempts never copy one range at once. Recording a range as done is an ADD to a number set,
 * which a repeated delivery cannot count twice; the attempt that finds every range done takes the
 * object's lease over to complete the upload, so exactly one completion runs at a time.
 */
export class FanoutTransitions {
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(client: DynamoDBDocumentClient, tableName: string) {
    this.#client = client;
    this.#table = tableName;
  }

  /**
   * Records the fan-out under the object's lease and writes a `waiting` record for each range
   * (a range of the same upload already recorded, from an earlier fan-out that resumed this
   * upload, keeps its state). The object's lease is extended to `fanoutUntil`, so duplicates of
   * the object's job settle while the ranges run.
   *
   * @returns false when the object's lease is no longer ours (nothing was written).
   */
  async startFanout(lease: HeldLease, plan: FanoutPlan, fanoutUntil: number, now: Date): Promise<boolean> {
    const key = objectKey(lease.identity.desBucket, lease.identity.desKey);
    const current = await this.#object(lease.identity);
    const sameUpload = current?.uploadId === plan.uploadId && current?.rangeCount === plan.ranges.length;
    const written = await writeIf(this.#client, {
      TableName: this.#table,
      Key: key,
      UpdateExpression: `SET ledgerVersion = :version, uploadId = :uploadId, partSize = :partSize, partCount = :partCount, layoutMatches = :layout, rangeParts = :rangeParts, rangeCount = :rangeCount, leaseExpiresAt = :until, updated_at = :now${sameUpload ? "" : " REMOVE rangesDone, completing, pendingCompletion"}`,
      ConditionExpression: "#status = :inProgress AND leaseOwner = :token AND srcEtag = :etag",
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: {
        ":version": LEDGER_SCHEMA_VERSION,
        ":uploadId": plan.uploadId,
        ":partSize": plan.partSize,
        ":partCount": plan.partCount,
        ":layout": plan.layoutMatches,
        ":rangeParts": plan.rangeParts,
        ":rangeCount": plan.ranges.length,
        ":until": fanoutUntil,
        ":now": now.toISOString(),
        ":inProgress": OBJECT_STATUS.inProgress,
        ":token": lease.token,
        ":etag": lease.identity.srcEtag,
      },
    });
    if (!written) return false;
    await mapConcurrent(plan.ranges, RANGE_WRITE_CONCURRENCY, async (range) => {
      const record: RangeRecord = {
        ...rangeKey(lease.identity.desBucket, lease.identity.desKey, range.index),
        ledgerVersion: LEDGER_SCHEMA_VERSION,
        rangeStatus: RANGE_STATUS.waiting,
        uploadId: plan.uploadId,
        rangeIndex: range.index,
        firstPart: range.firstPart,
        lastPart: range.lastPart,
        bytes: range.bytes,
        updated_at: now.toISOString(),
      };
      try {
        await this.#client.send(
          new PutCommand({
            TableName: this.#table,
            Item: record,
            ConditionExpression: "attribute_not_exists(pk) OR uploadId <> :uploadId",
            ExpressionAttributeValues: { ":uploadId": plan.uploadId },
          }),
        );
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    });
    return true;
  }

  /**
   * Takes a range's lease: refused when the range is done, when the record names another upload
   * (or was given up), and while another attempt's lease is live (a continuation takes back the
   * lease its paused predecessor handed off, once).
   */
  async beginRange(range: RangeRef, claim: LeaseClaim, continuation: number, now: Date): Promise<RangeBeginResult> {
    const free = claim.continuing
      ? "(rangeStatus = :inProgress AND leaseOwner = :token AND (leaseMessageId = :handoff OR leaseExpiresAt < :nowMs))"
      : "(rangeStatus IN (:waiting, :failed) OR (rangeStatus = :inProgress AND leaseExpiresAt < :nowMs))";
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: rangeKey(range.desBucket, range.desKey, range.index),
          UpdateExpression:
            "SET rangeStatus = :inProgress, leaseOwner = :token, leaseMessageId = :messageId, leaseExpiresAt = :expiresAt, startedAt = if_not_exists(startedAt, :now), updated_at = :now ADD attempts :attempt, continuations :continued",
          ConditionExpression: `uploadId = :uploadId AND ${free}`,
          ExpressionAttributeValues: {
            ":uploadId": range.uploadId,
            ":inProgress": RANGE_STATUS.inProgress,
            ":nowMs": now.getTime(),
            ...(claim.continuing ? { ":handoff": HANDOFF } : { ":waiting": RANGE_STATUS.waiting, ":failed": RANGE_STATUS.failed }),
            ":token": claim.token,
            ":messageId": claim.messageId,
            ":expiresAt": claim.expiresAt,
            ":now": now.toISOString(),
            ":attempt": continuation === 0 ? 1 : 0,
            ":continued": continuation === 0 ? 0 : 1,
          },
          ReturnValuesOnConditionCheckFailure: "ALL_OLD",
        }),
      );
      return { status: "started" };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return classifyRangeRefusal(refusedItem<RangeRecord>(error), range, claim, now.getTime());
    }
  }

  /** Extends a held range lease. @returns false when it is no longer ours. */
  async renewRange(lease: HeldRange, expiresAt: number): Promise<boolean> {
    return this.#guardedRange(lease, "SET leaseExpiresAt = :expiresAt", { ":expiresAt": expiresAt });
  }

  /** Hands the range's lease off to the continuation about to be queued (as a paused object does). */
  async pauseRange(lease: HeldRange, now: Date): Promise<boolean> {
    return this.#guardedRange(lease, "SET leaseMessageId = :handoff, leaseExpiresAt = :handoffUntil, updated_at = :now", {
      ":handoff": HANDOFF,
      ":handoffUntil": now.getTime() + WAITS.handoffLeaseMs,
      ":now": now.toISOString(),
    });
  }

  /** Records a retryable error and lets the range's lease go, so the next delivery may take it at once. */
  async releaseRange(lease: HeldRange, errorCode: string, error: string, now: Date): Promise<boolean> {
    return this.#guardedRange(
      lease,
      "SET lastErrorCode = :code, lastError = :error, leaseExpiresAt = :released, updated_at = :now REMOVE leaseOwner, leaseMessageId",
      { ":code": errorCode, ":error": error.slice(0, 1000), ":released": 0, ":now": now.toISOString() },
    );
  }

  /**
   * Records a range that failed for good (its job is dead-lettered; a redrive may take it again),
   * and notes the error on the object's record, which stays in progress for that redrive.
   */
  async failRange(lease: HeldRange, errorCode: string, error: string, now: Date): Promise<boolean> {
    const values = { ":code": errorCode, ":error": error.slice(0, 1000), ":now": now.toISOString() };
    const recorded = await this.#guardedRange(
      lease,
      "SET rangeStatus = :failed, lastErrorCode = :code, lastError = :error, finishedAt = :now, updated_at = :now REMOVE leaseOwner, leaseMessageId, leaseExpiresAt",
      { ...values, ":failed": RANGE_STATUS.failed },
    );
    await this.#onFanout(lease.range, "SET lastErrorCode = :code, lastError = :rangeError, updated_at = :now", {
      ...values,
      ":rangeError": `range ${lease.range.index}: ${error}`.slice(0, 1000),
    });
    return recorded;
  }

  /** Records the range done and ends its lease. @returns false when the lease was no longer ours. */
  async finishRange(lease: HeldRange, result: RangeResult, now: Date): Promise<boolean> {
    return this.#guardedRange(
      lease,
      "SET rangeStatus = :done, partsUploaded = :uploaded, partsResumed = :resumed, finishedAt = :now, updated_at = :now REMOVE leaseOwner, leaseMessageId, leaseExpiresAt, lastError, lastErrorCode",
      { ":done": RANGE_STATUS.done, ":uploaded": result.partsUploaded, ":resumed": result.partsResumed, ":now": now.toISOString() },
    );
  }

  /**
   * Adds a done range to the object's set of ranges done (a repeat adds nothing) and extends the
   * fan-out's lease to `fanoutUntil`, unless an attempt is completing the object.
   */
  async countRangeDone(range: RangeRef, fanoutUntil: number, now: Date): Promise<RangeTally> {
    try {
      const answer = await this.#client.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: objectKey(range.desBucket, range.desKey),
          UpdateExpression: "ADD rangesDone :range SET updated_at = :now, leaseExpiresAt = :until",
          ConditionExpression: "#status = :inProgress AND uploadId = :uploadId AND attribute_not_exists(completing)",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: {
            ":range": new Set([range.index]),
            ":now": now.toISOString(),
            ":until": fanoutUntil,
            ":inProgress": OBJECT_STATUS.inProgress,
            ":uploadId": range.uploadId,
          },
          ReturnValues: "ALL_NEW",
          ReturnValuesOnConditionCheckFailure: "ALL_OLD",
        }),
      );
      const record = answer.Attributes as Partial<ObjectRecord>;
      return { status: "counted", rangesDone: record.rangesDone?.size ?? 0, rangeCount: Number(record.rangeCount ?? 0) };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const current = refusedItem<ObjectRecord>(error) ?? (await this.#object(range));
      if (current?.status === OBJECT_STATUS.done) return { status: "object-done" };
      if (current?.status === OBJECT_STATUS.inProgress && current.uploadId === range.uploadId) {
        // Completing: the completer counted every range, this one included.
        return { status: "counted", rangesDone: Number(current.rangeCount ?? 0), rangeCount: Number(current.rangeCount ?? 0) };
      }
      return { status: "superseded" };
    }
  }

  /**
   * Takes the object's lease over to complete the upload, once every range is done: from the
   * fan-out, or from an earlier completer whose lease lapsed. One completer at a time.
   */
  async claimCompletion(range: RangeRef, rangeCount: number, claim: LeaseClaim, now: Date): Promise<CompletionClaim> {
    try {
      const answer = await this.#client.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: objectKey(range.desBucket, range.desKey),
          UpdateExpression:
            "SET completing = :true, leaseOwner = :token, leaseMessageId = :messageId, leaseExpiresAt = :expiresAt, updated_at = :now",
          ConditionExpression:
            "#status = :inProgress AND uploadId = :uploadId AND rangeCount = :count AND size(rangesDone) = :count AND (attribute_not_exists(completing) OR leaseExpiresAt < :nowMs OR leaseOwner = :token)",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: {
            ":true": true,
            ":token": claim.token,
            ":messageId": claim.messageId,
            ":expiresAt": claim.expiresAt,
            ":now": now.toISOString(),
            ":nowMs": now.getTime(),
            ":inProgress": OBJECT_STATUS.inProgress,
            ":uploadId": range.uploadId,
            ":count": rangeCount,
          },
          ReturnValues: "ALL_NEW",
          ReturnValuesOnConditionCheckFailure: "ALL_OLD",
        }),
      );
      const record = answer.Attributes as ObjectRecord;
      return { status: "claimed", lease: { identity: identityOf(record), token: claim.token }, record };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const current = refusedItem<ObjectRecord>(error) ?? (await this.#object(range));
      if (current?.status === OBJECT_STATUS.done) return { status: "object-done" };
      if (current?.status === OBJECT_STATUS.inProgress && current.uploadId === range.uploadId && current.completing)
        return { status: "held" };
      return { status: "superseded" };
    }
  }

  /**
   * Gives the fan-out up (the source changed): the object record is `skipped` with the reason and
   * its lease ends, and every range not done is `aborted`, so their jobs settle without copying.
   * @returns false when the object was no longer fanned out to this upload.
   */
  async abandonFanout(range: RangeRef, errorCode: string, error: string, now: Date): Promise<boolean> {
    const old = await this.#onFanout(
      range,
      "SET #status = :skipped, lastErrorCode = :code, lastError = :error, finishedAt = :now, updated_at = :now REMOVE leaseOwner, leaseMessageId, leaseExpiresAt, completing",
      { ":skipped": OBJECT_STATUS.skipped, ":code": errorCode, ":error": error.slice(0, 1000), ":now": now.toISOString() },
    );
    if (old === undefined) return false;
    const indexes = Array.from({ length: Number(old.rangeCount ?? 0) }, (_, index) => index);
    await mapConcurrent(indexes, RANGE_WRITE_CONCURRENCY, async (index) => {
      try {
        await this.#client.send(
          new UpdateCommand({
            TableName: this.#table,
            Key: rangeKey(range.desBucket, range.desKey, index),
            UpdateExpression: "SET rangeStatus = :aborted, updated_at = :now REMOVE leaseOwner, leaseMessageId, leaseExpiresAt",
            ConditionExpression: "uploadId = :uploadId AND rangeStatus <> :done",
            ExpressionAttributeValues: {
              ":aborted": RANGE_STATUS.aborted,
              ":now": now.toISOString(),
              ":uploadId": range.uploadId,
              ":done": RANGE_STATUS.done,
            },
          }),
        );
      } catch (thrown) {
        if (!isConditionFailure(thrown)) throw thrown;
      }
    });
    return true;
  }

  /** The object's range records, in index order (one Query; `status` shows them). */
  async ranges(desBucket: string, desKey: string): Promise<RangeRecord[]> {
    const ranges: RangeRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.#client.send(
        new QueryCommand({
          TableName: this.#table,
          KeyConditionExpression: "#pk = :pk AND begins_with(#sk, :prefix)",
          ExpressionAttributeNames: { "#pk": LEDGER_KEYS.partitionKey, "#sk": LEDGER_KEYS.sortKey },
          ExpressionAttributeValues: { ":pk": objectPk(desBucket, desKey), ":prefix": RANGE_SORT_PREFIX },
          ConsistentRead: true,
          ...(start === undefined ? {} : { ExclusiveStartKey: start }),
        }),
      );
      ranges.push(...((page.Items ?? []) as RangeRecord[]));
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return ranges;
  }

  /** The record of the object a range belongs to (consistent read): what a range job's claims are checked against. */
  async objectOf(range: Pick<RangeRef, "desBucket" | "desKey">): Promise<ObjectRecord | undefined> {
    return this.#object(range);
  }

  /** The object record (consistent read). */
  async #object(range: Pick<RangeRef, "desBucket" | "desKey">): Promise<ObjectRecord | undefined> {
    const read = await this.#client.send(
      new GetCommand({ TableName: this.#table, Key: objectKey(range.desBucket, range.desKey), ConsistentRead: true }),
    );
    return read.Item as ObjectRecord | undefined;
  }

  /** An update of the object record that applies while it is fanned out to this upload; returns the record as it was. */
  async #onFanout(range: RangeRef, update: string, values: Record<string, unknown>): Promise<Partial<ObjectRecord> | undefined> {
    try {
      const answer = await this.#client.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: objectKey(range.desBucket, range.desKey),
          UpdateExpression: update,
          ConditionExpression: "#status = :inProgress AND uploadId = :uploadId",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: { ...values, ":inProgress": OBJECT_STATUS.inProgress, ":uploadId": range.uploadId },
          ReturnValues: "ALL_OLD",
        }),
      );
      return (answer.Attributes ?? {}) as Partial<ObjectRecord>;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  /** An update of a range record that applies only while this attempt holds its lease. */
  async #guardedRange(lease: HeldRange, update: string, values: Record<string, unknown>): Promise<boolean> {
    return writeIf(this.#client, {
      TableName: this.#table,
      Key: rangeKey(lease.range.desBucket, lease.range.desKey, lease.range.index),
      UpdateExpression: update,
      ConditionExpression: "rangeStatus = :inProgress AND leaseOwner = :token AND uploadId = :uploadId",
      ExpressionAttributeValues: {
        ...values,
        ":inProgress": RANGE_STATUS.inProgress,
        ":token": lease.token,
        ":uploadId": lease.range.uploadId,
      },
    });
  }
}

/** The source version an object record is copying. */
function identityOf(record: ObjectRecord): TransferIdentity {
  return {
    srcBucket: record.srcBucket,
    srcKey: record.srcKey,
    desBucket: record.desBucket,
    desKey: record.desKey,
    size: Number(record.size),
    srcEtag: record.srcEtag ?? "",
    ...(record.srcVersionId === undefined || record.srcVersionId === null ? {} : { srcVersionId: record.srcVersionId }),
  };
}

/** Why `beginRange` was refused, from the range record as it stood. */
function classifyRangeRefusal(current: RangeRecord | undefined, range: RangeRef, claim: LeaseClaim, nowMs: number): RangeBeginResult {
  if (current === undefined || current.uploadId !== range.uploadId || current.rangeStatus === RANGE_STATUS.aborted)
    return { status: "superseded" };
  if (current.rangeStatus === RANGE_STATUS.done) return { status: "already-done" };
  const expiresAt = current.rangeStatus === RANGE_STATUS.inProgress ? Number(current.leaseExpiresAt ?? 0) : 0;
  const judged = judgeLease({ ...current, expiresAt }, claim, nowMs);
  return judged.status === "held" ? { status: "duplicate" } : judged;
}
