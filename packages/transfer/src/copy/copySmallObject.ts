import { GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { classifyError, isPreconditionFailed } from "../classifyError.js";
import type { ResolvedSettings } from "../defaults.js";
import { DestinationExistsError, IntegrityError } from "../errors.js";
import { checksumField, storedChecksumOf } from "../integrity/checksums.js";
import { isPlainMd5Etag, normalizeEtag } from "../integrity/md5.js";
import { retryPolicy, withRetry } from "../retry.js";
import { ByteStreamReader } from "./byteStreamReader.js";
import { confirmStored, crcToProve, proveAgainstSource } from "./checksumProof.js";
import { type CompletedObject, findCompletedObject } from "./multipart/completeUpload.js";
import { etagIsBodyMd5, etagIsMd5, pickObjectHeaders, writeParameters } from "./objectHeaders.js";
import { askForStoredChecksum, quote, readSourceTagging } from "./sourceObject.js";
import type { CopyRequest, DoneOutcome, ObjectLocation, TransferContext } from "./types.js";

/** Returned instead of copying when the object turned out larger than the small-object threshold. */
export const TOO_LARGE_FOR_SINGLE_PUT = Symbol("tooLargeForSinglePut");

/**
 * Copies an object of at most the threshold with one GET and one PUT, both held in memory.
 * The PUT carries Content-MD5, and the destination's answer is proven equal to the bytes sent.
 * The bytes read are proven the source's by its ETag when that is a plain MD5, else by the
 * full-object CRC the source stores (`crcToProve`), which the PUT then carries for the
 * destination to verify and keep. A create-only request (`createOnly`) writes with `If-None-Match: *`.
 */
export async function copySmallObject(
  context: TransferContext,
  request: CopyRequest,
  settings: ResolvedSettings,
): Promise<DoneOutcome | typeof TOO_LARGE_FOR_SINGLE_PUT> {
  const { source, destination } = request;
  const signal = context.pause;
  const sendOptions = signal === undefined ? {} : { abortSignal: signal };
  const readContext = { side: "source", operation: "GetObject", bucket: source.bucket, key: source.key } as const;
  const writeContext = { side: "destination", operation: "PutObject", bucket: destination.bucket, key: destination.key } as const;
  const classify = (error: unknown) => classifyError(error, readContext);
  // The stored checksum is only needed when the ETag cannot prove the bytes, so known plain-MD5 ETags skip asking.
  const wantsChecksum = settings.useChecksums && !(source.etag !== undefined && isPlainMd5Etag(source.etag));

  return withRetry(
    async () => {
      const get = new GetObjectCommand({
        Bucket: source.bucket,
        Key: source.key,
        ...(source.versionId === undefined ? {} : { VersionId: source.versionId }),
        ...(source.etag === undefined ? {} : { IfMatch: quote(source.etag) }),
      });
      const read = await context.source.send(wantsChecksum ? askForStoredChecksum(get) : get, sendOptions).catch((error: unknown) => {
        throw classifyError(error, readContext);
      });
      const size = read.ContentLength ?? 0;
      const body = new ByteStreamReader((read.Body ?? emptyBody()) as AsyncIterable<Uint8Array>);
      if (size > settings.smallObjectThreshold) {
        await body.close();
        return TOO_LARGE_FOR_SINGLE_PUT;
      }
      const sourceEtag = normalizeEtag(read.ETag) ?? "";
      const provenAgainstSource = etagIsBodyMd5(sourceEtag, read.ServerSideEncryption);
      const stored = provenAgainstSource ? undefined : storedChecksumOf(read);
      const crc = await crcToProve(stored, settings);
      const data = await body.read(size, undefined, undefined, crc === undefined ? {} : { crc });
      context.metrics?.addMetric("BytesRead", "Bytes", data.bytes.length);
      if (await body.hasMore())
        throw new IntegrityError(`GetObject source s3://${source.bucket}/${source.key}: body longer than Content-Length ${size}`, {
          side: "source",
        });
      const what = `s3://${source.bucket}/${source.key}`;
      const checksum =
        crc === undefined || stored === undefined || data.crc === undefined ? undefined : proveAgainstSource(crc, data.crc, stored, what);
      if (provenAgainstSource && data.md5Hex !== sourceEtag) {
        throw new IntegrityError(
          `GetObject source s3://${source.bucket}/${source.key}: MD5 of bytes read ${data.md5Hex} differs from source ETag ${sourceEtag}`,
          { side: "source" },
        );
      }
      const tagging = settings.copyTags
        ? await readSourceTagging(
            context.source,
            { ...source, ...(source.versionId === undefined ? {} : { versionId: source.versionId }) },
            signal,
          )
        : undefined;
      const written = await context.destination
        .send(
          new PutObjectCommand({
            Bucket: destination.bucket,
            Key: destination.key,
            Body: data.bytes,
            ContentLength: size,
            ContentMD5: data.md5Base64,
            ...(checksum === undefined ? {} : { [checksumField(checksum.algorithm)]: checksum.value }),
            ...(request.createOnly ? { IfNoneMatch: "*" } : {}),
            ...writeParameters(pickObjectHeaders(read), settings, tagging),
          }),
          sendOptions,
        )
        .catch((error: unknown) => {
          if (request.createOnly && isPreconditionFailed(error))
            throw new DestinationExistsError(
              `PutObject destination s3://${destination.bucket}/${destination.key}: the key exists already; a create-only copy leaves it`,
            );
          throw classifyError(error, writeContext);
        });
      const destinationEtag = normalizeEtag(written.ETag) ?? "";
      if (etagIsMd5(written.ServerSideEncryption) && destinationEtag !== data.md5Hex) {
        throw new IntegrityError(
          `PutObject destination s3://${destination.bucket}/${destination.key}: stored ETag ${destinationEtag} differs from MD5 sent ${data.md5Hex}`,
          { side: "destination" },
        );
      }
      if (checksum !== undefined)
        confirmStored(
          checksum.value,
          written[checksumField(checksum.algorithm)],
          `PutObject destination s3://${destination.bucket}/${destination.key}`,
        );
      context.metrics?.addMetric("BytesWritten", "Bytes", size);
      context.onProgress?.({ key: source.key, bytes: size, partsDone: 1, partCount: 1 });
      return {
        status: "done",
        mode: "single",
        bytes: size,
        partCount: 1,
        partsUploaded: 1,
        partsResumed: 0,
        verification: provenAgainstSource ? "source-etag" : checksum === undefined ? "part-checksums" : "source-checksum",
        ...(checksum === undefined ? {} : { checksum }),
        sourceEtag,
        ...(read.VersionId === undefined ? {} : { sourceVersionId: read.VersionId }),
        destinationEtag,
        ...(written.VersionId === undefined ? {} : { destinationVersionId: written.VersionId }),
        abortedUploads: [],
      } satisfies DoneOutcome;
    },
    {
      classify,
      policy: retryPolicy("transfer", settings.retry),
      ...(signal === undefined ? {} : { signal }),
      onRetry: (error, attempt, delayMs) => {
        context.logger?.warn("Retrying small object", { key: source.key, attempt, delayMs, error: error.message });
        context.metrics?.addMetric("Retries", "Count", 1);
      },
    },
  );
}

/**
 * What a create-only copy that found its key taken (`DestinationExistsError`) can still prove: the
 * destination object holds the source's bytes when its ETag equals the source's plain-MD5 ETag
 * (a source under SSE-KMS, whose ETag is no MD5, or a multipart source never matches, and neither
 * does a destination that encrypts with KMS). Undefined when that cannot be shown.
 */
export async function findSameBytes(
  client: S3Client,
  destination: ObjectLocation,
  sourceEtag: string,
  signal?: AbortSignal,
): Promise<CompletedObject | undefined> {
  if (!isPlainMd5Etag(sourceEtag)) return undefined;
  return findCompletedObject(client, destination, sourceEtag, signal);
}

async function* emptyBody(): AsyncIterable<Uint8Array> {}
