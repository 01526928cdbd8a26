/** Builds and runs the bundled `s3-migrate` CLI, as a user would. */
import { execFileSync, spawn } from "node:child_process";
import { testEndpoints } from "./endpoints.js";

const cli = "packages/cli/dist/s3-migrate.mjs";

/** The endpoint options that point the CLI at the two test-bed endpoints. */
export function testEndpointArgs(): string[] {
  const { source, destination } = testEndpoints();
  return [
    "--source-endpoint",
    source.endpoint,
    "--source-region",
    source.region,
    "--dest-endpoint",
    destination.endpoint,
    "--dest-region",
    destination.region,
  ];
}

/** Bundles the CLI from the current sources (about a second). */
export function buildCli(): void {
  execFileSync(process.execPath, ["scripts/bundle.mjs", "cli"]);
}

/** Runs the bundled CLI; resolves with its exit status and output. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], {
      env: { ...process.env, AWS_ACCESS_KEY_ID: "testing", AWS_SECRET_ACCESS_KEY: "testing", AWS_EC2_METADATA_DISABLED: "true", ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}
