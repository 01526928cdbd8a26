#!/usr/bin/env bash
# Sets up a fresh machine for s3-migrate: pnpm (the version package.json pins), dependencies from
# the lockfile, and Python moto for the local S3/SQS/DynamoDB/SSM endpoints.
set -euo pipefail
cd "$(dirname "$0")/.."

node_major=$(node -p 'process.versions.node.split(".").map(Number).reduce((a, b, i) => i === 0 ? b : i === 1 ? a * 1000 + b : a, 0)')
if [ "$node_major" -lt 20019 ]; then
  echo "bootstrap: Node.js >= 20.19 is required, found $(node --version)" >&2
  exit 1
fi

pnpm_version=$(node -p 'require("./package.json").packageManager.split("@")[1]')
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version)" != "$pnpm_version" ]; then
  echo "bootstrap: installing pnpm $pnpm_version"
  npm install --global "pnpm@$pnpm_version" >/dev/null
fi

echo "bootstrap: installing dependencies (frozen lockfile)"
pnpm install --frozen-lockfile --reporter=silent

bash scripts/ensure-moto.sh
