import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { OBJECT_STATUS, objectPk } from "./objectRecord.js";

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

/** How a finished transfer ended. */
export type Finish =
  | { readonly status: "done"; readonly desEtag: string; readonly desVersionId?: string; readonly verification: string }
  | { readonly status: "failed" | "skipped"; readonly errorCode: string; readonly error: string };

const isConditionFailure = (error: unknown) => (error as { name?: string }).name === "ConditionalCheckFailedException";

/**
 * The worker's writes to an object record. Each is one conditional UpdateItem, so a small object
 * costs two writes (begin, finish) and a large one adds one per deadline continuation, whatever
 * its size. Conditions keep stale or concurrent workers from moving a record backwards.
 */
export class ObjectTransitions {
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(client: DynamoDBDocumentClient, tableName: string) {
    this.#client = client;
    this.#table = tableName;
  }

  /**
   * Marks the object in progress for this source version, as a lease: refused when the record
   * already says `done` for the same source ETag and size (the copy is there), and when another
   * worker took this version less than `leaseMs` ago (a duplicate delivery running at the same
   * time). A continuation of a paused transfer, and a redelivered message (`takeOver`: its
   * previous holder let the visibility timeout lapse, so it stopped or died), take the lease over.
   *
   * @returns `started`; `already-done` (a duplicate delivery or a redrive of a finished job,
   *   recorded by counting the delivery only); or `busy` (another worker holds it; retry later).
   */
  async begin(
    identity: TransferIdentity,
    continuation: number,
    now: Date,
    takeOver = continuation > 0,
    leaseMs = 960_000,
  ): Promise<"started" | "already-done" | "busy"> {
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: this.#key(identity),
          UpdateExpression:
            "SET #status = :inProgress, srcBucket = :srcBucket, srcKey = :srcKey, desBucket = :desBucket, desKey = :desKey, #size = :size, srcEtag = :etag, srcVersionId = :versionId, startedAt = if_not_exists(startedAt, :now), updated_at = :now ADD attempts :attempt, deliveries :one, continuations :continued",
          ConditionExpression:
            "attribute_not_exists(pk) OR (NOT (#status = :done AND srcEtag = :etag AND #size = :size) AND (:takeOver = :one OR #status <> :inProgress OR srcEtag <> :etag OR updated_at < :leaseStart))",
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
            ":now": now.toISOString(),
            ":leaseStart": new Date(now.getTime() - leaseMs).toISOString(),
            ":attempt": continuation === 0 ? 1 : 0,
            ":continued": continuation === 0 ? 0 : 1,
            ":takeOver": takeOver ? 1 : 0,
            ":one": 1,
          },
        }),
      );
      return "started";
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const current = await this.#client.send(new GetCommand({ TableName: this.#table, Key: this.#key(identity), ConsistentRead: true }));
      if (current.Item?.status !== OBJECT_STATUS.done) return "busy";
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: this.#key(identity),
          UpdateExpression: "ADD deliveries :one",
          ExpressionAttributeValues: { ":one": 1 },
        }),
      );
      return "already-done";
    }
  }

  /** Notes the open upload of a paused transfer. @returns false when the record moved on (stale worker). */
  async pause(identity: TransferIdentity, uploadId: string | undefined, now: Date): Promise<boolean> {
    return this.#guarded(identity, "SET uploadId = :uploadId, updated_at = :now", {
      ":uploadId": uploadId ?? null,
      ":now": now.toISOString(),
    });
  }

  /** Records a retryable error; the record stays in progress. */
  async recordError(identity: TransferIdentity, errorCode: string, error: string, now: Date): Promise<boolean> {
    return this.#guarded(identity, "SET lastErrorCode = :code, lastError = :error, updated_at = :now", {
      ":code": errorCode,
      ":error": error.slice(0, 1000),
      ":now": now.toISOString(),
    });
  }

  /** Ends the transfer. @returns false when the record moved on (a newer version was queued, or another worker finished it). */
  async finish(identity: TransferIdentity, finish: Finish, now: Date): Promise<boolean> {
    if (finish.status === "done") {
      return this.#guarded(
        identity,
        "SET #status = :status, desEtag = :desEtag, desVersionId = :desVersionId, verification = :verification, finishedAt = :now, updated_at = :now REMOVE uploadId, lastError, lastErrorCode",
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
      identity,
      "SET #status = :status, lastErrorCode = :code, lastError = :error, finishedAt = :now, updated_at = :now REMOVE uploadId",
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
   * be read), so every job ends in the ledger; never over a `done` record.
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
          ConditionExpression: "attribute_not_exists(pk) OR #status <> :done",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: {
            ":failed": OBJECT_STATUS.failed,
            ":done": OBJECT_STATUS.done,
            ":srcBucket": object.srcBucket,
            ":srcKey": object.srcKey,
            ":desBucket": object.desBucket,
            ":desKey": object.desKey,
            ":code": errorCode,
            ":error": error.slice(0, 1000),
            ":now": now.toISOString(),
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

  /** An update that applies only while the record is in progress for this source version. */
  async #guarded(identity: TransferIdentity, update: string, values: Record<string, unknown>): Promise<boolean> {
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: this.#key(identity),
          UpdateExpression: update,
          ConditionExpression: "#status = :inProgress AND srcEtag = :etag",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: { ...values, ":inProgress": OBJECT_STATUS.inProgress, ":etag": identity.srcEtag },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  #key(identity: TransferIdentity) {
    return { pk: objectPk(identity.desBucket, identity.desKey), sk: "object" };
  }
}
