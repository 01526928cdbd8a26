/**
 * Proves the fixes test/setup/moto_server.py applies to moto, so the tests that lean on them (run
 * lease, ledger, versioned listings, exactly-once counts) prove something:
 * - concurrent conditional writes to one DynamoDB item are atomic;
 * - ListObjectVersions after a KeyMarker lists exactly the keys after it;
 * - SQS deletes neither lose concurrent sends nor revive messages;
 * - ranged GETs (which the patch makes read only their range) still answer exactly S3's bytes;
 * - two completions of one upload both answer its object, which exists before the upload is gone;
 * - ListParts lists the parts numbered above its marker however sparse they are.
 * The SQS and completion races are staged step by step inside one moto process by the scripts in
 * test/support (moto_sqs_delete_race.py, moto_completion_race.py), so they fail unpatched every
 * time rather than by chance. `S3M_MOTO_PATCHES=off pnpm exec vitest run <this file>` shows every
 * test here fail unfixed but the pagination guard and the ranged GETs, which check that the fixes
 * leave moto's own answers alone (lie 4 costs CPU, not correctness: `pnpm bench:fanout` shows the
 * source moto's CPU with and without it).
 */
import { spawnSync } from "node:child_process";
import { Agent } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import {
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectVersionsCommand,
  type ListObjectVersionsCommandInput,
  ListPartsCommand,
  PutBucketVersioningCommand,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { beforeAll, describe, expect, it } from "vitest";
import { createBucket, makeS3Client, putObject, testEndpoints, uniqueBucketName } from "../support/endpoints.js";

const { source } = testEndpoints();

/**
 * Writers that race for one item in every round, each on its own connection. More do not race
 * more on moto: while one request runs its long update, the others barely get the GIL to reach
 * theirs, so a race is two requests that got into the update before either left the window.
 */
const WRITERS = 2;
/** Rounds per test. Unlocked, moto let both writers through in 6 to 10 rounds of 10 (measured). */
const ROUNDS = 10;
/**
 * Harmless SET actions put before the ones that matter. moto checks an update's condition first,
 * then validates and applies its actions, so these widen the window an unlocked moto leaves
 * between check and write from well under the GIL's 5 ms switch interval (the race then showed
 * in about one round in twenty, even with 32 writers) to about a hundred milliseconds. moto's
 * validation cost grows faster than the number of actions (with 80, races came in bursts; with
 * 100, reliably), and it fails with a RecursionError past about 156 of them.
 */
const FILLERS = Array.from({ length: 100 }, (_, i) => `f${i} = :filler`);

/** What one round of the race left behind. */
interface Round {
  /** Indexes of the writers whose write succeeded. */
  readonly winners: number[];
  /** Errors other than ConditionalCheckFailedException (there should be none). */
  readonly unexpected: unknown[];
  /** The item as stored after the round. */
  readonly stored?: Record<string, AttributeValue>;
}

/** One conditional UpdateItem the writers race with, as its expressions. */
interface RacedUpdate {
  readonly condition: string;
  /** The SET actions, after the fillers. */
  readonly actions: readonly string[];
  readonly names: Record<string, string>;
  readonly values: Record<string, AttributeValue>;
}

/**
 * A DynamoDB client that opens a connection per writer at once (moto closes each after one
 * answer), so the writers really run together on moto's threaded server. No retries: a retried
 * write would blur which attempt won.
 */
function concurrentDynamo(): DynamoDBClient {
  return new DynamoDBClient({
    endpoint: source.endpoint,
    region: source.region,
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
    maxAttempts: 1,
    requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets: WRITERS }) },
  });
}

/**
 * Runs ROUNDS rounds, each on a fresh item `seed` creates: every writer sends `update` (with
 * `:owner` set to its index) at once, then the item is read back.
 */
