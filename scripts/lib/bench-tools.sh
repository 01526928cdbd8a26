# Sourced by the benchmarks. `ensure_bench_tools PREFIX` checks (and where it can, installs) what
# a benchmark run needs beside Node.js: python3 with moto, GNU time at /usr/bin/time, and rclone
# (Debian 12's apt gives 1.60). PREFIX labels its messages.
ensure_bench_tools() {
  local prefix=$1
  echo "$prefix: checking the tools: python3 with moto, /usr/bin/time, rclone"
  bash scripts/ensure-moto.sh >/dev/null
  if [ ! -x /usr/bin/time ]; then
    echo "$prefix: FAILED: /usr/bin/time (GNU time) is required: apt-get install -y time" >&2
    return 1
  fi
  if ! command -v rclone >/dev/null 2>&1; then
    echo "$prefix: rclone is missing; running: apt-get install -y rclone"
    if ! apt-get install -y rclone >/dev/null 2>&1; then
      echo "$prefix: install failed; running apt-get update first"
      if ! { apt-get update >/dev/null 2>&1 && apt-get install -y rclone >/dev/null 2>&1; }; then
        echo "$prefix: FAILED: could not install rclone (run as root, or install rclone 1.60+ yourself)" >&2
        return 1
      fi
    fi
  fi
  echo "$prefix: using $(rclone version | head -n 1), moto $(python3 -c 'import moto; print(moto.__version__)'), node $(node --version)"
}
