/**
 * The deployed functions on every shape of the regions-and-owners matrix
 * (test/support/regionMatrix.ts): the jobsender's Lambda handler and the worker's, configured as
 * Terraform configures them (the functions in us-east-1, the pairs parameter giving no regions,
 * the keyed side's keys in an SSM SecureString), against the region front, which refuses what S3
 * refuses. Each of the two functions looks each bucket's region up once (one 301 when the side's
 * home is not the bucket's region), and nothing is refused or dead-lettered.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { handler as jobsenderHandler } from "../../../functions/jobsender/src/handler.js";
import { resetWorkerForTests, handler as workerHandler } from "../../../functions/worker/src/handler.js";
import { drainDeadLetters, localClients } from "../../support/awsResources.js";
import { buildCli } from "../../support/cli.js";
import { drainThroughHandler } from "../../support/eventSourceMapping.js";
import { deployLocally, SMALL_FANOUT_ENV } from "../../support/functionEnvironment.js";
import { lambdaContext } from "../../support/lambdaContext.js";
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

/** Runs one jobsender pass and drains the queue through the worker, both with `env`, cold. */
async function runDeployed(env: Record<string, string>) {
  vi.unstubAllEnvs();
  for (const [variable, value] of Object.entries(env)) vi.stubEnv(variable, value);
  resetWorkerForTests();
  const report = await jobsenderHandler(
    { time: new Date().toISOString(), region: OWN_REGION } as Parameters<typeof jobsenderHandler>[0],
    lambdaContext("jobsender", 120_000),
  );
  const drained = await drainThroughHandler(localClients(serverOf("global")).sqs, env.JOB_QUEUE_URL ?? "", workerHandler, {
    batchSize: 10,
  });
  return { report, drained };
}

/** A deployment of `bed` on the test bed, its pair written as a user writes it (owners only when the shape gives them). */
async function deploy(bed: ShapeBed, tag: string, owners: { source: string; destination: string } | undefined) {
  const { shape } = bed;
  const pair = {
    src_bucket: bed.sourceBucket,
    src_prefix: "odd/",
    des_bucket: bed.destinationBucket,
    des_prefix: "deployed/",
    ...(owners === undefined ? {} : { src_owner: owners.source, des_owner: owners.destination }),
  };
  const deployment = await deployLocally(tag, [pair], "#", {
    ...SMALL_FANOUT_ENV,
    AWS_REGION: OWN_REGION,
    // the role's side: the Global server (every shape's role side is Global)
    AWS_ENDPOINT_URL_S3: serverOf("global"),
    CREDENTIALS_PARAMETER: bed.credentialsParameter ?? "",
    DIRECTION: shape.keyed?.side === "source" ? "GET" : "PUT",
    ...(shape.serverSide ? { SERVER_SIDE_COPY: "true" } : {}),
  });
  deployment.env.DEAD_LETTER_QUEUE_URL = deployment.dlqUrl;
  return deployment;
}

describe("the deployed functions across regions, accounts and partitions", () => {
  beforeAll(() => buildCli());
  afterEach(() => {
    vi.unstubAllEnvs();
    resetWorkerForTests();
  });

  it.each(SHAPES.map((shape, index) => [shape.name, index] as const))(
    "%s: the jobsender queues, the worker copies and proves, each looks a bucket's region up once, nothing dead-lettered",
    { timeout: 180_000 },
    async (_name, index) => {
      // Prepare
      const shape = SHAPES[index];
      if (shape === undefined) throw new Error("no shape");
      const bed = await openShape(shape, `fn-shape-${index}`);
      const deployment = await deploy(
        bed,
        `fn-shape-${index}`,
        shape.owners ? { source: bed.sourceOwner, destination: bed.destinationOwner } : undefined,
      );
      const before = await shapeCounts(bed);
      // Act
      const { report, drained } = await runDeployed(deployment.env);
      // Assess
      expect(report.pairs).toMatchObject([{ status: "complete", counts: { listed: 2, queued: 2 } }]);
      expect(drained.failures).toBe(0);
      expect(await drainDeadLetters(localClients(serverOf("global")).sqs, deployment.dlqUrl)).toEqual([]);
      expect(await destinationMismatches(bed, "deployed/")).toEqual([]);
      // two functions, two cold starts: one lookup per bucket in each
      expect(await shapeCountsSince(bed, before)).toMatchObject(cleanRunCounts(shape, 2));
    },
  );

  it("a pair naming the wrong owner of its destination: the pass reports it, nothing is queued or written", {
    timeout: 180_000,
  }, async () => {
    // Prepare: the destination is the other account's; the pair says the default account's
    const shape = SHAPES[2];
    if (shape === undefined) throw new Error("no shape");
    const bed = await openShape(shape, "fn-wrong-owner");
    const deployment = await deploy(bed, "fn-wrong-owner", { source: bed.sourceOwner, destination: DEFAULT_ACCOUNT });
    const before = await shapeCounts(bed);
    // Act
    const { report } = await runDeployed(deployment.env);
    // Assess
    // the pass's preflight tells a foreign owner from a denial: refused with the owner, answered without it
    expect(report.pairs).toMatchObject([{ status: "failed", counts: { listed: 0, queued: 0 }, error: { code: "OwnerMismatch" } }]);
    expect(report.pairs[0]?.error?.message).toContain(`ExpectedBucketOwner ${DEFAULT_ACCOUNT}`);
    expect(await destinationMismatches(bed, "deployed/")).toEqual([...bed.bodies.keys()]);
    expect((await shapeCountsSince(bed, before)).destination.ownerRefusals).toBeGreaterThan(0);
  });
});
