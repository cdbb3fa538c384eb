#!/usr/bin/env bash
# Times a baseline and a new latmac build interleaved in one session, then compares them, so that
# the machine's drift (clock, load, heat) falls on both builds alike instead of passing for a change:
#   tools/interleaved_runs.sh BASE_LATMAC NEW_LATMAC OUT_DIR [--rounds N] [--compare-args "ARGS"]
#                             [-- LATMAC_RUN_ARGS...]
# Each of N rounds (default 3) runs `BASE_LATMAC run LATMAC_RUN_ARGS --out OUT_DIR/base-K --quiet`
# and the same with NEW_LATMAC into OUT_DIR/new-K, the new build first in every other round so that
# neither always runs first. Then NEW_LATMAC compare pools each side's repetitions:
#   NEW_LATMAC compare OUT_DIR/base-1/results.json,...,base-N/... OUT_DIR/new-1/results.json,...
# ARGS, split at spaces, are added to compare's command, e.g. --compare-args "--format markdown".
# OUT_DIR must be missing or empty; each run's summary is kept in OUT_DIR/base-K.log, new-K.log.
# stdout carries compare's output only; progress and the commands run go to stderr.
# Exit status: compare's (0 no regression, 1 at least one regression, 2 nothing comparable),
# or 2 for bad usage or a failed run.
set -euo pipefail

say() { printf 'interleaved_runs: %s\n' "$*" >&2; }
usage() { say "$* (see '$0 --help')"; exit 2; }
show() {  # a command as one line to copy, quoting only the words that need it
  local w line='' plain='^[A-Za-z0-9_./,:=+@%-]+$'
  for w; do [[ $w =~ $plain ]] || w="'${w//\'/\'\\\'\'}'"; line+=" $w"; done
  printf '%s' "${line# }"
}

case "${1:-}" in -h|--help) sed -n '2,15s/^# \{0,1\}//p' "$0"; exit 0 ;; esac
[ $# -ge 3 ] || usage "expected BASE_LATMAC NEW_LATMAC OUT_DIR"
base=$1 new=$2 out=$3
shift 3
rounds=3
compare_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) [ $# -ge 2 ] || usage "--rounds needs a value"; rounds=$2; shift 2 ;;
    --compare-args) [ $# -ge 2 ] || usage "--compare-args needs a value"
                    read -r -a compare_args <<<"$2"; shift 2 ;;
    --) shift; break ;;
    *) usage "unknown option '$1' (latmac run's options go after --)" ;;
  esac
done
run_args=("$@")

for bin in "$base" "$new"; do
  [[ -f $bin && -x $bin ]] || usage "'$bin' is not an executable file"
done
[[ $rounds =~ ^[1-9][0-9]{0,3}$ ]] || usage "--rounds must be a whole number from 1 to 9999, not '$rounds'"
[[ $out != *,* ]] || usage "OUT_DIR '$out' holds a comma, which would split compare's file lists"
if [ -e "$out" ]; then
  [ -d "$out" ] || usage "OUT_DIR '$out' is not a directory"
  [ -z "$(ls -A "$out")" ] || usage "OUT_DIR '$out' is not empty (earlier runs would be pooled with these)"
fi
mkdir -p "$out"

measure() {  # measure base|new K: one run into OUT_DIR/base-K or OUT_DIR/new-K
  local bin=$base
  [ "$1" = base ] || bin=$new
  local cmd=("$bin" run "${run_args[@]}" --out "$out/$1-$2" --quiet)
  say "round $2/$rounds: $(show "${cmd[@]}")"
  "${cmd[@]}" >"$out/$1-$2.log" || { say "the $1 run of round $2 failed (exit $?)"; exit 2; }
}

bases=() news=()
for ((k = 1; k <= rounds; k++)); do
  if ((k % 2)); then measure base "$k"; measure new "$k"; else measure new "$k"; measure base "$k"; fi
  bases+=("$out/base-$k/results.json")
  news+=("$out/new-$k/results.json")
done
joined() { local IFS=,; printf '%s' "$*"; }
cmd=("$new" compare "$(joined "${bases[@]}")" "$(joined "${news[@]}")" "${compare_args[@]}")
say "$(show "${cmd[@]}")"
exec "${cmd[@]}"
