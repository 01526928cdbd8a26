#!/usr/bin/env bash
# Worker benchmark: jobs for 1,000 small objects and one 512 MiB object on two fresh local
# endpoints, drained by a cluster-mode worker in one process. Prints CPU per GiB and per 1,000
# small objects, peak RSS and AWS requests per object (target: <= 2 DynamoDB writes and 1 SQS
# delete per small object).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/node.sh
export AWS_EC2_METADATA_DISABLED=true AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench
source scripts/lib/moto.sh
trap stop_motos EXIT
start_moto bench-worker-own
OWN=$MOTO_ENDPOINT
start_moto bench-worker-destination
DEST=$MOTO_ENDPOINT
echo "bench-worker: bundling packages/pipeline/bench/worker.bench.ts"
mkdir -p .tmp
node scripts/bundle.mjs script packages/pipeline/bench/worker.bench.ts .tmp/worker-bench.mjs
echo "bench-worker: seeding, queueing and draining (own side $OWN, destination $DEST)"
node .tmp/worker-bench.mjs "$OWN" "$DEST" > .tmp/worker-bench.json
node -e '
const rows = JSON.parse(require("fs").readFileSync(".tmp/worker-bench.json", "utf8"));
for (const r of rows) {
  console.log(`${r.set}: ${r.wallSeconds} s wall, ${r.cpuSeconds} CPU s (${r.cpuSecondsPerGiB} per GiB, ${r.cpuSecondsPer1000Objects} per 1,000 objects), peak RSS ${r.peakRssMiB} MiB, ${r.extraDeliveries} messages delivered again (settled, nothing copied)`);
  for (const [request, perObject] of Object.entries(r.requestsPerObject)) console.log(`    ${request.padEnd(40)} ${perObject} per object`);
}'
