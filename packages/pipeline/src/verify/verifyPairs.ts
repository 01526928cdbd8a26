import { setMaxListeners } from "node:events";
import type { S3Client } from "@aws-sdk/client-s3";
import { type ListedObject, MigrationError, mapConcurrent, type TransferLogger } from "@s3-migrate/transfer";
import type { BucketPair } from "../config/bucketPairs.js";
import type { IgnoreList } from "../config/ignoreList.js";
import { type OuterJoinedEntry, outerJoin } from "../jobsender/mergeJoin.js";
import { pairId, type SegmentState } from "../jobsender/passState.js";
import { planPairSegments } from "../jobsender/processPair.js";
import { listSegment } from "../jobsender/processSegment.js";
import { objectKey } from "../ledger/ledgerSchema.js";
import type { ObjectLedger } from "../ledger/objectLedger.js";
import { classifyObject, type Finding } from "./classifyObject.js";
import { settleUnverified } from "./deepCheck.js";
import { emptyCounts, type VerifyCounts, type VerifyPairState, type VerifyStateStore } from "./verifyState.js";

/** Keys settled together: one ledger read (BatchGetItem) and one checkpoint. */
const ROUND_SIZE = 100;
/** Unverified keys settled at once per segment (a HEAD of each side, or with `deep` both objects read again). */
const SETTLE_CONCURRENCY = 8;

/** The clients and stores an audit reads; it writes nothing but its own state. */
export interface VerifyContext {
  readonly source: S3Client;
  readonly destination: S3Client;
  /** Where available, each object's record: the version copied and how it was proven. */
  readonly ledger?: ObjectLedger;
  readonly logger?: TransferLogger;
}

/** What an audit does. */
export interface VerifyOptions {
  readonly segmentsPerPair?: number;
  /** Settle what stored checksums cannot by reading both objects again (`--deep`). */
  readonly deep?: boolean;
  /** Continue an interrupted audit, and checkpoint this one. */
  readonly state?: VerifyStateStore;
  /** Called with every key's finding, in key order within each segment. */
  readonly onFinding?: (pair: string, finding: Finding) => void | Promise<void>;
  readonly pageSize?: number;
  readonly signal?: AbortSignal;
}

/** One pair's audit. */
export interface VerifyPairReport {
  readonly pair: string;
  readonly counts: VerifyCounts;
  /** Every segment listed to its end (false when the signal stopped the audit, or it failed). */
  readonly done: boolean;
  readonly error?: { readonly code: string; readonly message: string };
}

/** An audit of every pair. */
export interface VerifyReport {
  readonly pairs: readonly VerifyPairReport[];
  readonly totals: VerifyCounts;
  /** Every pair audited to its end, without error. */
  readonly done: boolean;
  /** Every key of every pair proven matching (no missing, differing, extra or unverified one). */
  readonly matching: boolean;
}

/**
 * Audits the bucket pairs, checking only: each pair's source and destination listings are joined
 * in key order (both sides, so destination objects without a source count as `extra`), each key
 * classified from the listings and the ledger (`classifyObject`), and what they leave unverified
 * settled by the checksums both sides store, or with `deep` by their bytes (`settleUnverified`). Segments of a pair list in
 * parallel, as the jobsender's do; memory is a page of each listing and a round per segment,
 * whatever the bucket sizes. With `state`, the audit checkpoints every round and continues an
 * interrupted one. A pair that fails (a missing bucket, denied access) is reported and the others
 * go on.
 */
export async function verifyPairs(
  context: VerifyContext,
  pairs: readonly BucketPair[],
  ignore: IgnoreList,
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  const reports: VerifyPairReport[] = [];
  for (const pair of pairs) reports.push(await verifyPair(context, pair, ignore, options));
  const totals = emptyCounts();
  for (const report of reports) for (const [kind, count] of Object.entries(report.counts)) totals[kind as keyof VerifyCounts] += count;
  const done = reports.every((report) => report.done);
  return {
    pairs: reports,
    totals,
    done,
    matching: done && totals.missing + totals.differing + totals.extra + totals.unverified === 0,
  };
}

