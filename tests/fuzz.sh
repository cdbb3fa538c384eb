#!/usr/bin/env bash
# One of latmac's file readers under libFuzzer with AddressSanitizer and UndefinedBehaviorSanitizer, for
# a bounded time, from a seed corpus:
#   tests/fuzz.sh BUILD_DIR SECONDS TARGET
# TARGET is onnx_import (bench/net/onnx_import.c, seeded with the ONNX tests' small models; BUILD_DIR
# holds the generated reader) or npy_file (tools/npy_file.c, seeded with .npy files NumPy writes).
# Speaks TAP (one check, with the executions and crashes as a comment); skipped where clang is absent.
# A crash leaves its input in BUILD_DIR/fuzz-artifacts/TARGET-*.
set -uo pipefail
if [ $# -ne 3 ] || ! [ -d "$1" ] || ! [[ $2 =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: tests/fuzz.sh BUILD_DIR SECONDS onnx_import|npy_file" >&2
  exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$1" && pwd)
seconds=$2
target=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Each target: what it reads, the sources it is built from (as the meson build compiles them), and how
# its seed corpus is written into $work/corpus.
case "$target" in
  onnx_import)
    what="the ONNX import"
    sources=(tests/fuzz_onnx_import.c bench/net/onnx_import.c bench/net/onnx_values.c bench/net/onnx_operators.c
             bench/net/onnx_folding.c bench/net/graph.c bench/net/case_data.c kernels/op.c kernels/error.c
             "$build/bench/net/onnx.pb-c.c" -lprotobuf-c)
    needs="python3-onnx"
    seed() { /usr/bin/python3 "$root/tests/test_onnx_import.py" --corpus "$work/corpus"; }
    ;;
  npy_file)
    what="the .npy reader"
    sources=(tests/fuzz_npy_file.c tools/npy_file.c reports/atomic_file.c kernels/error.c)
    needs="python3-numpy"
    # A handful of shapes, dtypes and versions, and headers the reader refuses (Fortran order, int64,
    # big-endian) so that the fuzzer starts from their paths too.
    seed() {
      /usr/bin/python3 - "$work/corpus" <<'EOF'
import sys
import numpy as np
from numpy.lib import format as npy
folder = sys.argv[1]
rng = np.random.default_rng(1)
arrays = {
    "f4_2x3": np.arange(6, dtype="<f4").reshape(2, 3),
    "f4_scalar": np.array(7.25, dtype="<f4"),
    "f4_nchw": rng.standard_normal((1, 3, 4, 4)).astype("<f4"),
    "f4_empty": np.zeros((0, 3), dtype="<f4"),
    "f4_rank8": np.ones((1, 2, 1, 2, 1, 2, 1, 2), dtype="<f4"),
    "f8_3": np.array([0.1, -1e300, np.inf]),
    "f4_fortran": np.asfortranarray(np.arange(6, dtype="<f4").reshape(2, 3)),
    "i8_3": np.arange(3, dtype="<i8"),
    "f4_big_endian": np.arange(3, dtype=">f4"),
}
for name, a in arrays.items():
    np.save(f"{folder}/{name}.npy", a)
for version in [(2, 0), (3, 0)]:
    with open(f"{folder}/f4_v{version[0]}.npy", "wb") as f:
        npy.write_array(f, np.arange(5, dtype="<f4"), version=version)
EOF
    }
    ;;
  *)
    echo "tests/fuzz.sh: unknown target '$target' (onnx_import or npy_file)" >&2
    exit 2
    ;;
esac

name="fuzzing $what for $seconds s"
echo "1..1"
if ! command -v clang >/dev/null; then
  echo "ok 1 - $name # SKIP clang is not installed (tools/setup.sh test installs it)"
  exit 0
fi
if ! (cd "$root" && clang -g -O1 -std=c17 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
        -I. -I"$build" "${sources[@]}" -lm -o "$work/fuzz") > "$work/build.log" 2>&1; then
  echo "not ok 1 - $name: the fuzz target does not build"
  sed 's/^/# /' "$work/build.log"
  exit 1
fi
mkdir -p "$work/corpus" "$build/fuzz-artifacts"
if ! seed > "$work/corpus.log" 2>&1; then
  echo "not ok 1 - $name: the seed corpus could not be written ($needs)"
  sed 's/^/# /' "$work/corpus.log"
  exit 1
fi
"$work/fuzz" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$build/fuzz-artifacts/$target-" "$work/corpus" > "$work/fuzz.log" 2>&1
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
