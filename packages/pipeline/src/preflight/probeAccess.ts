import { createHash, randomUUID } from "node:crypto";
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import type { Side } from "@s3-migrate/transfer";
import { describeAnswer, isDenied, isMissingBucket, nameOf, sendOptions, statusOf } from "./answers.js";
import type { ProbeResult, SideS3Client } from "./preflightTypes.js";
import { type PreflightProblem, preflightProblem } from "./problems.js";

/** Where a probe looks: a side's bucket and the prefix its pair lists (source) or writes (destination). */
export interface ProbeTarget {
  readonly side: Side;
  readonly bucket: string;
  readonly prefix: string;
  readonly signal?: AbortSignal;
}

/** What a probe found, the problems it shows, and what a reader should know besides. */
export interface ProbeOutcome {
  readonly result: ProbeResult;
  readonly problems: readonly PreflightProblem[];
  readonly notes: readonly string[];
}

/** What the list probe found: its outcome and the first key under the prefix, if any. */
export interface ListOutcome extends ProbeOutcome {
  readonly firstKey?: string;
}

/**
 * ListObjectsV2 of one key under the prefix: the request every pass starts with, at the cost of
 * one. @example await probeList(clients.source, { side: "source", bucket: "src", prefix: "logs/" })
 */
export async function probeList(client: SideS3Client, target: ProbeTarget): Promise<ListOutcome> {
  const where = `${target.side} s3://${target.bucket}/${target.prefix}`;
  try {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: target.bucket, MaxKeys: 1, ...(target.prefix === "" ? {} : { Prefix: target.prefix }) }),
      sendOptions(target.signal),
    );
    const firstKey = page?.Contents?.[0]?.Key;
    return {
      result: { outcome: "ok", detail: firstKey === undefined ? "nothing under the prefix" : "listed" },
      problems: [],
      notes: [],
      ...(firstKey === undefined ? {} : { firstKey }),
    };
  } catch (error) {
    return failedProbe(
      error,
      isDenied(error) ? "ListDenied" : isMissingBucket(error) ? "BucketMissing" : "CheckFailed",
      where,
      "ListObjectsV2",
    );
  }
}

/**
 * HeadObject of the first key listed (s3:GetObject). Of a source object under SSE-KMS, also a GET
 * of its first byte: the only way to prove kms:Decrypt without the bytes of a whole object, and
 * after a HEAD that passed, a refusal there is the key's (KmsDenied).
 */
export async function probeRead(client: SideS3Client, target: ProbeTarget, key: string | undefined): Promise<ProbeOutcome> {
  if (key === undefined) return { result: { outcome: "skipped", detail: "nothing under the prefix to read" }, problems: [], notes: [] };
  const where = `${target.side} s3://${target.bucket}/${key}`;
  let encrypted = false;
  let size = 0;
  try {
    const head = await client.send(new HeadObjectCommand({ Bucket: target.bucket, Key: key }), sendOptions(target.signal));
    encrypted = head?.ServerSideEncryption?.startsWith("aws:kms") ?? false;
    size = head?.ContentLength ?? 0;
  } catch (error) {
    if (statusOf(error) === 404)
      return {
        result: { outcome: "skipped", detail: "the listed object is gone" },
        problems: [],
        notes: [`${where} was deleted after it was listed`],
      };
    return failedProbe(error, isDenied(error) ? "ReadDenied" : "CheckFailed", where, "HeadObject");
  }
  if (!encrypted || target.side !== "source" || size === 0)
    return { result: { outcome: "ok", detail: "HeadObject" }, problems: [], notes: [] };
  try {
    const first = await client.send(
      new GetObjectCommand({ Bucket: target.bucket, Key: key, Range: "bytes=0-0" }),
      sendOptions(target.signal),
    );
    await first?.Body?.transformToByteArray();
    return { result: { outcome: "ok", detail: "HeadObject, first byte (kms:Decrypt)" }, problems: [], notes: [] };
  } catch (error) {
    const code = isDenied(error) || nameOf(error).startsWith("KMS.") ? "KmsDenied" : "CheckFailed";
    return failedProbe(error, code, where, "GetObject of the first byte of an SSE-KMS object (kms:Decrypt)");
  }
}

