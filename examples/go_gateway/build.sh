#!/usr/bin/env bash
# Builds go_gateway against the libweir.so of a meson build dir, offline, in
# the environment bindings/go/run_tests.sh uses (bindings/go/go_env.sh).
#
#   examples/go_gateway/build.sh BUILD_DIR    -> BUILD_DIR/examples/go_gateway/go_gateway
set -euo pipefail
build_dir=$(cd "${1:?usage: build.sh BUILD_DIR}" && pwd)
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/../../bindings/go/go_env.sh"
mkdir -p "$build_dir/examples/go_gateway"
cd "$here"
exec timeout --kill-after=10 200 "$go_bin" build -o "$build_dir/examples/go_gateway/go_gateway" .
