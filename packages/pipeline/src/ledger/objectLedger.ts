import { BatchGetCommand, type DynamoDBDocumentClient, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { backoffDelayMs, MigrationError, RETRY_POLICIES, sleep } from "@s3-migrate/transfer";
import { isConditionFailure } from "./leaseTerms.js";
import { OBJECT_STATUS, type ObjectRecord, objectKey } from "./ledgerSchema.js";

/** What the jobsender records when it queues an object. */
export type QueuedObject = Pick<ObjectRecord, "srcBucket" | "srcKey" | "desBucket" | "desKey" | "size" | "srcEtag" | "srcVersionId">;

/** Reads and writes object records in the ledger table. */
export class ObjectLedger {
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(client: DynamoDBDocumentClient, tableName: string) {
    this.#client = client;
    this.#table = tableName;
  }

  /** The records of these destination objects that exist, keyed by `pk` (BatchGetItem, 100 a call). */
  async getMany(objects: ReadonlyArray<{ desBucket: string; desKey: string }>): Promise<Map<string, ObjectRecord>> {
    const found = new Map<string, ObjectRecord>();
    const keys = [...new Map(objects.map((object) => objectKey(object.desBucket, object.desKey)).map((key) => [key.pk, key])).values()];
    for (let start = 0; start < keys.length; start += 100) {
      let pending: Array<Record<string, unknown>> = keys.slice(start, start + 100);
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt >= RETRY_POLICIES.ledgerBatchRead.maxAttempts)
          throw new MigrationError("Transient", `Ledger ${this.#table}: BatchGetItem kept leaving keys unprocessed`, true);
        if (attempt > 0) await sleep(backoffDelayMs(RETRY_POLICIES.ledgerBatchRead, attempt));
        const answer = await this.#client.send(new BatchGetCommand({ RequestItems: { [this.#table]: { Keys: pending } } }));
        for (const item of answer.Responses?.[this.#table] ?? []) found.set(item.pk as string, item as ObjectRecord);
        pending = (answer.UnprocessedKeys?.[this.#table]?.Keys ?? []) as Array<Record<string, unknown>>;
      }
    }
    return found;
  }

  /**
   * Records that an object was queued. Never moves a record that a worker holds (`in_progress`)
   * backwards, nor one `done` for this same version; anything else (new, done for another
   * version, failed, skipped, deleted, an older queued) becomes `queued`.
   *
   * @returns false when a worker held the record and it was left alone.
   */
  async markQueued(object: QueuedObject, now: Date): Promise<boolean> {
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: objectKey(object.desBucket, object.desKey),
          UpdateExpression:
            "SET #status = :queued, srcBucket = :srcBucket, srcKey = :srcKey, desBucket = :desBucket, desKey = :desKey, #size = :size, queuedAt = :now, updated_at = :now, srcEtag = :srcEtag, srcVersionId = :srcVersionId",
          // Never over a worker's lease, and never over the copy of this very version a worker
          // finished before this mark was written (a duplicate of the job would copy it again).
          ConditionExpression:
            "attribute_not_exists(pk) OR (#status <> :inProgress AND NOT (#status = :done AND srcEtag = :srcEtag AND #size = :size))",
          ExpressionAttributeNames: { "#status": "status", "#size": "size" },
          ExpressionAttributeValues: {
            ":queued": OBJECT_STATUS.queued,
            ":inProgress": OBJECT_STATUS.inProgress,
            ":done": OBJECT_STATUS.done,
            ":srcBucket": object.srcBucket,
            ":srcKey": object.srcKey,
            ":desBucket": object.desBucket,
            ":desKey": object.desKey,
            ":size": object.size,
            ":now": now.toISOString(),
            ":srcEtag": object.srcEtag ?? null,
            ":srcVersionId": object.srcVersionId ?? null,
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
