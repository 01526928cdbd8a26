#!/usr/bin/env bash
# Jobsender compare benchmark: 100k, 1M and 5M source keys against as many destination keys
# (every 10th missing), from generated in-memory pages, each size in a fresh process.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .tmp
echo "bench-compare: bundling packages/core/bench/compare.bench.ts"
node -e '
require("esbuild").buildSync({ entryPoints: ["packages/core/bench/compare.bench.ts"], outfile: ".tmp/compare-bench.mjs", bundle: true, platform: "node", format: "esm", target: "node20",
  banner: { js: "import { createRequire as __cr } from \"node:module\"; const require = __cr(import.meta.url);" }, logLevel: "warning" });'
printf "%-10s %10s %14s %12s %14s\n" "keys" "seconds" "keys/s" "cpu s" "peak RSS MiB"
for count in ${BENCH_COMPARE_COUNTS:-100000 1000000 5000000}; do
  line=$(AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true node .tmp/compare-bench.mjs "$count")
  node -e 'const r = JSON.parse(process.argv[1]); console.log([String(r.keys).padEnd(10), String(r.seconds).padStart(10), String(r.keysPerSecond).padStart(14), String(r.cpuSeconds).padStart(12), String(r.peakRssMiB).padStart(14)].join(" "))' "$line"
done
echo "targets: >= 200000 keys/s, peak RSS < 256 MiB and flat as the count grows"
