#!/bin/bash
# README command 2: install what is missing, build, run every test suite (unit, wine, fuzz,
# lint, corpus; and the libFuzzer runs of a second, clang build directory) and the benchmarks,
# and end with meson's summaries and one "N passed, N failed" line counting all of them.
# Extra arguments go to `meson test` (e.g. --suite unit).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$here/scripts/setup.sh"

log=$ZH_BUILD/test-output.log
set +e
meson test -C "$ZH_BUILD" --print-errorlogs --num-processes "${ZH_TEST_JOBS:-2}" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
# The libFuzzer build: clang, ASan + UBSan, native only, in a second build directory; its
# suite fuzz runs every target for ZH_FUZZ_SECONDS (default 60) after the corpus replays.
fuzz_log=$ZH_BUILD/fuzz-output.log
fuzz_status=0
: >"$fuzz_log"
if [ $# -eq 0 ] && [ "${ZH_FUZZ:-1}" = 1 ]; then
  ZH_FUZZ_BUILD=${ZH_FUZZ_BUILD:-$ZH_BUILD/fuzz}
  if [ ! -f "$ZH_FUZZ_BUILD/build.ninja" ]; then
    CC=clang meson setup "$ZH_FUZZ_BUILD" "$here" -Dfuzz=enabled -Dwine_tests=disabled \
      -Db_sanitize=address,undefined -Db_lundef=false >"$ZH_BUILD/fuzz-setup.log" 2>&1 ||
      { cat "$ZH_BUILD/fuzz-setup.log"; fuzz_status=1; }
  fi
  if [ $fuzz_status -eq 0 ]; then
    ninja -C "$ZH_FUZZ_BUILD" >"$ZH_FUZZ_BUILD/ninja.log" 2>&1 ||
      { tail -50 "$ZH_FUZZ_BUILD/ninja.log"; fuzz_status=1; }
  fi
  if [ $fuzz_status -eq 0 ]; then
    meson test -C "$ZH_FUZZ_BUILD" --suite fuzz --print-errorlogs \
      --num-processes "${ZH_TEST_JOBS:-2}" 2>&1 | tee "$fuzz_log"
    fuzz_status=${PIPESTATUS[0]}
  fi
fi
bench_status=0
if [ $# -eq 0 ] && [ "${ZH_BENCH:-1}" = 1 ]; then
  meson test -C "$ZH_BUILD" --benchmark --print-errorlogs --verbose 2>&1 | tee "$ZH_BUILD/bench-output.log"
  bench_status=${PIPESTATUS[0]}
fi
set -e
# meson's last summary of a log: count NAME LOG.
count() {
  local v
  v=$(sed -n "s/^$1:[[:space:]]*\([0-9]*\).*/\1/p" "$2" | tail -1)
  echo "${v:-0}"
}
ok=$(( $(count Ok "$log") + $(count Ok "$fuzz_log") ))
fail=$(( $(count Fail "$log") + $(count Fail "$fuzz_log") ))
timeout=$(( $(count Timeout "$log") + $(count Timeout "$fuzz_log") ))
skipped=$(( $(count Skipped "$log") + $(count Skipped "$fuzz_log") ))
failed=$(( fail + timeout ))
# A fuzz build that did not even get to run its tests counts as one failure.
if [ $fuzz_status -ne 0 ] && [ "$(count Ok "$fuzz_log")" = 0 ]; then failed=$(( failed + 1 )); fi
[ $bench_status -eq 0 ] || { echo "benchmarks failed (exit $bench_status)"; }
echo "$ok passed, $failed failed, $skipped skipped"
[ "$status" -eq 0 ] && [ $fuzz_status -eq 0 ] && [ $bench_status -eq 0 ] && [ "$ok" -gt 0 ]
