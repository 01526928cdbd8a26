import { classifyError } from "../classifyError.js";
import { type ResolvedSettings, resolveSettings } from "../defaults.js";
import { ConfigError, SourceChangedError } from "../errors.js";
import { copySmallObject, findSameBytes, TOO_LARGE_FOR_SINGLE_PUT } from "./copySmallObject.js";
import { copyMultipart } from "./multipart/copyMultipart.js";
import { lostCompletion } from "./multipart/lostCompletion.js";
import { etagIsBodyMd5 } from "./objectHeaders.js";
import { copyServerSide } from "./serverSideCopy.js";
import { headSource } from "./sourceObject.js";
import type {
  CopyRequest,
  DoneOutcome,
  FailedOutcome,
  PausedOutcome,
  SourceChangedOutcome,
  TransferContext,
  TransferOutcome,
  TransferSettings,
} from "./types.js";

/**
 * Copies one object from the source endpoint to the destination endpoint, verified, and says how
 * it went. Never throws for an S3 answer: every failure comes back as an outcome whose error says
 * what happened, on which side, and whether to retry.
 *
 * Objects at or below `smallObjectThreshold` (0-byte objects and `folder/` keys included) take one
 * GET and one PUT; larger ones a resumable multipart upload. With `serverSideCopy`, S3 copies the
 * bytes itself (`copyServerSide`): one CopyObject, or UploadPartCopy ranges above the threshold.
 *
 * @example
 * const outcome = await copyObject(
 *   { source: sourceClient, destination: destinationClient, pause: AbortSignal.timeout(840_000) },
 *   { source: { bucket: "src", key: "a/b.bin", size: 123 }, destination: { bucket: "dst", key: "a/b.bin" } },
 * );
 * if (outcome.status === "paused") requeueSoon();
 */
export async function copyObject(
  context: TransferContext,
  request: CopyRequest,
  settings: TransferSettings = {},
): Promise<TransferOutcome> {
  const resolved = resolveSettings(settings);
  const started = Date.now();
  try {
    if (context.pause?.aborted) return { status: "paused", partCount: 0, partsDone: 0, bytesDone: 0 };
    const foundEarlier = await earlierWrite(context, request, resolved);
    if (foundEarlier !== undefined) return foundEarlier;
    if (resolved.serverSideCopy) {
      if (request.createOnly) throw new ConfigError("A create-only copy streams its bytes: it cannot be a server-side copy");
      return await copyServerSide(context, request, resolved, await headSource(context.source, request.source, context.pause));
    }
    if (request.source.size !== undefined && request.source.size <= resolved.smallObjectThreshold) {
      const outcome = await copySmallObject(context, request, resolved);
      if (outcome !== TOO_LARGE_FOR_SINGLE_PUT) return outcome;
    }
    if (request.createOnly)
      throw new ConfigError(
        `s3://${request.source.bucket}/${request.source.key}: a create-only copy must fit one PUT (source.size at most smallObjectThreshold)`,
      );
    const source = await headSource(context.source, request.source, context.pause);
    if (source.size <= resolved.smallObjectThreshold) {
      const outcome = await copySmallObject(context, { ...request, source: { ...request.source, etag: source.etag } }, resolved);
      if (outcome !== TOO_LARGE_FOR_SINGLE_PUT) return outcome;
      throw new SourceChangedError(`s3://${source.bucket}/${source.key} grew past the small-object threshold while being copied`);
    }
    return await copyMultipart(context, request, resolved, source);
  } catch (thrown) {
    return transferFailure(context, request, thrown);
  } finally {
    context.metrics?.addMetric("TransferDuration", "Milliseconds", Date.now() - started);
  }
}

/**
 * What a transfer that threw comes to: `paused` when the pause had fired (what it cut is resumable),
 * `source-changed`, or `failed` with the classified error.
 */
export function transferFailure(
  context: TransferContext,
  request: CopyRequest,
  thrown: unknown,
): PausedOutcome | SourceChangedOutcome | FailedOutcome {
  if (context.pause?.aborted) return { status: "paused", partCount: 0, partsDone: 0, bytesDone: 0 };
  const error = classifyError(thrown, { side: "source", operation: "copy", bucket: request.source.bucket, key: request.source.key });
  context.logger?.warn("Transfer failed", {
    key: request.source.key,
    code: error.code,
    retryable: error.retryable,
    error: error.message,
  });
  if (error instanceof SourceChangedError) return { status: "source-changed", error };
  return { status: "failed", error };
}

/**
 * What an earlier attempt at this copy left at the destination, looked for before a byte is sent:
 * the completion it lost (`completing`), or the single PUT it may have made (`mayBeWritten`). The
 * source is HEADed first, pinned to the version the request names, so nothing is recorded as
 * copied for a version the source does not hold. Undefined: copy as usual.
 */
async function earlierWrite(
  context: TransferContext,
  request: CopyRequest,
  settings: ResolvedSettings,
): Promise<DoneOutcome | PausedOutcome | undefined> {
  if (request.completing === undefined && !request.mayBeWritten) return undefined;
  const source = await headSource(context.source, request.source, context.pause);
  if (request.source.size !== undefined && source.size !== request.source.size)
    throw new SourceChangedError(
      `s3://${source.bucket}/${source.key} has ${source.size} bytes, the copy was started for ${request.source.size}`,
    );
  const pinned = { ...request, source: { ...request.source, etag: source.etag, size: source.size } };
  const completed = await lostCompletion(context, pinned, settings.retry);
  if (completed !== undefined || !request.mayBeWritten || source.size > settings.smallObjectThreshold) return completed;
  if (!etagIsBodyMd5(source.etag, source.serverSideEncryption)) return undefined;
  const found = await findSameBytes(context.destination, request.destination, source.etag, context.pause);
  if (found === undefined) return undefined;
  context.logger?.info("An earlier attempt wrote the object already; nothing sent again", {
    key: request.destination.key,
    etag: found.etag,
  });
  return {
    status: "done",
    mode: "single",
    bytes: source.size,
    partCount: 1,
    partsUploaded: 0,
    partsResumed: 1,
    verification: "source-etag",
    sourceEtag: source.etag,
    ...(source.versionId === undefined ? {} : { sourceVersionId: source.versionId }),
    destinationEtag: found.etag,
    ...(found.versionId === undefined ? {} : { destinationVersionId: found.versionId }),
    abortedUploads: [],
  };
}
