import { CreateMultipartUploadCommand, GetObjectCommand, UploadPartCommand } from "@aws-sdk/client-s3";
import { classifyError, type ErrorContext } from "../../classifyError.js";
import type { ResolvedSettings } from "../../defaults.js";
import { IntegrityError, MigrationError, TransientError } from "../../errors.js";
import { compositeEtag, normalizeEtag } from "../../integrity/md5.js";
import { MAX_PARTS } from "../../plan/limits.js";
import { type PartPlan, partFits, planParts, planWithPartSize } from "../../plan/partPlan.js";
import { retryPolicy, withRetry } from "../../retry.js";
import { hashBytes } from "../byteStreamReader.js";
import { etagIsMd5, writeParameters } from "../objectHeaders.js";
import { quote, readSourceTagging, type SourceObject, sourceFirstPartSize } from "../sourceObject.js";
import type { CopyRequest, DoneOutcome, PausedOutcome, TransferContext } from "../types.js";
import { chooseUpload, type UploadWithParts } from "./chooseUpload.js";
import { completeUpload } from "./completeUpload.js";
import { pumpParts } from "./partPump.js";
import { hasManifestSlot, MANIFEST_PART_NUMBER, manifestEtag, manifestFor } from "./uploadManifest.js";
import { abortUpload, listAllParts, listUploadsForKey, type StoredPart } from "./uploads.js";

/**
 * Copies a large object as a multipart upload that survives crashes and deadlines:
 * 1. plans the parts (the source's own part size when it is multipart, so the ETags match);
 * 2. resumes the open upload for the key that is bound to this source version (see
 *    `uploadManifest.ts`) and aborts every other one;
 * 3. streams only the missing parts, each sent with Content-MD5 and its ETag checked;
 * 4. reads the part list back from the destination, checks it covers the plan (and reproduces the
 *    source ETag when the layouts match), and completes the upload from that list.
 * Returns `paused` when the context's `pause` fires; the next run resumes.
 */
