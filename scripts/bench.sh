#!/usr/bin/env bash
# `pnpm bench`: measures s3-migrate's copy against rclone's on the same work, between two local
# moto S3 endpoints. Not a test: it prints figures (see docs/benchmarks.md for how to read them).
#
# For each data set (one 1 GiB object; 2,000 objects of 4-64 KiB) and each tool, it starts a fresh
# pair of moto servers (source and destination), seeds the source with deterministic bytes, runs
# the tool's copy under `/usr/bin/time` (only the copy process is measured), then checks the
# destination independently (every key and size, every object's bytes by MD5) and fails loudly on
# any difference. It prints a table and writes the figures to .tmp/bench-results.json.
#
# Environment:
#   BENCH_SETS="large small"   which data sets to run (default both)
#   BENCH_KEEPALIVE=0          talk to moto directly instead of through a keep-alive front
#                              (scripts/lib/keepalive.sh: moto closes every connection, S3 does not)
#   BENCH_PROFILE=1            also run s3-migrate once more on the 1 GiB set under `node --cpu-prof`
#                              (not timed) and print its top self-time functions; the profile is
#                              left in .tmp/bench-profile/
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/node.sh

WORK=.tmp/bench
RESULTS=.tmp/bench-results.json
PROFILE_DIR=.tmp/bench-profile
SETS=${BENCH_SETS:-large small}
SOURCE_BUCKET=bench-source
DEST_BUCKET=bench-destination
SOURCE_REGION=us-east-1
DEST_REGION=cn-northwest-1
CLI=packages/cli/dist/s3-migrate.mjs
started=$(date +%s)

say() { echo "bench: $*"; }
fail() {
  echo "bench: FAILED: $*" >&2
  exit 1
}

for set in $SETS; do
  case $set in large | small) ;; *) fail "BENCH_SETS may hold only 'large' and 'small', got '$set'" ;; esac
done

source scripts/lib/bench-tools.sh
ensure_bench_tools bench

say "building the CLI: pnpm --filter @s3-migrate/cli build"
pnpm --silent --filter @s3-migrate/cli build >/dev/null

rm -rf "$WORK"
mkdir -p "$WORK"
: >"$WORK/rclone.conf" # an empty config: the remotes come from the environment, never from ~/.config/rclone

source scripts/lib/moto.sh
source scripts/lib/keepalive.sh
trap 'stop_keepalives; stop_motos' EXIT

export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_EC2_METADATA_DISABLED=true

node "$CLI" copy --help >"$WORK/cli-help.txt"
/usr/bin/time -f '%e %U %S %M' -o "$WORK/startup-ours.time" node "$CLI" copy --help >/dev/null
/usr/bin/time -f '%e %U %S %M' -o "$WORK/startup-rclone.time" rclone version >/dev/null
node -e '
const os = require("node:os");
const [rclone, moto, ours, theirs] = process.argv.slice(1);
const cpu = (line) => { const [, user, sys] = line.trim().split(/\s+/).map(Number); return Math.round((user + sys) * 100) / 100; };
console.log(JSON.stringify({
  node: process.version, rclone, moto, os: `${os.type()} ${os.release()}`, cpuModel: os.cpus()[0]?.model,
  cpus: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  startupCpuSeconds: { ours: cpu(ours), rclone: cpu(theirs) },
}));' "$(rclone version | head -n 1)" "$(python3 -c 'import moto; print(moto.__version__)')" \
  "$(tail -n 1 "$WORK/startup-ours.time")" "$(tail -n 1 "$WORK/startup-rclone.time")" >"$WORK/env.json"

# Starts a fresh source and destination moto pair, seeds the source with data set $1 and creates the
# empty destination bucket. Sets SRC and DST.
fresh_endpoints() {
  local set=$1 label=$2
  start_moto "bench-$label-$set-source"
  start_keepalive "$MOTO_ENDPOINT"
  SRC=$KEEPALIVE_ENDPOINT
  start_moto "bench-$label-$set-destination"
  start_keepalive "$MOTO_ENDPOINT"
  DST=$KEEPALIVE_ENDPOINT
  say "[$label, $set] fresh moto servers: source $SRC ($SOURCE_REGION), destination $DST ($DEST_REGION)"
  say "[$label, $set] seeding the source (not measured)"
  node scripts/bench/seed.mjs "$SRC" "$SOURCE_BUCKET" "$set" "$WORK/manifest-$set.json" | sed 's/^/bench:   /'
  node -e '
const { S3Client, CreateBucketCommand } = require("@aws-sdk/client-s3");
new S3Client({ endpoint: process.argv[1], region: process.argv[3], forcePathStyle: true })
  .send(new CreateBucketCommand({ Bucket: process.argv[2], CreateBucketConfiguration: { LocationConstraint: process.argv[3] } }))
  .catch((error) => { console.error(error); process.exit(1); });' "$DST" "$DEST_BUCKET" "$DEST_REGION"
}

