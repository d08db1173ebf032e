#!/usr/bin/env bash
# Runs the Go binding's tests against the libweir.so of a meson build dir.
#
#   bindings/go/run_tests.sh BUILD_DIR
#
# An uninstalled build has no weir.pc on pkg-config's path, so the library's
# folder goes to cgo's linker through CGO_LDFLAGS and to the loader through
# LD_LIBRARY_PATH (the header comes from the source tree, see weir/cgo.go).
# Go's caches live under the build dir, and no module is fetched from the
# network: the module has no requirements and GOPROXY is off.
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
fi
build_dir=$(cd "$1" && pwd)
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

go_bin=${WEIR_GO:-$(command -v go || true)}
if [[ -z "$go_bin" || ! -x "$go_bin" ]]; then
  echo "go-binding: the go toolchain was not found; install golang-go (scripts/setup.sh does)" >&2
  exit 1
fi
if [[ ! -e "$build_dir/libweir.so" ]]; then
  echo "go-binding: $build_dir/libweir.so not found; build it first (ninja -C $build_dir)" >&2
  exit 1
fi

state="$build_dir/bindings-go"
mkdir -p "$state/cache" "$state/path" "$state/tmp"
export GOCACHE="$state/cache" GOPATH="$state/path" GOTMPDIR="$state/tmp"
export GOPROXY=off GOFLAGS= GO111MODULE=on GOENV=off GOTOOLCHAIN=local
export CGO_ENABLED=1
export CGO_CFLAGS="-g -O2 -Wall"
export CGO_LDFLAGS="-L$build_dir"
export LD_LIBRARY_PATH="$build_dir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

cd "$here"
"$go_bin" version
# -count=1: the library can change without Go noticing, so results are never
# taken from the test cache. The outer timeout bounds the build as well.
exec timeout --kill-after=10 280 "$go_bin" test -count=1 -v -timeout 240s ./...
