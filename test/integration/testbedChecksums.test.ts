/**
 * Proves lie 8's fix (test/setup/moto_checksums.py): the test bed computes, verifies, stores and
 * lists checksums as S3 does, so a test that a copy is proven by a checksum proves something.
 * Unpatched moto (`S3M_MOTO_PATCHES=off pnpm exec vitest run <this file>`) fails every test here
 * but the legacy one (which checks that the test bed's header turns the default off): it computes CRC64NVME and CRC32C as CRC32, stores a wrong checksum it is sent, keeps no part
 * checksum, and ignores a wrong whole-object checksum at completion.
 */
import { createHash } from "node:crypto";
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  ListPartsCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { beforeAll, describe, expect, it } from "vitest";
import {
  createBucket,
  makeLegacyS3Client,
  makeS3Client,
  putObject,
  readObject,
  testEndpoints,
  uniqueBucketName,
} from "../support/endpoints.js";
import { randomBody } from "../support/transferBed.js";

const { source } = testEndpoints();
const CHECK_INPUT = Buffer.from("123456789");
/** The catalogue's check values (the CRC of "123456789"), as S3 writes them: big-endian bytes in base64. */
const CHECK = {
  CRC32: Buffer.from("cbf43926", "hex").toString("base64"),
  CRC32C: Buffer.from("e3069283", "hex").toString("base64"),
  CRC64NVME: Buffer.from("ae8b14860a799888", "hex").toString("base64"),
};
const MIB = 1024 * 1024;

/** The error an S3 call failed with, as name and HTTP status. */
async function failure(call: Promise<unknown>): Promise<{ name: string; status: number | undefined }> {
  const error = await call.then(
    () => undefined,
    (thrown: { name: string; $metadata?: { httpStatusCode?: number } }) => thrown,
  );
  return { name: error?.name ?? "none", status: error?.$metadata?.httpStatusCode };
}