async function verifyPair(context: VerifyContext, pair: BucketPair, ignore: IgnoreList, options: VerifyOptions): Promise<VerifyPairReport> {
  const id = pairId(pair);
  const signal = options.signal ?? new AbortController().signal;
  setMaxListeners(0, signal);
  let state: VerifyPairState | undefined;
  try {
    state = await options.state?.load(id);
    if (state === undefined) {
      const segments = await planPairSegments(context.source, pair, options.segmentsPerPair, signal);
      state = { pairId: id, segments: segments.map((segment) => ({ ...segment, done: false })), counts: emptyCounts() };
    }
    const live = { segments: [...state.segments], counts: { ...state.counts } };
    const checkpoint = async () => options.state?.save({ pairId: id, segments: [...live.segments], counts: { ...live.counts } });
    await Promise.all(
      live.segments.map(async (segment, index) => {
        if (segment.done) return;
        await verifySegment(context, pair, ignore, options, signal, segment, live.counts, async (next) => {
          live.segments[index] = next;
          await checkpoint();
        });
      }),
    );
    return { pair: id, counts: live.counts, done: live.segments.every((segment) => segment.done) };
  } catch (error) {
    const failure = error instanceof MigrationError ? error : new MigrationError("Unexpected", String(error), false);
    context.logger?.error("Verify failed for a pair", { pair: id, code: failure.code, error: failure.message });
    return { pair: id, counts: state?.counts ?? emptyCounts(), done: false, error: { code: failure.code, message: failure.message } };
  }
}

async function verifySegment(
  context: VerifyContext,
  pair: BucketPair,
  ignore: IgnoreList,
  options: VerifyOptions,
  signal: AbortSignal,
  segment: SegmentState,
  counts: VerifyCounts,
  checkpoint: (segment: SegmentState) => Promise<void>,
): Promise<void> {
  const { source, destination, head } = listSegment(context, pair, segment, {
    signal,
    ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
  });
  let current = segment;
  let round: OuterJoinedEntry<ListedObject, ListedObject>[] = [];
  const settle = async () => {
    if (round.length === 0) return;
    const entries = round;
    round = [];
    const findings = await settleRound(context, pair, ignore, options, signal, head, entries);
    // counted and moved on in one step, so a checkpoint never counts a key its cursor has not passed
    for (const finding of findings) counts[finding === "ignored" ? "ignored" : finding.kind]++;
    current = { ...current, cursor: keyOf(entries[entries.length - 1]) };
    for (const finding of findings) if (finding !== "ignored") await options.onFinding?.(pairId(pair), finding);
    await checkpoint(current);
  };
  for await (const entry of outerJoin(source, destination)) {
    round.push(entry);
    if (round.length >= ROUND_SIZE) await settle();
    if (signal.aborted) break;
  }
  await settle();
  if (!signal.aborted) await checkpoint({ ...current, done: true });
}

/** One round's findings, in key order: ledger records read at once, `--deep` checks a few at a time. */
async function settleRound(
  context: VerifyContext,
  pair: BucketPair,
  ignore: IgnoreList,
  options: VerifyOptions,
  signal: AbortSignal,
  head: string,
  entries: readonly OuterJoinedEntry<ListedObject, ListedObject>[],
): Promise<(Finding | "ignored")[]> {
  const compared = entries.filter((entry) => !ignore.matches(pair.srcBucket, keyOf(entry)));
  const records =
    context.ledger === undefined
      ? new Map()
      : await context.ledger.getMany(
          compared
            .filter((entry) => entry.source !== undefined && entry.destination !== undefined)
            .map((entry) => ({ desBucket: pair.desBucket, desKey: head + keyOf(entry) })),
        );
  const findings = new Map<OuterJoinedEntry<ListedObject, ListedObject>, Finding>();
  for (const entry of compared) findings.set(entry, classifyObject(entry, records.get(objectKey(pair.desBucket, head + keyOf(entry)).pk)));
  await mapConcurrent(
    [...findings].filter(([, finding]) => finding.kind === "unverified"),
    SETTLE_CONCURRENCY,
    async ([entry, finding]) => {
      findings.set(
        entry,
        await settleUnverified(
          finding,
          {
            source: { client: context.source, bucket: pair.srcBucket, key: keyOf(entry), etag: finding.sourceEtag ?? "" },
            destination: {
              client: context.destination,
              bucket: pair.desBucket,
              key: head + keyOf(entry),
              etag: finding.destinationEtag ?? "",
            },
          },
          options.deep ?? false,
          signal,
        ).catch((error: unknown) => ({ ...finding, reason: `could not be checked: ${(error as Error).message}` })),
      );
    },
  );
  return entries.map((entry) => findings.get(entry) ?? "ignored");
}

function keyOf(entry: OuterJoinedEntry<ListedObject, ListedObject> | undefined): string {
  return (entry?.source ?? entry?.destination)?.key ?? "";
}
