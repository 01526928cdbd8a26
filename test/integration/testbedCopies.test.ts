/**
 * Proves lie 9's fix (test/setup/moto_copies.py): server-side copies honour their source
 * condition, and a copied part keeps its checksum, so the server-side copy tests prove something.
 * Unpatched moto (`S3M_MOTO_PATCHES=off`) fails both.
 */
import {
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  ListPartsCommand,
  UploadPartCopyCommand,
} from "@aws-sdk/client-s3";
import { beforeAll, describe, expect, it } from "vitest";
import { createBucket, makeS3Client, putObject, testEndpoints, uniqueBucketName } from "../support/endpoints.js";
import { randomBody } from "../support/transferBed.js";

describe("moto server-side copies (lie 9: the source condition ignored, a copied part's checksum that of nothing)", () => {
  const { source } = testEndpoints();
  const s3 = makeS3Client(source.endpoint, source.region);
  let bucket: string;
  beforeAll(async () => {
    bucket = await createBucket(s3, uniqueBucketName("testbed-copies"));
  });

  it("refuses CopyObject and UploadPartCopy with 412 when x-amz-copy-source-if-match is not the source's ETag", async () => {
    await putObject(s3, bucket, "from", randomBody(100));
    const wrong = `"${"0".repeat(32)}"`;
    const copy = s3.send(new CopyObjectCommand({ Bucket: bucket, Key: "to", CopySource: `${bucket}/from`, CopySourceIfMatch: wrong }));
    await expect(copy).rejects.toMatchObject({ $metadata: { httpStatusCode: 412 } });
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: "to-parts" }));
    const part = s3.send(
      new UploadPartCopyCommand({
        Bucket: bucket,
        Key: "to-parts",
        UploadId,
        PartNumber: 1,
        CopySource: `${bucket}/from`,
        CopySourceIfMatch: wrong,
      }),
    );
    await expect(part).rejects.toMatchObject({ $metadata: { httpStatusCode: 412 } });
  });

  it("keeps a copied range's checksum in the upload's algorithm, as ListParts lists it", async () => {
    const body = randomBody(3000);
    await putObject(s3, bucket, "range-source", body);
    await putObject(s3, bucket, "range-probe", body.subarray(1000, 2000));
    const expected = (await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "range-probe", ChecksumMode: "ENABLED" })))
      .ChecksumCRC64NVME;
    const { UploadId } = await s3.send(
      new CreateMultipartUploadCommand({ Bucket: bucket, Key: "ranged", ChecksumAlgorithm: "CRC64NVME", ChecksumType: "FULL_OBJECT" }),
    );
    await s3.send(
      new UploadPartCopyCommand({
        Bucket: bucket,
        Key: "ranged",
        UploadId,
        PartNumber: 1,
        CopySource: `${bucket}/range-source`,
        CopySourceRange: "bytes=1000-1999",
      }),
    );
    const listed = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: "ranged", UploadId }));
    expect(expected).toMatch(/^[A-Za-z0-9+/]{11}=$/);
    expect(listed.Parts?.map((entry) => entry.ChecksumCRC64NVME)).toEqual([expected]);
  });
});
