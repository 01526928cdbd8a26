#!/usr/bin/env bash
# Worker benchmark (`pnpm bench:worker`): on two fresh local endpoints, a cluster-mode worker in one
# process drains, set by set: 10,000 small objects (1-64 KiB) queued in batches as the jobsender
# packs them (BENCH_WORKER_BATCHED), 1,000 small objects queued one job each (BENCH_WORKER_SMALL,
# the way before batches) and one 512 MiB object (BENCH_WORKER_LARGE_MIB). Prints wall time, CPU
# per 1,000 objects and per GiB, peak RSS and AWS requests per object by service; then rclone
# copies the batched set's objects between the same endpoints (copy only: no queue, no ledger)
# and its CPU per 1,000 objects is printed beside ours, with the SDK floor (the worker's own
# clients sending only a batched object's GET, create-only PUT and ledger commit; BENCH_WORKER_FLOOR
# objects, 2,000 by default) to show what the pipeline adds. BENCH_WORKER_MESSAGES (default 8) sets
# how many messages the worker works on at once.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/node.sh
export AWS_EC2_METADATA_DISABLED=true AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench
source scripts/lib/bench-tools.sh
ensure_bench_tools bench-worker
source scripts/lib/moto.sh
source scripts/lib/keepalive.sh
trap 'stop_keepalives; stop_motos' EXIT
# Both tools reach moto through a keep-alive front (scripts/lib/keepalive.sh: moto closes every
# connection, S3 does not); BENCH_KEEPALIVE=0 talks to moto directly.
start_moto bench-worker-own
start_keepalive "$MOTO_ENDPOINT"
OWN=$KEEPALIVE_ENDPOINT
start_moto bench-worker-destination
start_keepalive "$MOTO_ENDPOINT"
DEST=$KEEPALIVE_ENDPOINT
echo "bench-worker: bundling packages/pipeline/bench/worker.bench.ts"
mkdir -p .tmp
node scripts/bundle.mjs script packages/pipeline/bench/worker.bench.ts .tmp/worker-bench.mjs
echo "bench-worker: seeding, queueing and draining (own side $OWN, destination $DEST)"
node .tmp/worker-bench.mjs "$OWN" "$DEST" > .tmp/worker-bench.json
node -e '
const rows = JSON.parse(require("fs").readFileSync(".tmp/worker-bench.json", "utf8"));
for (const r of rows) {
  if (r.floor !== undefined) console.log(`${r.set}: ${r.wallSeconds} s wall, ${r.cpuSeconds} CPU s (${r.cpuSecondsPer1000Objects} per 1,000 objects)`);
  else console.log(`${r.set}: ${r.wallSeconds} s wall, ${r.cpuSeconds} CPU s (${r.cpuSecondsPerGiB} per GiB, ${r.cpuSecondsPer1000Objects} per 1,000 objects), peak RSS ${r.peakRssMiB} MiB, ${r.extraDeliveries} messages delivered again (settled, nothing copied)`);
  for (const [request, perObject] of Object.entries(r.requestsPerObject)) console.log(`    ${request.padEnd(40)} ${perObject} per object`);
}'

echo "bench-worker: rclone copies the batched set between the same endpoints (copy only)"
: >.tmp/worker-bench-rclone.conf
/usr/bin/time -f '%e %U %S %M' -o .tmp/worker-bench-rclone.time env -u AWS_CA_BUNDLE \
  RCLONE_CONFIG_SRC_TYPE=s3 RCLONE_CONFIG_SRC_PROVIDER=Other RCLONE_CONFIG_SRC_ENDPOINT="$OWN" \
  RCLONE_CONFIG_SRC_ACCESS_KEY_ID=bench RCLONE_CONFIG_SRC_SECRET_ACCESS_KEY=bench \
  RCLONE_CONFIG_SRC_REGION=us-east-1 RCLONE_CONFIG_SRC_FORCE_PATH_STYLE=true \
  RCLONE_CONFIG_DST_TYPE=s3 RCLONE_CONFIG_DST_PROVIDER=Other RCLONE_CONFIG_DST_ENDPOINT="$DEST" \
  RCLONE_CONFIG_DST_ACCESS_KEY_ID=bench RCLONE_CONFIG_DST_SECRET_ACCESS_KEY=bench \
  RCLONE_CONFIG_DST_REGION=cn-northwest-1 RCLONE_CONFIG_DST_FORCE_PATH_STYLE=true \
  rclone --config .tmp/worker-bench-rclone.conf copy SRC:bench-worker-src/batched DST:bench-worker-rclone/batched
node -e '
const fs = require("fs");
const rows = JSON.parse(fs.readFileSync(".tmp/worker-bench.json", "utf8"));
const batched = rows.find((r) => r.set.includes("in batches"));
const [wall, user, sys] = fs.readFileSync(".tmp/worker-bench-rclone.time", "utf8").trim().split("\n").at(-1).split(" ").map(Number);
const rcloneMs = ((user + sys) / batched.objects) * 1000;
const oursMs = batched.cpuSecondsPer1000Objects;
console.log(`rclone copy of the same ${batched.objects} objects: ${wall} s wall, ${(user + sys).toFixed(2)} CPU s (${rcloneMs.toFixed(2)} CPU-ms an object)`);
console.log(`through the queue and the ledger, ours: ${oursMs.toFixed(2)} CPU-ms an object = ${(oursMs / rcloneMs).toFixed(2)} x rclone copy-only`);
for (const floor of rows.filter((r) => r.floor !== undefined))
  console.log(`${floor.set}: ${floor.cpuSecondsPer1000Objects.toFixed(2)} CPU-ms an object = ${(floor.cpuSecondsPer1000Objects / rcloneMs).toFixed(2)} x rclone copy-only; ours through the queue and the ledger = ${(oursMs / floor.cpuSecondsPer1000Objects).toFixed(2)} x this floor`);
fs.writeFileSync(".tmp/worker-bench.json", JSON.stringify([...rows, { set: "rclone copy-only, the batched set", objects: batched.objects, wallSeconds: wall, cpuSeconds: user + sys, cpuSecondsPer1000Objects: Number(rcloneMs.toFixed(2)) }]));
'