async function raceRounds(
  dynamo: DynamoDBClient,
  table: string,
  seed: Record<string, AttributeValue>,
  update: RacedUpdate,
): Promise<Round[]> {
  const rounds: Round[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const key = { pk: { S: `race-${process.hrtime.bigint()}` } };
    await dynamo.send(new PutItemCommand({ TableName: table, Item: { ...seed, ...key } }));
    const results = await Promise.allSettled(
      Array.from({ length: WRITERS }, (_, writer) =>
        dynamo.send(
          new UpdateItemCommand({
            TableName: table,
            Key: key,
            UpdateExpression: `SET ${[...FILLERS, ...update.actions].join(", ")}`,
            ConditionExpression: update.condition,
            ExpressionAttributeNames: update.names,
            ExpressionAttributeValues: { ...update.values, ":filler": { S: "x" }, ":owner": { S: String(writer) } },
          }),
        ),
      ),
    );
    const { Item } = await dynamo.send(new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }));
    rounds.push({
      winners: results.flatMap((result, writer) => (result.status === "fulfilled" ? [writer] : [])),
      unexpected: results.flatMap((result) =>
        result.status === "rejected" && !(result.reason instanceof ConditionalCheckFailedException) ? [result.reason] : [],
      ),
      ...(Item === undefined ? {} : { stored: Item }),
    });
  }
  return rounds;
}

/** Per round: how many writers won, and whether the stored owner is the (first) winner. */
function outcome(rounds: readonly Round[]): Array<{ winners: number; storedIsWinner: boolean }> {
  return rounds.map(({ winners, stored }) => ({ winners: winners.length, storedIsWinner: stored?.owner?.S === String(winners[0]) }));
}

/**
 * Runs a race script of test/support inside one moto process (patched unless S3M_MOTO_PATCHES=off,
 * which the child inherits) and returns the JSON it prints.
 */
function runInMoto<T>(script: string): T {
  const support = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../support");
  const run = spawnSync("python3", [path.join(support, script), path.resolve(support, "../setup")], { encoding: "utf8", timeout: 60_000 });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as T;
}

const ONE_WINNER_EACH = Array.from({ length: ROUNDS }, () => ({ winners: 1, storedIsWinner: true }));

describe("moto DynamoDB: concurrent conditional writes to one item", () => {
  const dynamo = concurrentDynamo();
  const table = `patches-${process.pid}`;

  beforeAll(async () => {
    await dynamo.send(
      new CreateTableCommand({
        TableName: table,
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
  });

  it("a claim with attribute_not_exists, the shape of a lease: one writer takes each record", async () => {
    // Prepare: a record nobody holds
    const claim: RacedUpdate = {
      condition: "attribute_not_exists(#owner)",
      actions: ["#owner = :owner"],
      names: { "#owner": "owner" },
      values: {},
    };

    // Act
    const rounds = await raceRounds(dynamo, table, { status: { S: "queued" } }, claim);

    // Assess
    expect(rounds.flatMap(({ unexpected }) => unexpected)).toEqual([]);
    expect(outcome(rounds)).toEqual(ONE_WINNER_EACH);
  });

  it("an optimistic version check: one writer moves each record past the version they all read", async () => {
    // Prepare: every writer read version 0
    const bump: RacedUpdate = {
      condition: "#v = :read",
      actions: ["#owner = :owner", "#v = #v + :one"],
      names: { "#v": "v", "#owner": "owner" },
      values: { ":read": { N: "0" }, ":one": { N: "1" } },
    };

    // Act
    const rounds = await raceRounds(dynamo, table, { v: { N: "0" } }, bump);

    // Assess
    expect(rounds.flatMap(({ unexpected }) => unexpected)).toEqual([]);
    expect(outcome(rounds)).toEqual(ONE_WINNER_EACH);
    expect(rounds.map(({ stored }) => stored?.v?.N)).toEqual(Array(ROUNDS).fill("1"));
  });
});

describe("moto S3: ListObjectVersions after a KeyMarker", () => {
  const s3 = makeS3Client(source.endpoint, source.region);
  let bucket: string;
  /** Every version and delete marker written, as `key@versionId`. */
  const written: Array<{ key: string; id: string }> = [];

  /** Every version and delete marker a listing returns, following its markers page by page. */
  async function listVersions(input: Omit<ListObjectVersionsCommandInput, "Bucket">): Promise<string[]> {
    const listed: string[] = [];
    let markers: Pick<ListObjectVersionsCommandInput, "KeyMarker" | "VersionIdMarker"> = {};
    for (let page = 0; page < 100; page++) {
      const answer = await s3.send(new ListObjectVersionsCommand({ ...input, ...markers, Bucket: bucket }));
      for (const entry of [...(answer.Versions ?? []), ...(answer.DeleteMarkers ?? [])]) listed.push(`${entry.Key}@${entry.VersionId}`);
      if (!answer.IsTruncated) return listed.sort();
      markers = { KeyMarker: answer.NextKeyMarker, VersionIdMarker: answer.NextVersionIdMarker };
    }
    throw new Error("ListObjectVersions did not end within 100 pages");
  }

  const writtenAfter = (marker: string): string[] =>
    written
      .filter(({ key }) => key > marker)
      .map(({ key, id }) => `${key}@${id}`)
      .sort();

  beforeAll(async () => {
    bucket = await createBucket(s3, uniqueBucketName("patches-versions"));
    await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: "Enabled" } }));
    for (const [key, versions] of [
      ["a", 2],
      ["b", 3],
      ["c", 2],
      ["d", 1],
      ["e", 1],
    ] as const) {
      for (let version = 0; version < versions; version++) {
        const { VersionId } = await putObject(s3, bucket, key, `${key}${version}`);
        written.push({ key, id: String(VersionId) });
      }
    }
    const { VersionId } = await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: "e" }));
    written.push({ key: "e", id: String(VersionId) });
  });

  it("KeyMarker at an existing key lists none of its versions and every version of the next key", async () => {
    // Act
    const listed = await listVersions({ KeyMarker: "b" });

    // Assess
    expect(listed).toEqual(writtenAfter("b"));
  });

  it("KeyMarker between keys keeps the latest version of the next key", async () => {
    // Act
    const listed = await listVersions({ KeyMarker: "b0" });

    // Assess
    expect(listed).toEqual(writtenAfter("b0"));
  });

  it("pages of 2 from a KeyMarker, then KeyMarker and VersionIdMarker, list every version once", async () => {
    // Act
    const listed = await listVersions({ KeyMarker: "a", MaxKeys: 2 });

    // Assess
    expect(listed).toEqual(writtenAfter("a"));
  });

  it("pages of 2 from the start list every version once (moto's own paging is left alone)", async () => {
    // Act
    const listed = await listVersions({ MaxKeys: 2 });

    // Assess
    expect(listed).toEqual(writtenAfter(""));
  });
});

