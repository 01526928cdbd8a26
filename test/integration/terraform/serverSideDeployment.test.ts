/**
 * End to end through Terraform with `server_side_copy`: applies the root module to the local
 * endpoint with both buckets on it (one partition, one identity: the functions' role), runs the
 * deployed jobsender and worker in-process as the schedule and the mapping would, and checks
 * that S3 copied every byte itself (no GetObject of the source at all, odd keys, a batch of small
 * objects and a fanned-out one included) and that the deployed policies allow every call made.
 */
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { GetFunctionConfigurationCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { GetBucketPolicyCommand, PutBucketPolicyCommand } from "@aws-sdk/client-s3";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { objectKey } from "@s3-migrate/pipeline";
import { MIB } from "@s3-migrate/transfer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drainDeadLetters, localClients } from "../../support/awsResources.js";
import {
  createBucket,
  listAllKeys,
  makeS3Client,
  putObject,
  readObject,
  testEndpoints,
  uniqueBucketName,
} from "../../support/endpoints.js";
import {
  createTerraformWorkspace,
  type DeployedResource,
  ensureFunctionBundles,
  type ModuleOutputs,
  type TerraformWorkspace,
} from "../../support/terraformDeploy.js";
import { openUploads, putMultipartObject } from "../../support/transferBed.js";
import {
  applyWithoutMapping,
  destroyDeployment,
  MULTIPART_KEY,
  mixedDataset,
  permissionsSince,
  policyOf,
  refused,
  runDeployedFunctions,
} from "./deployedRun.js";
import { type CallScope, isAllowed, type Permission } from "./iamPermissions.js";
import { type RequestRecorder, startRequestRecorder } from "./requestRecorder.js";

const { source } = testEndpoints();
const own = { endpoint: source.endpoint, region: source.region, credentials: { accessKeyId: "testing", secretAccessKey: "testing" } };
const name = `s3m-ssc-${process.pid}`;
const DESTINATION_PREFIX = "copied/";

describe("terraform deployment with server_side_copy on the local endpoint", () => {
  const s3 = makeS3Client(source.endpoint, source.region);
  const { sqs, documents } = localClients(source.endpoint);
  const lambda = new LambdaClient(own);
  const events = new EventBridgeClient(own);
  const sourceBucket = uniqueBucketName("ssc-tf-src");
  const destinationBucket = uniqueBucketName("ssc-tf-dst");
  const dataset = mixedDataset();
  let workspace: TerraformWorkspace | undefined;
  let outputs: ModuleOutputs;
  let deployed: DeployedResource[];
  let recorder: RequestRecorder | undefined;
  const runs = { jobsender: { own: 0 }, worker: { own: 0 }, end: { own: 0 } };

  beforeAll(async () => {
    await createBucket(s3, sourceBucket);
    await createBucket(s3, destinationBucket);
    recorder = await startRequestRecorder(source.endpoint);
    const bundles = await ensureFunctionBundles();
    workspace = createTerraformWorkspace({
      name: `tf-ssc-${process.pid}`,
      endpoint: source,
      inputs: {
        name_prefix: name,
        worker_zip_path: bundles.worker,
        jobsender_zip_path: bundles.jobsender,
        bucket_pairs: [{ src_bucket: sourceBucket, src_prefix: "", des_bucket: destinationBucket, des_prefix: DESTINATION_PREFIX }],
        server_side_copy: true,
        copy_tags: true,
        create_monitoring: false,
        ledger_deletion_protection: false,
        // 5 MiB parts; the 12 MiB object (3 parts) fans out in ranges of 2 parts
        part_size_mib: 5,
        small_object_threshold_mib: 5,
        fanout_threshold_mib: 10,
        fanout_range_parts: 2,
        log_level: "WARN",
      },
    });
    ({ outputs, deployed } = await applyWithoutMapping(workspace, lambda));
  }, 300_000);

  afterAll(() => destroyDeployment(workspace, async () => recorder?.close()), 180_000);

  it("deploys the worker copying server-side with no credentials parameter, and a bucket policy S3 accepts for each bucket", async () => {
    // Act
    const worker = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: outputs.string("worker_function_name") }));
    const policies = outputs.record("bucket_policies_json");
    for (const [bucket, policy] of Object.entries(policies)) await s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: policy }));
    const applied = await s3.send(new GetBucketPolicyCommand({ Bucket: destinationBucket }));

    // Assess
    expect(worker.Environment?.Variables).toMatchObject({ SERVER_SIDE_COPY: "true" });
    expect(worker.Environment?.Variables?.CREDENTIALS_PARAMETER ?? "").toBe("");
    expect(Object.keys(policies).sort()).toEqual([sourceBucket, destinationBucket].sort());
    const statements = (JSON.parse(applied.Policy ?? "{}") as { Statement: { Sid: string; Principal: { AWS: string[] } }[] }).Statement;
    expect(statements.map((statement) => statement.Sid).sort()).toEqual([
      "ListDestinationMultipartUploads",
      "ListDestinationObjects",
      "WriteDestinationObjects",
    ]);
    expect(statements.find((statement) => statement.Sid === "WriteDestinationObjects")?.Principal.AWS).toEqual([
      outputs.string("worker_role_arn"),
    ]);
  });

  it("migrates the mixed dataset inside S3: byte-identical, proven, no source byte read by the functions", async () => {
    // Prepare
    for (const [key, body] of dataset) {
      if (key === MULTIPART_KEY) await putMultipartObject(s3, sourceBucket, key, body, 5 * MIB);
      else await putObject(s3, sourceBucket, key, body);
    }
    if (recorder === undefined) throw new Error("the recorder did not start");
    const calls = recorder;

    // Act
    const { report, drained } = await runDeployedFunctions(outputs, { lambda, events, sqs }, source, calls, (stage) => {
      runs[stage] = { own: calls.calls.length };
    });

    // Assess
    expect(report.pairs).toMatchObject([{ status: "complete", counts: { queued: dataset.size } }]);
    expect(drained.failures).toBe(0);
    const expectedKeys = [...dataset.keys()].map((key) => `${DESTINATION_PREFIX}${key}`).sort();
    expect((await listAllKeys(s3, destinationBucket, DESTINATION_PREFIX)).sort()).toEqual(expectedKeys);
    for (const [key, body] of dataset) {
      expect((await readObject(s3, destinationBucket, `${DESTINATION_PREFIX}${key}`)).equals(body), key).toBe(true);
      const record = await documents.send(
        new GetCommand({
          TableName: outputs.string("ledger_table_name"),
          Key: objectKey(destinationBucket, `${DESTINATION_PREFIX}${key}`),
        }),
      );
      expect(record.Item, key).toMatchObject({ status: "done", verification: "source-checksum" });
    }
    const functionCalls = calls.calls.slice(runs.jobsender.own, runs.end.own);
    const sourceReads = functionCalls.filter(
      (call) =>
        call.method === "GET" && call.path.startsWith(`/${sourceBucket}/`) && Object.keys(call.query).every((name) => name === "x-id"),
    );
    expect(sourceReads).toEqual([]);
    const copies = functionCalls.filter((call) => call.copySource !== undefined);
    // one CopyObject per object up to the threshold, one UploadPartCopy per part above it
    expect(copies.filter((call) => call.query.partNumber === undefined)).toHaveLength(dataset.size - 1);
    expect(copies.filter((call) => call.query.partNumber !== undefined)).toHaveLength(3);
    expect(await openUploads(s3, destinationBucket)).toEqual([]);
    expect(await drainDeadLetters(sqs, outputs.string("dlq_url"))).toEqual([]);
  });

  it("needed no permission beyond the deployed policies, with the role on both sides and no key", () => {
    // Prepare
    const workerPolicy = policyOf(deployed, 'module.s3_migrate.module.worker.aws_iam_role_policy.additional["migrate"]');
    const jobsenderPolicy = policyOf(deployed, 'module.s3_migrate.module.jobsender.aws_iam_role_policy.additional["migrate"]');
    const account = outputs.string("worker_role_arn").split(":")[4] ?? "";
    const scope: CallScope = { partition: "aws", region: source.region, account };
    const calls = recorder?.calls ?? [];

    // Act
    const jobsenderNeeds = permissionsSince(calls.slice(0, runs.worker.own), runs.jobsender.own, scope);
    const workerNeeds = permissionsSince(calls.slice(0, runs.end.own), runs.worker.own, scope);
    const mapping = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"].map(
      (action): Permission => ({ action, resource: outputs.string("job_queue_arn"), context: {}, call: "event source mapping" }),
    );

    // Assess
    expect(jobsenderNeeds.map((p) => p.resource)).toEqual(
      expect.arrayContaining([`arn:aws:s3:::${sourceBucket}`, `arn:aws:s3:::${destinationBucket}`]),
    );
    expect(workerNeeds.map((p) => p.action)).toEqual(
      expect.arrayContaining(["s3:GetObject", "s3:PutObject", "s3:GetObjectTagging", "s3:PutObjectTagging", "sqs:SendMessage"]),
    );
    expect(refused(jobsenderPolicy, jobsenderNeeds)).toEqual([]);
    expect(refused(workerPolicy, [...workerNeeds, ...mapping])).toEqual([]);
    expect(workerNeeds.filter((p) => p.action === "ssm:GetParameter").map((p) => p.resource)).not.toContainEqual(
      expect.stringContaining("credentials"),
    );
    // ... and the grants stop at the pairs: nothing outside the destination prefix, no key parameter
    const probe = (action: string, resource: string): Permission => ({ action, resource, context: {}, call: "probe" });
    expect(isAllowed(workerPolicy, probe("s3:PutObject", `arn:aws:s3:::${destinationBucket}/elsewhere.bin`))).toBe(false);
    expect(isAllowed(workerPolicy, probe("s3:PutObject", `arn:aws:s3:::${sourceBucket}/empty.bin`))).toBe(false);
    expect(
      isAllowed(workerPolicy, probe("ssm:GetParameter", `arn:aws:ssm:${source.region}:${account}:parameter/s3_migration_credentials`)),
    ).toBe(false);
  });
});
