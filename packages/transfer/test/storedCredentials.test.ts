import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { loadStoredCredentials, parseStoredCredentials } from "../src/endpoints/storedCredentials.js";
import { ConfigError } from "../src/errors.js";

const ssm = mockClient(SSMClient);
afterEach(() => ssm.reset());

/** The stored keys' JSON with `endpoint`. */
const withEndpoint = (endpoint: string) =>
  JSON.stringify({ aws_access_key_id: "AKIA", aws_secret_access_key: "s3cr3t", region: "cn-northwest-1", endpoint });

describe("parseStoredCredentials: plain-HTTP endpoints", () => {
  it.each([
    "http://127.0.0.1:5000",
    "http://127.8.9.10:5000",
    "http://localhost:9000",
    "http://LOCALHOST:9000",
    "http://[::1]:5000/",
    "http://127.1:5000", // the WHATWG parser reads it as 127.0.0.1
    "https://s3.example.com",
    "https://10.0.0.5:9000",
  ])("accepts %s without allowHttp", (endpoint) => {
    expect(parseStoredCredentials(withEndpoint(endpoint), "p").endpoint).toBe(endpoint);
  });

  it.each([
    "http://10.0.0.5:9000",
    "http://s3.example.com",
    "http://128.0.0.1",
    "http://localhost.example.com",
    "http://127.0.0.1.example.com",
    "http://[::2]:5000",
    "http://127.0.0.1@evil.example.com", // credentials in the URL; the host is evil.example.com
  ])("refuses %s without allowHttp, naming the parameter and the field", (endpoint) => {
    // Act / Assess
    expect(() => parseStoredCredentials(withEndpoint(endpoint), "s3_migration_credentials")).toThrow(ConfigError);
    expect(() => parseStoredCredentials(withEndpoint(endpoint), "s3_migration_credentials")).toThrow(
      /^Parameter s3_migration_credentials: field "endpoint" is plain HTTP to .*, which is not loopback/,
    );
    expect(() => parseStoredCredentials(withEndpoint(endpoint), "p", { allowHttp: false })).toThrow(/not loopback/);
  });

  it("accepts plain HTTP off loopback when the caller allows it", () => {
    expect(parseStoredCredentials(withEndpoint("http://10.0.0.5:9000"), "p", { allowHttp: true }).endpoint).toBe("http://10.0.0.5:9000");
  });

  it.each(["ftp://example.com", "http://", "http://exa mple.com", "s3.example.com"])("still refuses %j as no http(s) URL", (endpoint) => {
    expect(() => parseStoredCredentials(withEndpoint(endpoint), "p", { allowHttp: true })).toThrow(
      'Parameter p: field "endpoint" must be an http(s) URL',
    );
  });

  it("never puts the secret in the message", () => {
    expect(() => parseStoredCredentials(withEndpoint("http://10.0.0.5"), "p")).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining("s3cr3t") }),
    );
  });
});

describe("loadStoredCredentials", () => {
  it("passes allowHttp through, and refuses plain HTTP off loopback without it", async () => {
    // Prepare
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: withEndpoint("http://10.0.0.5:9000") } });
    const client = new SSMClient({ region: "us-east-1" });
    // Act / Assess
    await expect(loadStoredCredentials(client, "/keys")).rejects.toThrow('Parameter /keys: field "endpoint" is plain HTTP to 10.0.0.5');
    await expect(loadStoredCredentials(client, "/keys", { allowHttp: true })).resolves.toMatchObject({ endpoint: "http://10.0.0.5:9000" });
    expect(ssm.commandCalls(GetParameterCommand)[0]?.args[0].input).toEqual({ Name: "/keys", WithDecryption: true });
  });
});
