import { GetObjectCommand, UploadPartCommand } from "@aws-sdk/client-s3";
import { classifyError, type ErrorContext } from "../../classifyError.js";
import type { ResolvedSettings } from "../../defaults.js";
import { IntegrityError, TransientError } from "../../errors.js";
import { normalizeEtag } from "../../integrity/md5.js";
import { retryPolicy } from "../../retry.js";
import { etagIsMd5 } from "../objectHeaders.js";
import { quote, type SourceObject } from "../sourceObject.js";
import type { CopyRequest, TransferContext } from "../types.js";
import type { OpenedUpload } from "./openUpload.js";
import { pumpParts } from "./partPump.js";
import { abortUpload } from "./uploads.js";

/** A run of part numbers, inclusive at both ends. */
export interface PartSpan {
  readonly first: number;
  readonly last: number;
}

/** What step 2 sent: the MD5 of every part it stored, and the parts and bytes done counting those resumed. */
export interface SentParts {
  readonly md5ByPart: ReadonlyMap<number, string>;
  readonly partsDone: number;
  readonly bytesDone: number;
}

/**
 * Step 2: streams the parts the upload lacks (of `within`, by default all), each with Content-MD5
 * and its stored ETag checked. A source that changed or vanished aborts the whole upload.
 */
export async function sendMissingParts(
  context: TransferContext,
  request: CopyRequest,
  settings: ResolvedSettings,
  source: Pick<SourceObject, "bucket" | "key" | "etag" | "versionId">,
  upload: Pick<OpenedUpload, "uploadId" | "plan" | "buffers" | "stored">,
  within: PartSpan = { first: 1, last: upload.plan.partCount },
): Promise<SentParts> {
  const { destination } = request;
  const { plan, uploadId, stored } = upload;
  const missing = Array.from({ length: within.last - within.first + 1 }, (_, index) => within.first + index).filter(
    (partNumber) => !stored.has(partNumber),
  );
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
