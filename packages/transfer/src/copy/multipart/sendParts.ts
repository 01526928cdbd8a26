import type { Hash } from "node:crypto";
import { GetObjectCommand, UploadPartCommand } from "@aws-sdk/client-s3";
import { classifyError, type ErrorContext } from "../../classifyError.js";
import type { ResolvedSettings } from "../../defaults.js";
import { IntegrityError, TransientError } from "../../errors.js";
import { checksumField } from "../../integrity/checksums.js";
import { crcToBase64 } from "../../integrity/crcCombine.js";
import { normalizeEtag } from "../../integrity/md5.js";
import { retryPolicy } from "../../retry.js";
import { confirmStored } from "../checksumProof.js";
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

/** What one part was sent with: its MD5 (hex) or, in an upload with a CRC, its checksum (base64). */
export interface SentPart {
  readonly md5Hex?: string;
  readonly checksum?: string;
}

/** What step 2 sent: every part it stored, and the parts and bytes done counting those resumed. */
export interface SentParts {
  readonly sentByPart: ReadonlyMap<number, SentPart>;
  readonly partsDone: number;
  readonly bytesDone: number;
  /** Whether every part of the span went through the `whole` hash (false when the pause cut the read). */
  readonly hashedWhole: boolean;
}

/**
 * Step 2: streams the parts the upload lacks (of `within`, by default all). In an upload created
 * with a CRC (`upload.crc`) each part carries its CRC, computed as it streams in, and the
 * destination must confirm it; otherwise each carries Content-MD5 and its stored ETag is checked.
 * With `whole`, every part of `within` is also fed to that hash in part order (stored parts are
 * read for it, not sent again). A source that changed or vanished aborts the whole upload.
 */
export async function sendMissingParts(
  context: TransferContext,
  request: CopyRequest,
  settings: ResolvedSettings,
  source: Pick<SourceObject, "bucket" | "key" | "etag" | "versionId">,
  upload: Pick<OpenedUpload, "uploadId" | "plan" | "buffers" | "stored" | "crc">,
  within: PartSpan = { first: 1, last: upload.plan.partCount },
  whole?: Hash,
): Promise<SentParts> {
  const { destination } = request;
  const { plan, uploadId, stored, crc } = upload;
  const span = Array.from({ length: within.last - within.first + 1 }, (_, index) => within.first + index);
  // a hash of the whole object reads the stored parts too, in order, and uploads none of them
  const missing = whole === undefined ? span.filter((partNumber) => !stored.has(partNumber)) : span;
  const sentByPart = new Map<number, SentPart>();
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

  const { partsRead } = await pumpParts(
    {
      plan,
      missing,
      readStreams: settings.readStreams,
      buffers: upload.buffers,
      retry: retryPolicy("transfer", settings.retry),
      digests: crc === undefined ? {} : { md5: false, crc },
      ...(whole === undefined ? {} : { inOrder: { whole, readOnly: new Set(stored.keys()) } }),
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
        const what = `UploadPart ${partNumber} of s3://${destination.bucket}/${destination.key}`;
        const checksum = crc === undefined || data.crc === undefined ? undefined : crcToBase64(crc.algorithm, data.crc);
        const answer = await context.destination.send(
          new UploadPartCommand({
            Bucket: destination.bucket,
            Key: destination.key,
            UploadId: uploadId,
            PartNumber: partNumber,
            Body: data.bytes,
            ContentLength: data.bytes.length,
            ...(crc === undefined || checksum === undefined
              ? { ContentMD5: data.md5Base64 }
              : { [checksumField(crc.algorithm.name)]: checksum }),
          }),
          { abortSignal: partSignal },
        );
        if (crc !== undefined && checksum !== undefined) {
          confirmStored(checksum, answer[checksumField(crc.algorithm.name)], what);
          sentByPart.set(partNumber, { checksum });
        } else {
          const etag = normalizeEtag(answer.ETag);
          if (etagIsMd5(answer.ServerSideEncryption) && etag !== data.md5Hex)
            throw new IntegrityError(`${what}: stored ETag ${etag} differs from MD5 sent ${data.md5Hex}`, { side: "destination" });
          sentByPart.set(partNumber, { md5Hex: data.md5Hex });
        }
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
  return { sentByPart, partsDone, bytesDone, hashedWhole: whole !== undefined && partsRead === missing.length };
}
