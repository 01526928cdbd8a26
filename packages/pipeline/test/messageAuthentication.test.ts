import { createHash } from "node:crypto";
import { GenerateMacCommand, KMSClient, VerifyMacCommand } from "@aws-sdk/client-kms";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { KmsMessageAuthenticator, type MacVerdict, type MessageVerifier } from "../src/messages/messageAuthentication.js";
import { decideMessage } from "../src/worker/decideMessage.js";
import type { WorkerContext } from "../src/worker/workerContext.js";

const kms = mockClient(KMSClient);
const authenticator = new KmsMessageAuthenticator(new KMSClient({ region: "us-east-1" }), "alias/messages");
const mac = Buffer.alloc(32, 7);

describe("the KMS message authenticator", () => {
  beforeEach(() => kms.reset());

  it("signs the domain and the SHA-256 of the body, with the deployment's key and HMAC-SHA-256", async () => {
    kms.on(GenerateMacCommand).resolves({ Mac: mac });
    // Act
    const signed = await authenticator.sign("a body");
    // Assess
    expect(signed).toBe(mac.toString("base64"));
    const input = kms.commandCalls(GenerateMacCommand)[0]?.args[0].input;
    expect(input).toMatchObject({ KeyId: "alias/messages", MacAlgorithm: "HMAC_SHA_256" });
    const digest = createHash("sha256").update("a body").digest();
    expect(
      Buffer.from(input?.Message ?? [])
        .subarray(-32)
        .equals(digest),
    ).toBe(true);
    expect(
      Buffer.from(input?.Message ?? [])
        .subarray(0, -32)
        .toString(),
    ).toBe("s3-migrate queue message v1\n");
  });

  it("calls a missing or ill-formed code what it is without asking KMS, and KMS's refusal invalid", async () => {
    kms.on(VerifyMacCommand).rejects(Object.assign(new Error("bad"), { name: "KMSInvalidMacException" }));
    // Act and assess
    expect(await authenticator.verify("body", undefined)).toBe("missing");
    expect(await authenticator.verify("body", "")).toBe("missing");
    expect(await authenticator.verify("body", "not base64!")).toBe("invalid");
    expect(await authenticator.verify("body", Buffer.alloc(16).toString("base64"))).toBe("invalid");
    expect(kms.commandCalls(VerifyMacCommand)).toHaveLength(0);
    expect(await authenticator.verify("body", mac.toString("base64"))).toBe("invalid");
    expect(kms.commandCalls(VerifyMacCommand)).toHaveLength(1);
  });

  it("accepts what KMS says is valid, and lets any other KMS error through (the message is delivered again)", async () => {
    kms
      .on(VerifyMacCommand)
      .resolvesOnce({ MacValid: true })
      .rejectsOnce(Object.assign(new Error("slow"), { name: "ThrottlingException" }));
    // Act and assess
    expect(await authenticator.verify("body", mac.toString("base64"))).toBe("valid");
    await expect(authenticator.verify("body", mac.toString("base64"))).rejects.toThrow("slow");
  });
});

describe("the worker's check of a message's code", () => {
  const verifying = (verdict: MacVerdict): WorkerContext =>
    ({
      scope: { pairs: [], ignore: { matches: () => false } },
      verifier: { verify: async () => verdict } satisfies MessageVerifier,
    }) as unknown as WorkerContext;
  const delivery = { leaseUntil: () => Date.now() + 60_000, pause: new AbortController().signal };
  const message = (body: string) => ({ messageId: "m1", body, receiptHandle: "r1", receiveCount: 1 });
  const job = JSON.stringify({
    schema: "s3-migrate/job",
    version: 1,
    source: { bucket: "src", key: "k", size: 1, etag: "a".repeat(32) },
    destination: { bucket: "dst", key: "k" },
    queuedAt: "",
  });
  const event = JSON.stringify({
    Records: [
      { eventSource: "aws:s3", eventName: "ObjectCreated:Put", s3: { bucket: { name: "elsewhere" }, object: { key: "k", size: 1 } } },
    ],
  });

  it("dead-letters a message whose code does not match, as it came (unsigned), whatever it holds", async () => {
    for (const body of [job, event, "not even json"])
      expect(await decideMessage(verifying("invalid"), message(body), delivery)).toEqual({
        kind: "dead-letter",
        code: "Unauthenticated",
        reason: "Refused a message that is not authenticated: its authentication code does not match its body",
        unauthenticated: true,
      });
  });

  it("dead-letters whatever comes without a code on the job queue, S3 events too", async () => {
    for (const body of [job, event])
      expect(await decideMessage(verifying("missing"), message(body), delivery)).toEqual({
        kind: "dead-letter",
        code: "Unauthenticated",
        reason: "Refused a message that is not authenticated: it carries no authentication code (s3mMac)",
        unauthenticated: true,
      });
    expect(await decideMessage(verifying("missing"), message("not even json"), delivery)).toMatchObject({ code: "MalformedMessage" });
  });

  it("believes an S3 event from the event queue without a code, and nothing else from there", async () => {
    const fromEvents = (body: string) => ({ ...message(body), arrivedOn: "event-queue" as const });
    // the event reaches the check of what this worker may copy (no event bucket here): refused as a foreign event source, not as unauthenticated
    expect(await decideMessage(verifying("invalid"), fromEvents(event), delivery)).toMatchObject({
      kind: "dead-letter",
      code: "ForeignEventSource",
    });
    expect(await decideMessage(verifying("valid"), fromEvents(job), delivery)).toEqual({
      kind: "dead-letter",
      code: "Unauthenticated",
      reason: "Refused a message that is not authenticated: only S3 event notifications arrive on the event queue",
      unauthenticated: true,
    });
  });
});
