import { ConfigError } from "@s3-migrate/transfer";
import { describe, expect, it } from "vitest";
import { bucketNameProblem } from "../src/config/bucketName.js";
import { parseBucketPairs } from "../src/config/bucketPairs.js";

const PARAMETER = "s3_migration_bucket_para";

/** The parameter's text for one entry: a valid pair with `fields` laid over it. */
const oneEntry = (fields: Record<string, unknown>) => JSON.stringify([{ src_bucket: "src-a", des_bucket: "dst-a", ...fields }]);

describe("parseBucketPairs: regions and owners", () => {
  it("reads src_region, des_region, src_owner and des_owner", () => {
    // Prepare
    const text = oneEntry({ src_region: "us-east-1", des_region: "cn-northwest-1", src_owner: "111122223333", des_owner: "444455556666" });
    // Act
    const pairs = parseBucketPairs(text, PARAMETER);
    // Assess
    expect(pairs).toEqual([
      {
        srcBucket: "src-a",
        srcPrefix: "",
        desBucket: "dst-a",
        desPrefix: "",
        srcRegion: "us-east-1",
        desRegion: "cn-northwest-1",
        srcOwner: "111122223333",
        desOwner: "444455556666",
      },
    ]);
  });

  it("takes null for an optional field as absent (Terraform's jsonencode writes unset attributes so)", () => {
    const text = oneEntry({ src_prefix: null, des_prefix: null, src_region: null, des_region: null, src_owner: null, des_owner: null });
    expect(parseBucketPairs(text, PARAMETER)).toEqual([{ srcBucket: "src-a", srcPrefix: "", desBucket: "dst-a", desPrefix: "" }]);
  });

  it.each(["us-east-1", "eu-central-2", "cn-northwest-1", "us-gov-west-1", "ap-southeast-5", "il-central-1", "us-isob-east-1"])(
    "accepts the region %s",
    (region) => {
      expect(parseBucketPairs(oneEntry({ src_region: region, des_region: region }), PARAMETER)[0]).toMatchObject({
        srcRegion: region,
        desRegion: region,
      });
    },
  );

  it.each(["US-EAST-1", "us-east", "useast1", "us-east-1a", " us-east-1", "", 1])("refuses the region %j, naming the field", (region) => {
    expect(() => parseBucketPairs(oneEntry({ des_region: region }), PARAMETER)).toThrow(
      new RegExp(`Parameter ${PARAMETER}, entry 0: field "des_region" must be (an AWS region|a string)`),
    );
  });

  it.each(["11112222333", "1111222233334", "11112222333a", 111122223333])("refuses the owner %j, naming the field", (owner) => {
    expect(() => parseBucketPairs(oneEntry({ src_owner: owner }), PARAMETER)).toThrow(
      new RegExp(`Parameter ${PARAMETER}, entry 0: field "src_owner" must be (a 12-digit AWS account id|a string)`),
    );
  });
});

describe("parseBucketPairs: unknown fields", () => {
  it.each([
    ["des_bukcet", "des_bucket"],
    ["src_regoin", "src_region"],
    ["des_owners", "des_owner"],
  ])("refuses the typo %s, suggesting %s and listing the known fields", (typo, meant) => {
    // Prepare: the typo on the second entry
    const text = JSON.stringify([
      { src_bucket: "src-a", des_bucket: "dst-a" },
      { src_bucket: "src-b", des_bucket: "dst-b", [typo]: "x" },
    ]);
    // Act / Assess
    expect(() => parseBucketPairs(text, PARAMETER)).toThrow(ConfigError);
    expect(() => parseBucketPairs(text, PARAMETER)).toThrow(
      `Parameter ${PARAMETER}, entry 1: unknown field "${typo}" (did you mean "${meant}"?); the fields are src_bucket, src_prefix, des_bucket, des_prefix, src_region, des_region, src_owner, des_owner`,
    );
  });

  it("refuses a field far from any known one without a suggestion", () => {
    expect(() => parseBucketPairs(oneEntry({ storage_class: "GLACIER" }), PARAMETER)).toThrow(
      /unknown field "storage_class"; the fields are/,
    );
  });
});

