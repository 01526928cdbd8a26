/**
 * The shell scripts parse (`bash -n`). CI runs the tests, the demo and Terraform, not the
 * benchmarks, so a syntax error in a benchmark script (an apostrophe inside a single-quoted
 * embedded script broke `pnpm bench` once) would otherwise surface only when someone runs it.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const scripts = ["scripts", "scripts/lib", ".ci"].flatMap((folder) =>
  readdirSync(path.join(root, folder), { withFileTypes: true })
    .filter((entry) => entry.isFile() && (entry.name.endsWith(".sh") || (folder === ".ci" && entry.name === "run")))
    .map((entry) => `${folder}/${entry.name}`),
);

describe("shell scripts", () => {
  it("finds the scripts", () => {
    expect(scripts).toEqual(expect.arrayContaining(["scripts/bench.sh", "scripts/demo.sh", "scripts/test.sh", ".ci/run"]));
  });

  it.each(scripts)("%s parses", (script) => {
    const check = spawnSync("bash", ["-n", path.join(root, script)], { encoding: "utf8" });
    expect(check.stderr).toBe("");
    expect(check.status).toBe(0);
  });
});
