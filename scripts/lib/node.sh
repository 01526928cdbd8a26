# Sourced by every entry script (bootstrap, test, demo, benchmarks): puts Node.js 22, the runtime
# our Lambdas run (nodejs22.x), first on PATH for the script and everything it starts. The
# machine's own node is used when its major version is the one `.node-version` names; otherwise
# that exact version comes from the npm registry (the `node-<os>-<arch>` package, which ships the
# binary) into `.tools/`, once. npm, pnpm and every `node` the script runs then use it.
use_pinned_node() {
  local root wanted os arch dir
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  wanted=$(tr -d '[:space:]' <"$root/.node-version")
  if command -v node >/dev/null 2>&1 && [ "$(node -p 'process.versions.node.split(".")[0]')" = "${wanted%%.*}" ]; then
    return 0
  fi
  case "$(uname -s)" in Linux) os=linux ;; Darwin) os=darwin ;; *) echo "node: no Node.js package for $(uname -s)" >&2 && return 1 ;; esac
  case "$(uname -m)" in x86_64 | amd64) arch=x64 ;; aarch64 | arm64) arch=arm64 ;; *) echo "node: no Node.js package for $(uname -m)" >&2 && return 1 ;; esac
  dir="$root/.tools/node-$wanted"
  if [ ! -x "$dir/node_modules/node-$os-$arch/bin/node" ]; then
    if ! command -v npm >/dev/null 2>&1; then
      echo "node: Node.js $wanted is needed, and npm to fetch it; found $(node --version 2>/dev/null || echo 'no node')" >&2
      return 1
    fi
    echo "node: fetching Node.js $wanted (node-$os-$arch from the npm registry) into .tools/, once"
    npm install --prefix "$dir" --no-save --no-package-lock --no-audit --no-fund --loglevel=error "node-$os-$arch@$wanted" >/dev/null
  fi
  export PATH="$dir/node_modules/node-$os-$arch/bin:$PATH"
  hash -r
  if [ "$(node --version)" != "v$wanted" ]; then
    echo "node: expected Node.js v$wanted on PATH, found $(node --version)" >&2
    return 1
  fi
}
use_pinned_node
