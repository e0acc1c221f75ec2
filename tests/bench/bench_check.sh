#!/bin/bash
# Benchmark: `zhushou check --json` over the three Add/Remove Programs roots holding 2,000
# extra entries, against `reg query <root> /s` of the same three roots, in the same prefix and
# run (issue target: ratio <= 1.0). Both sides start Wine processes against a warm wineserver;
# each figure is the median of five runs.
set -euo pipefail
source "$(dirname "$0")/../wine/lib.sh"
: "${ZHUSHOU_EXE:?}"
N=${ZH_BENCH_ENTRIES:-2000}
RUNS=5

dir=$(mktemp -d /dev/shm/zh-bench-check-XXXXXX 2>/dev/null || mktemp -d)
trap 'wineserver -k 2>/dev/null || true; rm -rf "$dir"' EXIT
zh_new_prefix "$dir"
zh_seed_unrelated "$N"
zh_seed_legacy
wine cmd /c exit >/dev/null 2>&1

U='Software\Microsoft\Windows\CurrentVersion\Uninstall'
now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

time_zhushou() {
	local t0 t1
	t0=$(now)
	wine "$ZHUSHOU_EXE" check --json >"$dir/out.json" || true
	t1=$(now)
	awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.4f\n", b - a}'
}
time_reg() {
	local t0 t1
	t0=$(now)
	wine reg query "HKLM\\$U" /s /reg:64 >"$dir/r64.txt"
	wine reg query "HKLM\\$U" /s /reg:32 >"$dir/r32.txt"
	wine reg query "HKCU\\$U" /s >"$dir/ru.txt"
	t1=$(now)
	awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.4f\n", b - a}'
}

for _ in $(seq $RUNS); do time_zhushou; done | median >"$dir/z"
for _ in $(seq $RUNS); do time_reg; done | median >"$dir/r"
z=$(cat "$dir/z") r=$(cat "$dir/r")
scanned=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["arp"]["scanned"])' "$dir/out.json")
keys=$(cat "$dir/r64.txt" "$dir/r32.txt" "$dir/ru.txt" | grep -c '^HKEY_.*\\Uninstall\\' || true)
if [ "$scanned" -lt "$N" ]; then
	echo "bench_check: zhushou scanned $scanned entries, fewer than the $N seeded" >&2
	exit 1
fi
ratio=$(awk -v a="$z" -v b="$r" 'BEGIN {printf "%.4f", a / b}')
printf 'bench check: %d ARP entries (reg query saw %d keys)\n' "$scanned" "$keys"
printf '  zhushou check --json      %.3f s (median of %d)\n' "$z" "$RUNS"
printf '  reg query x3 roots /s     %.3f s (median of %d)\n' "$r" "$RUNS"
printf '  ratio zhushou/reg query   %.2f (target <= 1.00: %s)\n' "$ratio" \
	"$(awk -v x="$ratio" 'BEGIN {print (x <= 1.0) ? "met" : "NOT met"}')"