describe("moto SQS: DeleteMessage cannot undo a concurrent send or delete", () => {
  it("a message sent, or another deleted, while a delete stores its rebuilt queue is kept, or stays deleted", () => {
    // Act
    const left = runInMoto<{ sendDuringDelete: string[]; deleteDuringDelete: string[] }>("moto_sqs_delete_race.py");

    // Assess: unpatched, the message sent was lost (["b", "c"]) and the one deleted came back (["b", "c"])
    expect(left).toEqual({ sendDuringDelete: ["b", "c", "new"], deleteDuringDelete: ["c"] });
  });
});

describe("moto ranged GetObject (lie 4: it read the whole object for every range)", () => {
  const s3 = makeS3Client(source.endpoint, source.region);
  const body = Buffer.from(Array.from({ length: 3 * 1024 * 1024 + 17 }, (_, index) => (index * 7919) % 251));
  let bucket: string;
  beforeAll(async () => {
    bucket = await createBucket(s3, uniqueBucketName("ranges"));
    await putObject(s3, bucket, "ranged.bin", body);
  });
  const read = async (Range: string) => {
    const answer = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "ranged.bin", Range }));
    return {
      range: answer.ContentRange,
      bytes: Buffer.from(await (answer.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray()),
    };
  };

  it("serves plain ranges from the stored bytes (the patched path): first byte, interior, to the end, open-ended, past the end", async () => {
    const last = body.length - 1;
    expect(await read("bytes=0-0")).toEqual({ range: `bytes 0-0/${body.length}`, bytes: body.subarray(0, 1) });
    expect(await read("bytes=1048576-2097151")).toEqual({
      range: `bytes 1048576-2097151/${body.length}`,
      bytes: body.subarray(1048576, 2097152),
    });
    expect(await read(`bytes=${last - 9}-${last}`)).toEqual({
      range: `bytes ${last - 9}-${last}/${body.length}`,
      bytes: body.subarray(-10),
    });
    expect(await read(`bytes=${last - 4}-`)).toEqual({ range: `bytes ${last - 4}-${last}/${body.length}`, bytes: body.subarray(-5) });
    expect(await read(`bytes=${last - 4}-${last + 1000}`)).toEqual({
      range: `bytes ${last - 4}-${last}/${body.length}`,
      bytes: body.subarray(-5),
    });
    await expect(read(`bytes=${body.length}-`)).rejects.toMatchObject({ name: "InvalidRange" });
  });

  it("leaves the other ranges to moto as before: a suffix range and a whole GET", async () => {
    expect(await read("bytes=-7")).toEqual({
      range: `bytes ${body.length - 7}-${body.length - 1}/${body.length}`,
      bytes: body.subarray(-7),
    });
    const whole = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "ranged.bin" }));
    expect(Buffer.from(await (whole.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray()).equals(body)).toBe(
      true,
    );
  });
});

