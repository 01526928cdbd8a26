#!/usr/bin/env node
// Bundles one entry point with esbuild: `cli` → packages/cli/dist/s3-migrate.mjs;
// `worker` / `jobsender` → functions/<name>/dist/index.mjs zipped as functions/<name>/dist/<name>.zip.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const target = process.argv[2];
// ESM bundles of CommonJS dependencies (the AWS SDK) need require().
const banner = {
  js: "import { createRequire as __s3mCreateRequire } from 'node:module'; const require = __s3mCreateRequire(import.meta.url);",
};

if (target === "cli") {
  const outfile = join(root, "packages/cli/dist/s3-migrate.mjs");
  await build({
    entryPoints: [join(root, "packages/cli/src/bin.ts")],
    outfile,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    banner,
    minify: true,
    sourcemap: true,
    logLevel: "warning",
  });
  console.log(`bundled ${outfile}`);
} else if (target === "worker" || target === "jobsender") {
  const entry = join(root, `functions/${target}/src/handler.ts`);
  if (!existsSync(entry)) {
    console.log(`skipped ${target}: ${entry} does not exist yet`);
    process.exit(0);
  }
  const dist = join(root, `functions/${target}/dist`);
  rmSync(dist, { recursive: true, force: true });
  mkdirSync(dist, { recursive: true });
  // The Lambda runtime ships an SDK, but bundling ours pins the version we test against.
  await build({
    entryPoints: [entry],
    outfile: join(dist, "index.mjs"),
    bundle: true,
    platform: "node",
    target: "node22",
    format: "esm",
    banner,
    minify: true,
    sourcemap: false,
    logLevel: "warning",
  });
  const zip = join(dist, `${target}.zip`);
  // python3 is on every machine that runs the test bed (moto); its zipfile gives a plain, portable zip.
  execFileSync("python3", [
    "-c",
    "import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:\n  z.write(sys.argv[2], 'index.mjs')",
    zip,
    join(dist, "index.mjs"),
  ]);
  console.log(`bundled ${zip}`);
} else {
  console.error("usage: node scripts/bundle.mjs cli|worker|jobsender");
  process.exit(2);
}
