#!/usr/bin/env bash
# Sets up a fresh machine and runs every check: types, lint, build, unit and integration tests
# (against two local moto servers that the vitest global setup starts), and the Terraform checks.
# The last line is "tests: N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/node.sh

bash scripts/bootstrap.sh

echo "test: typecheck (sources and tests)"
pnpm --silent typecheck
echo "test: lint and format (biome)"
pnpm --silent lint
echo "test: build bundles"
pnpm --silent build

echo "test: unit and integration tests (vitest)"
mkdir -p .tmp
rm -f .tmp/vitest.json
vitest_status=0
pnpm exec vitest run --reporter=default --reporter=json --outputFile.json=.tmp/vitest.json || vitest_status=$?

terraform_status=0
if [ -f scripts/terraform-check.sh ]; then
  if ! command -v terraform >/dev/null 2>&1; then
    echo "test: terraform is required for the Terraform checks but is not installed" >&2
    terraform_status=1
  else
    echo "test: terraform fmt, validate and test"
    bash scripts/terraform-check.sh || terraform_status=$?
  fi
fi

if [ ! -s .tmp/vitest.json ]; then
  echo "test: vitest wrote no results (status $vitest_status)" >&2
  echo "tests: 0 passed, 1 failed"
  exit 1
fi
node -e '
const r = require("./.tmp/vitest.json");
const failed = r.numFailedTests + (Number(process.argv[1]) === 0 ? 0 : 1);
console.log(`vitest: ${r.numTotalTestSuites} suites, ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`);
if (Number(process.argv[1]) !== 0) console.log("terraform checks: FAILED");
console.log(`tests: ${r.numPassedTests} passed, ${failed} failed`);
' "$terraform_status"
if [ "$vitest_status" -ne 0 ] || [ "$terraform_status" -ne 0 ]; then exit 1; fi
