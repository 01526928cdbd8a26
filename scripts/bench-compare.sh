#!/usr/bin/env bash
# Jobsender compare and verify benchmark: 100k, 1M and 5M source keys against as many destination
# keys (every 10th missing), from generated in-memory pages, each size and mode in a fresh process.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/node.sh
mkdir -p .tmp
echo "bench-compare: bundling packages/pipeline/bench/compare.bench.ts"
mkdir -p .tmp
node scripts/bundle.mjs script packages/pipeline/bench/compare.bench.ts .tmp/compare-bench.mjs
printf "%-10s %-10s %10s %14s %12s %14s\n" "what" "keys" "seconds" "keys/s" "cpu s" "peak RSS MiB"
for mode in jobsender verify; do
  for count in ${BENCH_COMPARE_COUNTS:-100000 1000000 5000000}; do
    line=$(node .tmp/compare-bench.mjs "$count" "$mode")
    node -e 'const r = JSON.parse(process.argv[1]); console.log([r.mode.padEnd(10), String(r.keys).padEnd(10), String(r.seconds).padStart(10), String(r.keysPerSecond).padStart(14), String(r.cpuSeconds).padStart(12), String(r.peakRssMiB).padStart(14)].join(" "))' "$line"
  done
done
echo "targets: >= 200000 keys/s, peak RSS < 256 MiB and flat as the count grows"
