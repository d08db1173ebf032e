#!/usr/bin/env bash
# Installs what is missing, builds weir (release) and runs weir-gateway.
# With no arguments: the embedded demo on :8080. Otherwise the arguments go
# to weir-gateway, e.g. scripts/run.sh --config gateway.json
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh" build
build="$root/build"
if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" "$root" --buildtype=release -Dtests=false -Dbenchmarks=false >/dev/null
fi
ninja -C "$build" examples/gateway/weir-gateway >/dev/null
exec "$build/examples/gateway/weir-gateway" "$@"
