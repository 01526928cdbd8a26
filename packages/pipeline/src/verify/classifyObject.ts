import { type ListedObject, normalizeEtag } from "@s3-migrate/transfer";
import { OBJECT_STATUS, type ObjectRecord } from "../ledger/ledgerSchema.js";

/**
 * What an audit says of one key of a bucket pair:
 * - `matching`: the destination object is proven to hold the source's bytes (equal ETags, or the
 *   ledger's record of a copy proven against this very source version, or equal stored checksums,
 *   or with `--deep` equal bytes);
 * - `missing`: the source object has no destination object;
 * - `differing`: both exist and are not the same object (sizes differ, the source was replaced
 *   after its copy, the stored checksums differ, or `--deep` found other bytes);
 * - `extra`: the destination object has no source object;
 * - `unverified`: both exist with the same size, but nothing seen proves them equal.
 */
export type FindingKind = "matching" | "missing" | "differing" | "extra" | "unverified";

/** Every kind, in the order summaries print them. */
export const FINDING_KINDS: readonly FindingKind[] = ["matching", "missing", "differing", "extra", "unverified"];

/** One key's finding, as the report file writes it (one JSON line). */
export interface Finding {
  readonly kind: FindingKind;
  /** The key in the source's key space (the destination key less the pair's mapping). */
  readonly key: string;
  readonly sourceSize?: number;
  readonly destinationSize?: number;
  readonly sourceEtag?: string;
  readonly destinationEtag?: string;
  /** Why: what proved it, or what is wrong. */
  readonly reason: string;
}

/** The two sides of one key, either of which may be absent. */
export interface KeyPair {
  readonly source?: ListedObject;
  readonly destination?: ListedObject;
}

/**
 * Classifies one key from the two listings and, when the ledger has one, the object's record.
 * Listings carry size and ETag only; a record counts only when it is `done` for exactly the
 * source ETag listed and the destination ETag it recorded is still the one listed.
 */
export function classifyObject(pair: KeyPair, record?: ObjectRecord): Finding {
  const { source, destination } = pair;
  if (destination === undefined && source === undefined) throw new RangeError("classifyObject needs at least one side");
  if (destination === undefined) return finding("missing", pair, "no object at the destination");
  if (source === undefined) return finding("extra", pair, "no object at the source");
  if (source.size !== destination.size)
    return finding("differing", pair, `sizes differ: ${source.size} bytes at the source, ${destination.size} at the destination`);
  const sourceEtag = normalizeEtag(source.etag);
  const destinationEtag = normalizeEtag(destination.etag);
  if (record?.status === OBJECT_STATUS.done && record.desEtag === destinationEtag) {
    if (record.srcEtag !== sourceEtag)
      return finding("differing", pair, `the source was replaced after its copy (the copy is of ETag ${record.srcEtag})`);
    if (record.verification === "source-checksum" || record.verification === "source-etag")
      return finding(
        "matching",
        pair,
        `ledger: copied and proven (${record.verification}${record.checksum ? `, ${record.checksum.algorithm} ${record.checksum.value}` : ""})`,
      );
  }
  if (sourceEtag === destinationEtag) return finding("matching", pair, "equal ETags");
  return finding(
    "unverified",
    pair,
    record?.status === OBJECT_STATUS.done && record.desEtag === destinationEtag
      ? "copied, but nothing the source stores was reproduced (part-checksums)"
      : "ETags differ and the ledger proves nothing",
  );
}

function finding(kind: FindingKind, pair: KeyPair, reason: string): Finding {
  const { source, destination } = pair;
  return {
    kind,
    key: (source ?? destination)?.key ?? "",
    ...(source === undefined ? {} : { sourceSize: source.size, sourceEtag: normalizeEtag(source.etag) ?? "" }),
    ...(destination === undefined ? {} : { destinationSize: destination.size, destinationEtag: normalizeEtag(destination.etag) ?? "" }),
    reason,
  };
}
