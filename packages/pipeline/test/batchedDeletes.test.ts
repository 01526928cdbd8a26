import { DeleteMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it, vi } from "vitest";
import { BatchedDeletes } from "../src/queue/batchedDeletes.js";

const sqs = mockClient(SQSClient);
const client = new SQSClient({ region: "us-east-1", credentials: { accessKeyId: "a", secretAccessKey: "b" } });
const entriesOf = () =>
  sqs.commandCalls(DeleteMessageBatchCommand).map((call) => call.args[0].input.Entries?.map((entry) => entry.ReceiptHandle));

describe("BatchedDeletes", () => {
  afterEach(() => {
    sqs.reset();
    vi.useRealTimers();
  });

  it("sends ten at once, and the rest when close flushes: 25 deletes in 3 requests", async () => {
    sqs.on(DeleteMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const deletes = new BatchedDeletes(client, "queue", { waitMs: 60_000 });
    const handles = Array.from({ length: 25 }, (_, i) => `h${i}`);
    for (const handle of handles) deletes.delete(handle);
    await deletes.close();
    expect(entriesOf()).toEqual([handles.slice(0, 10), handles.slice(10, 20), handles.slice(20)]);
  });

  it("sends a lone delete once it has waited waitMs for company", async () => {
    vi.useFakeTimers();
    sqs.on(DeleteMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const deletes = new BatchedDeletes(client, "queue", { waitMs: 50 });
    deletes.delete("alone");
    await vi.advanceTimersByTimeAsync(49);
    expect(entriesOf()).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(entriesOf()).toEqual([["alone"]]);
    await deletes.close();
    expect(entriesOf()).toHaveLength(1);
  });

  it("tells of each entry SQS refused and of every entry of a request that failed (those messages come back as duplicates)", async () => {
    sqs
      .on(DeleteMessageBatchCommand)
      .resolvesOnce({
        Successful: [{ Id: "0" }],
        Failed: [{ Id: "1", Code: "ReceiptHandleIsInvalid", Message: "stale", SenderFault: true }],
      })
      .rejectsOnce(new Error("socket hang up"));
    const failures: Array<[string, string]> = [];
    const deletes = new BatchedDeletes(client, "queue", { waitMs: 60_000, onFailure: (handle, reason) => failures.push([handle, reason]) });
    deletes.delete("ok");
    deletes.delete("stale");
    await deletes.close();
    deletes.delete("lost");
    await deletes.close();
    expect(failures).toEqual([
      ["stale", "ReceiptHandleIsInvalid: stale"],
      ["lost", "Error: socket hang up"],
    ]);
  });
});
