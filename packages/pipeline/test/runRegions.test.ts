import { MigrationError } from "@s3-migrate/transfer";
import { describe, expect, it } from "vitest";
import type { BucketPair } from "../src/config/bucketPairs.js";
import { runRegionsOf } from "../src/estimate/runRegions.js";

const pair = (srcBucket: string, desBucket: string): BucketPair => ({ srcBucket, srcPrefix: "", desBucket, desPrefix: "" });
/** A side whose buckets are where `regions` says; any other bucket is missing. */
const side = (regions: Record<string, string>) => ({
  regionOf: async (bucket: string) => {
    const region = regions[bucket];
    if (region === undefined) throw new MigrationError("BucketMissing", `no ${bucket}`, false);
    return region;
  },
});

describe("runRegionsOf", () => {
  it("prices the buckets' own regions, not the sides' home regions", async () => {
    const located = await runRegionsOf(
      [pair("a", "b"), pair("c", "b")],
      {
        source: side({ a: "us-west-2", c: "us-west-2" }),
        destination: side({ b: "cn-north-1" }),
      },
      "us-east-1",
    );
    expect(located).toEqual({ regions: { source: "us-west-2", destination: "cn-north-1", run: "us-east-1" } });
  });

  it("says why a run whose pairs read buckets in several regions has no single estimate", async () => {
    const located = await runRegionsOf(
      [pair("a", "b"), pair("c", "b")],
      {
        source: side({ a: "us-west-2", c: "eu-west-1" }),
        destination: side({ b: "cn-north-1" }),
      },
      "us-east-1",
    );
    expect(located).toEqual({ estimateUnavailable: expect.stringContaining("source buckets are in 2 regions (eu-west-1, us-west-2)") });
  });

  it("leaves out a bucket that cannot be found (its pair failed and queued nothing)", async () => {
    const located = await runRegionsOf(
      [pair("a", "b"), pair("gone", "b")],
      {
        source: side({ a: "us-west-2" }),
        destination: side({ b: "eu-west-1" }),
      },
      "us-east-1",
    );
    expect(located).toEqual({ regions: { source: "us-west-2", destination: "eu-west-1", run: "us-east-1" } });
  });
});
