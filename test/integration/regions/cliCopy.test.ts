/**
 * `s3-migrate copy` on every shape of the regions-and-owners matrix (test/support/regionMatrix.ts),
 * against the region front, which refuses what S3 refuses: a request signed for another region
 * of the bucket's partition (301), a bucket of the other partition (404), a wrong expected owner
 * (403). What each run cost is counted at the endpoint: one region lookup per bucket, signed at
 * its side's home region, and none when the region is given; never a refusal.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadPriceTable, pricesFor } from "@s3-migrate/pipeline";
import { beforeAll, describe, expect, it } from "vitest";
import { buildCli, runCli } from "../../support/cli.js";
import {
  cleanRunCounts,
  DEFAULT_ACCOUNT,
  destinationMismatches,
  OWN_REGION,
  openShape,
  SHAPES,
  type ShapeBed,
  serverOf,
  shapeCounts,
  shapeCountsSince,
} from "../../support/regionMatrix.js";

/** The copy command for `bed`, into `prefix` at the destination, with what the shape says of its sides. */
function copyArgs(bed: ShapeBed, prefix: string, extra: readonly string[] = []): string[] {
  const { shape } = bed;
  return [
    "copy",
    "--from",
    `s3://${bed.sourceBucket}/odd/`,
    "--to",
    `s3://${bed.destinationBucket}/${prefix}`,
    "--region",
    OWN_REGION,
    "--json",
    "--part-size-mib",
    "5",
    "--threshold-mib",
    "5",
    ...(shape.keyed?.side === "source" ? [] : ["--source-endpoint", bed.sourceEndpoint]),
    ...(shape.keyed?.side === "destination" ? [] : ["--dest-endpoint", bed.destinationEndpoint]),
    ...(bed.credentialsParameter === undefined
      ? []
      : [
          "--credentials-parameter",
          bed.credentialsParameter,
          "--ssm-endpoint",
          serverOf("global"),
          "--direction",
          shape.keyed?.side === "source" ? "GET" : "PUT",
        ]),
    ...(shape.owners ? ["--source-owner", bed.sourceOwner, "--dest-owner", bed.destinationOwner] : []),
    ...(shape.serverSide ? ["--server-side"] : []),
    ...extra,
  ];
}

describe("s3-migrate copy across regions, accounts and partitions", () => {
  beforeAll(() => buildCli());

  it.each(SHAPES.map((shape, index) => [shape.name, index] as const))(
    "%s: every object copied and proven, one region lookup per bucket, nothing refused",
    { timeout: 120_000 },
    async (_name, index) => {
      // Prepare
      const shape = SHAPES[index] ?? SHAPES[0];
      if (shape === undefined) throw new Error("no shape");
      const bed = await openShape(shape, `cli-shape-${index}`);
      const before = await shapeCounts(bed);
      // Act
      const run = await runCli(copyArgs(bed, "copy/"));
      // Assess
      expect(run.status, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout).objects).toMatchObject({ total: 2, copied: 2, failed: 0 });
      expect(await destinationMismatches(bed, "copy/")).toEqual([]);
      expect(await shapeCountsSince(bed, before)).toMatchObject(cleanRunCounts(shape, 1));
    },
  );

  it("looks no region up when --source-region and --dest-region give them", { timeout: 120_000 }, async () => {
    // Prepare: buckets in us-west-2 and eu-west-1, the caller in us-east-1
    const shape = SHAPES[1];
    if (shape === undefined) throw new Error("no shape");
    const bed = await openShape(shape, "cli-given-regions");
    const before = await shapeCounts(bed);
    // Act
    const run = await runCli(copyArgs(bed, "given/", ["--source-region", "us-west-2", "--dest-region", "eu-west-1"]));
    // Assess
    expect(run.status, run.stderr).toBe(0);
    expect(await destinationMismatches(bed, "given/")).toEqual([]);
    const moved = await shapeCountsSince(bed, before);
    expect([moved.source.redirects, moved.destination.redirects]).toEqual([0, 0]);
  });

  it("refuses to write into a destination bucket owned by another account than --dest-owner says, naming the owner", {
    timeout: 120_000,
  }, async () => {
    // Prepare: the destination belongs to the other account; the user says it is the default one
    const shape = SHAPES[2];
    if (shape === undefined) throw new Error("no shape");
    const bed = await openShape(shape, "cli-wrong-owner");
    const args = copyArgs(bed, "wrong/").map((arg, at, all) => (all[at - 1] === "--dest-owner" ? DEFAULT_ACCOUNT : arg));
    const before = await shapeCounts(bed);
    // Act
    const run = await runCli(args);
    // Assess: nothing written, the refusal counted at the endpoint, the message names the owner
    expect(run.status, run.stderr).not.toBe(0);
    expect(await destinationMismatches(bed, "wrong/")).toEqual([...bed.bodies.keys()]);
    expect((await shapeCountsSince(bed, before)).destination.ownerRefusals).toBeGreaterThan(0);
    expect(`${run.stdout}\n${run.stderr}`).toContain(DEFAULT_ACCOUNT);
  });

  it("plan prices each bucket's own region (found, not given), not the caller's", { timeout: 120_000 }, async () => {
    // Prepare: buckets in us-west-2 and eu-west-1, the caller (and the workers) in us-east-1
    const shape = SHAPES[1];
    if (shape === undefined) throw new Error("no shape");
    const bed = await openShape(shape, "cli-plan-regions");
    const pairs = JSON.stringify([
      { src_bucket: bed.sourceBucket, src_prefix: "odd/", des_bucket: bed.destinationBucket, des_prefix: "plan/" },
    ]);
    // the bundled table has no eu-west-1: the user's table gives it (us-east-1's figures, for the test)
    const prices = path.join(mkdtempSync(path.join(tmpdir(), "prices-")), "prices.json");
    writeFileSync(prices, JSON.stringify({ "eu-west-1": pricesFor(loadPriceTable(), "us-east-1") }));
    // Act
    const run = await runCli([
      "plan",
      "--pairs",
      pairs,
      "--json",
      "--prices",
      prices,
      "--region",
      OWN_REGION,
      "--source-endpoint",
      bed.sourceEndpoint,
      "--dest-endpoint",
      bed.destinationEndpoint,
    ]);
    // Assess
    expect(run.status, run.stderr).toBe(0);
    const { estimate } = JSON.parse(run.stderr.trim().split("\n").at(-1) ?? "{}");
    const regionOf = (item: string) => estimate.lines.find((line: { item: string }) => line.item.startsWith(item))?.region;
    expect(regionOf("S3 GET-class requests at the source")).toBe("us-west-2");
    expect(regionOf("S3 PUT-class requests at the destination")).toBe("eu-west-1");
    expect(regionOf("Data transfer out, source to the workers")).toBe("us-west-2");
    expect(regionOf("Data transfer out, workers to the destination")).toBe(OWN_REGION);
  });
});
