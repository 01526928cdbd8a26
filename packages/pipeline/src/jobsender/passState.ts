import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { BucketPair } from "../config/bucketPairs.js";
import { isConditionFailure } from "../ledger/leaseTerms.js";
import { JOBSENDER_LEASE_KEY, passKey } from "../ledger/ledgerSchema.js";
import type { KeySegment } from "./keySegments.js";

/** Where one segment's listing stands. */
export interface SegmentState extends KeySegment {
  /** Last source key fully handled (queued, skipped or counted); the next run lists after it. */
  readonly cursor?: string;
  readonly done: boolean;
}

/** A pass over one bucket pair: started once, continued by as many runs as it takes. */
export interface PassState {
  readonly pairId: string;
  readonly passId: string;
  readonly startedAt: string;
  readonly updatedAt: string;
  readonly segments: readonly SegmentState[];
  /** Runs that worked on this pass. */
  readonly runs: number;
}

/** Identifies a bucket pair across runs (its four fields). */
export function pairId(pair: BucketPair): string {
  return `${pair.srcBucket}/${pair.srcPrefix}->${pair.desBucket}/${pair.desPrefix}`;
}

/**
 * Keeps pass state and the run lease in the ledger table:
 * - at `passKey(pairId)`: the {@link PassState} of an unfinished pass (deleted when the pass
 *   completes, so the next run starts a new one);
 * - at `JOBSENDER_LEASE_KEY`: who is running, until when.
 */
export class PassStateStore {
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(client: DynamoDBDocumentClient, tableName: string) {
    this.#client = client;
    this.#table = tableName;
  }

  /** The unfinished pass of a pair, if any. */
  async load(id: string): Promise<PassState | undefined> {
    const answer = await this.#client.send(new GetCommand({ TableName: this.#table, Key: passKey(id), ConsistentRead: true }));
    return answer.Item?.state as PassState | undefined;
  }

  /** Saves progress of a pass. */
  async save(state: PassState): Promise<void> {
    await this.#client.send(
      new PutCommand({
        TableName: this.#table,
        Item: { ...passKey(state.pairId), state, updated_at: state.updatedAt },
      }),
    );
  }

  /** Forgets a finished pass. */
  async clear(id: string): Promise<void> {
    await this.#client.send(new DeleteCommand({ TableName: this.#table, Key: passKey(id) }));
  }

  /**
   * Takes the run lease (a conditional write) unless another live run holds it.
   * @returns false when another run holds an unexpired lease.
   */
  async acquireLease(owner: string, now: Date, ttlMs: number): Promise<boolean> {
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#table,
          Item: { ...JOBSENDER_LEASE_KEY, owner, expiresAt: now.getTime() + ttlMs, updated_at: now.toISOString() },
          ConditionExpression: "attribute_not_exists(pk) OR expiresAt < :now OR #owner = :owner",
          ExpressionAttributeNames: { "#owner": "owner" },
          ExpressionAttributeValues: { ":now": now.getTime(), ":owner": owner },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Gives the lease back, if we still hold it. */
  async releaseLease(owner: string): Promise<void> {
    try {
      await this.#client.send(
        new DeleteCommand({
          TableName: this.#table,
          Key: JOBSENDER_LEASE_KEY,
          ConditionExpression: "#owner = :owner",
          ExpressionAttributeNames: { "#owner": "owner" },
          ExpressionAttributeValues: { ":owner": owner },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
}
