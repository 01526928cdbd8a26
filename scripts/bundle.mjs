#!/usr/bin/env node
// Bundles one entry point with esbuild:
//   `cli`                  → packages/cli/dist/s3-migrate.mjs
//   `worker` / `jobsender` → functions/<name>/dist/index.mjs, zipped as functions/<name>/dist/<name>.zip
//   `script <entry> <out>` → one script of scripts/ or a benchmark (scripts/demo.sh, scripts/bench-*.sh)
// Every bundle targets the Node.js major that `.node-version` pins: the Lambda runtime
// (nodejs22.x) and what every command here runs on.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const [target, ...rest] = process.argv.slice(2);
const nodeMajor = readFileSync(join(root, ".node-version"), "utf8").trim().split(".")[0];
const common = {
  bundle: true,
  platform: "node",
  target: `node${nodeMajor}`,
  format: "esm",
  // ESM bundles of CommonJS dependencies (the AWS SDK) need require().
  banner: {
    js: "import { createRequire as __s3mCreateRequire } from 'node:module'; const require = __s3mCreateRequire(import.meta.url);",
  },
  logLevel: "warning",
  // A native addon cannot be bundled: aws-crt (CRC32C and CRC64NVME, docs/integrity.md) is loaded
  // from node_modules, which the Lambda zips carry a trimmed copy of (`zipEntries`).
  external: ["aws-crt", "aws-crt/*"],
};

/**
 * What of aws-crt a Lambda zip needs: its package.json, the checksums module and its loader, and
 * the native binaries for Lambda's two architectures (linux x64 and arm64, glibc), about 13 MB of
 * the package's 44. Returns [path in the zip, path on disk] pairs.
 */
function awsCrtEntries() {
  const crt = dirname(createRequire(join(root, "packages/transfer/package.json")).resolve("aws-crt/package.json"));
  const files = [
    "package.json",
    "dist/native/checksums.js",
    "dist/native/binding.js",
    "dist/bin/linux-x64-glibc/aws-crt-nodejs.node",
    "dist/bin/linux-arm64-glibc/aws-crt-nodejs.node",
  ];
  return files.map((file) => [`node_modules/aws-crt/${file}`, join(crt, file)]);
}

if (target === "cli") {
  const outfile = join(root, "packages/cli/dist/s3-migrate.mjs");
  await build({ ...common, entryPoints: [join(root, "packages/cli/src/bin.ts")], outfile, minify: true, sourcemap: true });
  console.log(`bundled ${outfile}`);
} else if (target === "worker" || target === "jobsender") {
  const entry = join(root, `functions/${target}/src/handler.ts`);
  const dist = join(root, `functions/${target}/dist`);
  rmSync(dist, { recursive: true, force: true });
  mkdirSync(dist, { recursive: true });
  // The Lambda runtime ships an SDK, but bundling ours pins the version we test against.
  await build({ ...common, entryPoints: [entry], outfile: join(dist, "index.mjs"), minify: true, sourcemap: false });
  const zip = join(dist, `${target}.zip`);
  const entries = [["index.mjs", join(dist, "index.mjs")], ...awsCrtEntries()];
  // python3 is on every machine that runs the test bed (moto); its zipfile gives a plain, portable zip.
  execFileSync("python3", [
    "-c",
    "import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:\n  for name, path in zip(sys.argv[2::2], sys.argv[3::2]): z.write(path, name)",
    zip,
    ...entries.flat(),
  ]);
  console.log(`bundled ${zip}`);
} else if (target === "script" && rest.length === 2 && existsSync(join(root, rest[0]))) {
  await build({ ...common, entryPoints: [join(root, rest[0])], outfile: join(root, rest[1]) });
} else {
  console.error("usage: node scripts/bundle.mjs cli | worker | jobsender | script <entry.ts> <out.mjs>");
  process.exit(2);
}
