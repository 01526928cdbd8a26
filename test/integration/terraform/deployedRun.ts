/**
 * Running what Terraform deployed on the local endpoints, as AWS would run it: the jobsender as
 * its schedule finds it and the worker as its queue mapping finds it, both in-process with the
 * environment read back from the deployed functions and every call going through a recorder;
 * then judging the recorded calls against the deployed policies.
 */
import { randomUUID } from "node:crypto";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  DescribeRuleCommand,
  type DescribeRuleCommandOutput,
  type EventBridgeClient,
  ListTargetsByRuleCommand,
} from "@aws-sdk/client-eventbridge";
import {
  GetEventSourceMappingCommand,
  GetFunctionConfigurationCommand,
  type LambdaClient,
  UpdateEventSourceMappingCommand,
} from "@aws-sdk/client-lambda";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { MIB } from "@s3-migrate/transfer";
import type { ScheduledEvent } from "aws-lambda";
import { vi } from "vitest";
import type { S3Side } from "../../support/endpoints.js";
import { drainThroughHandler } from "../../support/eventSourceMapping.js";
import { lambdaContext } from "../../support/lambdaContext.js";
import {
  type DeployedResource,
  type FunctionBundles,
  lambdaRuntimeEnvironment,
  type ModuleOutputs,
  type TerraformWorkspace,
} from "../../support/terraformDeploy.js";
import { randomBody } from "../../support/transferBed.js";
import { type CallScope, isAllowed, type Permission, type PolicyDocument, permissionsOf } from "./iamPermissions.js";
import type { RecordedCall, RequestRecorder } from "./requestRecorder.js";

/** The multipart object of `mixedDataset`: three parts of 5 MiB. */
export const MULTIPART_KEY = "big/twelve-mib.bin";

/** Odd keys and edge sizes; 5 MiB is the single-PUT threshold, 12 MiB takes three 5 MiB parts. */
export function mixedDataset(): Map<string, Buffer> {
  return new Map([
    ["empty.bin", randomBody(0)],
    ["folder/", randomBody(0)],
    ["folder/inside.txt", randomBody(1)],
    ["odd/with space.txt", randomBody(1_000)],
    ["odd/a+b=c&d.txt", randomBody(2_048)],
    ["odd/数据 ü 😀.bin", randomBody(70_000)],
    ["odd/100% sure?#.txt", randomBody(300)],
    ["deep/a/b/c/d/threshold.bin", randomBody(5 * MIB)],
    [MULTIPART_KEY, randomBody(12 * MIB + 7)],
  ]);
}

/**
 * Copies the built bundles to a directory of their own, for a deployment to hash and upload:
 * a `pnpm build` running meanwhile (another change being made in the same tree) rewrites the
 * zips, and Terraform refuses an apply whose file changed between its plan and its apply
 * ("Provider produced inconsistent final plan": source_code_hash). The handlers themselves run
 * from source. `remove` deletes the copies.
 */
