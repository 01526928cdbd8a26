import { CloudWatchClient, DescribeAlarmsCommand, GetDashboardCommand } from "@aws-sdk/client-cloudwatch";
import { DescribeTableCommand, DescribeTimeToLiveCommand } from "@aws-sdk/client-dynamodb";
import { DescribeRuleCommand, EventBridgeClient, ListTargetsByRuleCommand } from "@aws-sdk/client-eventbridge";
import { GetEventSourceMappingCommand, GetFunctionConfigurationCommand, GetPolicyCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { GetBucketPolicyCommand, HeadObjectCommand, PutBucketPolicyCommand } from "@aws-sdk/client-s3";
import { GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import { DeleteParameterCommand, PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { GetCommand, paginateQuery } from "@aws-sdk/lib-dynamodb";
import { LEDGER_KEYS, ledgerTableDefinition, METRICS, type MetricName, OBJECT_STATUS, objectKey } from "@s3-migrate/pipeline";
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
import { DEFAULT_ACCOUNT } from "../../support/regionMatrix.js";
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
  snapshotBundles,
} from "./deployedRun.js";
import { type CallScope, isAllowed, isDenied, type Permission, type PolicyDocument } from "./iamPermissions.js";
import { type RequestRecorder, startRequestRecorder } from "./requestRecorder.js";

const { source, destination } = testEndpoints();
const own = { endpoint: source.endpoint, region: source.region, credentials: { accessKeyId: "testing", secretAccessKey: "testing" } };
const name = `s3m-e2e-${process.pid}`;
const DESTINATION_PREFIX = "migrated/";
const IGNORED_KEY = "scratch/draft.tmp";

describe("terraform deployment (complete example without the NAT instance) on the local endpoints", () => {
  const src = makeS3Client(source.endpoint, source.region);
  const dst = makeS3Client(destination.endpoint, destination.region);
  const { sqs, documents } = localClients(source.endpoint);
  const lambda = new LambdaClient(own);
  const events = new EventBridgeClient(own);
  const cloudwatch = new CloudWatchClient(own);
  const ssm = new SSMClient(own);
  const credentialsParameter = `/${name}/credentials`;
  const sourceBucket = uniqueBucketName("tf-src");
  const destinationBucket = uniqueBucketName("tf-dst");
  const dataset = mixedDataset();
  let workspace: TerraformWorkspace | undefined;
  let inputs: Record<string, unknown> = {};
  let outputs: ModuleOutputs;
  let deployed: DeployedResource[];
  // The handlers reach both sides through these, so that their calls can be checked against the
  // deployed policies; the calls of each function are told apart by where each run started.
  let ownSide: RequestRecorder | undefined;
  let otherSide: RequestRecorder | undefined;
  let bundles: ReturnType<typeof snapshotBundles> | undefined;
  const runs = { jobsender: { own: 0, other: 0 }, worker: { own: 0, other: 0 }, end: { own: 0, other: 0 } };

  beforeAll(async () => {
    await createBucket(src, sourceBucket);
    await createBucket(dst, destinationBucket);
    ownSide = await startRequestRecorder(source.endpoint);
    otherSide = await startRequestRecorder(destination.endpoint);
    // The README's way: the destination's keys in a SecureString created out of band, so that
    // they never enter the Terraform state. `endpoint` sends them to the destination moto.
    await ssm.send(
      new PutParameterCommand({
        Name: credentialsParameter,
        Type: "SecureString",
        Value: JSON.stringify({
          aws_access_key_id: "testing",
          aws_secret_access_key: "testing",
          region: destination.region,
          endpoint: otherSide.endpoint,
        }),
      }),
    );
    bundles = snapshotBundles(await ensureFunctionBundles());
    inputs = {
      // As examples/complete, with enable_nat_instance left off.
      name_prefix: name,
      worker_zip_path: bundles.worker,
      jobsender_zip_path: bundles.jobsender,
      // No regions: the functions find them. Owners given: every request carries
      // ExpectedBucketOwner (the region front refuses a wrong one) and the grants s3:ResourceAccount.
      bucket_pairs: [
        {
          src_bucket: sourceBucket,
          src_prefix: "",
          des_bucket: destinationBucket,
          des_prefix: DESTINATION_PREFIX,
          src_owner: DEFAULT_ACCOUNT,
          des_owner: DEFAULT_ACCOUNT,
        },
      ],
      ignore_list: ["*.tmp"],
      direction: "PUT",
      credentials_parameter_name: credentialsParameter,
      storage_class: "STANDARD",
      sse: "AES256",
      copy_tags: true,
      worker_memory_size: 1769,
      worker_maximum_concurrency: 200,
      jobsender_schedule: "rate(1 hour)",
      alarm_email: "ops@example.com",
      log_retention_in_days: 90,
      ledger_deletion_protection: false,
      tags: { project: "s3-migrate", purpose: "end-to-end-test" },
      // Small parts, so that a 12 MiB object is a multipart transfer; quiet logs.
      part_size_mib: 5,
      small_object_threshold_mib: 5,
      log_level: "WARN",
    };
    workspace = createTerraformWorkspace({ name: `tf-e2e-${process.pid}`, endpoint: source, inputs });
    ({ outputs, deployed } = await applyWithoutMapping(workspace, lambda));
  }, 300_000);

  afterAll(
    () =>
      destroyDeployment(workspace, async () => {
        // Absent when the setup failed before creating it.
        await ssm.send(new DeleteParameterCommand({ Name: credentialsParameter })).catch(() => undefined);
        await Promise.all([ownSide?.close(), otherSide?.close()]);
        bundles?.remove();
      }),
    180_000,
  );

  it("deploys the functions with their environment contract, the schedule, the queue mapping and the monitoring", async () => {
    // Act
    const worker = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: outputs.string("worker_function_name") }));
    const jobsender = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: outputs.string("jobsender_function_name") }));
    const mapping = await lambda.send(new GetEventSourceMappingCommand({ UUID: outputs.string("event_source_mapping_uuid") }));
    const rule = await events.send(new DescribeRuleCommand({ Name: outputs.string("jobsender_schedule_rule_name") }));
    const targets = await events.send(new ListTargetsByRuleCommand({ Rule: outputs.string("jobsender_schedule_rule_name") }));
    const permission = await lambda.send(new GetPolicyCommand({ FunctionName: outputs.string("jobsender_function_name") }));
    const dashboard = await cloudwatch.send(new GetDashboardCommand({ DashboardName: outputs.string("dashboard_name") }));
    const alarms = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: outputs.strings("alarm_names") }));

    // Assess
    expect(worker.Environment?.Variables).toEqual(outputs.record("worker_environment"));
    expect(jobsender.Environment?.Variables).toEqual(outputs.record("jobsender_environment"));
    expect(worker).toMatchObject({ Runtime: "nodejs22.x", Handler: "index.handler", MemorySize: 1769, Timeout: 900 });
    expect(mapping).toMatchObject({
      EventSourceArn: outputs.string("job_queue_arn"),
      FunctionArn: outputs.string("worker_function_arn"),
      FunctionResponseTypes: ["ReportBatchItemFailures"],
      BatchSize: 1,
      ScalingConfig: { MaximumConcurrency: 200 },
    });
    expect(rule).toMatchObject({ ScheduleExpression: "rate(1 hour)", State: "ENABLED" });
    expect(targets.Targets?.map((target) => target.Arn)).toEqual([outputs.string("jobsender_function_arn")]);
    expect(JSON.parse(permission.Policy ?? "{}").Statement).toMatchObject([
      { Principal: { Service: "events.amazonaws.com" }, Condition: { ArnLike: { "AWS:SourceArn": rule.Arn } } },
    ]);
    const queueName = outputs.string("job_queue_url").split("/").pop();
    expect(dashboard.DashboardBody).toContain(`"QueueName","${queueName}"`);
    expect(dashboard.DashboardBody).toContain(`"FunctionName","${outputs.string("worker_function_name")}"`);
    // every metric of ours the dashboard graphs is one the code emits, read in the deployment's
    // own namespace, from the service name the function that emits it is given (`<prefix>-worker`)
    const namespace = outputs.record("worker_environment").POWERTOOLS_METRICS_NAMESPACE;
    const services = new Map(
      (["worker", "jobsender"] as const).map((role) => [outputs.record(`${role}_environment`).POWERTOOLS_SERVICE_NAME, role] as const),
    );
    expect(namespace).toBe(name);
    expect([...services.keys()]).toEqual([`${name}-worker`, `${name}-jobsender`]);
    const graphed = (JSON.parse(dashboard.DashboardBody ?? "{}").widgets as Array<{ properties: { metrics?: unknown[][] } }>)
      .flatMap((widget) => widget.properties.metrics ?? [])
      .filter((metric) => metric[0] === namespace)
      .map((metric) => ({ name: String(metric[1]), service: String(metric[3]) }));
    expect(graphed.length).toBeGreaterThan(10);
    for (const { name, service } of graphed) {
      expect(Object.keys(METRICS), name).toContain(name);
      expect(METRICS[name as MetricName].emittedBy as readonly string[], name).toContain(services.get(service));
    }
    // account-wide names carry the region
    expect(outputs.string("worker_role_arn")).toMatch(new RegExp(`:role/${name}-worker-${source.region}$`));
    expect(outputs.string("dashboard_name")).toBe(`${name}-${source.region}`);
    expect(alarms.MetricAlarms?.map((alarm) => alarm.AlarmName).sort()).toEqual(outputs.strings("alarm_names").sort());
    for (const alarm of alarms.MetricAlarms ?? []) expect(alarm.AlarmActions, alarm.AlarmName).toEqual([outputs.string("sns_topic_arn")]);
  });

  it("deploys closed queues and an encrypted alarm topic whose policies are what the module wrote", async () => {
    // Act: the policies as SQS answers them, the topic as the provider read it back
    const policies = await Promise.all(
      [outputs.string("job_queue_url"), outputs.string("dlq_url")].map(async (QueueUrl) => {
        const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["Policy"] }));
        return JSON.parse(Attributes?.Policy ?? "{}") as PolicyDocument;
      }),
    );
    const [jobQueuePolicy, dlqPolicy] = policies as [PolicyDocument, PolicyDocument];
    const topic = deployed.find((resource) => resource.type === "aws_sns_topic");
    const topicPolicy = policyOf(deployed, "module.s3_migrate.module.monitoring.aws_sns_topic_policy.this[0]");
    const keyPolicy = policyOf(deployed, "module.s3_migrate.module.monitoring.aws_kms_key.sns[0]");

    // Assess
    expect(jobQueuePolicy).toEqual(JSON.parse(outputs.string("job_queue_policy_json")));
    expect(dlqPolicy).toEqual(JSON.parse(outputs.string("dlq_policy_json")));
    const sendAs = (principal: string, queue: string, secure = true): Permission => ({
      action: "sqs:SendMessage",
      resource: outputs.string(queue),
      context: { "aws:PrincipalArn": principal, "aws:SecureTransport": String(secure) },
      call: `SendMessage to ${queue} as ${principal}`,
    });
    const stranger = `arn:aws:iam::${outputs.string("worker_role_arn").split(":")[4]}:role/stranger`;
    expect(isDenied(jobQueuePolicy, sendAs(outputs.string("worker_role_arn"), "job_queue_arn"))).toBe(false);
    expect(isDenied(jobQueuePolicy, sendAs(outputs.string("jobsender_role_arn"), "job_queue_arn"))).toBe(false);
    expect(isDenied(dlqPolicy, sendAs(outputs.string("worker_role_arn"), "dlq_arn"))).toBe(false);
    expect(isDenied(jobQueuePolicy, sendAs(stranger, "job_queue_arn"))).toBe(true);
    expect(isDenied(dlqPolicy, sendAs(outputs.string("jobsender_role_arn"), "dlq_arn"))).toBe(true);
    expect(isDenied(jobQueuePolicy, sendAs(outputs.string("worker_role_arn"), "job_queue_arn", false))).toBe(true);
    expect(topic?.values.kms_master_key_id).toBe(outputs.string("sns_kms_key_arn"));
    expect(topicPolicy.Statement.map((statement) => (statement as { Sid?: string }).Sid)).toEqual([
      "AllowCloudWatchAlarms",
      "DenyInsecureTransport",
    ]);
    expect(JSON.stringify(keyPolicy)).toContain("cloudwatch.amazonaws.com");
  });

  it("migrates a mixed dataset with the deployed configuration: byte-identical, ledger all done, queues empty", async () => {
    // Prepare: the dataset at the source; the functions as the schedule and the mapping find them
    for (const [key, body] of dataset) {
      if (key === MULTIPART_KEY) await putMultipartObject(src, sourceBucket, key, body, 5 * MIB);
      else await putObject(src, sourceBucket, key, body);
    }
    await putObject(src, sourceBucket, IGNORED_KEY, "work in progress");
    if (ownSide === undefined || otherSide === undefined) throw new Error("the recorders did not start");
    const recorders = { own: ownSide, other: otherSide };

    // Act: the handlers load and run with the environment Lambda would give them (their calls
    // going through the recorders)
    const { report, drained } = await runDeployedFunctions(outputs, { lambda, events, sqs }, source, ownSide, (stage) => {
      runs[stage] = { own: recorders.own.calls.length, other: recorders.other.calls.length };
    });

    // Assess
    const expectedKeys = [...dataset.keys()].map((key) => `${DESTINATION_PREFIX}${key}`).sort();
    expect(report.pairs).toMatchObject([{ status: "complete", counts: { queued: dataset.size, ignored: 1 } }]);
    // the objects of one PUT (the deployed small-object threshold, 8 MiB) travel in batches, one
    // per listing segment's round at most, so fewer messages than objects came
    expect(drained.failures).toBe(0);
    expect(drained.processed).toBeLessThan(dataset.size);
    expect((await listAllKeys(dst, destinationBucket)).sort()).toEqual(expectedKeys);
    for (const [key, body] of dataset) {
      const copied = await readObject(dst, destinationBucket, `${DESTINATION_PREFIX}${key}`);
      expect(copied.equals(body), key).toBe(true);
      const head = await dst.send(new HeadObjectCommand({ Bucket: destinationBucket, Key: `${DESTINATION_PREFIX}${key}` }));
      expect(head.ServerSideEncryption, key).toBe("AES256");
      if (key === MULTIPART_KEY) expect(head.ETag).toMatch(/-3"$/);
    }
    // the table Terraform created has the schema the code reads and writes
    const tableName = outputs.string("ledger_table_name");
    const described = (await documents.send(new DescribeTableCommand({ TableName: tableName }))).Table;
    const schema = ledgerTableDefinition(tableName);
    expect(described?.KeySchema).toEqual(schema.KeySchema);
    // the TTL the code writes on batch records is the one the table expires items by
    const ttl = await documents.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
    expect(ttl.TimeToLiveDescription).toMatchObject({ TimeToLiveStatus: "ENABLED", AttributeName: LEDGER_KEYS.timeToLive });
    expect(described?.BillingModeSummary?.BillingMode).toBe(schema.BillingMode);
    expect(
      described?.GlobalSecondaryIndexes?.map(({ IndexName, KeySchema, Projection }) => ({ IndexName, KeySchema, Projection })),
    ).toEqual(schema.GlobalSecondaryIndexes);
    const ledger = new Map<string, string[]>();
    for (const status of Object.values(OBJECT_STATUS)) {
      const keys: string[] = [];
      const query = {
        TableName: tableName,
        IndexName: LEDGER_KEYS.statusIndex.name,
        KeyConditionExpression: "#status = :status",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: { ":status": status },
      };
      for await (const page of paginateQuery({ client: documents }, query)) keys.push(...(page.Items ?? []).map((item) => item.desKey));
      if (keys.length > 0) ledger.set(status, keys.sort());
    }
    expect(Object.fromEntries(ledger)).toEqual({ [OBJECT_STATUS.done]: expectedKeys });
    for (const queueUrl of [outputs.string("job_queue_url"), outputs.string("dlq_url")]) {
      const { Attributes } = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: queueUrl,
          AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"],
        }),
      );
      expect(Attributes, queueUrl).toEqual({
        ApproximateNumberOfMessages: "0",
        ApproximateNumberOfMessagesNotVisible: "0",
        ApproximateNumberOfMessagesDelayed: "0",
      });
    }
  });
  it("needed no permission beyond the deployed least-privilege policies, on either side", () => {
    // Prepare: the policies as applied, and where the calls went
    const workerPolicy = policyOf(deployed, 'module.s3_migrate.module.worker.aws_iam_role_policy.additional["migrate"]');
    const jobsenderPolicy = policyOf(deployed, 'module.s3_migrate.module.jobsender.aws_iam_role_policy.additional["migrate"]');
    const credentialsPolicy = JSON.parse(outputs.string("credentials_policy_json")) as PolicyDocument;
    const account = outputs.string("worker_role_arn").split(":")[4] ?? "";
    const ownScope: CallScope = { partition: "aws", region: source.region, account };
    const otherScope: CallScope = { partition: outputs.string("other_partition"), region: destination.region, account: DEFAULT_ACCOUNT };
    const ownCalls = ownSide?.calls ?? [];
    const otherCalls = otherSide?.calls ?? [];

    // Act: what each function needed, as recorded (the mapping's own calls, made by the test's
    // drain on the worker role's behalf, added by hand)
    const jobsenderOwn = permissionsSince(ownCalls.slice(0, runs.worker.own), runs.jobsender.own, ownScope);
    const workerOwn = permissionsSince(ownCalls.slice(0, runs.end.own), runs.worker.own, ownScope);
    const otherSideNeeds = permissionsSince(otherCalls.slice(0, runs.end.other), runs.jobsender.other, otherScope);
    const mapping = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"].map(
      (action): Permission => ({ action, resource: outputs.string("job_queue_arn"), context: {}, call: "event source mapping" }),
    );

    // Assess: something was recorded for each, and all of it is allowed
    expect(jobsenderOwn.map((p) => p.action)).toEqual(
      expect.arrayContaining(["ssm:GetParameter", "s3:ListBucket", "sqs:SendMessage", "dynamodb:BatchGetItem", "dynamodb:UpdateItem"]),
    );
    expect(workerOwn.map((p) => p.action)).toEqual(expect.arrayContaining(["ssm:GetParameter", "s3:GetObject", "dynamodb:UpdateItem"]));
    expect(otherSideNeeds.map((p) => p.action)).toEqual(expect.arrayContaining(["s3:ListBucket", "s3:PutObject"]));
    // both functions looked the buckets' regions up (HeadBucket), on both sides
    const lookups = (needs: Permission[]) => needs.filter((p) => p.regionLookup).map((p) => p.resource);
    expect(lookups([...jobsenderOwn, ...workerOwn])).toContain(`arn:aws:s3:::${sourceBucket}`);
    expect(lookups(otherSideNeeds)).toContain(`arn:aws-cn:s3:::${destinationBucket}`);
    expect(refused(jobsenderPolicy, jobsenderOwn)).toEqual([]);
    expect(refused(workerPolicy, [...workerOwn, ...mapping])).toEqual([]);
    expect(refused(credentialsPolicy, otherSideNeeds)).toEqual([]);
    // ... and the grants are not wider than that: the evaluator does refuse what is not granted
    const table = `arn:aws:dynamodb:${source.region}:${account}:table/${outputs.string("ledger_table_name")}`;
    const probe = (action: string, resource: string, owner = DEFAULT_ACCOUNT): Permission => ({
      action,
      resource,
      context: { "s3:ResourceAccount": owner },
      call: "probe",
    });
    expect(isAllowed(workerPolicy, probe("dynamodb:Query", `${table}/index/by_status`))).toBe(false);
    expect(isAllowed(jobsenderPolicy, probe("s3:GetObject", `arn:aws:s3:::${sourceBucket}/empty.bin`))).toBe(false);
    expect(isAllowed(workerPolicy, probe("s3:PutObject", `arn:aws:s3:::${destinationBucket}/${DESTINATION_PREFIX}empty.bin`))).toBe(false);
    expect(isAllowed(credentialsPolicy, probe("s3:GetObject", `arn:aws-cn:s3:::${sourceBucket}/empty.bin`))).toBe(false);
    expect(isAllowed(credentialsPolicy, probe("s3:PutObject", `arn:aws-cn:s3:::${destinationBucket}/elsewhere.bin`))).toBe(false);
    // ... and bound to the owners the pair names: the same names in another account get nothing
    const sourceObject = `arn:aws:s3:::${sourceBucket}/empty.bin`;
    const destinationObject = `arn:aws-cn:s3:::${destinationBucket}/${DESTINATION_PREFIX}empty.bin`;
    expect(isAllowed(workerPolicy, probe("s3:GetObject", sourceObject))).toBe(true);
    expect(isAllowed(workerPolicy, probe("s3:GetObject", sourceObject, "999999999999"))).toBe(false);
    expect(isAllowed(credentialsPolicy, probe("s3:PutObject", destinationObject))).toBe(true);
    expect(isAllowed(credentialsPolicy, probe("s3:PutObject", destinationObject, "999999999999"))).toBe(false);
  });

  /*
   * The same deployment switched in place to `server_side_copy`, as a team would once its
   * migration turns out to stay inside one partition: both buckets on the own endpoint, no key,
   * the functions' role on both sides and S3 copying every byte itself.
   */
  describe("then switched in place to server_side_copy", () => {
    const copySource = uniqueBucketName("tf-ssc-src");
    const copyDestination = uniqueBucketName("tf-ssc-dst");
    const sscRuns = { jobsender: { own: 0 }, worker: { own: 0 }, end: { own: 0 } };
    let before: ModuleOutputs;
    let sscOutputs: ModuleOutputs;
    let sscDeployed: DeployedResource[];

    beforeAll(async () => {
      if (workspace === undefined) throw new Error("the deployment did not apply");
      await createBucket(src, copySource);
      await createBucket(src, copyDestination);
      before = outputs;
      workspace.reconfigure({
        ...inputs,
        bucket_pairs: [{ src_bucket: copySource, src_prefix: "", des_bucket: copyDestination, des_prefix: DESTINATION_PREFIX }],
        server_side_copy: true,
        // the 12 MiB object (3 parts of 5 MiB) fans out in ranges of 2 parts
        fanout_threshold_mib: 10,
        fanout_range_parts: 2,
      });
      ({ outputs: sscOutputs, deployed: sscDeployed } = await applyWithoutMapping(workspace, lambda));
    }, 300_000);

    it("changes the functions in place: same queue, ledger and functions, SERVER_SIDE_COPY on, no credentials parameter, a bucket policy S3 accepts for each bucket", async () => {
      // Act
      const worker = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: sscOutputs.string("worker_function_name") }));
      const policies = sscOutputs.record("bucket_policies_json");
      for (const [bucket, policy] of Object.entries(policies))
        await src.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: policy }));
      const applied = await src.send(new GetBucketPolicyCommand({ Bucket: copyDestination }));

      // Assess
      for (const output of ["job_queue_arn", "ledger_table_name", "worker_function_arn", "jobsender_function_arn"])
        expect(sscOutputs.string(output), output).toBe(before.string(output));
      expect(worker.Environment?.Variables).toMatchObject({ SERVER_SIDE_COPY: "true" });
      expect(worker.Environment?.Variables?.CREDENTIALS_PARAMETER ?? "").toBe("");
      expect(Object.keys(policies).sort()).toEqual([copySource, copyDestination].sort());
      const statements = (JSON.parse(applied.Policy ?? "{}") as { Statement: { Sid: string; Principal: { AWS: string[] } }[] }).Statement;
      expect(statements.map((statement) => statement.Sid).sort()).toEqual([
        "ListDestinationMultipartUploads",
        "ListDestinationObjects",
        "WriteDestinationObjects",
      ]);
      expect(statements.find((statement) => statement.Sid === "WriteDestinationObjects")?.Principal.AWS).toEqual([
        sscOutputs.string("worker_role_arn"),
      ]);
    });

    it("migrates the mixed dataset inside S3: byte-identical, proven, no source byte read by the functions", async () => {
      // Prepare
      for (const [key, body] of dataset) {
        if (key === MULTIPART_KEY) await putMultipartObject(src, copySource, key, body, 5 * MIB);
        else await putObject(src, copySource, key, body);
      }
      if (ownSide === undefined) throw new Error("the recorder did not start");
      const recorder = ownSide;

      // Act
      const { report, drained } = await runDeployedFunctions(sscOutputs, { lambda, events, sqs }, source, recorder, (stage) => {
        sscRuns[stage] = { own: recorder.calls.length };
      });

      // Assess
      expect(report.pairs).toMatchObject([{ status: "complete", counts: { queued: dataset.size } }]);
      expect(drained.failures).toBe(0);
      const expectedKeys = [...dataset.keys()].map((key) => `${DESTINATION_PREFIX}${key}`).sort();
      expect((await listAllKeys(src, copyDestination)).sort()).toEqual(expectedKeys);
      for (const [key, body] of dataset) {
        expect((await readObject(src, copyDestination, `${DESTINATION_PREFIX}${key}`)).equals(body), key).toBe(true);
        const record = await documents.send(
          new GetCommand({
            TableName: sscOutputs.string("ledger_table_name"),
            Key: objectKey(copyDestination, `${DESTINATION_PREFIX}${key}`),
          }),
        );
        expect(record.Item, key).toMatchObject({ status: "done", verification: "source-checksum" });
      }
      const functionCalls = recorder.calls.slice(sscRuns.jobsender.own, sscRuns.end.own);
      const sourceReads = functionCalls.filter(
        (call) => call.method === "GET" && call.path.startsWith(`/${copySource}/`) && Object.keys(call.query).every((q) => q === "x-id"),
      );
      expect(sourceReads).toEqual([]);
      const copies = functionCalls.filter((call) => call.copySource !== undefined);
      // one CopyObject per object up to the threshold, one UploadPartCopy per part above it (fanned out)
      expect(copies.filter((call) => call.query.partNumber === undefined)).toHaveLength(dataset.size - 1);
      expect(copies.filter((call) => call.query.partNumber !== undefined)).toHaveLength(3);
      expect(await openUploads(src, copyDestination)).toEqual([]);
      expect(await drainDeadLetters(sqs, sscOutputs.string("dlq_url"))).toEqual([]);
    });

    it("needed no permission beyond the deployed policies, with the role on both sides and no key", () => {
      // Prepare
      const workerPolicy = policyOf(sscDeployed, 'module.s3_migrate.module.worker.aws_iam_role_policy.additional["migrate"]');
      const jobsenderPolicy = policyOf(sscDeployed, 'module.s3_migrate.module.jobsender.aws_iam_role_policy.additional["migrate"]');
      const account = sscOutputs.string("worker_role_arn").split(":")[4] ?? "";
      const scope: CallScope = { partition: "aws", region: source.region, account };
      const calls = ownSide?.calls ?? [];

      // Act
      const jobsenderNeeds = permissionsSince(calls.slice(0, sscRuns.worker.own), sscRuns.jobsender.own, scope);
      const workerNeeds = permissionsSince(calls.slice(0, sscRuns.end.own), sscRuns.worker.own, scope);
      const mapping = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"].map(
        (action): Permission => ({ action, resource: sscOutputs.string("job_queue_arn"), context: {}, call: "event source mapping" }),
      );

      // Assess: the fan-out's ledger calls (range items, the completer's query) are among them
      expect(jobsenderNeeds.map((p) => p.resource)).toEqual(
        expect.arrayContaining([`arn:aws:s3:::${copySource}`, `arn:aws:s3:::${copyDestination}`]),
      );
      expect(workerNeeds.map((p) => p.action)).toEqual(
        expect.arrayContaining([
          "s3:GetObject",
          "s3:PutObject",
          "s3:GetObjectTagging",
          "s3:PutObjectTagging",
          "dynamodb:PutItem",
          "dynamodb:Query",
        ]),
      );
      expect(refused(jobsenderPolicy, jobsenderNeeds)).toEqual([]);
      expect(refused(workerPolicy, [...workerNeeds, ...mapping])).toEqual([]);
      // ... and the grants stop at the pairs: nothing outside the destination prefix, no key parameter, the old pair gone
      const probe = (action: string, resource: string): Permission => ({ action, resource, context: {}, call: "probe" });
      expect(isAllowed(workerPolicy, probe("s3:PutObject", `arn:aws:s3:::${copyDestination}/elsewhere.bin`))).toBe(false);
      expect(isAllowed(workerPolicy, probe("s3:PutObject", `arn:aws:s3:::${copySource}/empty.bin`))).toBe(false);
      expect(isAllowed(workerPolicy, probe("s3:GetObject", `arn:aws:s3:::${sourceBucket}/empty.bin`))).toBe(false);
      expect(
        isAllowed(workerPolicy, probe("ssm:GetParameter", `arn:aws:ssm:${source.region}:${account}:parameter${credentialsParameter}`)),
      ).toBe(false);
    });
  });
});
