import { type DynamoDBDocumentClient, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { isConditionFailure, judgeLease, refusedItem, writeIf } from "./leaseTerms.js";
import { BATCH_STATUS, type BatchRecord, batchKey, LEDGER_KEYS, LEDGER_SCHEMA_VERSION } from "./ledgerSchema.js";
import type { Busy, LeaseClaim } from "./objectTransitions.js";

/**
 * How long a batch's record is kept after its last delivery (the table's TTL, `expires_at`, then
 * deletes it for free): a batch delivered again after that reads its objects' records and copies
 * nothing they say is done, as a first delivery would.
 */
export const BATCH_RECORD_TTL_MS = 14 * 24 * 3600_000;

/** A batch lease this attempt holds. */
export interface HeldBatch {
  readonly batchId: string;
  readonly token: string;
}

/** How taking a batch's lease went. */
export type BatchBeginResult =
  | { readonly status: "started"; readonly lease: HeldBatch }
  /** Another delivery of the same batch holds a live lease; its message stays until it is done. */
  | { readonly status: "duplicate" }
  /** This very message's earlier delivery may still hold it: look again when it lapses. */
  | Busy;

/**
 * The ledger's batch leases: one write takes a batch of small objects for one delivery, one
 * write lets it go, whatever the batch holds. The lease keeps two deliveries of one batch from
 * copying it at once; the objects themselves are guarded by create-only writes at the destination
 * and a conditional commit each (see `ObjectTransitions.commitCopy`).
 */
export class BatchLeases {
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(client: DynamoDBDocumentClient, tableName: string) {
    this.#client = client;
    this.#table = tableName;
  }

  /** Takes the batch's lease unless another delivery holds a live one. */
  async begin(batchId: string, objects: number, claim: Omit<LeaseClaim, "continuing" | "sequencer">, now: Date): Promise<BatchBeginResult> {
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: batchKey(batchId),
          UpdateExpression:
            "SET batchStatus = :inProgress, ledgerVersion = :version, objects = :objects, leaseOwner = :token, leaseMessageId = :messageId, leaseExpiresAt = :expiresAt, updated_at = :now, #forgetAt = :forgetAt ADD deliveries :one",
          ConditionExpression: "attribute_not_exists(pk) OR batchStatus = :settled OR leaseExpiresAt < :nowMs",
          ExpressionAttributeNames: { "#forgetAt": LEDGER_KEYS.timeToLive },
          ExpressionAttributeValues: {
            ":inProgress": BATCH_STATUS.inProgress,
            ":settled": BATCH_STATUS.settled,
            ":version": LEDGER_SCHEMA_VERSION,
            ":objects": objects,
            ":token": claim.token,
            ":messageId": claim.messageId,
            ":expiresAt": claim.expiresAt,
            ":now": now.toISOString(),
            ":nowMs": now.getTime(),
            ":forgetAt": Math.floor((now.getTime() + BATCH_RECORD_TTL_MS) / 1000),
            ":one": 1,
          },
          ReturnValuesOnConditionCheckFailure: "ALL_OLD",
        }),
      );
      return { status: "started", lease: { batchId, token: claim.token } };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const current = refusedItem<Partial<BatchRecord>>(error);
      const judged = judgeLease(
        {
          ...(current?.leaseOwner === undefined ? {} : { leaseOwner: current.leaseOwner }),
          ...(current?.leaseMessageId === undefined ? {} : { leaseMessageId: current.leaseMessageId }),
          expiresAt: current?.batchStatus === BATCH_STATUS.inProgress ? Number(current.leaseExpiresAt ?? 0) : 0,
        },
        claim,
        now.getTime(),
      );
      return judged.status === "held" ? { status: "duplicate" } : judged;
    }
  }

  /** Extends a held lease (cluster mode's heartbeat). @returns false when it is no longer ours. */
  async renew(lease: HeldBatch, expiresAt: number): Promise<boolean> {
    return this.#guarded(lease, "SET leaseExpiresAt = :expiresAt", { ":expiresAt": expiresAt });
  }

  /** Lets the lease go once every object is settled: a later copy of the batch reads their records and copies nothing. */
  async settle(lease: HeldBatch, now: Date): Promise<boolean> {
    return this.#guarded(lease, "SET batchStatus = :settled, updated_at = :now REMOVE leaseOwner, leaseMessageId, leaseExpiresAt", {
      ":settled": BATCH_STATUS.settled,
      ":now": now.toISOString(),
    });
  }

  async #guarded(lease: HeldBatch, update: string, values: Record<string, unknown>): Promise<boolean> {
    return writeIf(this.#client, {
      TableName: this.#table,
      Key: batchKey(lease.batchId),
      UpdateExpression: update,
      ConditionExpression: "batchStatus = :held AND leaseOwner = :token",
      ExpressionAttributeValues: { ...values, ":held": BATCH_STATUS.inProgress, ":token": lease.token },
    });
  }
}