export function snapshotBundles(bundles: FunctionBundles): FunctionBundles & { remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), "s3m-bundles-"));
  const copy = (zip: string) => {
    const target = path.join(dir, path.basename(zip));
    copyFileSync(zip, target);
    return target;
  };
  return { worker: copy(bundles.worker), jobsender: copy(bundles.jobsender), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The clients that read the deployment back. */
export interface DeploymentReaders {
  readonly lambda: LambdaClient;
  readonly events: EventBridgeClient;
  readonly sqs: SQSClient;
}

/** Where each function's run began, as call counts of the recorders, for `permissionsSince`. */
export type RunMarks<Side extends string> = Record<"jobsender" | "worker" | "end", Record<Side, number>>;

/**
 * Applies `workspace` and reads back its outputs and state, with the queue mapping disabled:
 * moto's own mapping runs the worker in Docker on every SendMessage (without Docker it receives
 * the message, fails and releases it, one more ApproximateReceiveCount each time; with Docker it
 * would pull a runtime image), so the in-process drain of `runDeployedFunctions` plays it.
 */
export async function applyWithoutMapping(workspace: TerraformWorkspace, lambda: LambdaClient) {
  await workspace.apply();
  const outputs = await workspace.outputs();
  const deployed = await workspace.resources();
  await lambda.send(new UpdateEventSourceMappingCommand({ UUID: outputs.string("event_source_mapping_uuid"), Enabled: false }));
  return { outputs, deployed };
}

/** Destroys and removes `workspace` (absent when the setup failed early), then runs `cleanUp` whatever happened. */
export async function destroyDeployment(workspace: TerraformWorkspace | undefined, cleanUp: () => Promise<unknown>): Promise<void> {
  vi.unstubAllEnvs();
  try {
    await workspace?.destroy();
  } finally {
    workspace?.remove();
    await cleanUp();
  }
}

/**
 * Runs the deployed jobsender once (as its schedule would) and drains the job queue through the
 * deployed worker (as its mapping would), with `own` as every service's endpoint through
 * `recorder`; `mark` is called before each function and at the end, to note where its calls begin.
 */
export async function runDeployedFunctions(
  outputs: ModuleOutputs,
  readers: DeploymentReaders,
  own: S3Side,
  recorder: RequestRecorder,
  mark: (stage: "jobsender" | "worker" | "end") => void,
) {
  const rule = await readers.events.send(new DescribeRuleCommand({ Name: outputs.string("jobsender_schedule_rule_name") }));
  const { Targets = [] } = await readers.events.send(
    new ListTargetsByRuleCommand({ Rule: outputs.string("jobsender_schedule_rule_name") }),
  );
  const mapping = await readers.lambda.send(new GetEventSourceMappingCommand({ UUID: outputs.string("event_source_mapping_uuid") }));
  const jobsender = await readers.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: Targets[0]?.Arn }));
  const worker = await readers.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: mapping.FunctionArn }));
  const through = { ...own, endpoint: recorder.endpoint };
  mark("jobsender");
  stubEnvironment(throughRecorder(lambdaRuntimeEnvironment(jobsender, through), recorder));
  const { handler: jobsenderHandler } = await import("../../../functions/jobsender/src/handler.js");
  const report = await jobsenderHandler(
    scheduledEvent(rule, own.region),
    lambdaContext(jobsender.FunctionName ?? "jobsender", (jobsender.Timeout ?? 0) * 1000),
  );
  mark("worker");
  stubEnvironment(throughRecorder(lambdaRuntimeEnvironment(worker, through), recorder));
  const { handler: workerHandler, resetWorkerForTests } = await import("../../../functions/worker/src/handler.js");
  // a changed configuration reaches fresh execution environments only: a cold start
  resetWorkerForTests();
  const drained = await drainThroughHandler(readers.sqs, outputs.string("job_queue_url"), workerHandler, {
    batchSize: mapping.BatchSize ?? 1,
    timeoutMs: (worker.Timeout ?? 0) * 1000,
  });
  mark("end");
  return { report, drained };
}

function scheduledEvent(rule: DescribeRuleCommandOutput, region: string): ScheduledEvent {
  return {
    version: "0",
    id: randomUUID(),
    "detail-type": "Scheduled Event",
    source: "aws.events",
    account: rule.Arn?.split(":")[4] ?? "",
    time: new Date().toISOString(),
    region,
    resources: [rule.Arn ?? ""],
    detail: {},
  };
}

/** The permissions the calls recorded from `from` on need, each with the call it came from. */
export function permissionsSince(calls: readonly RecordedCall[], from: number, scope: CallScope): Permission[] {
  return calls.slice(from).flatMap((call) => permissionsOf(call, scope));
}

/** What of `needed` the policy would refuse on AWS, one line per action and resource (empty when all is allowed). */
export function refused(policy: PolicyDocument, needed: readonly Permission[]): string[] {
  const lines = new Map<string, string>();
  for (const permission of needed) {
    const what = `${permission.action} on ${permission.resource}`;
    if (!lines.has(what) && !isAllowed(policy, permission)) lines.set(what, `${what} (e.g. ${permission.call})`);
  }
  return [...lines.values()];
}

/** The policy document of the resource at `address` in the applied state. */
export function policyOf(resources: readonly DeployedResource[], address: string): PolicyDocument {
  const found = resources.find((resource) => resource.address === address);
  if (typeof found?.values.policy !== "string") throw new Error(`No policy at ${address} in the state`);
  return JSON.parse(found.values.policy) as PolicyDocument;
}

/**
 * The runtime environment with the queue URLs on the recorder's origin. The SQS client sends a
 * call to its QueueUrl's host when that differs from its endpoint (useQueueUrlAsEndpoint), so
 * moto's URLs would bypass AWS_ENDPOINT_URL_SQS; on AWS both are the SQS endpoint.
 */
function throughRecorder(env: Record<string, string>, recorder: RequestRecorder): Record<string, string> {
  const moved = { ...env };
  for (const name of ["JOB_QUEUE_URL", "DEAD_LETTER_QUEUE_URL"]) {
    const url = env[name];
    if (url !== undefined && url !== "") moved[name] = `${recorder.endpoint}${new URL(url).pathname}`;
  }
  return moved;
}

function stubEnvironment(env: Record<string, string>): void {
  vi.unstubAllEnvs();
  for (const [variable, value] of Object.entries(env)) vi.stubEnv(variable, value);
}
