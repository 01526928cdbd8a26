import { describe, expect, it } from "vitest";
import { classifyError } from "../src/classifyError.js";
import { classifyCopyError } from "../src/copy/multipart/copyParts.js";

const context = { side: "source", operation: "GetObject", bucket: "b", key: "k" } as const;
const sdkError = (name: string, status: number) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });

describe("classifyError", () => {
  it.each([
    ["NoSuchKey", 404, "SourceMissing", false],
    ["NoSuchBucket", 404, "BucketMissing", false],
    ["AccessDenied", 403, "AccessDenied", false],
    ["InvalidObjectState", 403, "ArchivedObject", false],
    ["PreconditionFailed", 412, "SourceChanged", false],
    ["SlowDown", 503, "Transient", true],
    ["InternalError", 500, "Transient", true],
    ["BadDigest", 400, "IntegrityMismatch", true],
    ["InvalidArgument", 400, "UnexpectedResponse", false],
  ])("maps %s (HTTP %d) to %s", (name, status, code, retryable) => {
    const error = classifyError(sdkError(name, status), context);
    expect(error.code).toBe(code);
    expect(error.retryable).toBe(retryable);
    expect(error.side).toBe("source");
    expect(error.message).toContain("s3://b/k");
  });

  it("treats network resets as transient", () => {
    const reset = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    expect(classifyError(reset, context).retryable).toBe(true);
  });

  it("reads a server-side copy's missing key as the source's, everything else as the destination's", () => {
    const at = { operation: "UploadPartCopy", bucket: "dst", key: "d" };
    const missing = classifyCopyError(sdkError("NoSuchKey", 404), { bucket: "src", key: "s" }, at);
    expect([missing.code, missing.side, missing.retryable]).toEqual(["SourceMissing", "source", false]);
    expect(missing.message).toContain("s3://src/s");
    const denied = classifyCopyError(sdkError("AccessDenied", 403), { bucket: "src", key: "s" }, at);
    expect([denied.code, denied.side]).toEqual(["AccessDenied", "destination"]);
    expect(denied.message).toContain("s3://dst/d");
  });
});
