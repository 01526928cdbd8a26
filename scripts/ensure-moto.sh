#!/usr/bin/env bash
# Makes sure the local S3 stand-in (moto server) can be imported by python3.
# Called by test/setup/motoServers.ts before the integration tests start servers.
set -euo pipefail

check() {
  python3 -c 'import moto, flask, flask_cors' 2>/dev/null
}

echo "ensure-moto: checking that python3 can import moto, flask and flask_cors"
if check; then
  echo "ensure-moto: moto $(python3 -c 'import moto; print(moto.__version__)') is available"
  exit 0
fi

echo "ensure-moto: not found, running: python3 -m pip install 'moto[server]'"
if python3 -m pip install 'moto[server]' && check; then
  echo "ensure-moto: installed moto $(python3 -c 'import moto; print(moto.__version__)')"
  exit 0
fi

echo "ensure-moto: moto is required for integration tests: python3 -m pip install 'moto[server]'" >&2
exit 1
