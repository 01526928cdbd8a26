#!/usr/bin/env bash
# The main job, locally: two S3 endpoints (moto: one plays AWS Global, one AWS China), a seeded
# source bucket, and an s3-migrate copy between them that is interrupted, resumed and verified.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/bootstrap.sh
echo "demo: building the CLI"
pnpm --silent --filter @s3-migrate/cli build >/dev/null

source scripts/lib/moto.sh
trap stop_motos EXIT
start_moto demo-source
SOURCE=$MOTO_ENDPOINT
start_moto demo-destination
DEST=$MOTO_ENDPOINT
echo "demo: source endpoint $SOURCE (us-east-1), destination endpoint $DEST (cn-northwest-1)"

# Node 20 runs the tests and demo here; the SDK warns that its 2027 releases need Node 22 (the
# Lambda runtime we deploy, nodejs22.x).
export AWS_ACCESS_KEY_ID=demo AWS_SECRET_ACCESS_KEY=demo AWS_EC2_METADATA_DISABLED=true AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
node scripts/seed-demo.mjs "$SOURCE" demo-source "${DEMO_LARGE_MIB:-200}"
node -e '
const { S3Client, CreateBucketCommand } = require("@aws-sdk/client-s3");
new S3Client({ endpoint: process.argv[1], region: "cn-northwest-1", forcePathStyle: true })
  .send(new CreateBucketCommand({ Bucket: "demo-destination", CreateBucketConfiguration: { LocationConstraint: "cn-northwest-1" } }))
  .then(() => console.log("created s3://demo-destination"));' "$DEST"

COPY=(node packages/cli/dist/s3-migrate.mjs copy --from s3://demo-source --to s3://demo-destination/migrated
  --source-endpoint "$SOURCE" --source-region us-east-1 --dest-endpoint "$DEST" --dest-region cn-northwest-1)

echo
echo "demo: run 1, stopped after 1.5 seconds with SIGTERM (as a deadline, Ctrl-C or a spot reclaim would)"
"${COPY[@]}" &
pid=$!
sleep 1.5
kill -TERM "$pid" 2>/dev/null || true
status=0
wait "$pid" || status=$?
echo "demo: run 1 ended with exit status $status (3 = interrupted, resumable; 0 = it finished first)"

echo
echo "demo: run 2 resumes: objects already copied are skipped, unfinished uploads continue from their parts"
"${COPY[@]}"

echo
echo "demo: run 3 finds everything present"
"${COPY[@]}"
