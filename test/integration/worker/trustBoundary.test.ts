/**
 * The worker's trust boundary: crafted messages of every format that name what the
 * configuration does not allow are refused before anything is read, in the Lambda and in
 * cluster mode alike. Both S3 endpoints sit behind counting proxies, so "nothing read, written or
 * deleted" is what the endpoints saw, not what our logs say.
 */

import { DeleteObjectCommand } from "@aws-sdk/client-s3";
import { GetCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { objectKey, orderableSequencer } from "@s3-migrate/pipeline";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { handler, resetWorkerForTests } from "../../../functions/worker/src/handler.js";
import { drainDeadLetters, localClients, queueBodies } from "../../support/awsResources.js";
import { buildCli } from "../../support/cli.js";
import {
  createBucket,
  listAllKeys,
  makeS3Client,
  putObject,
  readObject,
  testEndpoints,
  uniqueBucketName,
} from "../../support/endpoints.js";
import { drainThroughHandler } from "../../support/eventSourceMapping.js";
import { type FaultProxy, startFaultProxy } from "../../support/faultProxy.js";
import { deployLocally, type LocalDeployment } from "../../support/functionEnvironment.js";
import { queueDepth, startWorker } from "../../support/workerProcess.js";

interface Buckets {
  readonly source: string;
  readonly destination: string;
  readonly events: string;
  readonly foreign: string;
}

const job = (source: [string, string], destination: [string, string]) =>
  JSON.stringify({
    schema: "s3-migrate/job",
    version: 1,
    source: { bucket: source[0], key: source[1], size: 5, etag: "0123456789abcdef0123456789abcdef" },
    destination: { bucket: destination[0], key: destination[1] },
    queuedAt: "",
  });
/** A batch of objects of one bucket pair: `[source key, destination key]` each. */
const batch = (sourceBucket: string, destinationBucket: string, keys: ReadonlyArray<[string, string]>) =>
  JSON.stringify({
    schema: "s3-migrate/batch",
    version: 1,
    sourceBucket,
    destinationBucket,
    objects: keys.map(([key, destinationKey]) => ({ key, size: 5, etag: "0123456789abcdef0123456789abcdef", destinationKey })),
    queuedAt: "",
  });
const original = (source: [string, string], destination: [string, string]) =>
  JSON.stringify({ Src_bucket: source[0], Src_key: source[1], Des_bucket: destination[0], Des_key: destination[1], Size: 5 });
const s3Event = (
  bucket: string,
  key: string,
  extra: { eventSource?: string; eventName?: string; sequencer?: string; eTag?: string } = {},
) =>
  JSON.stringify({
    Records: [
      {
        eventVersion: "2.1",
        eventSource: extra.eventSource ?? "aws:s3",
        eventName: extra.eventName ?? "ObjectCreated:Put",
        s3: {
          bucket: { name: bucket },
          object: {
            key: encodeURIComponent(key),
            size: 5,
            eTag: extra.eTag ?? "0123456789abcdef0123456789abcdef",
            sequencer: extra.sequencer ?? "0055AED6DCD90281E5",
          },
        },
      },
    ],
  });

/** Messages no configuration of the test allows, and the code each must be refused with. */
function craftedMessages(b: Buckets): Array<[string, string, string]> {
  return [
    ["job: unconfigured source bucket", job([b.foreign, "data/a"], [b.destination, "copied/data/a"]), "NotConfigured"],
    ["job: source outside the pair's prefix", job([b.source, "private/a"], [b.destination, "copied/private/a"]), "NotConfigured"],
    ["job: another destination key", job([b.source, "data/a"], [b.destination, "elsewhere/data/a"]), "DestinationNotMapped"],
    ["job: another destination bucket", job([b.source, "data/a"], [b.foreign, "copied/data/a"]), "DestinationNotMapped"],
    [
      "batch: one object outside the pair's prefix beside a configured one",
      batch(b.source, b.destination, [
        ["data/a", "copied/data/a"],
        ["private/a", "copied/private/a"],
      ]),
      "NotConfigured",
    ],
    [
      "batch: one object sent to another destination key",
      batch(b.source, b.destination, [
        ["data/a", "copied/data/a"],
        ["data/a", "elsewhere/data/a"],
      ]),
      "DestinationNotMapped",
    ],
    ["batch: unconfigured source bucket", batch(b.foreign, b.destination, [["data/a", "copied/data/a"]]), "NotConfigured"],
    ["original job: unconfigured source", original([b.foreign, "data/a"], [b.destination, "copied/data/a"]), "NotConfigured"],
    ["original job: another destination", original([b.source, "data/a"], [b.destination, "data/a"]), "DestinationNotMapped"],
    ["S3 event: foreign bucket", s3Event(b.foreign, "incoming/a.csv"), "ForeignEventSource"],
    ["S3 event: the pair's bucket, not the event bucket", s3Event(b.source, "data/a"), "ForeignEventSource"],
    ["S3 event: forged event source", s3Event(b.events, "incoming/a.csv", { eventSource: "aws:sqs" }), "ForeignEventSource"],
    ["S3 event: outside the notification filter", s3Event(b.events, "outgoing/a.csv"), "NotConfigured"],
    [
      "S3 event: forged removal, deletes off",
      s3Event(b.events, "incoming/a.csv", { eventName: "ObjectRemoved:Delete" }),
      "DeletesDisabled",
    ],
    [
      "S3 event: a foreign record beside a configured one",
      JSON.stringify({
        Records: [...JSON.parse(s3Event(b.events, "incoming/a.csv")).Records, ...JSON.parse(s3Event(b.foreign, "incoming/a.csv")).Records],
      }),
      "ForeignEventSource",
    ],
    ["job: an empty key (it would address the bucket)", job([b.source, ""], [b.destination, "copied/"]), "MalformedMessage"],
    [
      "job: outside the event filter's suffix",
      job([b.events, "incoming/a.key"], [b.destination, "events/incoming/a.key"]),
      "NotConfigured",
    ],
  ];
}

describe("trust boundary: messages outside the configuration", () => {
  const { source, destination } = testEndpoints();
  const src = makeS3Client(source.endpoint, source.region);
  const dst = makeS3Client(destination.endpoint, destination.region);
  const { sqs, documents } = localClients(source.endpoint);
  let buckets: Buckets;
  let sourceProxy: FaultProxy;
  let destinationProxy: FaultProxy;

  beforeAll(async () => {
    buckets = {
      source: await createBucket(src, uniqueBucketName("trust-src")),
      destination: await createBucket(dst, uniqueBucketName("trust-dst")),
      events: await createBucket(src, uniqueBucketName("trust-ev")),
      foreign: await createBucket(src, uniqueBucketName("trust-foreign")),
    };
    // Every object the crafted messages name exists, so a worker that obeyed them could copy.
    for (const [bucket, key] of [
      [buckets.source, "data/a"],
      [buckets.source, "private/a"],
      [buckets.foreign, "data/a"],
      [buckets.foreign, "incoming/a.csv"],
      [buckets.events, "incoming/a.csv"],
      [buckets.events, "outgoing/a.csv"],
    ] as const)
      await putObject(src, bucket, key, "hello");
    sourceProxy = await startFaultProxy({ target: source.endpoint });
    destinationProxy = await startFaultProxy({ target: destination.endpoint });
    buildCli();
    return async () => {
      await sourceProxy.close();
      await destinationProxy.close();
    };
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    resetWorkerForTests();
  });

  async function deploy(name: string, extra: Record<string, string> = {}): Promise<LocalDeployment> {
    const deployment = await deployLocally(
      name,
      [{ src_bucket: buckets.source, src_prefix: "data/", des_bucket: buckets.destination, des_prefix: "copied" }],
      "#",
      {
        AWS_ENDPOINT_URL_S3: sourceProxy.endpoint,
        EVENT_SOURCE_BUCKET: buckets.events,
        EVENT_FILTER_PREFIX: "incoming/",
        EVENT_FILTER_SUFFIX: ".csv",
        DEFAULT_DEST_BUCKET: buckets.destination,
        DEFAULT_DEST_PREFIX: "events",
        POWERTOOLS_LOG_LEVEL: "ERROR",
        ...extra,
      },
      destinationProxy.endpoint,
    );
    deployment.env.DEAD_LETTER_QUEUE_URL = deployment.dlqUrl;
    return deployment;
  }

  const send = (deployment: LocalDeployment, bodies: readonly string[]) => queueBodies(deployment.queue, bodies);

  const requestsSince = (marks: [number, number]) => [
    ...sourceProxy.requests.slice(marks[0]).map((r) => `source ${r.method} ${decodeURIComponent(r.path)}`),
    ...destinationProxy.requests.slice(marks[1]).map((r) => `destination ${r.method} ${decodeURIComponent(r.path)}`),
  ];
  const mark = (): [number, number] => [sourceProxy.requests.length, destinationProxy.requests.length];

  async function ledgerItems(table: string): Promise<number> {
    return (await documents.send(new ScanCommand({ TableName: table }))).Items?.length ?? 0;
  }

  it.each(["lambda", "cluster"] as const)(
    "refuses every crafted message in %s mode: nothing read, written or deleted, each dead-lettered with its reason",
    async (mode) => {
      // Prepare
      const deployment = await deploy(`trust-${mode}`);
      const crafted = craftedMessages(buckets);
      await send(
        deployment,
        crafted.map(([, body]) => body),
      );
      const before = mark();
      // Act
      if (mode === "lambda") {
        for (const [variable, value] of Object.entries(deployment.env)) vi.stubEnv(variable, value);
        const drained = await drainThroughHandler(sqs, deployment.queueUrl, handler);
        expect(drained.failures).toBe(0);
      } else {
        const worker = startWorker(deployment.env, ["--exit-when-idle", "3"]);
        expect(await worker.exited, worker.output()).toBe(0);
      }
      // Assess
      expect(requestsSince(before)).toEqual([]);
      const dead = await drainDeadLetters(sqs, deployment.dlqUrl);
      expect(dead.map((letter) => [letter.body, letter.errorCode]).sort()).toEqual(crafted.map(([, body, code]) => [body, code]).sort());
      for (const letter of dead) expect(letter.errorMessage).not.toMatch(/secret|testing|china-secret/i);
      expect(await queueDepth(sqs, deployment.queueUrl)).toBe(0);
      expect(await ledgerItems(deployment.table)).toBe(0);
      // Control: an allowed job is copied through the same proxies, so the silence above means something
      const control = mark();
      const key = `data/control-${mode}`;
      const etag = ((await putObject(src, buckets.source, key, "hello")).ETag ?? "").replaceAll('"', "");
      await send(deployment, [
        JSON.stringify({
          schema: "s3-migrate/job",
          version: 1,
          source: { bucket: buckets.source, key, size: 5, etag },
          destination: { bucket: buckets.destination, key: `copied/${key}` },
          queuedAt: "",
        }),
      ]);
      if (mode === "lambda") await drainThroughHandler(sqs, deployment.queueUrl, handler);
      else await startWorker(deployment.env, ["--exit-when-idle", "3"]).exited;
      // The control is the worker's first copy, so each side's client first asks where its bucket
      // is (HeadBucket, once per bucket and process; the pairs give no region); the refused
      // messages before it sent not even that.
      expect(requestsSince(control)).toEqual([
        `source HEAD /${buckets.source}/`,
        `source GET /${buckets.source}/${key}`,
        `destination HEAD /${buckets.destination}/`,
        `destination PUT /${buckets.destination}/copied/${key}`,
      ]);
    },
  );

  it("stale events (older sequencer) change nothing and write nothing; a forged removal of an object that exists deletes nothing; a real one deletes", async () => {
    // Prepare: deletes on; the event bucket's object copied through its (newest) event
    const deployment = await deploy("trust-stale", { PROPAGATE_DELETES: "true" });
    for (const [variable, value] of Object.entries(deployment.env)) vi.stubEnv(variable, value);
    const key = "incoming/stale.csv";
    const current = await putObject(src, buckets.events, key, "version two");
    const etag = (current.ETag ?? "").replaceAll('"', "");
    await send(deployment, [s3Event(buckets.events, key, { sequencer: "0055AED6DCD90281E6", eTag: etag })]);
    await drainThroughHandler(sqs, deployment.queueUrl, handler);
    expect((await readObject(dst, buckets.destination, `events/${key}`)).toString()).toBe("version two");
    // Act 1: older events of the same key (an earlier create, an earlier removal)
    let before = mark();
    await send(deployment, [
      s3Event(buckets.events, key, { sequencer: "0055AED6DCD90281E5", eTag: "0123456789abcdef0123456789abcdef" }),
      s3Event(buckets.events, key, { sequencer: "0055AED6DCD90281E4", eventName: "ObjectRemoved:Delete" }),
    ]);
    const stale = await drainThroughHandler(sqs, deployment.queueUrl, handler);
    // Assess 1: settled with one look at the source each (the create: is the version it names the
    // source's current one? the removal: is the object gone?), nothing written; the copy is intact
    expect(stale).toMatchObject({ processed: 2, failures: 0 });
    expect(requestsSince(before).sort()).toEqual([`source GET /${buckets.events}/`, `source HEAD /${buckets.events}/${key}`]);
    expect((await readObject(dst, buckets.destination, `events/${key}`)).toString()).toBe("version two");
    // Act 2: a newer removal, forged: the source object is still there
    before = mark();
    await send(deployment, [s3Event(buckets.events, key, { sequencer: "0055AED6DCD90281E7", eventName: "ObjectRemoved:Delete" })]);
    const forged = await drainThroughHandler(sqs, deployment.queueUrl, handler);
    // Assess 2: one listing of the configured source key (a one-key ListObjectsV2 under it),
    // nothing at the destination
    expect(forged).toMatchObject({ processed: 1, failures: 0 });
    expect(requestsSince(before)).toEqual([`source GET /${buckets.events}/`]);
    expect(sourceProxy.requests.at(-1)?.query).toMatchObject({ "list-type": "2", prefix: key, "max-keys": "1" });
    expect((await readObject(dst, buckets.destination, `events/${key}`)).toString()).toBe("version two");
    // Act 3: the source object really goes; its (newest) removal is applied
    await src.send(new DeleteObjectCommand({ Bucket: buckets.events, Key: key }));
    before = mark();
    await send(deployment, [s3Event(buckets.events, key, { sequencer: "0055AED6DCD90281E8", eventName: "ObjectRemoved:Delete" })]);
    expect(await drainThroughHandler(sqs, deployment.queueUrl, handler)).toMatchObject({ processed: 1, failures: 0 });
    // Assess 3: the destination copy is gone, the ledger remembers the removal and its sequencer
    // (the source is listed twice: once before the lease is taken, once under it)
    expect(requestsSince(before)).toEqual([
      `source GET /${buckets.events}/`,
      `source GET /${buckets.events}/`,
      `destination DELETE /${buckets.destination}/events/${key}`,
    ]);
    expect(await listAllKeys(dst, buckets.destination, `events/${key}`)).toEqual([]);
    const removed = await documents.send(
      new GetCommand({ TableName: deployment.table, Key: objectKey(buckets.destination, `events/${key}`) }),
    );
    expect(removed.Item).toMatchObject({ status: "deleted", eventSequencer: orderableSequencer("0055AED6DCD90281E8") });
    expect(await drainDeadLetters(sqs, deployment.dlqUrl)).toEqual([]);
  });
});