/** What the write probe puts: a few bytes that say what they are. */
const MARKER_BODY = "s3-migrate preflight write probe: safe to delete\n";

/**
 * PutObject of a small marker under the destination prefix (where the copies go), then
 * DeleteObject of it (of its version, on a versioned bucket, so that nothing stays behind). A
 * marker that cannot be deleted is said in a note, with its key. Not run when the bucket gives
 * new objects a default Object Lock retention: nobody could delete the marker before it ends.
 */
export async function probeWrite(
  client: SideS3Client,
  target: ProbeTarget,
  options: { readonly enabled: boolean; readonly defaultRetention?: string },
): Promise<ProbeOutcome> {
  const skipped = (detail: string): ProbeOutcome => ({ result: { outcome: "skipped", detail }, problems: [], notes: [] });
  if (target.side === "source") return skipped("the source is only read");
  if (!options.enabled) return skipped("off (--write-probe writes and deletes a marker)");
  if (options.defaultRetention !== undefined)
    return skipped(`not run: Object Lock would keep the marker (default retention ${options.defaultRetention})`);
  const key = markerKey(target.prefix);
  const where = `${target.side} s3://${target.bucket}/${key}`;
  let versionId: string | undefined;
  try {
    const put = await client.send(
      new PutObjectCommand({
        Bucket: target.bucket,
        Key: key,
        Body: MARKER_BODY,
        ContentMD5: createHash("md5").update(MARKER_BODY).digest("base64"),
        ContentType: "text/plain",
      }),
      sendOptions(target.signal),
    );
    versionId = put?.VersionId;
  } catch (error) {
    return failedProbe(error, isDenied(error) ? "WriteDenied" : "CheckFailed", where, "PutObject");
  }
  const notes = await deleteMarker(client, target, key, versionId);
  return { result: { outcome: "ok", detail: notes.length === 0 ? "PutObject, DeleteObject" : "PutObject" }, problems: [], notes };
}

/** A marker key under `prefix` (a prefix that is no folder gets one, so the key still begins with it). */
export function markerKey(prefix: string): string {
  const folder = prefix === "" || prefix.endsWith("/") ? prefix : `${prefix}/`;
  return `${folder}.s3-migrate-preflight-${randomUUID()}`;
}

async function deleteMarker(client: SideS3Client, target: ProbeTarget, key: string, versionId: string | undefined): Promise<string[]> {
  const remove = (version: string | undefined) =>
    client.send(
      new DeleteObjectCommand({ Bucket: target.bucket, Key: key, ...(version === undefined ? {} : { VersionId: version }) }),
      sendOptions(target.signal),
    );
  try {
    await remove(versionId);
    return [];
  } catch (error) {
    if (versionId === undefined)
      return [`the write probe's marker s3://${target.bucket}/${key} could not be deleted (${describeAnswer(error)}): delete it`];
    // No s3:DeleteObjectVersion: a plain delete at least hides the marker behind a delete marker.
    const hidden = await remove(undefined).then(
      () => true,
      () => false,
    );
    return [
      `the write probe's marker s3://${target.bucket}/${key} (version ${versionId}) could not be deleted (${describeAnswer(error)})${hidden ? "; it is hidden behind a delete marker" : ""}: delete that version`,
    ];
  }
}

function failedProbe(
  error: unknown,
  code: PreflightProblem["code"],
  where: string,
  operation: string,
): ProbeOutcome & { firstKey?: undefined } {
  const outcome = code === "CheckFailed" ? "failed" : "refused";
  return {
    result: { outcome, detail: nameOf(error) },
    problems: [preflightProblem(code, `${where}: ${operation} ${outcome === "refused" ? "refused" : "failed"}: ${describeAnswer(error)}`)],
    notes: [],
  };
}