export async function copyMultipart(
  context: TransferContext,
  request: CopyRequest,
  settings: ResolvedSettings,
  source: SourceObject,
): Promise<DoneOutcome | PausedOutcome> {
  const { destination } = request;
  const pause = context.pause;
  const writeContext = (operation: string): ErrorContext => ({
    side: "destination",
    operation,
    bucket: destination.bucket,
    key: destination.key,
  });

  const sourceLayout = await matchSourceLayout(context, settings, source);
  const freshPlan = sourceLayout ?? planForNewUpload(source.size, settings.partSize);
  const isBound = (upload: UploadWithParts, plan: PartPlan): boolean => {
    if (!hasManifestSlot(plan)) return sourceLayout !== undefined && plan.partSize === sourceLayout.partSize;
    const manifest = upload.parts.find((part) => part.partNumber === MANIFEST_PART_NUMBER);
    return manifest !== undefined && manifest.etag === manifestEtag(source, plan);
  };

  const open = await listUploadsForKey(context.destination, destination.bucket, destination.key, pause);
  const withParts = await Promise.all(
    open.map(async (upload) => ({
      ...upload,
      parts: await listAllParts(context.destination, destination.bucket, destination.key, upload.uploadId, pause),
    })),
  );
  const choice = chooseUpload(source.size, withParts, freshPlan, isBound);
  for (const uploadId of choice.supersede) {
    await abortUpload(context.destination, destination.bucket, destination.key, uploadId);
    context.logger?.info("Aborted superseded upload", { key: destination.key, uploadId });
    context.metrics?.addMetric("UploadsAborted", "Count", 1);
  }

  const plan = choice.resume?.plan ?? freshPlan;
  const buffers = bufferCount(settings, plan);
  const uploadId = choice.resume?.uploadId ?? (await createUpload(context, request, settings, source, plan));
  const stored = new Map((choice.resume?.parts ?? []).filter((part) => partFits(plan, part)).map((part) => [part.partNumber, part]));
  if (stored.size > 0) {
    context.logger?.info("Resuming upload", { key: destination.key, uploadId, partsResumed: stored.size, partCount: plan.partCount });
    context.metrics?.addMetric("PartsResumed", "Count", stored.size);
  }
  const missing = Array.from({ length: plan.partCount }, (_, index) => index + 1).filter((partNumber) => !stored.has(partNumber));
  const sentMd5 = new Map<number, string>();
  let partsDone = stored.size;
  let bytesDone = [...stored.values()].reduce((sum, part) => sum + part.size, 0);
  const abortOnSourceLoss = async (error: unknown): Promise<never> => {
    const classified = classifyError(error, writeContext("UploadPart"));
    if (!classified.retryable && classified.side === "source") {
      await abortUpload(context.destination, destination.bucket, destination.key, uploadId).catch(() => undefined);
    }
    throw classified;
  };

  await pumpParts(
    {
      plan,
      missing,
      readStreams: settings.readStreams,
      buffers,
      retry: retryPolicy("transfer", settings.retry),
      ...(pause === undefined ? {} : { pause }),
      ...(context.cancel === undefined ? {} : { cancel: context.cancel }),
    },
    {
      openRead: async (start, end, readSignal) => {
        const answer = await context.source.send(
          new GetObjectCommand({
            Bucket: source.bucket,
            Key: source.key,
            Range: `bytes=${start}-${end}`,
            IfMatch: quote(source.etag),
            ...(source.versionId === undefined ? {} : { VersionId: source.versionId }),
          }),
          { abortSignal: readSignal },
        );
        if (answer.Body === undefined)
          throw new TransientError(`GetObject source s3://${source.bucket}/${source.key}: empty body`, { side: "source" });
        return answer.Body as AsyncIterable<Uint8Array>;
      },
      uploadPart: async (partNumber, data, partSignal) => {
        const answer = await context.destination.send(
          new UploadPartCommand({
            Bucket: destination.bucket,
            Key: destination.key,
            UploadId: uploadId,
            PartNumber: partNumber,
            Body: data.bytes,
            ContentLength: data.bytes.length,
            ContentMD5: data.md5Base64,
          }),
          { abortSignal: partSignal },
        );
        const etag = normalizeEtag(answer.ETag);
        if (etagIsMd5(answer.ServerSideEncryption) && etag !== data.md5Hex) {
          throw new IntegrityError(
            `UploadPart ${partNumber} of s3://${destination.bucket}/${destination.key}: stored ETag ${etag} differs from MD5 sent ${data.md5Hex}`,
            { side: "destination" },
          );
        }
        sentMd5.set(partNumber, data.md5Hex);
        partsDone++;
        bytesDone += data.bytes.length;
        context.metrics?.addMetric("BytesWritten", "Bytes", data.bytes.length);
        context.onProgress?.({ key: source.key, bytes: data.bytes.length, partsDone, partCount: plan.partCount });
      },
      classifyRead: (error) => classifyError(error, { side: "source", operation: "GetObject", bucket: source.bucket, key: source.key }),
      classifyWrite: (error) => classifyError(error, writeContext("UploadPart")),
      onRetry: (error, attempt, delayMs) => {
        context.logger?.warn("Retrying part", { key: destination.key, uploadId, attempt, delayMs, error: error.message });
        context.metrics?.addMetric("Retries", "Count", 1);
      },
      onBytesRead: (count) => context.metrics?.addMetric("BytesRead", "Bytes", count),
    },
  ).catch(abortOnSourceLoss);

  if (pause?.aborted && partsDone < plan.partCount) return { status: "paused", uploadId, partCount: plan.partCount, partsDone, bytesDone };

  const parts = await verifiedPartList(context, request, uploadId, plan, sentMd5);
  const expectedEtag = compositeEtag(parts.map((part) => part.etag));
  const layoutMatches = sourceLayout !== undefined && plan.partSize === sourceLayout.partSize && plan.partCount === sourceLayout.partCount;
  const etagsAreMd5 = parts.every((part) => /^[0-9a-f]{32}$/.test(part.etag));
  if (layoutMatches && etagsAreMd5 && expectedEtag !== source.etag) {
    await abortUpload(context.destination, destination.bucket, destination.key, uploadId);
    throw new IntegrityError(
      `s3://${destination.bucket}/${destination.key}: parts reproduce ETag ${expectedEtag}, source has ${source.etag}; the upload was discarded and will restart`,
      { side: "source" },
    );
  }
  // Completing must not be cut by the soft deadline, only by a hard abort. S3 answers it with an
  // occasional 500 that a pause cures: retried with backoff on top of the SDK's quick retries.
  const completed = await withRetry(
    () => completeUpload(context.destination, destination, uploadId, parts, etagsAreMd5 ? expectedEtag : undefined, context.cancel),
    (error) => classifyError(error, writeContext("CompleteMultipartUpload")),
    retryPolicy("completion", settings.retry),
    context.cancel,
  );
  const destinationEtag = completed.etag;
  if (etagsAreMd5 && destinationEtag !== expectedEtag) {
    throw new IntegrityError(
      `CompleteMultipartUpload s3://${destination.bucket}/${destination.key}: ETag ${destinationEtag}, expected ${expectedEtag}`,
      { side: "destination" },
    );
  }
  return {
    status: "done",
    mode: "multipart",
    bytes: source.size,
    partCount: plan.partCount,
    partsUploaded: sentMd5.size,
    partsResumed: stored.size,
    verification: layoutMatches && etagsAreMd5 ? "source-etag" : "part-checksums",
    sourceEtag: source.etag,
    ...(source.versionId === undefined ? {} : { sourceVersionId: source.versionId }),
    destinationEtag,
    ...(completed.versionId === undefined ? {} : { destinationVersionId: completed.versionId }),
    abortedUploads: choice.supersede,
  };
}

