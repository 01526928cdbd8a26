import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MINIMUM_NODE_MAJOR, unsupportedNode } from "../src/nodeVersion.js";

const repoFile = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), "utf8");

describe("the Node.js the CLI needs", () => {
  it("refuses Node 20 with a message that names the version it needs", () => {
    expect(unsupportedNode("v20.20.2")).toBe(
      "s3-migrate needs Node.js 22 or later (the Lambda runtime, nodejs22.x); this is Node.js v20.20.2",
    );
    expect(unsupportedNode("garbage")).toMatch(/needs Node.js 22/);
  });

  it("runs on Node 22 and later", () => {
    expect(unsupportedNode("v22.12.0")).toBeUndefined();
    expect(unsupportedNode("v24.1.0")).toBeUndefined();
  });

  it("agrees with the pinned release, the engines field and the Lambda runtime Terraform deploys", () => {
    expect(Number(repoFile(".node-version").trim().split(".")[0])).toBe(MINIMUM_NODE_MAJOR);
    expect(JSON.parse(repoFile("package.json")).engines.node).toBe(`>=${MINIMUM_NODE_MAJOR}.12`);
    expect(JSON.parse(repoFile("packages/cli/package.json")).engines.node).toBe(`>=${MINIMUM_NODE_MAJOR}.12`);
    expect(repoFile("terraform/modules/lambda-function/variables.tf")).toContain(`default     = "nodejs${MINIMUM_NODE_MAJOR}.x"`);
  });

  it("is the Node.js this suite runs on (scripts/lib/node.sh put it on PATH)", () => {
    expect(process.version).toBe(`v${repoFile(".node-version").trim()}`);
  });
});
