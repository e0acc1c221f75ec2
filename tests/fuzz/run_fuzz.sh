#!/bin/bash
# SPDX-License-Identifier: MIT
# A timed libFuzzer run of one target (built with -Dfuzz=enabled: clang, ASan + UBSan) from its
# checked-in seeds, in a scratch corpus so the repository is not touched. Fails on any crash,
# sanitizer report, leak or timeout; the reproducer is kept and named.
# Usage: run_fuzz.sh FUZZ_EXE SEED_DIR      ZH_FUZZ_SECONDS: time budget (default 60)
set -uo pipefail
exe=${1:?usage: run_fuzz.sh FUZZ_EXE SEED_DIR}
seeds=${2:?usage: run_fuzz.sh FUZZ_EXE SEED_DIR}
secs=${ZH_FUZZ_SECONDS:-60}
work=$(mktemp -d "${TMPDIR:-/tmp}/zh-fuzz-$(basename "$exe")-XXXXXX")
mkdir -p "$work/corpus" "$work/tmp"
cp "$seeds"/* "$work/corpus/"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}
# The archive target extracts for real: keep its scratch directories in the work area.
TMPDIR=$work/tmp "$exe" -max_total_time="$secs" -timeout=20 -rss_limit_mb=2560 \
	-print_final_stats=1 -artifact_prefix="$work/" "$work/corpus" >"$work/log" 2>&1
rc=$?
grep -E '^(#[0-9]+.*DONE|stat::number_of_executed_units|stat::peak_rss_mb)' "$work/log" || true
if [[ $rc -ne 0 ]] || grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:' \
	"$work/log"; then
	tail -60 "$work/log"
	echo "fuzz $(basename "$exe"): FAILED (exit $rc); kept $work"
	ls "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-* 2>/dev/null
	exit 1
fi
echo "fuzz $(basename "$exe"): $secs s, no report ($(ls "$work/corpus" | wc -l) inputs in corpus)"
rm -rf "$work"
