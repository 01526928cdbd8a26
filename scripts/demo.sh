#!/usr/bin/env bash
# The main job, locally: the whole pipeline between two S3 endpoints (moto: one plays AWS Global,
# the other AWS China). A seeded source bucket is compared by the jobsender, which queues one job
# per missing object; cluster-mode workers copy them (the first one is stopped half-way and a
# second resumes its uploads from their parts); the status command reports the verified result,
# and `verify` audits the pair: the demo fails unless every key is proven matching.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/node.sh

bash scripts/bootstrap.sh
echo "demo: building the CLI"
pnpm --silent --filter @s3-migrate/cli build >/dev/null

source scripts/lib/moto.sh
trap stop_motos EXIT
start_moto demo-source
SOURCE=$MOTO_ENDPOINT
start_moto demo-destination
DEST=$MOTO_ENDPOINT
echo "demo: source account (us-east-1) at $SOURCE, destination account (cn-northwest-1) at $DEST"

export AWS_ACCESS_KEY_ID=demo AWS_SECRET_ACCESS_KEY=demo AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
# Our own account's services (SQS, DynamoDB, SSM, the source S3) live on the source endpoint.
export AWS_ENDPOINT_URL_S3=$SOURCE AWS_ENDPOINT_URL_SQS=$SOURCE AWS_ENDPOINT_URL_DYNAMODB=$SOURCE AWS_ENDPOINT_URL_SSM=$SOURCE AWS_ENDPOINT_URL_KMS=$SOURCE

node scripts/seed-demo.mjs "$SOURCE" demo-source "${DEMO_LARGE_MIB:-200}"
PAIRS='[{"src_bucket":"demo-source","src_prefix":"","des_bucket":"demo-destination","des_prefix":"migrated"}]'
mkdir -p .tmp
node scripts/bundle.mjs script scripts/demo-deploy.ts .tmp/demo-deploy.mjs
eval "$(node .tmp/demo-deploy.mjs "$SOURCE" "$DEST" demo-destination "$PAIRS")"
CLI=(node packages/cli/dist/s3-migrate.mjs)

echo
echo "demo: jobsender pass: compare the buckets and queue one job per missing object"
"${CLI[@]}" send --pairs-parameter "$BUCKET_PAIRS_PARAMETER" --queue-url "$JOB_QUEUE_URL" --ledger-table "$LEDGER_TABLE" \
  --source-endpoint "$SOURCE" --credentials-parameter "$CREDENTIALS_PARAMETER" --ssm-endpoint "$SOURCE"

export POWERTOOLS_LOG_LEVEL=${POWERTOOLS_LOG_LEVEL:-WARN}
echo
echo "demo: worker 1 starts, and is stopped with SIGTERM after 2 seconds (a deploy, a spot reclaim)"
"${CLI[@]}" worker --concurrency 4 --grace 2 &
pid=$!
sleep 2
kill -TERM "$pid" 2>/dev/null || true
wait "$pid" || true

echo
echo "demo: worker 2 picks up what is left; unfinished uploads resume from their parts"
"${CLI[@]}" worker --concurrency 4 --exit-when-idle 3

echo
echo "demo: a second jobsender pass finds nothing missing"
"${CLI[@]}" send --pairs-parameter "$BUCKET_PAIRS_PARAMETER" --queue-url "$JOB_QUEUE_URL" --ledger-table "$LEDGER_TABLE" \
  --source-endpoint "$SOURCE" --credentials-parameter "$CREDENTIALS_PARAMETER" --ssm-endpoint "$SOURCE"

echo
"${CLI[@]}" status --ledger-table "$LEDGER_TABLE" --queue-url "$JOB_QUEUE_URL" --dlq-url "$DEAD_LETTER_QUEUE_URL"

echo
echo "demo: an audit of the pair, changing nothing: every key must be proven matching (exit 0)"
"${CLI[@]}" verify --pairs-parameter "$BUCKET_PAIRS_PARAMETER" --ledger-table "$LEDGER_TABLE" --report .tmp/demo-verify.jsonl \
  --source-endpoint "$SOURCE" --credentials-parameter "$CREDENTIALS_PARAMETER" --ssm-endpoint "$SOURCE"
