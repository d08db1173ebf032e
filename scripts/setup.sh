#!/usr/bin/env bash
# Installs what weir needs to build and test, with apt-get, when missing.
# Usage: scripts/setup.sh [build|test|bench]
set -euo pipefail

want=${1:-build}
build_pkgs=(build-essential pkg-config meson ninja-build python3 libuv1-dev node-llhttp
            libmbedtls-dev picojson-dev libxxhash-dev libgtest-dev libgmock-dev
            libbenchmark-dev)
test_pkgs=(curl golang-go golang-github-julienschmidt-httprouter-dev)
bench_pkgs=(nginx haproxy wrk linux-perf strace)

pkgs=("${build_pkgs[@]}")
case "$want" in
  test) pkgs+=("${test_pkgs[@]}") ;;
  bench) pkgs+=("${test_pkgs[@]}" "${bench_pkgs[@]}") ;;
esac

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
