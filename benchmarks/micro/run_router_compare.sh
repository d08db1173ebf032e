#!/bin/sh
# Runs weir's router benchmark and Go's httprouter on the same routes and the
# same requests, then prints one table.
#
#   benchmarks/micro/run_router_compare.sh [BUILD_DIR]      (default: build)
#
# MIN_TIME (seconds per weir benchmark, default 0.5) and BENCH_TIME (Go's
# -benchtime, default 1s) trade time for steadier numbers.
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
case $build in /*) ;; *) build=$(pwd)/$build ;; esac
bench=$build/benchmarks/micro/router_bench

ninja -C "$build" benchmarks/micro/router_bench >/dev/null
command -v go >/dev/null || { echo "go not found: install golang-go" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

"$bench" --dump-dir="$work"
"$bench" --benchmark_filter='^(Api10k|Github)' --benchmark_min_time="${MIN_TIME:-0.5}" \
  --benchmark_format=json --benchmark_out="$work/weir.json" >/dev/null
(cd "$root/benchmarks/micro/peers" &&
  WEIR_BENCH_DIR="$work" GOPROXY=off go test -run '^$' -bench . -benchmem \
    -benchtime="${BENCH_TIME:-1s}") >"$work/go.txt"

python3 - "$work/weir.json" "$work/go.txt" <<'PY'
import json, re, sys

weir = {}
for b in json.load(open(sys.argv[1]))["benchmarks"]:
    scale = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[b["time_unit"]]
    weir[b["name"]] = (b["real_time"] * scale, b.get("allocs_per_match"))

go = {}
for line in open(sys.argv[2]):
    m = re.match(r"Benchmark(\w+?)(-\d+)?\s+\d+\s+([\d.]+) ns/op(?:\s+\d+ B/op\s+(\d+) allocs/op)?", line)
    if m:
        go[m.group(1)] = (float(m.group(3)), m.group(4))

def fmt(ns):
    if ns is None:
        return "-"
    if ns >= 1e6:
        return "%.2f ms" % (ns / 1e6)
    if ns >= 1e3:
        return "%.1f us" % (ns / 1e3)
    return "%.1f ns" % ns

rows = ["Api10kBuild", "Api10kHit", "Api10kMiss", "GithubBuild", "GithubAll", "GithubStatic", "GithubParam"]
print("%-14s %12s %14s %14s %16s %8s" % ("benchmark", "weir", "weir allocs", "httprouter", "httprouter allocs", "ratio"))
for name in rows:
    w = weir.get(name, (None, None))
    g = go.get(name, (None, None))
    wa = "-" if w[1] is None or name.endswith("Build") else "%.2f/match" % w[1]
    ga = "-" if g[1] is None else ("%s/op" % g[1])
    ratio = "-" if w[0] is None or g[0] is None else "%.2fx" % (w[0] / g[0])
    print("%-14s %12s %14s %14s %16s %8s" % (name, fmt(w[0]), wa, fmt(g[0]), ga, ratio))
print("\nratio = weir time / httprouter time (below 1: weir is faster). Build rows: one whole table build;")
print("httprouter allocs for builds are per build, for lookups per lookup (Go rounds down).")
PY
