/**
 * A versioned jobsender pass (COMPARE_VERSION_ID) lists each key-space segment with
 * ListObjectVersions from a KeyMarker: the segment's lower bound, or the cursor a paused pass
 * saved. These tests put keys exactly at and just after those bounds and check that every key is
 * queued once, with its latest version. Unpatched moto (S3M_MOTO_PATCHES=off, see
 * test/setup/moto_server.py) drops the first key after a KeyMarker that is not itself a key, and
 * both tests fail.
 */
import { DeleteObjectCommand, ListObjectVersionsCommand, PutBucketVersioningCommand } from "@aws-sdk/client-s3";
import { type BucketPair, PassStateStore, pairId, parseIgnoreList, planSegments, runJobsender, segmentsAt } from "@s3-migrate/pipeline";
import { createS3Client } from "@s3-migrate/transfer";
import { describe, expect, it } from "vitest";
import { createLedgerTable, createQueue, drainJobs, localClients } from "../../support/awsResources.js";
import { createBucket, makeS3Client, putObject, testEndpoints, uniqueBucketName } from "../../support/endpoints.js";

const { source, destination } = testEndpoints();
const src = makeS3Client(source.endpoint, source.region);
const dst = makeS3Client(destination.endpoint, destination.region);
const credentials = { accessKeyId: "testing", secretAccessKey: "testing" };
const sourceClient = createS3Client({ region: source.region, endpoint: source.endpoint, credentials }, {}, { side: "source" });
const destinationClient = createS3Client(
  { region: destination.region, endpoint: destination.endpoint, credentials },
  {},
  { side: "destination" },
);
const { sqs, dynamo, documents } = localClients(source.endpoint);

const SEGMENTS = 4;
/** Top-level folders; the jobsender cuts the key space at some of them. */
const FOLDERS = Array.from({ length: 8 }, (_, i) => `p${i}/`);
/** The segments a pass plans over FOLDERS: bounds p2/, p4/ and p6/ (checked against the bucket below). */
const PLANNED = segmentsAt(FOLDERS, SEGMENTS);
const BOUNDS = PLANNED.flatMap((segment) => (segment.until === undefined ? [] : [segment.until]));
/**
 * Keys in every folder, plus an object named exactly like every other bound ("p2/", "p6/"), so
 * one segment starts after an existing key and the next after a bound with no key. Each folder's
 * first key, the one just after a bound, has an older version too.
 */
const KEYS = [...FOLDERS.flatMap((folder) => [`${folder}a`, `${folder}b`]), ...BOUNDS.filter((_, i) => i % 2 === 0)].sort();
const PAGE_SIZE = 3;

/** A versioned source bucket holding KEYS; returns it and the latest version id of every key. */
async function seedVersionedSource(name: string): Promise<{ bucket: string; latest: Map<string, string> }> {
  const bucket = await createBucket(src, uniqueBucketName(name));
  await src.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: "Enabled" } }));
  const latest = new Map<string, string>();
  for (const key of KEYS) {
    const versions = key.endsWith("/a") ? 2 : 1;
    for (let version = 0; version < versions; version++) {
      const { VersionId } = await putObject(src, bucket, key, `${key}#${version}`);
      latest.set(key, String(VersionId));
    }
  }
  return { bucket, latest };
}

/** Every key the queue received, with the version id its job names (a key queued twice fails the test). */
async function queuedVersions(queueUrl: string): Promise<Map<string, string | undefined>> {
  const jobs = await drainJobs(sqs, queueUrl);
  expect(new Set(jobs.map((job) => job.source.key)).size).toBe(jobs.length);
  return new Map(jobs.map((job) => [job.source.key, job.source.versionId]));
}

const pairFor = (srcBucket: string, desBucket: string): BucketPair => ({ srcBucket, srcPrefix: "", desBucket, desPrefix: "" });

describe("versioned jobsender pass over key-space segments", () => {
  it("queues every key of segments that start at an existing key or between keys", async () => {
    // Prepare: an empty destination, so every source key is missing there
    const { bucket, latest } = await seedVersionedSource("vseg-src");
    const desBucket = await createBucket(dst, uniqueBucketName("vseg-dst"));
    const queueUrl = await createQueue(sqs, `vseg-fresh-${process.pid}`);

    // Act
    const report = await runJobsender(
      { source: sourceClient, destination: destinationClient, sqs, queueUrl },
      {
        pairs: [pairFor(bucket, desBucket)],
        ignore: parseIgnoreList(""),
        compareVersions: true,
        segmentsPerPair: SEGMENTS,
        pageSize: PAGE_SIZE,
      },
    );
    const queued = await queuedVersions(queueUrl);

    // Assess: the pass cut the bucket where this test put its keys, and queued each latest version
    expect(BOUNDS).toEqual(["p2/", "p4/", "p6/"]);
    expect(await planSegments(sourceClient, bucket, "", SEGMENTS)).toEqual(PLANNED);
    expect(queued).toEqual(latest);
    expect(report.pairs[0]).toMatchObject({ status: "complete", counts: { listed: KEYS.length, queued: KEYS.length, failed: 0 } });
  });

  it("resumed from saved cursors, queues every key after each cursor, also when the cursor's object is gone", async () => {
    // Prepare: a paused pass whose cursors are an existing key, a key deleted since, and none
    const { bucket, latest } = await seedVersionedSource("vseg-resume-src");
    const desBucket = await createBucket(dst, uniqueBucketName("vseg-resume-dst"));
    const queueUrl = await createQueue(sqs, `vseg-resume-${process.pid}`);
    const table = await createLedgerTable(dynamo, `vseg-resume-${process.pid}`);
    const state = new PassStateStore(documents, table);
    const pair = pairFor(bucket, desBucket);
    const cursors = ["p0/b", "p3/a", undefined, undefined];
    const segments = PLANNED.map((segment, index) => ({
      ...segment,
      ...(cursors[index] === undefined ? {} : { cursor: cursors[index] }),
      done: index === 2,
    }));
    await state.save({
      pairId: pairId(pair),
      passId: "paused-pass",
      startedAt: "2026-01-01T00:00:00.000Z",
      updatedAt: "2026-01-01T00:00:00.000Z",
      runs: 1,
      segments,
    });
    await deleteEveryVersion(bucket, "p3/a");
    // Left to list: after p0/b up to p2/ (an object), after the vanished p3/a up to p4/ (no
    // object), nothing of the done segment, everything after p6/ (an object).
    const left = ["p1/a", "p1/b", "p2/", "p3/b", "p6/a", "p6/b", "p7/a", "p7/b"];

    // Act
    const report = await runJobsender(
      { source: sourceClient, destination: destinationClient, sqs, queueUrl, state },
      { pairs: [pair], ignore: parseIgnoreList(""), compareVersions: true, pageSize: PAGE_SIZE },
    );
    const queued = await queuedVersions(queueUrl);

    // Assess
    expect(queued).toEqual(new Map(left.map((key) => [key, latest.get(key)])));
    expect(report.pairs[0]).toMatchObject({ status: "complete", passId: "paused-pass", counts: { queued: left.length, failed: 0 } });
  });
});

/** Removes every version of `key` (as S3 lifecycle expiration would between two runs). */
async function deleteEveryVersion(bucket: string, key: string): Promise<void> {
  const { Versions = [] } = await src.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: key }));
  for (const version of Versions.filter((candidate) => candidate.Key === key)) {
    await src.send(new DeleteObjectCommand({ Bucket: bucket, Key: key, VersionId: version.VersionId }));
  }
}
