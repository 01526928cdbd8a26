import { CreateMultipartUploadCommand, UploadPartCommand } from "@aws-sdk/client-s3";
import { classifyError } from "../../classifyError.js";
import type { ResolvedSettings } from "../../defaults.js";
import { MigrationError, TransientError } from "../../errors.js";
import { type CrcImplementation, checksumField } from "../../integrity/checksums.js";
import { crcToBase64 } from "../../integrity/crcCombine.js";
import { MAX_PARTS } from "../../plan/limits.js";
import { type PartPlan, partFits, planParts, planWithPartSize } from "../../plan/partPlan.js";
import { retryPolicy, withRetry } from "../../retry.js";
import { hashBytes } from "../byteStreamReader.js";
import { writeParameters } from "../objectHeaders.js";
import { readSourceTagging, type SourceObject, sourceFirstPartSize } from "../sourceObject.js";
import type { CopyRequest, TransferContext } from "../types.js";
import { chooseUpload, type UploadWithParts } from "./chooseUpload.js";
import { hasManifestSlot, MANIFEST_PART_NUMBER, manifestEtag, manifestFor } from "./uploadManifest.js";
import { abortUpload, listAllParts, listUploadsForKey, type StoredPart } from "./uploads.js";

/*
 * Step 1 of a multipart copy: plan the parts (the source's own part size when it is multipart, so
 * the ETags match), resume the open upload for the key that is bound to this source version (see
 * `uploadManifest.ts`) or start one, and abort the other uploads this tool started for the key
 * (those holding a manifest part); uploads of other writers are left alone.
 */

/** Whether an upload holds a manifest part: this tool started it (for this key, maybe another version). */
function hasManifest(upload: UploadWithParts): boolean {
  return upload.parts.some((part) => part.partNumber === MANIFEST_PART_NUMBER);
}

/** The upload a copy writes to: resumed or new, with its plan and the parts it holds already. */
export interface OpenedUpload {
  readonly uploadId: string;
  readonly plan: PartPlan;
  /** Part buffers the copy may hold (checked against the memory budget before anything is written). */
  readonly buffers: number;
  /** The plan is the source's own part layout, so the parts can reproduce the source ETag. */
  readonly layoutMatches: boolean;
  readonly stored: ReadonlyMap<number, StoredPart>;
  /** Other uploads this tool started for the key, aborted. */
  readonly superseded: readonly string[];
  /**
   * The CRC the upload was created with (`FULL_OBJECT`): every part carries it, and the completion
   * carries the whole object's, combined from the parts'. Absent: parts carry Content-MD5 only.
   */
  readonly crc?: CrcImplementation;
}

/**
 * Step 1: plans the parts, resumes the upload bound to this source version (and to `crc`, the
 * part checksum) or starts one, and aborts the other uploads this tool started for the key.
 */
export async function openUpload(
  context: TransferContext,
  request: CopyRequest,
  settings: ResolvedSettings,
  source: SourceObject,
  crc?: CrcImplementation,
): Promise<OpenedUpload> {
  const { destination } = request;
  const sourceLayout = await matchSourceLayout(context, settings, source);
  const freshPlan = sourceLayout ?? planForNewUpload(source.size, settings.partSize);
  const algorithm = crc?.algorithm.name;
  const isBound = (upload: UploadWithParts, plan: PartPlan): boolean => {
    if (!hasManifestSlot(plan))
      return (
        sourceLayout !== undefined &&
        plan.partSize === sourceLayout.partSize &&
        (crc === undefined || upload.parts.every((part) => part.checksum !== undefined))
      );
    const manifest = upload.parts.find((part) => part.partNumber === MANIFEST_PART_NUMBER);
    return manifest !== undefined && manifest.etag === manifestEtag(source, plan, algorithm);
  };

  const open = await listUploadsForKey(context.destination, destination.bucket, destination.key, context.pause);
  const withParts = await Promise.all(
    open.map(async (upload) => ({
      ...upload,
      parts: await listAllParts(context.destination, destination.bucket, destination.key, upload.uploadId, context.pause),
    })),
  );
  const choice = chooseUpload(source.size, withParts, freshPlan, isBound);
  const startedByUs = new Set(withParts.filter(hasManifest).map((upload) => upload.uploadId));
  const superseded = choice.supersede.filter((uploadId) => startedByUs.has(uploadId));
  for (const uploadId of superseded) {
    await abortUpload(context.destination, destination.bucket, destination.key, uploadId);
    context.logger?.info("Aborted superseded upload", { key: destination.key, uploadId });
    context.metrics?.addMetric("UploadsAborted", "Count", 1);
  }
  const foreign = choice.supersede.filter((uploadId) => !startedByUs.has(uploadId));
  if (foreign.length > 0)
    context.logger?.info("Left other open uploads of the key alone: nothing shows this tool started them", {
      key: destination.key,
      uploadIds: foreign,
    });

  const plan = choice.resume?.plan ?? freshPlan;
  const buffers = bufferCount(settings, plan);
  const uploadId = choice.resume?.uploadId ?? (await createUpload(context, request, settings, source, plan, crc));
  const stored = new Map(
    (choice.resume?.parts ?? [])
      .filter((part) => partFits(plan, part) && (crc === undefined || part.checksum !== undefined))
      .map((part) => [part.partNumber, part]),
  );
  if (stored.size > 0) {
    context.logger?.info("Resuming upload", { key: destination.key, uploadId, partsResumed: stored.size, partCount: plan.partCount });
    context.metrics?.addMetric("PartsResumed", "Count", stored.size);
  }
  const layoutMatches = sourceLayout !== undefined && plan.partSize === sourceLayout.partSize && plan.partCount === sourceLayout.partCount;
  return { uploadId, plan, buffers, layoutMatches, stored, superseded, ...(crc === undefined ? {} : { crc }) };
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
export function bufferCount(settings: ResolvedSettings, plan: PartPlan): number {
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
  crc: CrcImplementation | undefined,
): Promise<string> {
  const { destination } = request;
  const tagging = settings.copyTags ? await readSourceTagging(context.source, source, context.pause) : undefined;
  const created = await context.destination
    .send(
      new CreateMultipartUploadCommand({
        Bucket: destination.bucket,
        Key: destination.key,
        ...writeParameters(source.headers, settings, tagging),
        ...(crc === undefined ? {} : { ChecksumAlgorithm: crc.algorithm.name, ChecksumType: "FULL_OBJECT" }),
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
    const manifest = hashBytes(manifestFor(source, plan, crc?.algorithm.name));
    const manifestChecksum =
      crc === undefined ? {} : { [checksumField(crc.algorithm.name)]: crcToBase64(crc.algorithm, crc.update(manifest.bytes, 0n)) };
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
            ...manifestChecksum,
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
