#!/usr/bin/env bash
# Runs the Go binding's tests against the libweir.so of a meson build dir.
#
#   bindings/go/run_tests.sh BUILD_DIR
#
# The environment (offline, caches under the build dir, the library found
# through CGO_LDFLAGS and LD_LIBRARY_PATH) comes from go_env.sh.
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
fi
build_dir=$(cd "$1" && pwd)
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/go_env.sh"

cd "$here"
"$go_bin" version
# -count=1: the library can change without Go noticing, so results are never
# taken from the test cache. The outer timeout bounds the build as well.
exec timeout --kill-after=10 280 "$go_bin" test -count=1 -v -timeout 240s ./...