/** The source's own layout when it is a multipart object with uniform parts S3 would accept again. */
async function matchSourceLayout(
  context: TransferContext,
  settings: ResolvedSettings,
  source: SourceObject,
): Promise<PartPlan | undefined> {
  if (!settings.matchSourceParts || source.multipartPartCount === undefined) return undefined;
  const firstPartSize = await sourceFirstPartSize(context.source, source, context.pause);
  if (firstPartSize === undefined) return undefined;
  const plan = planWithPartSize(source.size, firstPartSize);
  return plan?.partCount === source.multipartPartCount ? plan : undefined;
}

/** A plan that leaves part 10,000 free for the manifest, unless the object needs every part. */
export function planForNewUpload(size: number, partSize: number): PartPlan {
  const plan = planParts(size, partSize, MAX_PARTS - 1);
  return plan.partCount < MAX_PARTS ? plan : planParts(size, partSize);
}

/** Part buffers allowed in memory: the concurrency, lowered to fit the memory budget. */
function bufferCount(settings: ResolvedSettings, plan: PartPlan): number {
  if (settings.memoryBudgetBytes === undefined) return settings.partConcurrency;
  const fit = Math.floor(settings.memoryBudgetBytes / plan.partSize);
  if (fit < 1) {
    throw new MigrationError(
      "InsufficientMemory",
      `A part of ${plan.partSize} bytes does not fit the memory budget of ${settings.memoryBudgetBytes} bytes`,
      false,
    );
  }
  return Math.min(settings.partConcurrency, fit);
}

async function createUpload(
  context: TransferContext,
  request: CopyRequest,
  settings: ResolvedSettings,
  source: SourceObject,
  plan: PartPlan,
): Promise<string> {
  const { destination } = request;
  const tagging = settings.copyTags ? await readSourceTagging(context.source, source, context.pause) : undefined;
  const created = await context.destination
    .send(
      new CreateMultipartUploadCommand({
        Bucket: destination.bucket,
        Key: destination.key,
        ...writeParameters(source.headers, settings, tagging),
      }),
    )
    .catch((error: unknown) => {
      throw classifyError(error, {
        side: "destination",
        operation: "CreateMultipartUpload",
        bucket: destination.bucket,
        key: destination.key,
      });
    });
  const uploadId = created.UploadId;
  if (uploadId === undefined)
    throw new TransientError(`CreateMultipartUpload s3://${destination.bucket}/${destination.key}: no upload id`, { side: "destination" });
  if (hasManifestSlot(plan)) {
    const manifest = hashBytes(manifestFor(source, plan));
    await withRetry(
      () =>
        context.destination.send(
          new UploadPartCommand({
            Bucket: destination.bucket,
            Key: destination.key,
            UploadId: uploadId,
            PartNumber: MANIFEST_PART_NUMBER,
            Body: manifest.bytes,
            ContentLength: manifest.bytes.length,
            ContentMD5: manifest.md5Base64,
          }),
        ),
      (error) =>
        classifyError(error, { side: "destination", operation: "UploadPart(manifest)", bucket: destination.bucket, key: destination.key }),
      retryPolicy("transfer", settings.retry),
      context.pause,
    );
  }
  context.logger?.debug("Created upload", { key: destination.key, uploadId, partSize: plan.partSize, partCount: plan.partCount });
  return uploadId;
}

/**
 * The upload's data parts as the destination lists them, checked against the plan and against the
 * MD5s this run sent. The destination is the single point of truth for completion.
 */
async function verifiedPartList(
  context: TransferContext,
  request: CopyRequest,
  uploadId: string,
  plan: PartPlan,
  sentMd5: ReadonlyMap<number, string>,
): Promise<StoredPart[]> {
  const { bucket, key } = request.destination;
  const parts = (await listAllParts(context.destination, bucket, key, uploadId, context.cancel)).filter(
    (part) => part.partNumber <= plan.partCount && (hasManifestSlot(plan) ? part.partNumber !== MANIFEST_PART_NUMBER : true),
  );
  const problems: string[] = [];
  if (parts.length !== plan.partCount) problems.push(`${parts.length} of ${plan.partCount} parts present`);
  for (const part of parts) {
    if (!partFits(plan, part)) problems.push(`part ${part.partNumber} has ${part.size} bytes`);
    const sent = sentMd5.get(part.partNumber);
    if (sent !== undefined && /^[0-9a-f]{32}$/.test(part.etag) && sent !== part.etag)
      problems.push(`part ${part.partNumber} ETag ${part.etag} != sent ${sent}`);
  }
  if (problems.length > 0) {
    throw new IntegrityError(`Upload ${uploadId} of s3://${bucket}/${key} does not match its plan: ${problems.slice(0, 5).join("; ")}`, {
      side: "destination",
    });
  }
  return parts;
}
