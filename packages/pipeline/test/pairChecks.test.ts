import { ConfigError, destinationKey, listingPrefix } from "@s3-migrate/transfer";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { BucketPair } from "../src/config/bucketPairs.js";
import { type EventRoute, refuseLoopingEvents, refuseOverlappingPairs } from "../src/config/pairChecks.js";

const pair = (srcBucket: string, srcPrefix: string, desBucket: string, desPrefix: string, more: Partial<BucketPair> = {}): BucketPair => ({
  srcBucket,
  srcPrefix,
  desBucket,
  desPrefix,
  ...more,
});

const events = (bucket: string, filterPrefix: string, destinationBucket: string, destinationPrefix: string): EventRoute => ({
  bucket,
  filterPrefix,
  destinationBucket,
  destinationPrefix,
});

/*
 * The model the properties check the rules against: run every route over every key of a small
 * key space, with the product's own destinationKey and listingPrefix, and see what happens.
 * Prefixes have at most 2 characters of "a", "b", "/", so every witness key has at most 6.
 */
const ALPHABET = ["a", "b", "/"];
const KEYS: readonly string[] = (() => {
  const keys: string[] = [];
  let layer = [""];
  for (let length = 1; length <= 6; length++) {
    layer = layer.flatMap((key) => ALPHABET.map((char) => key + char));
    keys.push(...layer);
  }
  return keys;
})();

/** A route of the model: which keys it reads, and where each lands. */
interface ModelRoute {
  readonly srcBucket: string;
  readonly reads: (key: string) => boolean;
  readonly desBucket: string;
  readonly lands: (key: string) => string;
}

const pairModel = (given: BucketPair): ModelRoute => ({
  srcBucket: given.srcBucket,
  reads: (key) => key.startsWith(listingPrefix(given.srcPrefix)),
  desBucket: given.desBucket,
  lands: (key) => destinationKey(given.desPrefix, key),
});

const eventModel = (route: EventRoute): ModelRoute => ({
  srcBucket: route.bucket,
  reads: (key) => key.startsWith(route.filterPrefix),
  desBucket: route.destinationBucket,
  lands: (key) => destinationKey(route.destinationPrefix, key),
});

/** Whether some route writes a key that `listers` read (a copy copied again). */
function writesIntoSources(writers: readonly ModelRoute[], listers: readonly ModelRoute[]): boolean {
  return writers.some((writer) =>
    KEYS.some((key) => {
      if (!writer.reads(key)) return false;
      const written = writer.lands(key);
      return listers.some((lister) => lister.srcBucket === writer.desBucket && lister.reads(written));
    }),
  );
}

/** Whether two different source objects land on one destination key. */
function racesForOneKey(routes: readonly ModelRoute[]): boolean {
  const writtenFrom = new Map<string, string>();
  for (const route of routes)
    for (const key of KEYS) {
      if (!route.reads(key)) continue;
      const target = `${route.desBucket}/${route.lands(key)}`;
      const source = `${route.srcBucket}/${key}`;
      if ((writtenFrom.get(target) ?? source) !== source) return true;
      writtenFrom.set(target, source);
    }
  return false;
}

const refuses = (check: () => void): boolean => {
  try {
    check();
    return false;
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return true;
  }
};

const bucket = fc.constantFrom("aaa", "bbb", "ccc");
const prefix = fc.string({ unit: fc.constantFrom(...ALPHABET), maxLength: 2 });
const anyPair = fc.tuple(bucket, prefix, bucket, prefix).map(([sb, sp, db, dp]) => pair(sb, sp, db, dp));
const anyEvents = fc.tuple(bucket, prefix, bucket, prefix).map(([sb, sp, db, dp]) => events(sb, sp, db, dp));

