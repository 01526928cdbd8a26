import { ListMultipartUploadsCommand, ListPartsCommand, S3Client } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { listAllParts, listUploadsForKey } from "../src/copy/multipart/uploads.js";

const s3 = mockClient(S3Client);
const client = new S3Client({ region: "us-east-1" });

describe("listAllParts", () => {
  afterEach(() => s3.reset());

  it("follows NextPartNumberMarker past 1,000 parts", async () => {
    // Prepare: 2,500 parts served 1,000 a page, as S3 does
    s3.on(ListPartsCommand).callsFake(async (input: { PartNumberMarker?: string }) => {
      const after = Number(input.PartNumberMarker ?? 0);
      const last = Math.min(after + 1000, 2500);
      return {
        Parts: Array.from({ length: last - after }, (_, i) => ({
          PartNumber: after + i + 1,
          Size: 5 * 1024 * 1024,
          ETag: `"${"a".repeat(32)}"`,
        })),
        IsTruncated: last < 2500,
        NextPartNumberMarker: String(last),
      };
    });
    // Act
    const parts = await listAllParts(client, "b", "k", "upload-1");
    // Assess
    expect(parts).toHaveLength(2500);
    expect(parts.map((part) => part.partNumber)).toEqual(Array.from({ length: 2500 }, (_, i) => i + 1));
    expect(s3.commandCalls(ListPartsCommand).map((call) => call.args[0].input.PartNumberMarker)).toEqual([undefined, "1000", "2000"]);
    expect(parts[0]?.etag).toBe("a".repeat(32));
  });
});

describe("listUploadsForKey", () => {
  afterEach(() => s3.reset());

  it("pages through every upload and keeps only the exact key", async () => {
    // Prepare: two pages; longer keys share the prefix
    s3.on(ListMultipartUploadsCommand)
      .resolvesOnce({
        Uploads: [
          { Key: "video.mp4", UploadId: "u1" },
          { Key: "video.mp4.bak", UploadId: "other" },
        ],
        IsTruncated: true,
        NextKeyMarker: "video.mp4.bak",
        NextUploadIdMarker: "other",
      })
      .resolvesOnce({ Uploads: [{ Key: "video.mp4", UploadId: "u2", Initiated: new Date(5) }], IsTruncated: false });
    // Act
    const uploads = await listUploadsForKey(client, "b", "video.mp4");
    // Assess
    expect(uploads).toEqual([{ uploadId: "u1" }, { uploadId: "u2", initiated: new Date(5) }]);
    const calls = s3.commandCalls(ListMultipartUploadsCommand).map((call) => call.args[0].input);
    expect(calls[1]).toMatchObject({ Prefix: "video.mp4", KeyMarker: "video.mp4.bak", UploadIdMarker: "other" });
  });

  it("reports access denied on the destination as a typed error", async () => {
    s3.on(ListMultipartUploadsCommand).rejects(
      Object.assign(new Error("denied"), { name: "AccessDenied", $metadata: { httpStatusCode: 403 } }),
    );
    await expect(listUploadsForKey(client, "b", "k")).rejects.toMatchObject({
      code: "AccessDenied",
      side: "destination",
      retryable: false,
    });
  });
});
