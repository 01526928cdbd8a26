import { GetObjectTaggingCommand, HeadObjectCommand } from "@aws-sdk/client-s3";
import { copyObject, MIB } from "@s3-migrate/transfer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAllKeys, putObject, readObject } from "../../support/endpoints.js";
import { openTransferBed, randomBody, type TransferBed } from "../../support/transferBed.js";

const oddKeys = [
  "with space/file name.txt",
  "plus+sign+key.txt",
  "percent%20literal%2Fkey.txt",
  "unicode/数据/Ünïcödé-файл-😀.txt",
  "double//slash//key.txt",
  "folder-marker/",
  `long/${"k".repeat(1019)}`,
  "query?and&hash#chars=1.txt",
];

describe("copyObject keys and metadata", () => {
  let bed: TransferBed;
  beforeAll(async () => {
    bed = await openTransferBed("keys");
  });
  afterAll(async () => bed.close());

  it("has a 1,024-byte key in the list", () => {
    expect(Buffer.byteLength(oddKeys[6] ?? "")).toBe(1024);
  });

  it.each(oddKeys)("copies %j to the same key, small and multipart", async (key) => {
    // Prepare
    const small = key.endsWith("/") ? Buffer.alloc(0) : randomBody(1000);
    const large = randomBody(6 * MIB);
    await putObject(bed.src, bed.sourceBucket, key, small);
    await putObject(bed.src, bed.sourceBucket, `big/${key}`, large);
    const settings = { smallObjectThreshold: 5 * MIB, partSize: 5 * MIB };
    // Act
    const first = await copyObject(
      bed.context(),
      { source: { bucket: bed.sourceBucket, key }, destination: { bucket: bed.destinationBucket, key } },
      settings,
    );
    const second = await copyObject(
      bed.context(),
      { source: { bucket: bed.sourceBucket, key: `big/${key}` }, destination: { bucket: bed.destinationBucket, key: `big/${key}` } },
      settings,
    );
    // Assess
    expect(first.status).toBe("done");
    expect(second).toMatchObject({ status: "done", mode: "multipart" });
    expect((await readObject(bed.dst, bed.destinationBucket, key)).equals(small)).toBe(true);
    expect((await readObject(bed.dst, bed.destinationBucket, `big/${key}`)).equals(large)).toBe(true);
    expect(await listAllKeys(bed.dst, bed.destinationBucket, key)).toContain(key);
  });

  it("carries system metadata, user metadata and (when asked) tags", async () => {
    // Prepare
    const key = "meta/page.html.gz";
    const expires = new Date("2030-01-02T03:04:05Z");
    const headers = {
      ContentType: "text/html; charset=utf-8",
      ContentEncoding: "gzip",
      ContentLanguage: "zh-CN",
      ContentDisposition: 'attachment; filename="page.html"',
      CacheControl: "max-age=3600",
      Expires: expires,
      Metadata: { owner: "team-a", "x-custom": "value with spaces" },
    };
    for (const [name, size] of [
      ["small", 100],
      ["large", 6 * MIB],
    ] as const) {
      await putObject(bed.src, bed.sourceBucket, `${key}.${name}`, randomBody(size), { ...headers, Tagging: "project=migrate&tier=gold" });
      // Act
      const outcome = await copyObject(
        bed.context(),
        {
          source: { bucket: bed.sourceBucket, key: `${key}.${name}` },
          destination: { bucket: bed.destinationBucket, key: `${key}.${name}` },
        },
        { smallObjectThreshold: 5 * MIB, partSize: 5 * MIB, copyTags: true, storageClass: "STANDARD_IA" },
      );
      // Assess
      expect(outcome.status).toBe("done");
      const head = await bed.dst.send(new HeadObjectCommand({ Bucket: bed.destinationBucket, Key: `${key}.${name}` }));
      expect(head).toMatchObject({
        ContentType: headers.ContentType,
        ContentEncoding: headers.ContentEncoding,
        ContentLanguage: headers.ContentLanguage,
        ContentDisposition: headers.ContentDisposition,
        CacheControl: headers.CacheControl,
        Metadata: headers.Metadata,
        StorageClass: "STANDARD_IA",
      });
      expect(head.Expires?.toISOString()).toBe(expires.toISOString());
      const tags = await bed.dst.send(new GetObjectTaggingCommand({ Bucket: bed.destinationBucket, Key: `${key}.${name}` }));
      expect(tags.TagSet).toEqual(
        expect.arrayContaining([
          { Key: "project", Value: "migrate" },
          { Key: "tier", Value: "gold" },
        ]),
      );
    }
  });
});
