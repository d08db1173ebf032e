#!/usr/bin/env bash
# Checks libweir's C ABI against the dump of the previous release
# (capi/abi/libweir.abi.gz) with libabigail; the release process runs it.
#   scripts/abi_check.sh BUILD_DIR            compare; non-zero on an incompatible change
#   scripts/abi_check.sh BUILD_DIR --update   record BUILD_DIR's ABI as the new baseline
# BUILD_DIR must hold a build with debug information (buildtype debug or
# debugoptimized): abidw reads the types from DWARF.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:?usage: scripts/abi_check.sh BUILD_DIR [--update]}
lib="$build/libweir.so"
[ -e "$lib" ] || { echo "abi_check: $lib not found (build the library first)" >&2; exit 2; }
if ! command -v abidw >/dev/null || ! command -v abidiff >/dev/null; then
  echo "abi_check: installing abigail-tools"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq abigail-tools >/dev/null
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# Only the exported C functions (capi/weir.symbols) and the types of weir.h.
{ echo "[abi_whitelist]"; sed 's/^/  /' "$root/capi/weir.symbols"; } > "$tmp/symbols"
abidw --headers-dir "$root/capi" --drop-private-types --kmi-whitelist "$tmp/symbols" \
      --no-corpus-path "$lib" > "$tmp/current.abi"
baseline="$root/capi/abi/libweir.abi.gz"
if [ "${2:-}" = "--update" ]; then
  gzip -9n < "$tmp/current.abi" > "$baseline"
  echo "abi_check: baseline updated ($baseline)"
  exit 0
fi
[ -e "$baseline" ] || { echo "abi_check: no baseline at $baseline (run with --update at a release)" >&2; exit 2; }
gunzip -c "$baseline" > "$tmp/baseline.abi"
set +e
abidiff --suppressions "$root/capi/abi/suppressions.ini" --kmi-whitelist "$tmp/symbols" \
        "$tmp/baseline.abi" "$tmp/current.abi"
rc=$?
set -e
# abidiff's status is a bit field: 4 = changes, 8 = incompatible changes.
if (( rc & 8 )); then echo "abi_check: INCOMPATIBLE ABI change" >&2; exit 1; fi
if (( rc & 3 )); then echo "abi_check: abidiff failed ($rc)" >&2; exit 2; fi
if (( rc & 4 )); then echo "abi_check: compatible changes (additions): review the report above"; fi
echo "abi_check: ok"
