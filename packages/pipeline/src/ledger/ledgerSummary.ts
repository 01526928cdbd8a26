import { type DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { countVerification, emptyVerificationTally, type VerificationTally } from "@s3-migrate/transfer";
import { FanoutTransitions } from "./fanoutTransitions.js";
import { LEDGER_KEYS, OBJECT_STATUS, type ObjectStatus, RANGE_STATUS, type RangeStatus } from "./ledgerSchema.js";

/** Fanned-out objects in progress that `summarizeLedger` details (one Query each). */
export const FANOUTS_DETAILED = 20;

/** A fanned-out object in progress: its ranges by state and the bytes of its done ranges. */
export interface FanoutProgress {
  readonly bucket: string;
  readonly key: string;
  readonly bytes: number;
  readonly bytesDone: number;
  readonly ranges: Record<RangeStatus, number>;
}

/** Objects and bytes per status, and recent throughput. */
export interface LedgerSummary {
  readonly byStatus: Record<ObjectStatus, { objects: number; bytes: number }>;
  /** How the done objects were proven equal to their source (see docs/integrity.md). */
  readonly verifiedBy: VerificationTally;
  /** Bytes finished in the window, per second. */
  readonly bytesPerSecond: number;
  readonly windowSeconds: number;
  /** Seconds until queued and in-progress bytes are done at that rate; undefined when nothing moves. */
  readonly etaSeconds?: number;
  /** The first FANOUTS_DETAILED fanned-out objects in progress (oldest update first). */
  readonly fanouts: readonly FanoutProgress[];
  /** All fanned-out objects in progress, of which `fanouts` details the first. */
  readonly fanoutsInProgress: number;
}

/**
 * Summarises the ledger through its `by_status` index: objects and bytes per status (reading only
 * `size`), throughput from the objects finished in the last `windowSeconds`, and the ranges of
 * the fanned-out objects in progress.
 */
export async function summarizeLedger(
  client: DynamoDBDocumentClient,
  table: string,
  now: Date,
  windowSeconds = 600,
): Promise<LedgerSummary> {
  const byStatus = Object.fromEntries(
    Object.values(OBJECT_STATUS).map((status) => [status, { objects: 0, bytes: 0 }]),
  ) as LedgerSummary["byStatus"];
  const verifiedBy = emptyVerificationTally();
  let recentBytes = 0;
  const since = new Date(now.getTime() - windowSeconds * 1000).toISOString();
  const fannedOut: Array<{ bucket: string; key: string; bytes: number; uploadId: string }> = [];
  for (const status of Object.values(OBJECT_STATUS)) {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await client.send(
        new QueryCommand({
          TableName: table,
          IndexName: LEDGER_KEYS.statusIndex.name,
          KeyConditionExpression: "#status = :status",
          ExpressionAttributeNames: { "#status": "status", "#size": "size" },
          ExpressionAttributeValues: { ":status": status },
          ProjectionExpression: "#size, updated_at, verification, desBucket, desKey, uploadId, rangeCount",
          ...(start === undefined ? {} : { ExclusiveStartKey: start }),
        }),
      );
      for (const item of page.Items ?? []) {
        const size = Number(item.size ?? 0);
        byStatus[status].objects++;
        byStatus[status].bytes += size;
        if (status === OBJECT_STATUS.inProgress && Number(item.rangeCount ?? 0) > 0)
          fannedOut.push({ bucket: String(item.desBucket), key: String(item.desKey), bytes: size, uploadId: String(item.uploadId) });
        if (status !== OBJECT_STATUS.done) continue;
        if (String(item.updated_at) >= since) recentBytes += size;
        countVerification(verifiedBy, item.verification as string | undefined);
      }
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
  }
  const bytesPerSecond = recentBytes / windowSeconds;
  const remaining = byStatus.queued.bytes + byStatus.in_progress.bytes;
  const ledger = new FanoutTransitions(client, table);
  const fanouts = await Promise.all(
    fannedOut.slice(0, FANOUTS_DETAILED).map(async (object): Promise<FanoutProgress> => {
      const ranges = Object.fromEntries(Object.values(RANGE_STATUS).map((state) => [state, 0])) as Record<RangeStatus, number>;
      let bytesDone = 0;
      for (const range of await ledger.ranges(object.bucket, object.key)) {
        if (range.uploadId !== object.uploadId) continue;
        ranges[range.rangeStatus]++;
        if (range.rangeStatus === RANGE_STATUS.done) bytesDone += Number(range.bytes);
      }
      return { bucket: object.bucket, key: object.key, bytes: object.bytes, bytesDone, ranges };
    }),
  );
  return {
    byStatus,
    verifiedBy,
    bytesPerSecond,
    windowSeconds,
    ...(bytesPerSecond > 0 ? { etaSeconds: remaining / bytesPerSecond } : {}),
    fanouts,
    fanoutsInProgress: fannedOut.length,
  };
}
