# Sourced by scripts. `start_moto NAME` starts a moto server on a free 127.0.0.1 port, sets
# MOTO_ENDPOINT to its URL and records its pid for `stop_motos`. Fails loudly (and shows the
# server's log) when the server does not answer.
# The server runs through test/setup/moto_server.py, like the tests' servers: demo and benchmarks
# then see the same moto, with the same lies fixed (see that file's header). --parent-pid makes it
# exit with this shell even when the shell is SIGKILLed and its EXIT trap cannot run.
MOTO_PIDS=()
MOTO_ENDPOINT=""
MOTO_LAUNCHER="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/test/setup/moto_server.py"
mkdir -p .tmp

start_moto() {
  # Read here: inside the `&` command below, $BASHPID would already be the forked child's.
  local name=$1 parent=$BASHPID port
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
  python3 "$MOTO_LAUNCHER" --parent-pid "$parent" -H 127.0.0.1 -p "$port" >".tmp/moto-$name.log" 2>&1 &
  MOTO_PIDS+=($!)
  for _ in $(seq 1 150); do
    if curl -fsS "http://127.0.0.1:$port/moto-api/" >/dev/null 2>&1; then
      MOTO_ENDPOINT="http://127.0.0.1:$port"
      return 0
    fi
    sleep 0.2
  done
  echo "moto ($name) did not answer on port $port within 30 s; last log lines:" >&2
  tail -n 20 ".tmp/moto-$name.log" >&2
  return 1
}

stop_motos() {
  for pid in "${MOTO_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
}