# Stops this pair of servers (and waits for them), noting their peak RSS in $1 first.
stop_endpoints() {
  local record=$1 pid peaks=()
  for pid in "${MOTO_PIDS[@]}"; do
    peaks+=("$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)")
  done
  echo "${peaks[*]}" >"$record"
  stop_keepalives
  for pid in "${MOTO_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  MOTO_PIDS=()
}

# Runs one copy under /usr/bin/time; its output goes to $WORK/<name>.out/.err. Fails loudly.
timed_copy() {
  local name=$1
  shift
  printf '%q ' "$@" | sed 's/ $//' >"$WORK/$name.cmd"
  say "[$name] measuring: $(cat "$WORK/$name.cmd")"
  if ! /usr/bin/time -f '%e %U %S %M' -o "$WORK/$name.time" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"; then
    echo "bench: the copy failed; last lines of its output:" >&2
    tail -n 20 "$WORK/$name.err" "$WORK/$name.out" >&2
    fail "$name: copy exited with an error ($(head -n 1 "$WORK/$name.time"))"
  fi
  read -r wall user sys rss <<<"$(tail -n 1 "$WORK/$name.time")"
  say "[$name] copy finished: wall ${wall} s, user ${user} s, sys ${sys} s, peak RSS $((rss / 1024)) MiB"
}

verify_destination() {
  local name=$1 set=$2
  say "[$name] verifying the destination independently: every key and size, every object's bytes (MD5)"
  BENCH_DEST_REGION=$DEST_REGION node scripts/bench/verify.mjs "$DST" "$DEST_BUCKET" "$WORK/manifest-$set.json" 1 | sed 's/^/bench:   /' ||
    fail "$name: the destination does not hold the data set"
}

run_ours() {
  local set=$1 name="ours-$1"
  fresh_endpoints "$set" ours
  timed_copy "$name" node "$CLI" copy --from "s3://$SOURCE_BUCKET" --to "s3://$DEST_BUCKET" \
    --source-endpoint "$SRC" --source-region "$SOURCE_REGION" --dest-endpoint "$DST" --dest-region "$DEST_REGION" --json
  say "[$name] checking the CLI's JSON summary: every object copied, none failed, every byte"
  node -e '
const [summaryText, manifestText] = [require("fs").readFileSync(process.argv[1], "utf8"), require("fs").readFileSync(process.argv[2], "utf8")];
const summary = JSON.parse(summaryText.trim().split("\n").at(-1));
const manifest = JSON.parse(manifestText);
const { objects, bytes } = summary;
const ok = objects.copied === manifest.objectCount && objects.failed === 0 && objects.sourceChanged === 0 &&
  objects.paused === 0 && objects.skipped === 0 && bytes.copied === manifest.totalBytes;
console.log(`bench:   summary: ${objects.copied} copied, ${objects.skipped} skipped, ${objects.failed} failed, ${bytes.copied} bytes; ` +
  `verified ${summary.verification.sourceChecksum} against the stored source checksum, ${summary.verification.sourceEtag} against the source ETag, ${summary.verification.partChecksums} by part checksums`);
if (!ok) { console.error(`expected ${manifest.objectCount} objects and ${manifest.totalBytes} bytes copied`); process.exit(1); }' \
    "$WORK/$name.out" "$WORK/manifest-$set.json" || fail "$name: the CLI's summary does not account for the whole data set"
  verify_destination "$name" "$set"
  stop_endpoints "$WORK/$name.moto"
}

