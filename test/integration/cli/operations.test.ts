import { SendMessageCommand } from "@aws-sdk/client-sqs";
import { FanoutTransitions, ObjectLedger, ObjectTransitions } from "@s3-migrate/pipeline";
import { beforeAll, describe, expect, it } from "vitest";
import { drainQueue, localClients } from "../../support/awsResources.js";
import { buildCli, runCli } from "../../support/cli.js";
import { testEndpoints } from "../../support/endpoints.js";
import { deployLocally, type LocalDeployment } from "../../support/functionEnvironment.js";

describe("s3-migrate status / redrive (CLI)", () => {
  const { source } = testEndpoints();
  const { sqs, documents } = localClients(source.endpoint);
  let deployment: LocalDeployment;
  const env = () => ({ AWS_ENDPOINT_URL_SQS: source.endpoint, AWS_ENDPOINT_URL_DYNAMODB: source.endpoint, AWS_REGION: "us-east-1" });

  beforeAll(async () => {
    buildCli();
    deployment = await deployLocally("ops", [{ src_bucket: "src-b", des_bucket: "dst-b" }]);
    // Prepare: 2 queued (3 + 4 bytes), 1 done (1,000 bytes), 1 failed (5 bytes), 1 fanned out
    // (40 bytes in 4 ranges: 1 done, 1 in progress, 2 waiting); 3 dead letters
    const ledger = new ObjectLedger(documents, deployment.table);
    const transitions = new ObjectTransitions(documents, deployment.table);
    const now = new Date();
    const object = (key: string, size: number) => ({
      srcBucket: "src-b",
      srcKey: key,
      desBucket: "dst-b",
      desKey: key,
      size,
      srcEtag: `etag-${key}`,
    });
    await ledger.markQueued(object("q1", 3), now);
    await ledger.markQueued(object("q2", 4), now);
    const lease = (key: string, size: number) => ({ identity: object(key, size), token: `token-${key}` });
    const claim = (key: string) => ({ token: `token-${key}`, messageId: `message-${key}`, expiresAt: now.getTime() + 60_000 });
    await transitions.begin(object("d1", 1000), claim("d1"), 0, now);
    await transitions.finish(lease("d1", 1000), { status: "done", desEtag: "x", verification: "source-etag" }, now);
    await transitions.begin(object("f1", 5), claim("f1"), 0, now);
    await transitions.finish(lease("f1", 5), { status: "failed", errorCode: "AccessDenied", error: "denied" }, now);
    await transitions.begin(object("g1", 40), claim("g1"), 0, now);
    const fanout = new FanoutTransitions(documents, deployment.table);
    const ranges = [0, 1, 2, 3].map((index) => ({ index, firstPart: index + 1, lastPart: index + 1, bytes: 10 }));
    const plan = { uploadId: "upload-g1", partSize: 10, partCount: 4, layoutMatches: false, rangeParts: 1, ranges };
    await fanout.startFanout(lease("g1", 40), plan, now.getTime() + 900_000, now);
    const range = (index: number) => ({ desBucket: "dst-b", desKey: "g1", uploadId: "upload-g1", index });
    for (const index of [0, 1]) await fanout.beginRange(range(index), claim(`g1-${index}`), 0, now);
    await fanout.finishRange({ range: range(0), token: "token-g1-0" }, { partsUploaded: 1, partsResumed: 0 }, now);
    for (const body of ["one", "two", "three"]) await sqs.send(new SendMessageCommand({ QueueUrl: deployment.dlqUrl, MessageBody: body }));
  });

  it("status summarises the ledger and the queues", async () => {
    const run = await runCli(
      ["status", "--ledger-table", deployment.table, "--queue-url", deployment.queueUrl, "--dlq-url", deployment.dlqUrl, "--json"],
      env(),
    );
    expect(run.status, run.stderr).toBe(0);
    const status = JSON.parse(run.stdout);
    expect(status.ledger.byStatus).toEqual({
      queued: { objects: 2, bytes: 7 },
      in_progress: { objects: 1, bytes: 40 },
      done: { objects: 1, bytes: 1000 },
      failed: { objects: 1, bytes: 5 },
      skipped: { objects: 0, bytes: 0 },
      deleted: { objects: 0, bytes: 0 },
    });
    expect(status.ledger.verifiedBy).toEqual({ sourceChecksum: 0, sourceEtag: 1, partChecksums: 0 });
    expect(status.ledger.bytesPerSecond).toBeCloseTo(1000 / 600);
    expect(status.ledger.etaSeconds).toBeCloseTo(47 / (1000 / 600));
    expect(status.ledger.fanoutsInProgress).toBe(1);
    expect(status.ledger.fanouts).toEqual([
      { bucket: "dst-b", key: "g1", bytes: 40, bytesDone: 10, ranges: { waiting: 2, in_progress: 1, done: 1, failed: 0, aborted: 0 } },
    ]);
    expect(status.deadLetters).toEqual({ waiting: 3, inFlight: 0 });
    const human = await runCli(["status", "--ledger-table", deployment.table, "--dlq-url", deployment.dlqUrl], env());
    expect(human.stdout).toMatch(/dead letters 3 \(s3-migrate redrive moves them back\)/);
    expect(human.stdout).toMatch(
      /fanned out {3}1 in progress\n {4}s3:\/\/dst-b\/g1: 10 B of 40 B; ranges 1 done, 1 in progress, 2 waiting\n/,
    );
  });

  it("redrive moves every dead letter back to the job queue", async () => {
    const run = await runCli(["redrive", "--dlq-url", deployment.dlqUrl, "--queue-url", deployment.queueUrl], env());
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/moved 3 messages|SQS is moving/);
    expect((await drainQueue(sqs, deployment.queueUrl)).sort()).toEqual(["one", "three", "two"]);
    expect(await drainQueue(sqs, deployment.dlqUrl)).toEqual([]);
  });
});
