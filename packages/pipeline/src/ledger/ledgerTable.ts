import type { CreateTableCommandInput } from "@aws-sdk/client-dynamodb";

/**
 * The ledger table's key schema and `by_status` index, as terraform/modules/ledger creates it,
 * for creating the same table where Terraform does not run (tests, benchmarks, local setups).
 */
export function ledgerTableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: ["pk", "sk", "status", "updated_at"].map((name) => ({ AttributeName: name, AttributeType: "S" as const })),
    KeySchema: [
      { AttributeName: "pk", KeyType: "HASH" },
      { AttributeName: "sk", KeyType: "RANGE" },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: "by_status",
        KeySchema: [
          { AttributeName: "status", KeyType: "HASH" },
          { AttributeName: "updated_at", KeyType: "RANGE" },
        ],
        Projection: { ProjectionType: "ALL" },
      },
    ],
  };
}