describe("refuseOverlappingPairs", () => {
  it.each([
    [
      "the whole bucket into a folder of itself",
      [pair("aaa", "", "aaa", "backup")],
      /entry 0.*own source.*s3:\/\/aaa\/example is copied to s3:\/\/aaa\/backup\/example/,
    ],
    ["a folder onto itself", [pair("aaa", "logs/", "aaa", "/")], /entry 0.*copied onto itself/],
    ["a source `a` and a destination folder `ab` (`ab/a...` is listed by `a`)", [pair("aaa", "a", "aaa", "ab")], /own source/],
    [
      "a chain: entry 0 writes what entry 1 lists",
      [pair("aaa", "", "bbb", "in"), pair("bbb", "in/", "ccc", "")],
      /entry 0.*source of p entry 1/,
    ],
    [
      "a folder and its subfolder from two buckets",
      [pair("aaa", "", "ccc", "x"), pair("bbb", "", "ccc", "x/y")],
      /entry 1.*write where p entry 0/,
    ],
    [
      "one bucket into two nested folders",
      [pair("aaa", "", "ccc", "x"), pair("aaa", "", "ccc", "x/y")],
      /aaa\/y\/example.*aaa\/example.*ccc\/x\/y\/example/,
    ],
  ])("refuses %s", (_label, pairs, message) => {
    expect(() => refuseOverlappingPairs(pairs, "p")).toThrow(ConfigError);
    expect(() => refuseOverlappingPairs(pairs, "p")).toThrow(message);
  });

  it.each([
    ["a/ -> b/ in one bucket (keys land at b/a/...)", [pair("aaa", "a/", "aaa", "b/")]],
    ["copy and copy/ as one folder, same source", [pair("aaa", "", "ccc", "copy"), pair("aaa", "x/", "ccc", "copy/")]],
    ["two sources into disjoint folders", [pair("aaa", "", "ccc", "from-a"), pair("bbb", "", "ccc", "from-b")]],
    ["one name on two partitions", [pair("aaa", "", "aaa", "", { srcRegion: "us-east-1", desRegion: "cn-northwest-1" })]],
    ["two pairs reading one bucket into two buckets", [pair("aaa", "", "bbb", ""), pair("aaa", "", "ccc", "")]],
  ])("accepts %s", (_label, pairs) => {
    expect(() => refuseOverlappingPairs(pairs, "p")).not.toThrow();
  });

  it("treats one name in one partition as one bucket even across regions", () => {
    expect(() => refuseOverlappingPairs([pair("aaa", "", "aaa", "", { srcRegion: "us-east-1", desRegion: "eu-west-1" })])).toThrow(
      /onto itself/,
    );
    expect(() => refuseOverlappingPairs([pair("aaa", "", "aaa", "", { desRegion: "cn-north-1" })])).toThrow(/onto itself/);
  });

  it("refuses exactly the pairs whose copies some pair lists again, or that write one key from two objects (property)", () => {
    fc.assert(
      fc.property(fc.array(anyPair, { minLength: 1, maxLength: 3 }), (pairs) => {
        const routes = pairs.map(pairModel);
        const harmful = writesIntoSources(routes, routes) || racesForOneKey(routes);
        expect(refuses(() => refuseOverlappingPairs(pairs))).toBe(harmful);
      }),
      { numRuns: 1000 },
    );
  });
});

describe("refuseLoopingEvents", () => {
  it.each([
    [
      "copies into the event bucket under the filter",
      events("aaa", "", "aaa", "out"),
      [],
      /The S3 event route: DEFAULT_DEST_BUCKET and DEFAULT_DEST_PREFIX put the copies inside its own source.*s3:\/\/aaa\/example is copied to s3:\/\/aaa\/out\/example/,
    ],
    ["a whole-bucket route into itself", events("aaa", "", "aaa", ""), [], /onto itself/],
    ["a filter copied to the root of its own bucket", events("aaa", "in/", "aaa", "/"), [], /onto itself/],
    [
      "a pair writing into the event bucket",
      events("aaa", "in/", "bbb", ""),
      [pair("ccc", "", "aaa", "in")],
      /Parameter p, entry 0: fields "des_bucket" and "des_prefix" write into the source of the S3 event route/,
    ],
    [
      "copies into a pair's source",
      events("aaa", "", "bbb", "ev"),
      [pair("bbb", "", "ccc", "")],
      /The S3 event route: .* write into the source of p entry 0/,
    ],
  ])("refuses %s", (_label, route, pairs, message) => {
    expect(() => refuseLoopingEvents(route, pairs, "p")).toThrow(ConfigError);
    expect(() => refuseLoopingEvents(route, pairs, "p")).toThrow(message);
  });

  it.each([
    ["copies beside the filter in the event bucket (out/in/... is not under in/)", events("aaa", "in/", "aaa", "out"), []],
    ["the backfill pair and the event route writing the same keys", events("aaa", "", "bbb", ""), [pair("aaa", "", "bbb", "")]],
    ["a pair writing beside the filter", events("aaa", "in/", "bbb", ""), [pair("ccc", "", "aaa", "out")]],
    ["one name on two partitions", { ...events("aaa", "", "aaa", ""), bucketRegion: "us-east-1", destinationRegion: "cn-north-1" }, []],
  ])("accepts %s", (_label, route, pairs) => {
    expect(() => refuseLoopingEvents(route, pairs)).not.toThrow();
  });

  it("refuses exactly the event routes whose writes fire events or are listed by a pair, and pairs that write into the event source (property)", () => {
    fc.assert(
      fc.property(anyEvents, fc.array(anyPair, { maxLength: 2 }), (route, pairs) => {
        const event = eventModel(route);
        const routes = pairs.map(pairModel);
        const loops = writesIntoSources([event], [event, ...routes]) || writesIntoSources(routes, [event]);
        expect(refuses(() => refuseLoopingEvents(route, pairs))).toBe(loops);
      }),
      { numRuns: 1000 },
    );
  });
});