run_rclone() {
  local set=$1 name="rclone-$1"
  fresh_endpoints "$set" rclone
  # Two S3 remotes of provider Other, from the environment; plain HTTP, so no AWS_CA_BUNDLE.
  # rclone's defaults otherwise: --transfers 4 --checkers 8 --s3-upload-cutoff 200Mi
  # --s3-chunk-size 5Mi --s3-upload-concurrency 4.
  timed_copy "$name" env -u AWS_CA_BUNDLE \
    RCLONE_CONFIG_SRC_TYPE=s3 RCLONE_CONFIG_SRC_PROVIDER=Other RCLONE_CONFIG_SRC_ENDPOINT="$SRC" \
    RCLONE_CONFIG_SRC_ACCESS_KEY_ID=bench RCLONE_CONFIG_SRC_SECRET_ACCESS_KEY=bench \
    RCLONE_CONFIG_SRC_REGION="$SOURCE_REGION" RCLONE_CONFIG_SRC_FORCE_PATH_STYLE=true \
    RCLONE_CONFIG_DST_TYPE=s3 RCLONE_CONFIG_DST_PROVIDER=Other RCLONE_CONFIG_DST_ENDPOINT="$DST" \
    RCLONE_CONFIG_DST_ACCESS_KEY_ID=bench RCLONE_CONFIG_DST_SECRET_ACCESS_KEY=bench \
    RCLONE_CONFIG_DST_REGION="$DEST_REGION" RCLONE_CONFIG_DST_FORCE_PATH_STYLE=true \
    rclone --config "$WORK/rclone.conf" copy "SRC:$SOURCE_BUCKET" "DST:$DEST_BUCKET"
  # moto answers CompleteMultipartUpload with `x-amz-version-id: null` on an unversioned bucket;
  # rclone 1.60 then HEADs `?versionId=null`, moto says 400, and rclone's second attempt finds the
  # object complete. It exits 0; the verification below is what counts.
  local retries
  retries=$(grep -c 'Attempt 1/3 failed' "$WORK/$name.err" || true)
  if [ "$retries" -gt 0 ]; then
    echo "rclone logged a failed first attempt and succeeded on its retry (exit 0): $(grep -m 1 'ERROR' "$WORK/$name.err" | cut -c 21-)" >"$WORK/$name.note"
    say "[$name] note: $(cat "$WORK/$name.note")"
  fi
  verify_destination "$name" "$set"
  stop_endpoints "$WORK/$name.moto"
}

for set in $SETS; do
  run_ours "$set"
  run_rclone "$set"
done

if [ "${BENCH_PROFILE:-}" = 1 ]; then
  say "[profile] s3-migrate on the 1 GiB set under node --cpu-prof (not part of the table)"
  rm -rf "$PROFILE_DIR"
  mkdir -p "$PROFILE_DIR"
  fresh_endpoints large profile
  timed_copy profile-ours-large node --cpu-prof --cpu-prof-dir="$PROFILE_DIR" --cpu-prof-name=ours-1GiB.cpuprofile "$CLI" copy \
    --from "s3://$SOURCE_BUCKET" --to "s3://$DEST_BUCKET" --source-endpoint "$SRC" --source-region "$SOURCE_REGION" \
    --dest-endpoint "$DST" --dest-region "$DEST_REGION" --json
  verify_destination profile-ours-large large
  stop_endpoints "$WORK/profile-ours-large.moto"
  node scripts/bench/profile-top.mjs "$PROFILE_DIR/ours-1GiB.cpuprofile" 10 --json "$PROFILE_DIR/summary.json" | sed 's/^/bench:   /'
fi

say "all copies verified; total bench time $(($(date +%s) - started)) s"
if [ "${BENCH_PROFILE:-}" = 1 ]; then
  node scripts/bench/report.mjs "$WORK" "$RESULTS" "$PROFILE_DIR/summary.json"
else
  node scripts/bench/report.mjs "$WORK" "$RESULTS"
fi

# The jobsender's compare: keys per second and peak RSS from generated in-memory listings.
if [ "${BENCH_COMPARE:-1}" = 1 ]; then
  say "jobsender compare benchmark (BENCH_COMPARE=0 skips it)"
  bash scripts/bench-compare.sh
fi

# The worker: requests, CPU and memory per object through the queue and the ledger.
if [ "${BENCH_WORKER:-1}" = 1 ]; then
  say "worker benchmark (BENCH_WORKER=0 skips it)"
  bash scripts/bench-worker.sh
fi
