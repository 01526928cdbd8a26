#!/usr/bin/env bash
# Checksum benchmark (`pnpm bench:checksums`): the throughput of every checksum algorithm S3 can
# verify, in every implementation a Lambda function could load (scripts/bench/checksums.mjs).
# The registry packages with native code are installed, pinned, into .tmp/bench-checksums (not
# workspace dependencies: they are candidates being measured). Needs the workspace installed
# (`bash scripts/bootstrap.sh`) and the npm registry; about a minute on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/node.sh
NATIVE_DIR=.tmp/bench-checksums
NATIVE_PACKAGES=("@node-rs/crc32@1.10.8" "@aws-sdk/crc64-nvme-crt@3.1025.0")
if [ ! -d "$NATIVE_DIR/node_modules/@node-rs/crc32" ] || [ ! -d "$NATIVE_DIR/node_modules/@aws-sdk/crc64-nvme-crt" ]; then
  echo "bench-checksums: installing ${NATIVE_PACKAGES[*]} into $NATIVE_DIR"
  mkdir -p "$NATIVE_DIR"
  if ! npm install --prefix "$NATIVE_DIR" --no-save --no-audit --no-fund "${NATIVE_PACKAGES[@]}" >"$NATIVE_DIR/install.log" 2>&1; then
    echo "bench-checksums: FAILED to install the native candidates (log: $NATIVE_DIR/install.log)" >&2
    exit 1
  fi
fi
echo "bench-checksums: node $(node --version), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
node scripts/bench/checksums.mjs "$NATIVE_DIR"
