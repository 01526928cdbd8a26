/**
 * What a worker may touch: the configured bucket pairs and the S3 event settings. Every piece of
 * work is checked here before anything is read or written, whatever message announced it, so a
 * forged or foreign message can neither read an unconfigured source nor write (with the other
 * account's key) anywhere but the mapped destination key.
 */

import { destinationKey, listingPrefix, type RefusalCode } from "@s3-migrate/transfer";
import type { BucketPair } from "../config/bucketPairs.js";
import type { IgnoreList } from "../config/ignoreList.js";
import type { Work } from "../messages/queueMessage.js";

/** The S3 event notifications a worker takes, and where they are copied to. */
export interface EventScope {
  /** The bucket whose notifications feed the queue (EVENT_SOURCE_BUCKET). */
  readonly bucket: string;
  /** The notification's key filter (EVENT_FILTER_PREFIX / EVENT_FILTER_SUFFIX). @default "" */
  readonly filterPrefix: string;
  readonly filterSuffix: string;
  /** DEFAULT_DEST_BUCKET and DEFAULT_DEST_PREFIX: event keys land at prefix + full key. */
  readonly destinationBucket: string;
  readonly destinationPrefix: string;
  /** PROPAGATE_DELETES: whether `ObjectRemoved:*` records may delete at the destination. */
  readonly propagateDeletes: boolean;
}

/** Everything a worker is allowed to copy or delete. */
export interface WorkScope {
  readonly pairs: readonly BucketPair[];
  readonly events?: EventScope;
  readonly ignore: IgnoreList;
}

/** Why a piece of work was refused; each is the DLQ message's `errorCode`. */
export const REFUSAL = {
  /** The source lies under no configured pair (or outside the event filter). */
  notConfigured: "NotConfigured",
  /** The source is configured, but the destination is not the key its pair maps it to. */
  destinationNotMapped: "DestinationNotMapped",
  /** An S3 event from another event source, another bucket, or to a worker without events. */
  foreignEventSource: "ForeignEventSource",
  /** An `ObjectRemoved:*` record while delete propagation is off. */
  deletesDisabled: "DeletesDisabled",
} as const satisfies Record<string, RefusalCode>;

/** The outcome of the check. */
export type ScopeVerdict =
  | { readonly kind: "allowed" }
  /** On the ignore list: acknowledged and dropped, as the jobsender would never have queued it. */
  | { readonly kind: "ignored"; readonly reason: string }
  | { readonly kind: "refused"; readonly code: RefusalCode; readonly reason: string };

const ALLOWED: ScopeVerdict = { kind: "allowed" };

/**
 * Decides whether the worker may carry out `work`. A job (ours or the original's) must name a
 * source under one of the pairs (the event settings count as one more pair) and exactly the
 * destination key that pair maps it to. An S3 event must come from `aws:s3`, from the
 * configured event bucket, with a key under the notification's filter; a removal needs delete
 * propagation on. Pure: no request is made.
 *
 * @example
 * checkScope(scope, work).kind === "refused" // -> dead-letter with verdict.code, read nothing
 */
export function checkScope(scope: WorkScope, work: Work): ScopeVerdict {
  // Parsing refuses empty keys already; an empty key here would address the bucket itself.
  if (work.source.key === "" || work.destination.key === "")
    return { kind: "refused", code: REFUSAL.notConfigured, reason: "an empty object key addresses a bucket, not an object" };
  const verdict = work.origin.format === "s3-event" ? checkEvent(scope, work) : checkJob(scope, work);
  if (verdict.kind !== "allowed") return verdict;
  if (scope.ignore.matches(work.source.bucket, work.source.key))
    return { kind: "ignored", reason: `${work.source.bucket}/${work.source.key} is on the ignore list` };
  return ALLOWED;
}

function checkJob(scope: WorkScope, work: Work): ScopeVerdict {
  const { source, destination } = work;
  const covering = allMappings(scope).filter(
    (pair) =>
      pair.srcBucket === source.bucket && source.key.startsWith(listingPrefix(pair.srcPrefix)) && source.key.endsWith(pair.srcSuffix),
  );
  if (covering.length === 0)
    return {
      kind: "refused",
      code: REFUSAL.notConfigured,
      reason: `s3://${source.bucket}/${source.key} is under no configured bucket pair`,
    };
  const mapped = covering.some(
    (pair) => pair.desBucket === destination.bucket && destinationKey(pair.desPrefix, source.key) === destination.key,
  );
  if (!mapped) {
    const expected = covering.map((pair) => `s3://${pair.desBucket}/${destinationKey(pair.desPrefix, source.key)}`).join(" or ");
    return {
      kind: "refused",
      code: REFUSAL.destinationNotMapped,
      reason: `s3://${source.bucket}/${source.key} maps to ${expected}, not s3://${destination.bucket}/${destination.key}`,
    };
  }
  return ALLOWED;
}

function checkEvent(scope: WorkScope, work: Work): ScopeVerdict {
  const origin = work.origin;
  if (origin.format !== "s3-event") return checkJob(scope, work);
  const events = scope.events;
  const refuse = (code: RefusalCode, reason: string): ScopeVerdict => ({ kind: "refused", code, reason });
  if (events === undefined) return refuse(REFUSAL.foreignEventSource, "this worker takes no S3 events (EVENT_SOURCE_BUCKET is not set)");
  if (origin.eventSource !== "aws:s3")
    return refuse(REFUSAL.foreignEventSource, `eventSource ${JSON.stringify(origin.eventSource)} is not aws:s3`);
  if (work.source.bucket !== events.bucket)
    return refuse(REFUSAL.foreignEventSource, `events of bucket ${work.source.bucket} are not configured (only ${events.bucket})`);
  const key = work.source.key;
  if (!key.startsWith(events.filterPrefix) || !key.endsWith(events.filterSuffix))
    return refuse(REFUSAL.notConfigured, `key ${JSON.stringify(key)} is outside the event filter`);
  if (work.destination.bucket !== events.destinationBucket || work.destination.key !== destinationKey(events.destinationPrefix, key))
    return refuse(
      REFUSAL.destinationNotMapped,
      `the event's destination is not s3://${events.destinationBucket}/${destinationKey(events.destinationPrefix, key)}`,
    );
  if (work.kind === "delete" && !events.propagateDeletes)
    return refuse(
      REFUSAL.deletesDisabled,
      `${origin.eventName} of ${JSON.stringify(key)} while delete propagation (PROPAGATE_DELETES) is off`,
    );
  return ALLOWED;
}

/** A pair, or the S3 event settings seen as one (with the notification's suffix filter). */
type Mapping = BucketPair & { readonly srcSuffix: string };

/** The pairs, plus the event settings as one more pair (continuations of event work are jobs). */
function allMappings(scope: WorkScope): readonly Mapping[] {
  const pairs = scope.pairs.map((pair) => ({ ...pair, srcSuffix: "" }));
  const events = scope.events;
  if (events === undefined) return pairs;
  return [
    ...pairs,
    {
      srcBucket: events.bucket,
      srcPrefix: events.filterPrefix,
      srcSuffix: events.filterSuffix,
      desBucket: events.destinationBucket,
      desPrefix: events.destinationPrefix,
    },
  ];
}
