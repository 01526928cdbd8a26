# Sourced by the benchmarks. moto closes every connection (werkzeug answers `Connection: close`);
# S3 keeps them open. `start_keepalive TARGET` starts a keep-alive front for one moto server
# (scripts/lib/keepalive-proxy.mjs, a process of its own whose CPU no measured tool is charged)
# and sets KEEPALIVE_ENDPOINT to it, so neither tool pays a TCP connect per request. With
# BENCH_KEEPALIVE=0 it sets KEEPALIVE_ENDPOINT to TARGET itself (moto directly).
# `stop_keepalives` stops the fronts started so far.
KEEPALIVE_PIDS=()

start_keepalive() {
  local target=$1 port_file
  if [ "${BENCH_KEEPALIVE:-1}" = 0 ]; then
    KEEPALIVE_ENDPOINT=$target
    return
  fi
  port_file=$(mktemp)
  node scripts/lib/keepalive-proxy.mjs "$target" >"$port_file" &
  KEEPALIVE_PIDS+=($!)
  for _ in $(seq 100); do
    [ -s "$port_file" ] && break
    sleep 0.05
  done
  if [ ! -s "$port_file" ]; then
    echo "keepalive: FAILED: the keep-alive front for $target did not start" >&2
    return 1
  fi
  KEEPALIVE_ENDPOINT="http://127.0.0.1:$(head -n 1 "$port_file")"
  rm -f "$port_file"
}

stop_keepalives() {
  local pid
  for pid in "${KEEPALIVE_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  KEEPALIVE_PIDS=()
}
