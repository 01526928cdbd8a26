import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { readWorkerEnvironment } from "../src/config/environment.js";
import { ParameterStore } from "../src/config/parameterStore.js";
import { loadRuntimeConfig } from "../src/config/runtimeConfig.js";

const ssm = mockClient(SSMClient);
const PAIRS = JSON.stringify([{ src_bucket: "src-a", des_bucket: "dst-b", src_region: "us-west-2", des_owner: "111122223333" }]);
/** SSM answering the pairs and the stored keys, whose endpoint is `endpoint`. */
function parameters(endpoint: string) {
  ssm.reset();
  ssm.on(GetParameterCommand, { Name: "/pairs" }).resolves({ Parameter: { Value: PAIRS } });
  ssm.on(GetParameterCommand, { Name: "/keys" }).resolves({
    Parameter: { Value: JSON.stringify({ aws_access_key_id: "AK", aws_secret_access_key: "SK", region: "cn-northwest-1", endpoint }) },
  });
}
/** A store that caches nothing, so each test sees what SSM answers now. */
const store = () => new ParameterStore(new SSMClient({ region: "us-east-1" }), 0);
const environment = (extra: Record<string, string> = {}) =>
  readWorkerEnvironment({
    JOB_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/123456789012/jobs",
    LEDGER_TABLE: "ledger",
    MESSAGE_KEY_ID: "alias/messages",
    AWS_REGION: "us-east-1",
    BUCKET_PAIRS_PARAMETER: "/pairs",
    CREDENTIALS_PARAMETER: "/keys",
    ...extra,
  });

describe("loadRuntimeConfig", () => {
  beforeEach(() => parameters("https://s3.cn-northwest-1.amazonaws.com.cn"));

  it("gives each side's buckets the regions and owners the pairs name", async () => {
    const config = await loadRuntimeConfig(store(), environment());
    expect(config.source.buckets?.get("src-a")).toEqual({ region: "us-west-2" });
    expect(config.destination.buckets?.get("dst-b")).toEqual({ owner: "111122223333" });
    expect([config.source.region, config.destination.region]).toEqual(["us-east-1", "cn-northwest-1"]);
  });

  it("refuses stored keys whose endpoint is plain HTTP off loopback, unless ALLOW_HTTP_ENDPOINT says so", async () => {
    parameters("http://10.0.0.5:9000");
    await expect(loadRuntimeConfig(store(), environment())).rejects.toThrow(
      /Parameter \/keys: field "endpoint" is plain HTTP to 10\.0\.0\.5.*ALLOW_HTTP_ENDPOINT=true/,
    );
    const allowed = await loadRuntimeConfig(store(), environment({ ALLOW_HTTP_ENDPOINT: "true" }));
    expect(allowed.destination.endpoint).toBe("http://10.0.0.5:9000");
  });

  it("is read through a cache: SSM is asked again only once the cache is stale, and a change shows in the fingerprint", async () => {
    const cached = new ParameterStore(new SSMClient({ region: "us-east-1" }), 300);
    await cached.read("/pairs", true);
    const first = cached.fingerprint();
    ssm.on(GetParameterCommand, { Name: "/pairs" }).resolves({ Parameter: { Value: "[]" } });
    await cached.read("/pairs", true);
    expect(ssm.commandCalls(GetParameterCommand, { Name: "/pairs" })).toHaveLength(1);
    expect(cached.fingerprint()).toBe(first);
    const fresh = new ParameterStore(new SSMClient({ region: "us-east-1" }), 0);
    await fresh.read("/pairs", true);
    expect(ssm.commandCalls(GetParameterCommand, { Name: "/pairs" })).toHaveLength(2);
    expect(fresh.fingerprint()).not.toBe(first);
    expect(ssm.commandCalls(GetParameterCommand)[0]?.args[0].input).toMatchObject({ WithDecryption: true });
  });

  it("says which parameter it cannot read, and takes a missing optional one as absent", async () => {
    ssm.on(GetParameterCommand, { Name: "/gone" }).rejects(Object.assign(new Error("nope"), { name: "ParameterNotFound" }));
    await expect(store().read("/gone", false)).resolves.toBeUndefined();
    await expect(store().read("/gone", true)).rejects.toThrow("Cannot read SSM parameter /gone: ParameterNotFound: nope");
  });

  it("is believed POWERTOOLS_PARAMETERS_MAX_AGE seconds, 300 unless set; a value that is no whole number is refused, naming it", () => {
    expect(environment().parameterMaxAgeSeconds).toBe(300);
    expect(environment({ POWERTOOLS_PARAMETERS_MAX_AGE: "" }).parameterMaxAgeSeconds).toBe(300);
    expect(environment({ POWERTOOLS_PARAMETERS_MAX_AGE: "1" }).parameterMaxAgeSeconds).toBe(1);
    expect(() => environment({ POWERTOOLS_PARAMETERS_MAX_AGE: "soon" })).toThrow("POWERTOOLS_PARAMETERS_MAX_AGE must be a whole number");
  });
});