describe("moto CompleteMultipartUpload (lie 5: completions of one upload raced, and the upload went before its object came)", () => {
  const race = () =>
    runInMoto<{ answers: Record<string, string>; listedWhileStoring: boolean[]; listedAfter: boolean }>("moto_completion_race.py");

  it("a second completion sent while the first is storing the object waits for it and answers with the same object", () => {
    // Act
    const { answers } = race();

    // Assess: unpatched, the second answered KeyError (HTTP 500 with an HTML body)
    expect(answers.second).toMatch(/^"[0-9a-f]{32}-1"$/);
    expect(answers.second).toBe(answers.first);
  });

  it("the upload is listed until its object is stored, then gone", () => {
    // Act
    const { listedWhileStoring, listedAfter } = race();

    // Assess: unpatched, the upload was gone while the object was not there yet
    expect(listedWhileStoring).toEqual([true]);
    expect(listedAfter).toBe(false);
  });
});

describe("moto ListParts (lie 6: PartNumberMarker was a position in the part list, not a part number)", () => {
  const s3 = makeS3Client(source.endpoint, source.region);
  let bucket: string;
  let uploadId: string;
  /** Parts 1, 2, 5, 6 and 10000 stored, 3 and 4 not: a fan-out's first range behind its second. */
  const STORED = [1, 2, 5, 6, 10000];
  beforeAll(async () => {
    bucket = await createBucket(s3, uniqueBucketName("parts"));
    uploadId = (await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: "sparse.bin" }))).UploadId ?? "";
    for (const PartNumber of STORED)
      await s3.send(
        new UploadPartCommand({ Bucket: bucket, Key: "sparse.bin", UploadId: uploadId, PartNumber, Body: `part ${PartNumber}` }),
      );
  });
  const list = async (PartNumberMarker?: string, MaxParts?: number) => {
    const page = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: "sparse.bin", UploadId: uploadId, PartNumberMarker, MaxParts }));
    return {
      parts: (page.Parts ?? []).map((part) => part.PartNumber),
      truncated: page.IsTruncated ?? false,
      next: page.NextPartNumberMarker,
    };
  };

  it("lists the parts numbered above the marker, whatever is missing below it", async () => {
    expect(await list()).toMatchObject({ parts: STORED, truncated: false });
    // unpatched: marker 4 skipped the first 4 parts listed (1, 2, 5, 6), not the parts up to 4
    expect(await list("4")).toMatchObject({ parts: [5, 6, 10000], truncated: false });
    expect(await list("2")).toMatchObject({ parts: [5, 6, 10000], truncated: false });
    expect(await list("6")).toMatchObject({ parts: [10000], truncated: false });
    expect(await list("10000")).toMatchObject({ parts: [], truncated: false });
  });

  it("pages of one part from a marker list every later part once, then stop", async () => {
    const seen: number[] = [];
    let marker: string | undefined = "1";
    for (let page = 0; page < 10 && marker !== undefined; page++) {
      const { parts, truncated, next } = await list(marker, 1);
      seen.push(...parts.flatMap((part) => (part === undefined ? [] : [part])));
      marker = truncated ? next : undefined;
    }
    expect(seen).toEqual([2, 5, 6, 10000]);
  });
});

describe("moto conditional PutObject (lie 7: If-None-Match was checked and the object stored in two unguarded steps)", () => {
  it("of two create-only PUTs of one key sent at once, the first stores and the second is refused with 412", () => {
    // Act
    const { statuses, stored } = runInMoto<{ statuses: Record<string, number>; stored: string }>("moto_conditional_put_race.py");

    // Assess: unpatched, both answered 200 (the second passed the check while the first was storing)
    expect(statuses).toEqual({ first: 200, second: 412 });
    expect(stored).toBe("first");
  });
});
