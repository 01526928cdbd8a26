import { CompleteMultipartUploadCommand, HeadObjectCommand, ListPartsCommand, NoSuchUpload, S3Client } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { lostCompletion } from "../src/copy/multipart/lostCompletion.js";
import type { CopyRequest, TransferContext } from "../src/copy/types.js";
import { compositeEtag } from "../src/integrity/md5.js";

const s3 = mockClient(S3Client);
const client = new S3Client({ region: "us-east-1", credentials: { accessKeyId: "a", secretAccessKey: "b" } });
const context: TransferContext = { source: client, destination: client };
const partEtags = ["a".repeat(32), "b".repeat(32)];
const pending = { uploadId: "up-1", etag: compositeEtag(partEtags), verification: "source-etag" as const };
const request: CopyRequest = {
  source: { bucket: "src", key: "k", size: 10 * 1024 * 1024, etag: pending.etag },
  destination: { bucket: "dst", key: "k" },
  completing: pending,
};
const listed = (etags: readonly string[]) => ({
  Parts: [
    ...etags.map((etag, index) => ({ PartNumber: index + 1, Size: 5 * 1024 * 1024, ETag: `"${etag}"` })),
    { PartNumber: 10000, Size: 90, ETag: `"${"c".repeat(32)}"` },
  ],
  IsTruncated: false,
});
const notFound = Object.assign(new Error("Not Found"), { name: "NotFound", $metadata: { httpStatusCode: 404 } });

describe("lostCompletion", () => {
  afterEach(() => s3.reset());

  it("is done with one HEAD when the object at the key has the pending ETag", async () => {
    s3.on(HeadObjectCommand).resolves({ ETag: `"${pending.etag}"` });
    expect(await lostCompletion(context, request)).toMatchObject({ status: "done", destinationEtag: pending.etag, partsUploaded: 0 });
    expect(s3.commandCalls(ListPartsCommand)).toHaveLength(0);
  });

  it("completes the still open upload from its data parts when they make the pending ETag", async () => {
    s3.on(HeadObjectCommand).rejects(notFound);
    s3.on(ListPartsCommand).resolves(listed(partEtags));
    s3.on(CompleteMultipartUploadCommand).resolves({ ETag: `"${pending.etag}"` });
    expect(await lostCompletion(context, request)).toMatchObject({ status: "done", destinationEtag: pending.etag });
    expect(
      s3.commandCalls(CompleteMultipartUploadCommand)[0]?.args[0].input.MultipartUpload?.Parts?.map((part) => part.PartNumber),
    ).toEqual([1, 2]);
  });

  it("leaves an open upload whose parts no longer make the pending ETag to the copy (undefined), completing nothing", async () => {
    s3.on(HeadObjectCommand).rejects(notFound);
    s3.on(ListPartsCommand).resolves(listed(["a".repeat(32), "d".repeat(32)]));
    expect(await lostCompletion(context, request)).toBeUndefined();
    expect(s3.commandCalls(CompleteMultipartUploadCommand)).toHaveLength(0);
  });

  it("looks at the key again when the upload went between the HEAD and the listing: the completion finished meanwhile", async () => {
    s3.on(HeadObjectCommand)
      .rejectsOnce(notFound)
      .resolves({ ETag: `"${pending.etag}"` });
    s3.on(ListPartsCommand).rejects(new NoSuchUpload({ message: "gone", $metadata: { httpStatusCode: 404 } }));
    expect(await lostCompletion(context, request)).toMatchObject({ status: "done", destinationEtag: pending.etag });
    expect(s3.commandCalls(HeadObjectCommand)).toHaveLength(2);
  });

  it("is undefined when the upload is gone and the key holds something else (an aborted upload: copy again)", async () => {
    s3.on(HeadObjectCommand).rejects(notFound);
    s3.on(ListPartsCommand).rejects(new NoSuchUpload({ message: "gone", $metadata: { httpStatusCode: 404 } }));
    expect(await lostCompletion(context, request)).toBeUndefined();
  });

  it("hands the completion on again (paused) when this run is cut too", async () => {
    const cancel = new AbortController();
    s3.on(HeadObjectCommand).callsFake(async () => {
      cancel.abort();
      throw notFound;
    });
    s3.on(ListPartsCommand).callsFake(async () => {
      throw Object.assign(new Error("aborted"), { name: "AbortError" });
    });
    expect(await lostCompletion({ ...context, cancel: cancel.signal }, request)).toMatchObject({ status: "paused", completing: pending });
  });

  it("is undefined, touching nothing, for a request with no pending completion", async () => {
    expect(await lostCompletion(context, { ...request, completing: undefined })).toBeUndefined();
    expect(s3.calls()).toHaveLength(0);
  });
});
