#!/usr/bin/env bash
# Sets latmac up on Debian or Ubuntu and, optionally, runs it:
#   tools/setup.sh        install what is missing (apt-get), configure and build build/
#   tools/setup.sh run    ... then run the main job
#   tools/setup.sh test   ... also install what only the tests use (Chromium and its driver, Selenium,
#                         Google Benchmark's compare.py, SciPy and statsmodels, Python's onnx, PyTorch and
#                         torchvision, clang's libFuzzer), then run every test (meson test)
# Safe to run again: it installs only what is missing and rebuilds only what changed.
# With CI set in the environment, compiler warnings are errors.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(gcc g++ pkg-config meson ninja-build python3
          libbenchmark-dev libhwloc-dev libcpuid-dev libjansson-dev libcmocka-dev
          libprotobuf-c-dev protobuf-c-compiler libonnx-dev # ONNX models
          libdnnl-dev libxnnpack-dev libpthreadpool-dev) # optional peers: built in when present
test_packages=(chromium chromium-driver python3-selenium # the HTML report in a browser
               libbenchmark-tools python3-scipy          # results.json through Google Benchmark's compare.py
               python3-statsmodels                       # bench/stats against SciPy and statsmodels
               python3-onnx python3-torch python3-torchvision # ONNX test models, and PyTorch's exports
               libonnx-testdata                          # ONNX's node tests, run through latmac infer
               clang libclang-rt-dev)                    # libFuzzer for the ONNX import

say() { printf 'latmac setup: %s\n' "$*" >&2; }

action=${1:-build}
case "$action" in
  build|run|test) ;;
  -h|--help) sed -n '2,8s/^# \{0,1\}//p' "$0"; exit 0 ;;
  *) say "unknown action '$action' (expected run, test, or nothing)"; exit 2 ;;
esac
[ $# -le 1 ] || { say "unexpected argument '$2'"; exit 2; }
[ "$action" != test ] || packages+=("${test_packages[@]}")

install_missing() {
  if ! command -v dpkg-query >/dev/null || ! command -v apt-get >/dev/null; then
    say "this is not a Debian/Ubuntu system, so nothing was installed. Install with your package manager:"
    say "  a C17 and C++17 compiler, pkg-config, meson (>= 0.63), ninja, Google Benchmark (>= 1.7.1),"
    say "  hwloc (>= 2), libcpuid, jansson, cmocka, protobuf-c with protoc-c and onnx.proto (libonnx-dev);"
    say "  then run: meson setup build && meson compile -C build"
    [ "$action" != test ] || say "  for the tests also Chromium, chromedriver, Python's selenium, scipy, statsmodels, onnx, torch and torchvision, Google Benchmark's compare.py, clang with libFuzzer"
    command -v meson >/dev/null || exit 1
    return 0
  fi
  local missing=() p
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -gt 0 ] || return 0
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null; then sudo=(sudo); else
      say "missing packages: ${missing[*]}"
      say "run this script as root, or install them with: apt-get install ${missing[*]}"
      exit 1
    fi
  fi
  say "installing ${missing[*]}"
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

configure_and_build() {
  local werror=false
  [ -n "${CI:-}" ] && werror=true
  if [ -f build/build.ninja ]; then
    meson configure build -Dwerror=$werror >/dev/null
  else
    meson setup build -Dwerror=$werror >/dev/null
  fi
  meson compile -C build >/dev/null
}

install_missing
configure_and_build

case "$action" in
  run) exec build/latmac run ;;
  test) exec meson test -C build --print-errorlogs ;;
esac
