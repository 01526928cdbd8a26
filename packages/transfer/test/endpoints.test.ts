import { HeadObjectCommand } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { parseDirection } from "../src/endpoints/endpoints.js";
import { createS3Client } from "../src/endpoints/s3Client.js";
import { applyStoredCredentials, parseStoredCredentials } from "../src/endpoints/storedCredentials.js";
import { ConfigError } from "../src/errors.js";

/**
 * Sends a command through a client whose transport records the request instead of sending it.
 * The bucket's region is configured, so the client sends the command itself, not a discovery.
 */
async function capturedRequest(
  region: string,
  endpoint?: string,
): Promise<{ hostname: string; path: string; headers: Record<string, string> }> {
  const client = createS3Client(
    {
      region,
      ...(endpoint === undefined ? {} : { endpoint }),
      credentials: { accessKeyId: "AKID", secretAccessKey: "secret" },
      buckets: new Map([["my-bucket", { region }]]),
    },
    { maxAttempts: 1 },
  );
  let captured: { hostname: string; path: string; headers: Record<string, string> } | undefined;
  client.middlewareStack.add(
    () => async (args) => {
      captured = args.request as typeof captured;
      throw new Error("captured");
    },
    { step: "finalizeRequest", priority: "low", name: "capture" },
  );
  await client.send(new HeadObjectCommand({ Bucket: "my-bucket", Key: "a b/c+d" })).catch(() => undefined);
  if (captured === undefined) throw new Error("no request captured");
  return captured;
}

describe("S3 client endpoints", () => {
  it("resolves China regions to .amazonaws.com.cn", async () => {
    expect((await capturedRequest("cn-northwest-1")).hostname).toBe("my-bucket.s3.cn-northwest-1.amazonaws.com.cn");
    expect((await capturedRequest("cn-north-1")).hostname).toBe("my-bucket.s3.cn-north-1.amazonaws.com.cn");
  });

  it("resolves global regions to .amazonaws.com", async () => {
    expect((await capturedRequest("us-east-1")).hostname).toBe("my-bucket.s3.us-east-1.amazonaws.com");
  });

  it("uses path-style addressing on a custom endpoint", async () => {
    const request = await capturedRequest("us-east-1", "http://127.0.0.1:9000");
    expect(request.hostname).toBe("127.0.0.1");
    expect(request.path).toBe("/my-bucket/a%20b/c%2Bd");
  });
});

describe("stored credentials", () => {
  const json = JSON.stringify({ aws_access_key_id: "AKIA", aws_secret_access_key: "s3cr3t", region: "cn-northwest-1" });

  it("parses the original format and an optional endpoint", () => {
    expect(parseStoredCredentials(json)).toEqual({ accessKeyId: "AKIA", secretAccessKey: "s3cr3t", region: "cn-northwest-1" });
    const withEndpoint = parseStoredCredentials(JSON.stringify({ ...JSON.parse(json), endpoint: "http://127.0.0.1:5000" }));
    expect(withEndpoint.endpoint).toBe("http://127.0.0.1:5000");
  });

  it("names the parameter and field, never the secret, when a field is wrong", () => {
    const bad = JSON.stringify({ aws_access_key_id: "AKIA", aws_secret_access_key: "", region: "cn-north-1" });
    expect(() => parseStoredCredentials(bad, "s3_migration_credentials")).toThrow(
      /s3_migration_credentials: field "aws_secret_access_key"/,
    );
    expect(() => parseStoredCredentials("{not json", "p")).toThrow(ConfigError);
    expect(() => parseStoredCredentials("[]", "p")).toThrow(/JSON object/);
    try {
      parseStoredCredentials(JSON.stringify({ aws_access_key_id: "AKIA", aws_secret_access_key: "topsecret" }), "p");
    } catch (error) {
      expect((error as Error).message).not.toContain("topsecret");
      expect((error as Error).message).toContain('"region"');
    }
  });

  it("puts the keys on the destination for PUT and on the source for GET", () => {
    // Prepare
    const stored = parseStoredCredentials(json);
    const ownSide = { region: "us-east-1" };
    // Act
    const put = applyStoredCredentials("PUT", stored, ownSide, ownSide);
    const get = applyStoredCredentials("GET", stored, ownSide, ownSide);
    // Assess
    expect(put.source.credentials).toBeUndefined();
    expect(put.destination).toMatchObject({ region: "cn-northwest-1", credentials: { accessKeyId: "AKIA" } });
    expect(get.destination.credentials).toBeUndefined();
    expect(get.source).toMatchObject({ region: "cn-northwest-1", credentials: { accessKeyId: "AKIA" } });
  });

  it("accepts PUT/GET in any case and rejects the rest", () => {
    expect(parseDirection("get")).toBe("GET");
    expect(parseDirection(undefined)).toBe("PUT");
    expect(() => parseDirection("SIDEWAYS")).toThrow(/PUT or GET/);
  });
});
