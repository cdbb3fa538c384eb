#!/usr/bin/env bash
# The ONNX import (bench/net/onnx_import.c) under libFuzzer with AddressSanitizer and
# UndefinedBehaviorSanitizer, for a bounded time, from a seed corpus of the ONNX tests' small models.
#   tests/fuzz_onnx_import.sh BUILD_DIR [SECONDS]   (default 60; BUILD_DIR holds the generated reader)
# Speaks TAP (one check, with the executions and crashes as a comment); skipped where clang is absent.
# A crash leaves its input in BUILD_DIR/fuzz-artifacts/.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$1" && pwd)
seconds=${2:-60}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
name="fuzzing the ONNX import for $seconds s"
echo "1..1"
if ! command -v clang >/dev/null; then
  echo "ok 1 - $name # SKIP clang is not installed (tools/setup.sh test installs it)"
  exit 0
fi
# the import and what it builds on, as the meson build compiles them
sources=(tests/fuzz_onnx_import.c bench/net/onnx_import.c bench/net/onnx_values.c bench/net/onnx_operators.c
         bench/net/onnx_folding.c bench/net/graph.c bench/net/case_data.c kernels/op.c
         kernels/error.c)
if ! (cd "$root" && clang -g -O1 -std=c17 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
        -I. -I"$build" "${sources[@]}" "$build/bench/net/onnx.pb-c.c" -lprotobuf-c -lm -o "$work/fuzz") \
     > "$work/build.log" 2>&1; then
  echo "not ok 1 - $name: the fuzz target does not build"
  sed 's/^/# /' "$work/build.log"
  exit 1
fi
mkdir -p "$work/corpus" "$build/fuzz-artifacts"
if ! /usr/bin/python3 "$root/tests/test_onnx_import.py" --corpus "$work/corpus" > "$work/corpus.log" 2>&1; then
  echo "not ok 1 - $name: the seed corpus could not be written (python3-onnx)"
  sed 's/^/# /' "$work/corpus.log"
  exit 1
fi
"$work/fuzz" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$build/fuzz-artifacts/" "$work/corpus" > "$work/fuzz.log" 2>&1
rc=$?
runs=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1 executions in \2 s/p' "$work/fuzz.log")
crashes=$(grep -c '^==[0-9]*==ERROR\|^SUMMARY: \(Address\|UndefinedBehavior\)Sanitizer\|Test unit written to' "$work/fuzz.log")
echo "# ${runs:-no final count}, $(ls "$work/corpus" | wc -l) inputs in the corpus, $crashes crashes"
if [ $rc -eq 0 ]; then
  echo "ok 1 - $name"
else
  echo "not ok 1 - $name: libFuzzer exited $rc"
  tail -n 40 "$work/fuzz.log" | sed 's/^/# /'
  exit 1
fi
