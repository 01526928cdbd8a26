import { setMaxListeners } from "node:events";
import type { S3Client } from "@aws-sdk/client-s3";
import { classifyError, listingPrefix } from "@s3-migrate/transfer";
import type { BucketPair } from "../config/bucketPairs.js";
import type { IgnoreList } from "../config/ignoreList.js";
import { refuseFailingPair } from "../preflight/pairPreflight.js";
import { PreflightError } from "../preflight/problems.js";
import type { JobsenderContext, JobsenderOptions, PairCounts, PairReport } from "./jobsenderTypes.js";
import { type KeySegment, planSegments } from "./keySegments.js";
import { type PassState, pairId, type SegmentState } from "./passState.js";
import { processSegment } from "./processSegment.js";
import { sendRound } from "./sendRound.js";

/** Parallel listings per bucket pair, unless the options say otherwise. */
export const DEFAULT_SEGMENTS_PER_PAIR = 4;

/** The key-space segments one pass over a pair lists in parallel (`count`, default {@link DEFAULT_SEGMENTS_PER_PAIR}). */
export function planPairSegments(
  source: S3Client,
  pair: BucketPair,
  count: number | undefined,
  signal: AbortSignal,
): Promise<KeySegment[]> {
  return planSegments(source, pair.srcBucket, listingPrefix(pair.srcPrefix), count ?? DEFAULT_SEGMENTS_PER_PAIR, signal);
}

/**
 * Runs one pair's pass: checks that its buckets are where and whose the configuration says
 * (preflight's HeadBucket of each; a pair that fails is skipped), continues the unfinished pass
 * (its segments and cursors) or starts a new one, lists and compares the segments in parallel
 * until they end or the signal fires, and saves where each stands. A failure (missing bucket,
 * wrong owner, denied access) is reported for this pair only.
 */
export async function processPair(
  context: JobsenderContext,
  options: JobsenderOptions,
  pair: BucketPair,
  ignore: IgnoreList,
  signal: AbortSignal,
): Promise<PairReport> {
  const counts: PairCounts = { listed: 0, ignored: 0, present: 0, queued: 0, alreadyQueued: 0, failed: 0 };
  const id = pairId(pair);
  const now = context.now?.() ?? new Date();
  let state: PassState | undefined;
  const pairAbort = new AbortController();
  const pairSignal = AbortSignal.any([signal, pairAbort.signal]);
  setMaxListeners(0, pairSignal);
  try {
    await refuseFailingPair(context, pair, pairSignal);
    state = context.state === undefined ? undefined : await context.state.load(id);
    if (state === undefined) {
      const segments = await planPairSegments(context.source, pair, options.segmentsPerPair, pairSignal);
      state = {
        pairId: id,
        passId: now.toISOString(),
        startedAt: now.toISOString(),
        updatedAt: now.toISOString(),
        runs: 0,
        segments: segments.map((segment) => ({ ...segment, done: false })),
      };
    }
    let live: PassState = { ...state, runs: state.runs + 1 };
    const store = context.state;
    let saving = Promise.resolve();
    const checkpoint = (index: number) => async (segment: SegmentState) => {
      const segments = [...live.segments];
      segments[index] = segment;
      live = { ...live, segments, updatedAt: (context.now?.() ?? new Date()).toISOString() };
      if (store !== undefined) {
        const snapshot = live;
        saving = saving.then(() => store.save(snapshot));
        await saving;
      }
    };
    const round = {
      pair,
      passId: live.passId,
      compareVersions: options.compareVersions ?? false,
      requeueAfterMs: options.requeueAfterMs ?? 24 * 3600_000,
      counts,
      ...(options.onPlanned === undefined ? {} : { onPlanned: options.onPlanned }),
      ...(options.tally === undefined ? {} : { tally: options.tally }),
      ...(options.batching === undefined ? {} : { batching: options.batching }),
    };
    const results = await Promise.allSettled(
      live.segments.map((segment, index) =>
        segment.done
          ? Promise.resolve(segment)
          : processSegment(
              {
                context,
                pair,
                ignore,
                compareVersions: round.compareVersions,
                roundSize: options.roundSize ?? 100,
                ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
                counts,
                signal: pairSignal,
                sendRound: (candidates) => sendRound(context, round, candidates),
                checkpoint: checkpoint(index),
              },
              segment,
            ).catch((error: unknown) => {
              pairAbort.abort();
              throw error;
            }),
      ),
    );
    await saving;
    const failure = results.find((result): result is PromiseRejectedResult => result.status === "rejected");
    const complete = live.segments.every((segment) => segment.done);
    if (failure !== undefined && !signal.aborted) throw failure.reason;
    if (complete) await store?.clear(id);
    return { pair, status: complete ? "complete" : "paused", passId: live.passId, counts };
  } catch (thrown) {
    const error = classifyError(thrown, { side: "source", operation: "compare", bucket: pair.srcBucket, key: pair.srcPrefix });
    const preflight = error instanceof PreflightError ? { preflight: error.problems } : {};
    context.logger?.error(preflight.preflight === undefined ? "Bucket pair failed" : "Bucket pair failed its preflight checks; skipped", {
      pair,
      code: error.code,
      error: error.message,
      ...preflight,
    });
    return {
      pair,
      status: "failed",
      passId: state?.passId ?? "",
      counts,
      error: { code: error.code, message: error.message },
      ...preflight,
    };
  }
}
