/**
 * The ledger lease against the local DynamoDB (whose conditional writes the test bed makes
 * atomic): who may take an object, when a lease is taken over, and what a stale S3 event does.
 * Time is passed in, so expiry is tested without waiting.
 */
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import {
  FanoutTransitions,
  type LeaseClaim,
  ObjectTransitions,
  objectKey,
  orderableSequencer,
  type TransferIdentity,
} from "@s3-migrate/pipeline";
import { beforeAll, describe, expect, it } from "vitest";
import { createLedgerTable, localClients } from "../../support/awsResources.js";
import { testEndpoints } from "../../support/endpoints.js";

describe("object lease (ledger)", () => {
  const { documents, dynamo } = localClients(testEndpoints().source.endpoint);
  const table = `lease-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const ledger = new ObjectTransitions(documents, table);
  const t0 = new Date("2026-12-01T10:00:00.000Z");
  const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
  let counter = 0;
  const object = (etag = "etag-1", size = 10): TransferIdentity => ({
    srcBucket: "src",
    srcKey: `k${counter}`,
    desBucket: "dst",
    desKey: `k${counter}`,
    size,
    srcEtag: etag,
  });
  const claim = (token: string, messageId: string, expiresInSeconds = 60, sequencer?: string): LeaseClaim => ({
    token,
    messageId,
    expiresAt: t0.getTime() + expiresInSeconds * 1000,
    ...(sequencer === undefined ? {} : { sequencer: orderableSequencer(sequencer) }),
  });
  const record = async (identity: TransferIdentity) =>
    (await documents.send(new GetCommand({ TableName: table, Key: objectKey("dst", identity.desKey), ConsistentRead: true }))).Item;

  beforeAll(async () => {
    await createLedgerTable(dynamo, table);
  });

  it("gives a live lease to one attempt: a duplicate message is settled, the same message redelivered waits, another version waits", async () => {
    counter++;
    const v1 = object();
    expect(await ledger.begin(v1, claim("a", "m1"), 0, t0)).toEqual({ status: "started" });
    // another message for the same version, long after any busy-retry delay but within the lease
    expect(await ledger.begin(v1, claim("b", "m2"), 0, at(50))).toEqual({ status: "duplicate" });
    // the lease holder's own message, delivered again while the lease lives (its visibility lapsed)
    expect(await ledger.begin(v1, claim("c", "m1"), 0, at(50))).toEqual({ status: "busy", retryAfterMs: 10_000, ownMessage: true });
    // a newer version of the object waits for the lease too (one writer per destination key)
    expect(await ledger.begin(object("etag-2", 11), claim("d", "m3"), 0, at(50))).toMatchObject({ status: "busy" });
    expect(await record(v1)).toMatchObject({ status: "in_progress", leaseOwner: "a", leaseMessageId: "m1", attempts: 1, deliveries: 2 });
  });

  it("lets a continuation take back the lease handed off at its pause, once; anyone may take an expired lease, after which the old owner can neither renew nor finish", async () => {
    counter++;
    const v1 = object();
    const held = { identity: v1, token: "a" };
    expect(await ledger.begin(v1, claim("a", "m1"), 0, t0)).toEqual({ status: "started" });
    expect(await ledger.pause(held, "upload-1", undefined, at(20))).toBe(true);
    const continuing = (messageId: string, seconds = 120) => ({ ...claim("a", messageId, seconds), continuing: true });
    // a job without the token waits for the handed-off lease instead of taking it
    expect(await ledger.begin(v1, claim("x", "m9"), 0, at(25))).toMatchObject({ status: "busy" });
    expect(await ledger.begin(v1, continuing("m2"), 1, at(30))).toEqual({ status: "started" });
    // a second copy of the same continuation (an SDK retry of the send), and the continuation
    // delivered again while its holder is alive: neither may copy alongside it
    expect(await ledger.begin(v1, continuing("m3"), 1, at(31))).toEqual({ status: "duplicate" });
    expect(await ledger.begin(v1, continuing("m2"), 1, at(32))).toMatchObject({ status: "busy" });
    // the lease (now until t0 + 120 s) expires: the message delivered again takes the object over,
    // told that the attempt it takes over may have written the object
    expect(await ledger.begin(v1, claim("z", "m2", 300), 0, at(121))).toEqual({ status: "started", mayBeWritten: true });
    expect(await ledger.renew(held, t0.getTime() + 999_000)).toBe(false);
    expect(await ledger.finish(held, { status: "done", desEtag: "x", verification: "source-etag" }, at(130))).toBe(false);
    // ... and a late continuation of the old owner is superseded
    expect(await ledger.begin(v1, continuing("m4", 600), 2, at(131))).toEqual({ status: "duplicate" });
    expect(await ledger.renew({ identity: v1, token: "z" }, t0.getTime() + 400_000)).toBe(true);
    expect(await ledger.finish({ identity: v1, token: "z" }, { status: "done", desEtag: "x", verification: "source-etag" }, at(140))).toBe(
      true,
    );
    const done = await record(v1);
    expect(done).toMatchObject({ status: "done", attempts: 2, continuations: 1 });
    expect(done).not.toHaveProperty("leaseOwner");
    expect(await ledger.begin(v1, claim("y", "m9"), 0, at(150))).toEqual({ status: "already-done" });
    expect(await ledger.begin(v1, continuing("m10", 600), 3, at(151))).toEqual({ status: "already-done" });
  });

  it("treats a record of the previous version (no lease attributes) as leased for 16 minutes, except by a continuation of that version", async () => {
    counter++;
    const v1 = object();
    await documents.send(
      new PutCommand({
        TableName: table,
        Item: {
          pk: `obj#dst/${v1.desKey}`,
          sk: "object",
          status: "in_progress",
          size: v1.size,
          srcEtag: v1.srcEtag,
          updated_at: at(0).toISOString(),
        },
      }),
    );
    expect(await ledger.begin(v1, claim("b", "m2"), 0, at(60))).toEqual({ status: "busy", retryAfterMs: 900_000, ownMessage: true });
    expect(await ledger.beginDelete(v1, claim("r", "m4"), at(60))).toEqual({ status: "busy", retryAfterMs: 900_000 });
    expect(await ledger.failBeforeStart(v1, "SourceMissing", "gone", at(60))).toBe(false);
    // the previous version's continuation names no token: it takes its record over, as it did
    expect(await ledger.begin(v1, claim("c", "m3"), 1, at(61))).toEqual({ status: "started", mayBeWritten: true });
  });

  it("releases the lease on a retryable error, so the next delivery may start at once", async () => {
    counter++;
    const v1 = object();
    await ledger.begin(v1, claim("a", "m1"), 0, t0);
    expect(await ledger.recordError({ identity: v1, token: "a" }, "Transient", "reset", at(1))).toBe(true);
    // (a PUT whose answer was lost fails retryably too: the next attempt looks at the destination first)
    expect(await ledger.begin(v1, claim("b", "m2"), 0, at(2))).toEqual({ status: "started", mayBeWritten: true });
  });

  it("never records a failure over a live lease", async () => {
    counter++;
    const v1 = object();
    await ledger.begin(v1, claim("a", "m1"), 0, t0);
    expect(await ledger.failBeforeStart(v1, "SourceMissing", "gone", at(5))).toBe(false);
    expect(await ledger.failBeforeStart(v1, "SourceMissing", "gone", at(61))).toBe(true);
  });

  it("orders S3 events by the last one that succeeded: an older copy event is stale, an event that never succeeded orders nothing, a removal records its own", async () => {
    counter++;
    const v2 = object("etag-2");
    const taken = await ledger.begin(v2, claim("a", "m1", 60, "0055AED6DCD90281E6"), 0, t0);
    expect(taken).toEqual({ status: "started", sequencer: orderableSequencer("0055AED6DCD90281E6") });
    // an event for another version meets the live lease and waits
    const forged = object("etag-9");
    expect(await ledger.begin(forged, claim("f", "mf", 60, "F".repeat(64)), 0, t0)).toMatchObject({ status: "busy" });
    await ledger.finish(
      { identity: v2, token: "a", sequencer: orderableSequencer("0055AED6DCD90281E6") },
      { status: "done", desEtag: "x", verification: "source-etag" },
      at(1),
    );
    expect(await record(v2)).toMatchObject({ eventSequencer: orderableSequencer("0055AED6DCD90281E6") });
    expect(await record(v2)).not.toHaveProperty("leaseSequencer");
    // an older create event (shorter sequencer: right-padded, it sorts lower)
    expect(await ledger.begin(object("etag-1"), claim("b", "m2", 60, "0055AED6DCD9028"), 0, at(2))).toEqual({ status: "stale" });
    // the same event again is not stale (a redelivery)
    expect(await ledger.begin(v2, claim("c", "m3", 60, "0055AED6DCD90281E6"), 0, at(4))).toEqual({ status: "already-done" });
    // an event that takes the lease and fails leaves no order behind
    const failing = object("etag-3");
    expect(await ledger.begin(failing, claim("g", "m7", 60, "F".repeat(64)), 0, at(5))).toMatchObject({ status: "started" });
    await ledger.recordError({ identity: failing, token: "g" }, "Transient", "reset", at(6));
    expect(await record(v2)).toMatchObject({ eventSequencer: orderableSequencer("0055AED6DCD90281E6") });
    expect(await ledger.begin(object("etag-4"), claim("h", "m8", 60, "0055AED6DCD90281E7"), 0, at(7))).toMatchObject({ status: "started" });
    await ledger.recordError({ identity: object("etag-4"), token: "h" }, "Transient", "reset", at(8));
    // a removal takes the lease whatever the order (the source, checked under it, decides) and records its sequencer
    const removal = await ledger.beginDelete(v2, claim("r", "m5", 60, "0055AED6DCD90281E5"), at(9));
    expect(removal).toMatchObject({ status: "started" });
    // while the removal holds the lease, a copy of a newer upload waits for it
    expect(await ledger.begin(object("etag-5"), claim("d", "m6", 60, "0055AED6DCD90281E8"), 0, at(10))).toMatchObject({ status: "busy" });
    if (!("lease" in removal)) throw new Error("no lease");
    expect(await ledger.finishDelete(removal.lease, at(11))).toBe(true);
    expect(await record(v2)).toMatchObject({ status: "deleted", eventSequencer: orderableSequencer("0055AED6DCD90281E5") });
    expect(await ledger.begin(object("etag-5"), claim("d", "m6", 60, "0055AED6DCD90281E8"), 0, at(12))).toEqual({
      status: "started",
      sequencer: orderableSequencer("0055AED6DCD90281E8"),
    });
  });

  it("holds a removal back while a live lease copies the object", async () => {
    counter++;
    const v1 = object();
    await ledger.begin(v1, claim("a", "m1"), 0, t0);
    expect(await ledger.beginDelete(v1, claim("r", "m2"), at(10))).toEqual({ status: "busy", retryAfterMs: 50_000 });
  });

  it("lets exactly one of many concurrent attempts take a fresh object (atomic conditional writes)", async () => {
    for (let round = 0; round < 5; round++) {
      counter++;
      const v1 = object();
      const results = await Promise.all(Array.from({ length: 24 }, (_, index) => ledger.begin(v1, claim(`t${index}`, `m${index}`), 0, t0)));
      expect(results.filter((result) => result.status === "started")).toHaveLength(1);
      expect(results.filter((result) => result.status === "duplicate")).toHaveLength(23);
    }
  });
});

