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
 * Copies a large object as a multipart upload that survives crashes and deadlines, in three steps:
 * 1. `openUpload` plans the parts (the source's own part size when it is multipart, so the ETags
 *    match), resumes the open upload for the key that is bound to this source version (see
 *    `uploadManifest.ts`) or starts one, and aborts every other;
 * 2. `sendMissingParts` streams only the parts it lacks, each sent with Content-MD5 and its ETag checked;
 * 3. `completeVerified` reads the part list back from the destination, checks it covers the plan
 *    (and reproduces the source ETag when the layouts match), and completes the upload from it.
 * Returns `paused` when the context's `pause` fires; the next run resumes.
 */
export async function copyMultipart(
  context: TransferContext,
  request: CopyRequest,
  settings: ResolvedSettings,
  source: SourceObject,
): Promise<DoneOutcome | PausedOutcome> {
  const upload = await openUpload(context, request, settings, source);
  const sent = await sendMissingParts(context, request, settings, source, upload);
  if (context.pause?.aborted && sent.partsDone < upload.plan.partCount)
    return {
      status: "paused",
      uploadId: upload.uploadId,
      partCount: upload.plan.partCount,
      partsDone: sent.partsDone,
      bytesDone: sent.bytesDone,
    };
  return completeVerified(context, request, settings, source, upload, sent.md5ByPart);
}

/** The upload a copy writes to: resumed or new, with its plan and the parts it holds already. */
interface OpenUpload {
  readonly uploadId: string;
  readonly plan: PartPlan;
  /** Part buffers the copy may hold (checked against the memory budget before anything is written). */
  readonly buffers: number;
  /** The source's own part layout, when the copy can reproduce its ETag. */
  readonly sourceLayout: PartPlan | undefined;
  readonly stored: ReadonlyMap<number, StoredPart>;
  readonly superseded: readonly string[];
}

/** Step 1: plans the parts, resumes the upload bound to this source version or starts one, and aborts every other. */
async function openUpload(
  context: TransferContext,
  request: CopyRequest,
  settings: ResolvedSettings,
  source: SourceObject,
): Promise<OpenUpload> {
  const { destination } = request;
  const sourceLayout = await matchSourceLayout(context, settings, source);
  const freshPlan = sourceLayout ?? planForNewUpload(source.size, settings.partSize);
  const isBound = (upload: UploadWithParts, plan: PartPlan): boolean => {
    if (!hasManifestSlot(plan)) return sourceLayout !== undefined && plan.partSize === sourceLayout.partSize;
    const manifest = upload.parts.find((part) => part.partNumber === MANIFEST_PART_NUMBER);
    return manifest !== undefined && manifest.etag === manifestEtag(source, plan);
  };

  const open = await listUploadsForKey(context.destination, destination.bucket, destination.key, context.pause);
  const withParts = await Promise.all(
    open.map(async (upload) => ({
      ...upload,
      parts: await listAllParts(context.destination, destination.bucket, destination.key, upload.uploadId, context.pause),
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
  return { uploadId, plan, buffers, sourceLayout, stored, superseded: choice.supersede };
}

/** What step 2 sent: the MD5 of every part it stored, and the parts and bytes done counting those resumed. */
interface SentParts {
  readonly md5ByPart: ReadonlyMap<number, string>;
  readonly partsDone: number;
  readonly bytesDone: number;
}

/** Step 2: streams the parts the upload lacks, each with Content-MD5 and its stored ETag checked. */
async function sendMissingParts(
  context: TransferContext,
  request: CopyRequest,
  settings: ResolvedSettings,
  source: SourceObject,
  upload: OpenUpload,
): Promise<SentParts> {
  const { destination } = request;
  const { plan, uploadId, stored } = upload;
  const missing = Array.from({ length: plan.partCount }, (_, index) => index + 1).filter((partNumber) => !stored.has(partNumber));
  const md5ByPart = new Map<number, string>();
  let partsDone = stored.size;
  let bytesDone = [...stored.values()].reduce((sum, part) => sum + part.size, 0);
  const writeContext = (operation: string): ErrorContext => ({
    side: "destination",
    operation,
    bucket: destination.bucket,
    key: destination.key,
  });
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
      buffers: upload.buffers,
      retry: retryPolicy("transfer", settings.retry),
      ...(context.pause === undefined ? {} : { pause: context.pause }),
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
        md5ByPart.set(partNumber, data.md5Hex);
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
  return { md5ByPart, partsDone, bytesDone };
}

/**
 * Step 3: reads the part list back from the destination, checks it covers the plan (and
 * reproduces the source ETag when the layouts match), and completes the upload from that list.
 */
async function completeVerified(
  context: TransferContext,
  request: CopyRequest,
  settings: ResolvedSettings,
  source: SourceObject,
  upload: OpenUpload,
  md5ByPart: ReadonlyMap<number, string>,
): Promise<DoneOutcome> {
  const { destination } = request;
  const { plan, uploadId, sourceLayout } = upload;
  const parts = await verifiedPartList(context, request, uploadId, plan, md5ByPart);
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
    {
      classify: (error) =>
        classifyError(error, {
          side: "destination",
          operation: "CompleteMultipartUpload",
          bucket: destination.bucket,
          key: destination.key,
        }),
      policy: retryPolicy("completion", settings.retry),
      ...(context.cancel === undefined ? {} : { signal: context.cancel }),
    },
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
    partsUploaded: md5ByPart.size,
    partsResumed: upload.stored.size,
    verification: layoutMatches && etagsAreMd5 ? "source-etag" : "part-checksums",
    sourceEtag: source.etag,
    ...(source.versionId === undefined ? {} : { sourceVersionId: source.versionId }),
    destinationEtag,
    ...(completed.versionId === undefined ? {} : { destinationVersionId: completed.versionId }),
    abortedUploads: [...upload.superseded],
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
      {
        classify: (error) =>
          classifyError(error, {
            side: "destination",
            operation: "UploadPart(manifest)",
            bucket: destination.bucket,
            key: destination.key,
          }),
        policy: retryPolicy("transfer", settings.retry),
        ...(context.pause === undefined ? {} : { signal: context.pause }),
      },
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
