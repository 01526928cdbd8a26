import { unmarshall } from "@aws-sdk/util-dynamodb";

/** Terms every lease in the ledger shares (object records and the ranges of a fanned-out object). */

/** How soon to look again when the record changed between the refused write and the read. */
export const RACE_RETRY_MS = 1_000;

/** `leaseMessageId` of a lease its paused holder handed off to the continuation it queued. */
export const HANDOFF = "handoff";

/** Whether a DynamoDB write was refused by its condition. */
export const isConditionFailure = (error: unknown): boolean => (error as { name?: string }).name === "ConditionalCheckFailedException";

/**
 * How long a fanned-out object's lease lasts past its fan-out and past each range done: while
 * ranges move, duplicates of the object's job settle at once; once no range has finished for this
 * long (its range jobs were lost, or dead-lettered and not redriven), the object's next job fans it
 * out again, resuming the same upload (its range jobs are then duplicates, which settle).
 */
export const FANOUT_LEASE_MS = 15 * 60 * 1000;

/** The record a refused conditional write returned (ReturnValuesOnConditionCheckFailure: ALL_OLD), unmarshalled. */
export function refusedItem<T>(error: unknown): T | undefined {
  const old = (error as { Item?: Parameters<typeof unmarshall>[0] }).Item;
  return old === undefined ? undefined : (unmarshall(old) as T);
}
