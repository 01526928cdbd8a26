/**
 * Two vitest projects: `unit` (pure logic and mocked SDK, no servers) and `integration` (real
 * S3 calls against two local moto servers started once per run by test/setup/motoServers.ts).
 */
import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["packages/**/test/**/*.test.ts", "functions/**/test/**/*.test.ts", "test/unit/**/*.test.ts"],
          exclude: [...configDefaults.exclude, "**/*.int.test.ts"],
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts", "packages/**/test/**/*.int.test.ts", "functions/**/test/**/*.int.test.ts"],
          globalSetup: ["test/setup/motoServers.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // One file at a time: the machine has 2 cores and each moto server is a single
          // Python process (one core under the GIL) holding 2.5-5x every object in memory.
          // Parallel files would fight moto for CPU and turn timing (retries, timeouts, resume
          // after a cut) into flakiness, while buying little: moto, not the client, is the
          // bottleneck. Tests stay isolated by unique bucket names, so this can be raised later.
          fileParallelism: false,
        },
      },
    ],
  },
});
