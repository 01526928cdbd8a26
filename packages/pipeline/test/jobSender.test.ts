import { SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import { RETRY_POLICIES } from "@s3-migrate/transfer";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { batches, sendJobs } from "../src/queue/sendJobs.js";

const sqs = mockClient(SQSClient);
const client = new SQSClient({ region: "us-east-1" });
const jobs = (count: number, bytes = 10) => Array.from({ length: count }, (_, i) => ({ body: "x".repeat(bytes), item: i }));

describe("batches", () => {
  it("cuts at 10 entries", () => {
    expect(batches(jobs(25)).map((batch) => batch.length)).toEqual([10, 10, 5]);
  });

  it("cuts before 256 KiB", () => {
    // Prepare: 100 KiB bodies, so at most two fit
    expect(batches(jobs(5, 100 * 1024)).map((batch) => batch.length)).toEqual([2, 2, 1]);
  });
});

describe("sendJobs", () => {
  afterEach(() => sqs.reset());

  it("retries only the entries that failed, then reports the ones that keep failing", async () => {
    // Prepare: entry 3 fails once (throttled), entry 5 always fails as a sender fault
    let call = 0;
    sqs.on(SendMessageBatchCommand).callsFake(async (input: { Entries: Array<{ Id: string; MessageBody: string }> }) => {
      call++;
      const failed = input.Entries.filter((entry) => (call === 1 && entry.Id === "3") || entry.Id === "5").map((entry) => ({
        Id: entry.Id,
        Code: entry.Id === "5" ? "InvalidMessageContents" : "ThrottlingException",
        SenderFault: entry.Id === "5",
        Message: "nope",
      }));
      return { Successful: [], Failed: failed };
    });
    // Act
    const result = await sendJobs({ sqs: client, queueUrl: "https://queue" }, jobs(8));
    // Assess
    expect(result.sent.sort()).toEqual([0, 1, 2, 3, 4, 6, 7]);
    expect(result.failed).toEqual([{ item: 5, reason: "InvalidMessageContents: nope" }]);
    expect(result.retried).toBe(1);
    const calls = sqs.commandCalls(SendMessageBatchCommand);
    expect(calls).toHaveLength(2);
    expect(calls[1]?.args[0].input.Entries?.map((entry) => entry.Id)).toEqual(["3"]);
  });

  it("treats a failed request as every entry failing, and gives up after the attempts", async () => {
    sqs.on(SendMessageBatchCommand).rejects(Object.assign(new Error("down"), { name: "ServiceUnavailable" }));
    const result = await sendJobs({ sqs: client, queueUrl: "https://queue" }, jobs(3), { ...RETRY_POLICIES.queueSend, maxAttempts: 2 });
    expect(result.sent).toEqual([]);
    expect(result.failed.map((failure) => failure.item)).toEqual([0, 1, 2]);
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(2);
  });
});
