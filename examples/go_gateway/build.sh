#!/usr/bin/env bash
# Builds go_gateway against the libweir.so of a meson build dir, offline,
# the way bindings/go/run_tests.sh runs the binding's tests.
#
#   examples/go_gateway/build.sh BUILD_DIR    -> BUILD_DIR/examples/go_gateway/go_gateway
set -euo pipefail
build_dir=$(cd "${1:?usage: build.sh BUILD_DIR}" && pwd)
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
go_bin=${WEIR_GO:-$(command -v go || true)}
if [[ -z "$go_bin" || ! -x "$go_bin" ]]; then
  echo "go_gateway: the go toolchain was not found; install golang-go (scripts/setup.sh does)" >&2
  exit 1
fi
state="$build_dir/bindings-go"
mkdir -p "$state/cache" "$state/path" "$state/tmp" "$build_dir/examples/go_gateway"
export GOCACHE="$state/cache" GOPATH="$state/path" GOTMPDIR="$state/tmp"
export GOPROXY=off GOFLAGS= GO111MODULE=on GOENV=off GOTOOLCHAIN=local
export CGO_ENABLED=1 CGO_CFLAGS="-g -O2 -Wall" CGO_LDFLAGS="-L$build_dir"
cd "$here"
exec timeout --kill-after=10 200 "$go_bin" build -o "$build_dir/examples/go_gateway/go_gateway" .