describe("fan-out completion claim (ledger)", () => {
  const { documents, dynamo } = localClients(testEndpoints().source.endpoint);
  const table = `fanout-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const objects = new ObjectTransitions(documents, table);
  const fanout = new FanoutTransitions(documents, table);
  const t0 = new Date("2026-12-01T10:00:00.000Z");
  const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
  const claim = (token: string, expiresInSeconds = 60): LeaseClaim => ({
    token,
    messageId: `m-${token}`,
    expiresAt: t0.getTime() + expiresInSeconds * 1000,
  });
  let counter = 0;
  /** A fresh object fanned out to upload `u-N` in three ranges. */
  async function fannedOut() {
    counter++;
    const identity: TransferIdentity = {
      srcBucket: "src",
      srcKey: `f${counter}`,
      desBucket: "dst",
      desKey: `f${counter}`,
      size: 30,
      srcEtag: "e",
    };
    expect(await objects.begin(identity, claim("fanner"), 0, t0)).toEqual({ status: "started" });
    const uploadId = `u-${counter}`;
    const ranges = [0, 1, 2].map((index) => ({ index, firstPart: index + 1, lastPart: index + 1, bytes: 10 }));
    const plan = { uploadId, partSize: 10, partCount: 3, layoutMatches: true, rangeParts: 1, ranges };
    expect(await fanout.startFanout({ identity, token: "fanner" }, plan, at(900).getTime(), t0)).toBe(true);
    return (index: number) => ({ desBucket: "dst", desKey: identity.desKey, uploadId, index });
  }

  beforeAll(async () => {
    await createLedgerTable(dynamo, table);
  });

  it("counts a range once however often it is recorded, and lets nobody claim the completion before every range is counted", async () => {
    const range = await fannedOut();
    expect(await fanout.countRangeDone(range(0), at(900).getTime(), at(1))).toEqual({ status: "counted", rangesDone: 1, rangeCount: 3 });
    expect(await fanout.countRangeDone(range(0), at(900).getTime(), at(2))).toEqual({ status: "counted", rangesDone: 1, rangeCount: 3 });
    expect(await fanout.countRangeDone(range(2), at(900).getTime(), at(3))).toEqual({ status: "counted", rangesDone: 2, rangeCount: 3 });
    // two of three counted: the size() condition on the number set refuses the claim
    expect((await fanout.claimCompletion(range(2), 3, claim("early"), at(4))).status).not.toBe("claimed");
    expect(await fanout.countRangeDone(range(1), at(900).getTime(), at(5))).toEqual({ status: "counted", rangesDone: 3, rangeCount: 3 });
    expect(await fanout.claimCompletion(range(1), 3, claim("last"), at(6))).toMatchObject({ status: "claimed" });
  });

  it("lets exactly one of many concurrent completers claim the completion, and another take it over once that lease lapses", async () => {
    const range = await fannedOut();
    // the last ranges counted at the same moment: exactly one sees every range done
    const tallies = await Promise.all([0, 1, 2].map((index) => fanout.countRangeDone(range(index), at(900).getTime(), at(1))));
    expect(tallies.filter((tally) => tally.status === "counted" && tally.rangesDone === 3)).toHaveLength(1);
    // repeats of every range job, all claiming at once
    const claims = await Promise.all(Array.from({ length: 12 }, (_, n) => fanout.claimCompletion(range(n % 3), 3, claim(`c${n}`), at(2))));
    expect(claims.filter((result) => result.status === "claimed")).toHaveLength(1);
    expect(claims.filter((result) => result.status === "held")).toHaveLength(11);
    // a range recorded done while the completion runs finds every range counted, and claims nothing
    expect(await fanout.countRangeDone(range(0), at(900).getTime(), at(3))).toEqual({ status: "counted", rangesDone: 3, rangeCount: 3 });
    expect((await fanout.claimCompletion(range(0), 3, claim("meanwhile"), at(30))).status).toBe("held");
    // the completer's completion is cut at its deadline: it notes what to look for, and the
    // completer that takes over once its lease (60 s) lapses is told
    const first = claims.find((result) => result.status === "claimed");
    if (first?.status !== "claimed") throw new Error("no claim");
    const pending = { uploadId: range(0).uploadId, etag: `${"b".repeat(32)}-3`, verification: "source-etag" } as const;
    expect(await objects.notePendingCompletion(first.lease, pending, at(40))).toBe(true);
    expect(await objects.notePendingCompletion({ ...first.lease, token: "not-the-owner" }, pending, at(40))).toBe(false);
    expect(await fanout.claimCompletion(range(0), 3, claim("later", 300), at(61))).toMatchObject({
      status: "claimed",
      record: { pendingCompletion: pending },
    });
  });
});
