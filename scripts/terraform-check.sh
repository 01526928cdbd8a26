#!/usr/bin/env bash
# Checks the Terraform code offline: fmt, the READMEs' tables, init + validate of the root (and of
# any module or example no test plans), then the mock-provider tests of terraform/tests, which plan
# every module and example. Uses only the hashicorp/aws provider from the local
# filesystem mirror; writes nothing outside .tmp/ (lock files it creates are removed on exit).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

tmp_dir="$repo_root/.tmp"
mirror="${TF_PLUGIN_MIRROR:-/opt/tf-plugins}"
started=$SECONDS

step() { printf '\n==> %s\n' "$*"; }

mkdir -p "$tmp_dir/terraform"

step "Writing the Terraform CLI configuration for the provider mirror at $mirror"
cat >"$tmp_dir/terraformrc" <<EOF
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/hashicorp/*"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/*"]
  }
}
EOF
export TF_CLI_CONFIG_FILE="$tmp_dir/terraformrc"
export TF_IN_AUTOMATION=1
export TF_INPUT=0
export CHECKPOINT_DISABLE=1
terraform version

# `terraform init` writes a lock file next to the configuration; remove the ones this run made.
created_locks=()
cleanup() {
  for lock in "${created_locks[@]+"${created_locks[@]}"}"; do
    rm -f "$lock"
  done
}
trap cleanup EXIT

step "Creating the dummy bundle the tests hash in place of the built zips"
python3 - "$tmp_dir/dummy.zip" <<'EOF'
import sys
import zipfile

with zipfile.ZipFile(sys.argv[1], "w") as bundle:
    bundle.writestr("index.js", "exports.handler = async () => ({});\n")
EOF

step "terraform fmt -check -recursive terraform"
terraform fmt -check -recursive -diff terraform

# Working directories: the root module, every module, every example.
dirs=(terraform)
for dir in terraform/modules/*/ terraform/examples/*/; do
  dirs+=("${dir%/}")
done

tf_in() {
  local dir="$1"
  shift
  TF_DATA_DIR="$tmp_dir/terraform/${dir//\//_}" terraform -chdir="$dir" "$@"
}

step "Checking that each README documents every input and output of its module"
undocumented=0
for dir in "${dirs[@]}"; do
  while read -r kind name; do
    if ! grep -qF "| \`$name\` |" "$dir/README.md"; then
      echo "$dir/README.md: $kind \`$name\` is missing from the tables"
      undocumented=1
    fi
  done < <(sed -nE 's/^(variable|output) "([^"]+)" \{.*/\1 \2/p' "$dir/variables.tf" "$dir/outputs.tf")
done
if ((undocumented)); then
  exit 1
fi

# A module or example that a test of terraform/tests plans (`source = "./<dir>"`) is validated by
# that plan; validating it alone again cost 5 s a directory (the provider's schema loaded twice).
# The root is always validated, and so is any directory no test plans.
for dir in "${dirs[@]}"; do
  relative="${dir#terraform/}"
  if [[ "$dir" != terraform ]] && grep -qF "source = \"./$relative\"" terraform/tests/*.tftest.hcl; then
    continue
  fi
  step "terraform init + validate: $dir"
  if [[ ! -e "$dir/.terraform.lock.hcl" ]]; then
    created_locks+=("$repo_root/$dir/.terraform.lock.hcl")
  fi
  tf_in "$dir" init -backend=false -input=false -no-color >/dev/null
  tf_in "$dir" validate -no-color
done

step "terraform test (terraform/tests, mock provider, plan only)"
tf_in terraform test -no-color

step "Terraform checks passed in $((SECONDS - started)) s"
