#!/usr/bin/env bash
# Sets up a fresh machine for s3-migrate: Node.js 22 (scripts/lib/node.sh), pnpm (the version
# package.json pins), dependencies from the lockfile, and Python moto for the local S3/SQS/DynamoDB/SSM endpoints.
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/lib/node.sh
echo "bootstrap: Node.js $(node --version) at $(command -v node)"

pnpm_version=$(node -p 'require("./package.json").packageManager.split("@")[1]')
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version)" != "$pnpm_version" ]; then
  echo "bootstrap: installing pnpm $pnpm_version"
  npm install --global "pnpm@$pnpm_version" >/dev/null
fi

echo "bootstrap: installing dependencies (frozen lockfile)"
pnpm install --frozen-lockfile --reporter=silent

bash scripts/ensure-moto.sh
