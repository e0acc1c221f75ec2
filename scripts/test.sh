#!/bin/bash
# README command 2: install what is missing, build, run every test suite (unit, wine, fuzz,
# lint) and the benchmarks, and end with meson's summary and one "N passed, N failed" line.
# Extra arguments go to `meson test` (e.g. --suite unit).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$here/scripts/setup.sh"

log=$ZH_BUILD/test-output.log
set +e
meson test -C "$ZH_BUILD" --print-errorlogs --num-processes "${ZH_TEST_JOBS:-2}" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
bench_status=0
if [ $# -eq 0 ] && [ "${ZH_BENCH:-1}" = 1 ]; then
  meson test -C "$ZH_BUILD" --benchmark --print-errorlogs --verbose 2>&1 | tee "$ZH_BUILD/bench-output.log"
  bench_status=${PIPESTATUS[0]}
fi
set -e
ok=$(sed -n 's/^Ok:[[:space:]]*\([0-9]*\).*/\1/p' "$log" | tail -1)
fail=$(sed -n 's/^Fail:[[:space:]]*\([0-9]*\).*/\1/p' "$log" | tail -1)
timeout=$(sed -n 's/^Timeout:[[:space:]]*\([0-9]*\).*/\1/p' "$log" | tail -1)
skipped=$(sed -n 's/^Skipped:[[:space:]]*\([0-9]*\).*/\1/p' "$log" | tail -1)
failed=$(( ${fail:-0} + ${timeout:-0} ))
[ $bench_status -eq 0 ] || { echo "benchmarks failed (exit $bench_status)"; }
echo "${ok:-0} passed, $failed failed, ${skipped:-0} skipped"
[ "$status" -eq 0 ] && [ $bench_status -eq 0 ] && [ -n "$ok" ] && [ "$ok" -gt 0 ]
