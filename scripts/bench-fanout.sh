#!/usr/bin/env bash
# `pnpm bench:fanout`: one giant object across a simulated cross-border link (a bandwidth cap on
# every TCP connection and a round-trip delay, test/support/linkProxy.ts) with 1, 2 and 4
# cluster-mode worker processes sharing its range jobs, and rclone (one process, as many flows as
# one worker) as the peer. Not a test: it prints figures (docs/benchmarks.md, "Fan-out").
#
# Each run gets a fresh pair of moto servers. The driver (test/bench/fanout.bench.ts) seeds the
# object, runs the copy, checks that the destination's size and ETag equal the source's, and
# prints one JSON row; scripts/bench/fanout-report.mjs turns the rows into the table, the
# speed-up and parallel efficiency, and the model of the original's 80 GB case.
#
# Environment (defaults in brackets):
#   BENCH_FANOUT_WORKERS   worker counts to run ["1 2 4"]
#   BENCH_FANOUT_PEER      1 to run rclone too [1]
#   BENCH_FANOUT_GIB       object size in GiB [2]
#   BENCH_LINK_MIBPS       each connection's bandwidth, MiB/s, each way [2]
#   BENCH_LINK_RTT_MS      round-trip time added, ms [200]
#   BENCH_PART_SIZE_MIB    part size, source layout and copy [8]
#   BENCH_PART_CONCURRENCY parts in flight per worker (flows) [4]
#   BENCH_RANGE_PARTS      parts per range job [16]
#   BENCH_FANOUT_THRESHOLD_MIB  FANOUT_THRESHOLD_MIB of the workers [1024, the default]; lower it
#                          for a quick run with a small object
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/node.sh
source scripts/lib/bench-tools.sh
ensure_bench_tools bench-fanout
export AWS_EC2_METADATA_DISABLED=true AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench
source scripts/lib/moto.sh
trap stop_motos EXIT

WORK=.tmp/bench-fanout
RESULTS=$WORK/results.jsonl
rm -rf "$WORK"
mkdir -p "$WORK"
echo "bench-fanout: bundling the CLI and the driver"
node scripts/bundle.mjs cli >/dev/null
node scripts/bundle.mjs script test/bench/fanout.bench.ts "$WORK/fanout-bench.mjs"

run() {
  local mode=$1 workers=$2 name="fanout-$1-$2"
  start_moto "$name-own"
  local own=$MOTO_ENDPOINT own_pid=${MOTO_PIDS[-1]}
  start_moto "$name-destination"
  local destination=$MOTO_ENDPOINT destination_pid=${MOTO_PIDS[-1]}
  node "$WORK/fanout-bench.mjs" --mode "$mode" --workers "$workers" \
    --own "$own" --own-pid "$own_pid" --own-log ".tmp/moto-$name-own.log" \
    --destination "$destination" --destination-pid "$destination_pid" --destination-log ".tmp/moto-$name-destination.log" >>"$RESULTS"
  stop_motos
  MOTO_PIDS=()
}

for workers in ${BENCH_FANOUT_WORKERS:-1 2 4}; do run workers "$workers"; done
if [ "${BENCH_FANOUT_PEER:-1}" = 1 ]; then run rclone 1; fi
node scripts/bench/fanout-report.mjs "$RESULTS"
