import { ConditionalCheckFailedException, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { ObjectTransitions } from "../src/ledger/objectTransitions.js";

// The local DynamoDB returns the refused record with the refusal (ReturnValuesOnConditionCheckFailure);
// these cover an endpoint that does not, where begin reads the record instead.
const documents = mockClient(DynamoDBDocumentClient);
const ledger = new ObjectTransitions(DynamoDBDocumentClient.from(new DynamoDBClient({ region: "us-east-1" })), "ledger");
const identity = { srcBucket: "s", srcKey: "k", desBucket: "d", desKey: "k", size: 5, srcEtag: "e1" };
const now = new Date("2026-12-01T00:00:00.000Z");
const claim = { token: "mine", messageId: "m2", expiresAt: now.getTime() + 30_000 };
const refused = () => new ConditionalCheckFailedException({ message: "The conditional request failed", $metadata: {} });

describe("ObjectTransitions.begin without the refused record in the answer", () => {
  afterEach(() => documents.reset());

  it.each([
    ["a live lease on the same version, another message", { leaseMessageId: "m1", srcEtag: "e1" }, { status: "duplicate" }],
    [
      "a live lease held for this very message",
      { leaseMessageId: "m2", srcEtag: "e1" },
      { status: "busy", retryAfterMs: 20_000, ownMessage: true },
    ],
    ["a live lease on another version", { leaseMessageId: "m1", srcEtag: "e0" }, { status: "busy", retryAfterMs: 20_000 }],
  ])("reads the record and classifies %s", async (_label, lease, expected) => {
    // Prepare
    const record = {
      pk: "obj#d/k",
      sk: "object",
      status: "in_progress",
      size: 5,
      leaseOwner: "other",
      leaseExpiresAt: now.getTime() + 20_000,
      updated_at: "",
      ...lease,
    };
    documents.on(UpdateCommand).rejectsOnce(refused()).resolves({});
    documents.on(GetCommand).resolves({ Item: record });
    // Act
    const result = await ledger.begin(identity, claim, 0, now);
    // Assess
    expect(result).toEqual(expected);
    expect(documents.commandCalls(GetCommand)[0]?.args[0].input).toMatchObject({ ConsistentRead: true });
  });

  it.each(["e0", "e1"])(
    "treats a record written before leases had expiries (source ETag %s) as leased for 16 minutes after its last update, never as a duplicate",
    async (srcEtag) => {
      const record = {
        pk: "obj#d/k",
        sk: "object",
        status: "in_progress",
        size: 5,
        srcEtag,
        updated_at: new Date(now.getTime() - 60_000).toISOString(),
      };
      documents.on(UpdateCommand).rejects(refused());
      documents.on(GetCommand).resolves({ Item: record });
      expect(await ledger.begin(identity, claim, 0, now)).toEqual({ status: "busy", retryAfterMs: 900_000, ownMessage: true });
    },
  );
});
