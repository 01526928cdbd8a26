import { type DynamoDBDocumentClient, UpdateCommand, type UpdateCommandInput } from "@aws-sdk/lib-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { WAITS } from "@s3-migrate/transfer";
import type { Busy, LeaseClaim } from "./objectTransitions.js";

/** Terms every lease in the ledger shares (object records and the ranges of a fanned-out object). */

/** `leaseMessageId` of a lease its paused holder handed off to the continuation it queued. */
export const HANDOFF = "handoff";

/** Whether a DynamoDB write was refused by its condition. */
export const isConditionFailure = (error: unknown): boolean => (error as { name?: string }).name === "ConditionalCheckFailedException";

/** A conditional update of a ledger item: true when written, false when its condition refused it. */
export async function writeIf(client: DynamoDBDocumentClient, input: UpdateCommandInput): Promise<boolean> {
  try {
    await client.send(new UpdateCommand(input));
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/**
 * How long a fanned-out object's lease lasts past its fan-out and past each range done: while
 * ranges move, duplicates of the object's job settle at once; once no range has finished for this
 * long (its range jobs were lost, or dead-lettered and not redriven), the object's next job fans it
 * out again, resuming the same upload (its range jobs are then duplicates, which settle).
 */
export const FANOUT_LEASE_MS = 15 * 60 * 1000;

/** A lease as a refused claim found it. */
export interface FoundLease {
  readonly leaseOwner?: string;
  readonly leaseMessageId?: string;
  /** Epoch ms; 0 when no lease is live (the record is not in progress). */
  readonly expiresAt: number;
}

/**
 * Judges a refused claim by the lease it met, once the record's own state (done, stale, another
 * upload) is judged: a continuation whose lease was taken since is a duplicate; a lease that has
 * lapsed was a race (look again soon); a lease handed off to a continuation waits for it to
 * lapse (its continuation takes it back first, if it comes); this very message delivered again while its lease lives,
 * or a lease that names no message (a record of the previous version), waits for it to lapse.
 * @returns the result, or `held` (another message's live lease) for the caller to judge.
 */
export function judgeLease(
  found: FoundLease,
  claim: LeaseClaim,
  nowMs: number,
): { readonly status: "duplicate" } | Busy | { readonly status: "held"; readonly retryAfterMs: number } {
  if (claim.continuing && found.leaseOwner !== claim.token) return { status: "duplicate" };
  if (found.expiresAt <= nowMs) return { status: "busy", retryAfterMs: WAITS.raceRetryMs };
  const retryAfterMs = Math.max(WAITS.raceRetryMs, found.expiresAt - nowMs);
  // Handed off to a continuation: it takes the lease back, or (lost) the lease lapses and this one may.
  if (found.leaseMessageId === HANDOFF) return { status: "busy", retryAfterMs };
  if (found.leaseMessageId === claim.messageId || found.leaseMessageId === undefined)
    return { status: "busy", retryAfterMs, ownMessage: true };
  return { status: "held", retryAfterMs };
}

/** The record a refused conditional write returned (ReturnValuesOnConditionCheckFailure: ALL_OLD), unmarshalled. */
export function refusedItem<T>(error: unknown): T | undefined {
  const old = (error as { Item?: Parameters<typeof unmarshall>[0] }).Item;
  return old === undefined ? undefined : (unmarshall(old) as T);
}
