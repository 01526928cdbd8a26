import { type DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { LEDGER_KEYS, OBJECT_STATUS, type ObjectStatus } from "./ledgerSchema.js";

/** Objects and bytes per status, and recent throughput. */
export interface LedgerSummary {
  readonly byStatus: Record<ObjectStatus, { objects: number; bytes: number }>;
  /** How the done objects were proven equal to their source (see docs/integrity.md). */
  readonly verifiedBy: { sourceEtag: number; partChecksums: number };
  /** Bytes finished in the window, per second. */
  readonly bytesPerSecond: number;
  readonly windowSeconds: number;
  /** Seconds until queued and in-progress bytes are done at that rate; undefined when nothing moves. */
  readonly etaSeconds?: number;
}

/**
 * Summarises the ledger through its `by_status` index: objects and bytes per status (reading only
 * `size`), and throughput from the objects finished in the last `windowSeconds`.
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
  const verifiedBy = { sourceEtag: 0, partChecksums: 0 };
  let recentBytes = 0;
  const since = new Date(now.getTime() - windowSeconds * 1000).toISOString();
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
          ProjectionExpression: "#size, updated_at, verification",
          ...(start === undefined ? {} : { ExclusiveStartKey: start }),
        }),
      );
      for (const item of page.Items ?? []) {
        const size = Number(item.size ?? 0);
        byStatus[status].objects++;
        byStatus[status].bytes += size;
        if (status !== OBJECT_STATUS.done) continue;
        if (String(item.updated_at) >= since) recentBytes += size;
        if (item.verification === "source-etag") verifiedBy.sourceEtag++;
        else verifiedBy.partChecksums++;
      }
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
  }
  const bytesPerSecond = recentBytes / windowSeconds;
  const remaining = byStatus.queued.bytes + byStatus.in_progress.bytes;
  return { byStatus, verifiedBy, bytesPerSecond, windowSeconds, ...(bytesPerSecond > 0 ? { etaSeconds: remaining / bytesPerSecond } : {}) };
}
