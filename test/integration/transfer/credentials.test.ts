import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { loadStoredCredentials } from "@s3-migrate/transfer";
import { beforeAll, describe, expect, it } from "vitest";
import { buildCli, runCli } from "../../support/cli.js";
import { createBucket, makeS3Client, putObject, readObject, testEndpoints, uniqueBucketName } from "../../support/endpoints.js";

describe("credentials from an SSM SecureString", () => {
  const { source, destination } = testEndpoints();
  const ssm = new SSMClient({
    region: source.region,
    endpoint: source.endpoint,
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
  });
  const name = `/s3-migrate/test/credentials-${process.pid}`;

  beforeAll(async () => {
    buildCli();
    const stored = {
      aws_access_key_id: "china-key",
      aws_secret_access_key: "china-secret",
      region: destination.region,
      endpoint: destination.endpoint,
    };
    await ssm.send(new PutParameterCommand({ Name: name, Type: "SecureString", Value: JSON.stringify(stored), Overwrite: true }));
    await ssm.send(
      new PutParameterCommand({ Name: `${name}-broken`, Type: "SecureString", Value: '{"aws_access_key_id": "k"}', Overwrite: true }),
    );
  });

  it("loads, decrypts and validates the parameter", async () => {
    await expect(loadStoredCredentials(ssm, name)).resolves.toEqual({
      accessKeyId: "china-key",
      secretAccessKey: "china-secret",
      region: destination.region,
      endpoint: destination.endpoint,
    });
    await expect(loadStoredCredentials(ssm, `${name}-broken`)).rejects.toThrow(`${name}-broken: field "aws_secret_access_key"`);
    await expect(loadStoredCredentials(ssm, `${name}-missing`)).rejects.toMatchObject({ code: "InvalidConfiguration" });
  });

  it("lets the CLI write the destination with the stored keys, region and endpoint (direction PUT)", async () => {
    // Prepare
    const src = makeS3Client(source.endpoint, source.region);
    const dst = makeS3Client(destination.endpoint, destination.region);
    const sourceBucket = await createBucket(src, uniqueBucketName("creds-src"));
    const destinationBucket = await createBucket(dst, uniqueBucketName("creds-dst"));
    await putObject(src, sourceBucket, "a.txt", "across the partition");
    // Act: no --dest-endpoint or --dest-region: both come from the parameter
    const run = await runCli([
      "copy",
      "--from",
      `s3://${sourceBucket}`,
      "--to",
      `s3://${destinationBucket}`,
      "--source-endpoint",
      source.endpoint,
      "--credentials-parameter",
      name,
      "--direction",
      "PUT",
      "--ssm-endpoint",
      source.endpoint,
      "--json",
    ]);
    // Assess
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).objects.copied).toBe(1);
    expect((await readObject(dst, destinationBucket, "a.txt")).toString()).toBe("across the partition");
    expect(run.stderr).not.toContain("china-secret");
  });

  it("fails with exit status 2 naming the parameter when it is malformed", async () => {
    const run = await runCli([
      "copy",
      "--from",
      "s3://a-bucket",
      "--to",
      "s3://b-bucket",
      "--source-endpoint",
      source.endpoint,
      "--credentials-parameter",
      `${name}-broken`,
      "--ssm-endpoint",
      source.endpoint,
    ]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`${name}-broken: field "aws_secret_access_key" must be a non-empty string`);
  });
});