describe("parseBucketPairs: bucket names", () => {
  it.each(["abc", "my-bucket", "my.bucket.2024", "123", "1.2.3", "a".repeat(63), "xn-ok", "s3alias-first", "192.168.5.4a"])(
    "accepts %s",
    (name) => {
      expect(bucketNameProblem(name)).toBeUndefined();
      expect(parseBucketPairs(oneEntry({ src_bucket: name }), PARAMETER)[0]?.srcBucket).toBe(name);
    },
  );

  it.each([
    ["ab", "3 to 63 characters"],
    ["a".repeat(64), "3 to 63 characters"],
    ["My-Bucket", "only lowercase letters, digits, `.` and `-`"],
    ["my_bucket", "only lowercase letters, digits, `.` and `-`"],
    ["-bucket", "beginning and ending with a letter or digit"],
    ["bucket.", "beginning and ending with a letter or digit"],
    ["my..bucket", "no two adjacent periods"],
    ["192.168.5.4", "not shaped like an IP address"],
    ["xn--bucket", "not beginning with `xn--`"],
    ["sthree-bucket", "not beginning with `sthree-`"],
    ["amzn-s3-demo-bucket", "not beginning with `amzn-s3-demo-`"],
    ["bucket-s3alias", "not ending with `-s3alias`"],
    ["bucket--ol-s3", "not ending with `--ol-s3`"],
    ["bucket.mrap", "not ending with `.mrap`"],
    ["bucket--x-s3", "not ending with `--x-s3`"],
    ["bucket--table-s3", "not ending with `--table-s3`"],
  ])("refuses %s, saying the rule: %s", (name, rule) => {
    expect(bucketNameProblem(name)).toContain(rule);
    expect(() => parseBucketPairs(oneEntry({ des_bucket: name }), PARAMETER)).toThrow(
      `Parameter ${PARAMETER}, entry 0: field "des_bucket" must be an S3 bucket name (${bucketNameProblem(name)}), got "${name}"`,
    );
  });
});

describe("parseBucketPairs: prefixes", () => {
  it.each([
    ["1,024 bytes of two-byte characters", "é".repeat(512)],
    ["IAM wildcards and policy variables (Terraform refuses these, the parser need not)", "a*b?c$" + "{d}"],
    ["DEL, which is not below U+0020", "a\u007fb"],
    ["an emoji", "photos/😀/"],
  ])("accepts %s", (_label, prefix) => {
    expect(parseBucketPairs(oneEntry({ src_prefix: prefix }), PARAMETER)[0]?.srcPrefix).toBe(prefix);
  });

  it.each([
    ["1,025 bytes", `${"é".repeat(512)}a`, /field "src_prefix" must be at most 1024 bytes in UTF-8/],
    ["a newline", "logs\n", /field "src_prefix" must be free of control characters \(U\+0000 to U\+001F; one at character 5\)/],
    ["NUL", "\u0000", /field "src_prefix" must be free of control characters/],
    ["U+001F", "a\u001f", /field "src_prefix" must be free of control characters/],
    ["a lone surrogate", "a\ud800", /field "src_prefix" must be well-formed Unicode/],
    ["a number", 5, /field "src_prefix" must be a string, got 5/],
  ])("refuses %s, naming the entry and the field", (_label, prefix, message) => {
    expect(() => parseBucketPairs(oneEntry({ src_prefix: prefix }), PARAMETER)).toThrow(message);
    expect(() => parseBucketPairs(oneEntry({ src_prefix: prefix }), PARAMETER)).toThrow(`Parameter ${PARAMETER}, entry 0`);
  });
});

describe("parseBucketPairs: loops and overlaps", () => {
  it("refuses a pair whose copies its source lists again, naming the parameter, the entry and the fields", () => {
    const text = JSON.stringify([
      { src_bucket: "src-a", des_bucket: "dst-a" },
      { src_bucket: "same-b", src_prefix: "", des_bucket: "same-b", des_prefix: "backup/" },
    ]);
    expect(() => parseBucketPairs(text, PARAMETER)).toThrow(
      `Parameter ${PARAMETER}, entry 1: fields "des_bucket" and "des_prefix" put the copies inside its own source (fields "src_bucket" and "src_prefix", s3://same-b/*): s3://same-b/example is copied to s3://same-b/backup/example, which it lists and copies again`,
    );
  });

  it("accepts one bucket copied from a/ to b/ (keys land at b/a/..., which a/ never lists)", () => {
    const text = oneEntry({ src_bucket: "same-b", src_prefix: "a/", des_bucket: "same-b", des_prefix: "b/" });
    expect(parseBucketPairs(text, PARAMETER)).toHaveLength(1);
  });

  it("accepts one name on both sides when the regions put them in two partitions", () => {
    const text = oneEntry({ src_bucket: "data-b", des_bucket: "data-b", src_region: "eu-west-1", des_region: "cn-north-1" });
    expect(parseBucketPairs(text, PARAMETER)).toHaveLength(1);
    expect(() => parseBucketPairs(oneEntry({ src_bucket: "data-b", des_bucket: "data-b" }), PARAMETER)).toThrow(/copied onto itself/);
  });
});
