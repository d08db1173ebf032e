#!/usr/bin/env bash
# Installs what is missing, builds everything and runs every test. Prints
# meson's summary, then one line "tests: N passed, N failed[, N skipped]"
# counted from meson's results; exits non-zero when a test failed.
# Env: BUILD_DIR (default build-test), SANITIZE (e.g. address,undefined).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh" test || exit 1
build=${BUILD_DIR:-$root/build-test}
opts=(--buildtype=debug -Doptimization=1)
if [ -n "${SANITIZE:-}" ]; then
  opts+=(-Db_sanitize="$SANITIZE" -Db_lundef=false)
  # A small quarantine keeps memory-bound tests meaningful under ASan; any
  # undefined behaviour fails the test that hit it.
  export ASAN_OPTIONS=${ASAN_OPTIONS:-quarantine_size_mb=8:thread_local_quarantine_size_kb=256:detect_leaks=1}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
fi
if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" "$root" "${opts[@]}" >/dev/null || exit 1
fi
ninja -C "$build" || exit 1
meson test -C "$build" --print-errorlogs --num-processes 2 "$@"
rc=$?
python3 "$root/scripts/test_summary.py" "$build/meson-logs/testlog.json" || rc=1
exit $rc
