# Sourced by the scripts that build Go code against a meson build dir
# (bindings/go/run_tests.sh, examples/go_gateway/build.sh): finds the go
# toolchain ($go_bin) and sets an offline environment over $build_dir.
#
# An uninstalled build has no weir.pc on pkg-config's path, so the library's
# folder goes to cgo's linker through CGO_LDFLAGS and to the loader through
# LD_LIBRARY_PATH (the header comes from the source tree, see weir/cgo.go).
# Go's caches live under the build dir, and no module is fetched from the
# network: GOPROXY is off.
go_bin=${WEIR_GO:-$(command -v go || true)}
if [[ -z "$go_bin" || ! -x "$go_bin" ]]; then
  echo "the go toolchain was not found; install golang-go (scripts/setup.sh does)" >&2
  exit 1
fi
if [[ ! -e "$build_dir/libweir.so" ]]; then
  echo "$build_dir/libweir.so not found; build it first (ninja -C $build_dir)" >&2
  exit 1
fi
go_state="$build_dir/bindings-go"
mkdir -p "$go_state/cache" "$go_state/path" "$go_state/tmp"
export GOCACHE="$go_state/cache" GOPATH="$go_state/path" GOTMPDIR="$go_state/tmp"
export GOPROXY=off GOFLAGS= GO111MODULE=on GOENV=off GOTOOLCHAIN=local
export CGO_ENABLED=1
export CGO_CFLAGS="-g -O2 -Wall"
export CGO_LDFLAGS="-L$build_dir"
export LD_LIBRARY_PATH="$build_dir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