describe("moto checksums (lie 8: computed wrongly, verified never, kept nowhere)", () => {
  let s3: S3Client;
  let bucket: string;
  beforeAll(async () => {
    s3 = makeS3Client(source.endpoint, source.region);
    bucket = await createBucket(s3, uniqueBucketName("testbed-checksums"));
  });

  it("stores a CRC64NVME of every object written without a checksum, as S3 has since December 2024, with the check value", async () => {
    await putObject(s3, bucket, "default", CHECK_INPUT);
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "default", ChecksumMode: "ENABLED" }));
    expect([head.ChecksumCRC64NVME, head.ChecksumType]).toEqual([CHECK.CRC64NVME, "FULL_OBJECT"]);
  });

  it("keeps no checksum of an object written as before then (the test bed's legacy header)", async () => {
    await putObject(makeLegacyS3Client(source.endpoint, source.region), bucket, "legacy", CHECK_INPUT);
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "legacy", ChecksumMode: "ENABLED" }));
    expect([head.ChecksumCRC64NVME, head.ChecksumCRC32, head.ChecksumType]).toEqual([undefined, undefined, undefined]);
  });

  it.each(Object.entries(CHECK))(
    "accepts and keeps a right %s, refuses a wrong one with BadDigest and stores nothing",
    async (algorithm, value) => {
      const field = `Checksum${algorithm}` as const;
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `right-${algorithm}`, Body: CHECK_INPUT, [field]: value }));
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: `right-${algorithm}`, ChecksumMode: "ENABLED" }));
      expect(head[field as "ChecksumCRC32"]).toBe(value);
      const wrong = Buffer.from(value, "base64").map((byte) => byte ^ 1);
      const refused = s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: `wrong-${algorithm}`,
          Body: CHECK_INPUT,
          [field]: Buffer.from(wrong).toString("base64"),
        }),
      );
      expect(await failure(refused)).toEqual({ name: "BadDigest", status: 400 });
      expect(await failure(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: `wrong-${algorithm}` })))).toMatchObject({ status: 404 });
    },
  );

  describe("a FULL_OBJECT CRC64NVME multipart upload", () => {
    const parts = [randomBody(5 * MIB), randomBody(1234)];
    let uploadId: string;
    let checksums: string[];
    let etags: string[];
    beforeAll(async () => {
      uploadId = (
        await s3.send(
          new CreateMultipartUploadCommand({ Bucket: bucket, Key: "full", ChecksumAlgorithm: "CRC64NVME", ChecksumType: "FULL_OBJECT" }),
        )
      ).UploadId as string;
      // each part's CRC64NVME as the test bed computes it: proven right by the check value above
      checksums = [];
      etags = [];
      for (const [index, body] of parts.entries()) {
        const probe = `probe-${index}`;
        await putObject(s3, bucket, probe, body);
        checksums.push(
          (await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: probe, ChecksumMode: "ENABLED" }))).ChecksumCRC64NVME as string,
        );
        etags.push(`"${createHash("md5").update(body).digest("hex")}"`);
      }
    });

    it("refuses a part whose checksum is wrong (BadDigest) or of another algorithm (InvalidRequest)", async () => {
      const send = (extra: Record<string, string>) =>
        failure(
          s3.send(new UploadPartCommand({ Bucket: bucket, Key: "full", UploadId: uploadId, PartNumber: 2, Body: parts[1], ...extra })),
        );
      expect(await send({ ChecksumCRC64NVME: checksums[0] as string })).toEqual({ name: "BadDigest", status: 400 });
      expect(await send({ ChecksumCRC32: CHECK.CRC32 })).toEqual({ name: "InvalidRequest", status: 400 });
    });

    it("keeps the parts' checksums and lists them", async () => {
      for (const [index, body] of parts.entries())
        await s3.send(
          new UploadPartCommand({
            Bucket: bucket,
            Key: "full",
            UploadId: uploadId,
            PartNumber: index + 1,
            Body: body,
            ChecksumCRC64NVME: checksums[index],
          }),
        );
      const listed = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: "full", UploadId: uploadId }));
      expect(checksums).toEqual([expect.stringMatching(/^[A-Za-z0-9+/]{11}=$/), expect.stringMatching(/^[A-Za-z0-9+/]{11}=$/)]);
      expect(listed.Parts?.map((part) => part.ChecksumCRC64NVME)).toEqual(checksums);
    });

    it("refuses a completion whose part checksum (InvalidPart) or whole-object checksum (BadDigest) is wrong, and keeps the upload", async () => {
      const listed = (wrongPart: boolean) =>
        parts.map((_, index) => ({
          PartNumber: index + 1,
          ETag: etags[index],
          ChecksumCRC64NVME: wrongPart && index === 1 ? checksums[0] : checksums[index],
        }));
      const complete = (wrongPart: boolean, whole: string) =>
        failure(
          s3.send(
            new CompleteMultipartUploadCommand({
              Bucket: bucket,
              Key: "full",
              UploadId: uploadId,
              MultipartUpload: { Parts: listed(wrongPart) },
              ChecksumCRC64NVME: whole,
              ChecksumType: "FULL_OBJECT",
            }),
          ),
        );
      expect(await complete(true, checksums[0] as string)).toEqual({ name: "InvalidPart", status: 400 });
      expect(await complete(false, checksums[0] as string)).toEqual({ name: "BadDigest", status: 400 });
      expect((await s3.send(new ListPartsCommand({ Bucket: bucket, Key: "full", UploadId: uploadId }))).Parts).toHaveLength(2);
    });

    it("completes with the whole object's checksum, and answers it on HEAD as FULL_OBJECT", async () => {
      const whole = Buffer.concat(parts);
      await putObject(s3, bucket, "whole-probe", whole);
      const expected = (await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "whole-probe", ChecksumMode: "ENABLED" })))
        .ChecksumCRC64NVME as string;
      const answer = await s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: bucket,
          Key: "full",
          UploadId: uploadId,
          MultipartUpload: {
            Parts: parts.map((_, index) => ({ PartNumber: index + 1, ETag: etags[index], ChecksumCRC64NVME: checksums[index] })),
          },
          ChecksumCRC64NVME: expected,
          ChecksumType: "FULL_OBJECT",
        }),
      );
      expect([answer.ChecksumCRC64NVME, answer.ChecksumType]).toEqual([expected, "FULL_OBJECT"]);
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "full", ChecksumMode: "ENABLED" }));
      expect([head.ChecksumCRC64NVME, head.ChecksumType]).toEqual([expected, "FULL_OBJECT"]);
      expect((await readObject(s3, bucket, "full")).equals(whole)).toBe(true);
    });
  });

  it("gives a multipart upload created without a checksum the whole object's CRC64NVME, as S3 does", async () => {
    const body = randomBody(5 * MIB + 99);
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: "plain" }));
    const first = await s3.send(
      new UploadPartCommand({ Bucket: bucket, Key: "plain", UploadId, PartNumber: 1, Body: body.subarray(0, 5 * MIB) }),
    );
    const second = await s3.send(
      new UploadPartCommand({ Bucket: bucket, Key: "plain", UploadId, PartNumber: 2, Body: body.subarray(5 * MIB) }),
    );
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: "plain",
        UploadId,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: first.ETag },
            { PartNumber: 2, ETag: second.ETag },
          ],
        },
      }),
    );
    await putObject(s3, bucket, "plain-probe", body);
    const [completed, probe] = await Promise.all(
      ["plain", "plain-probe"].map((key) => s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: "ENABLED" }))),
    );
    expect([completed?.ChecksumCRC64NVME, completed?.ChecksumType]).toEqual([probe?.ChecksumCRC64NVME, "FULL_OBJECT"]);
  });
});
