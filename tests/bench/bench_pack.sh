#!/bin/bash
# SPDX-License-Identifier: MIT
# Benchmark: `zhushou-native verify BUNDLE --extract DIR` (signature, listing, path rules,
# SHA-256 of every byte, files written through sys/fs) of a 200 MB bundle, against two
# baselines on the same file in the same run: `openssl dgst -sha256` (hashing alone) and
# plain libarchive extraction without any check (la_extract.c). Figures are medians of RUNS
# interleaved runs on tmpfs (/dev/shm, WINE.md); ratios are throughputs, ours over the
# baseline's (issue target: >= 0.90 of the better, i.e. faster, baseline). Peak memory (max
# RSS from /usr/bin/time) is printed for a 20 MB and the 200 MB bundle: it must stay under
# 64 MB whatever the size. With ZHUSHOU_EXE set and Wine present, zhushou.exe's time for the
# same bundle is printed too (no ratio: the baselines are native).
# Usage: bench_pack.sh BUILD_DIR LA_EXTRACT   ZH_BENCH_MB (200), ZH_BENCH_RUNS (7)
set -euo pipefail
build=$(cd "${1:?usage: bench_pack.sh BUILD_DIR LA_EXTRACT}" && pwd)
la=${2:?usage: bench_pack.sh BUILD_DIR LA_EXTRACT}
mb=${ZH_BENCH_MB:-200}
runs=${ZH_BENCH_RUNS:-7}
native=$build/zhushou-native
dir=$(mktemp -d /dev/shm/zh-bench-pack-XXXXXX 2>/dev/null || mktemp -d)
trap 'wineserver -k 2>/dev/null || true; rm -rf "$dir"' EXIT

# A bundle of one incompressible payload file (vendor installers are compressed already),
# built the way the publisher builds it.
make_bundle() # NAME MB
{
	mkdir -p "$dir/rec-$1/r/files"
	head -c "${2}M" /dev/urandom >"$dir/rec-$1/r/files/payload.bin"
	cat >"$dir/rec-$1/r/recipe.json" <<-EOF
	{"format":1,"id":"bench","version":"1","publisher":"bench",
	 "name":{"zh":"基准","en":"bench"},
	 "files":[{"src":"files/payload.bin","path":"payload/payload.bin"}]}
	EOF
	"$native" --lang en pack build "$dir/rec-$1" -o "$dir/$1-pack.zip" \
		--key "$build/dev-publisher.key" --cert "$build/dev-publisher.pem" --serial 1 \
		--expires +1 >/dev/null 2>&1
	python3 -c 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); open(sys.argv[2], "wb").write(z.read("bundles/bench-1.zip"))' \
		"$dir/$1-pack.zip" "$dir/$1.zip"
	rm -rf "$dir/rec-$1"
}
make_bundle big "$mb"
make_bundle small 20
bytes=$(stat -c %s "$dir/big.zip")

now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# timed LABEL CMD...: append the wall time of CMD to $dir/t-LABEL
timed()
{
	local label=$1 t0 t1
	shift
	t0=$(now)
	"$@" >/dev/null
	t1=$(now)
	awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.4f\n", b - a}' >>"$dir/t-$label"
}
for _ in $(seq "$runs"); do
	rm -rf "$dir/x-ours" "$dir/x-la"
	timed ours "$native" verify "$dir/big.zip" --extract "$dir/x-ours"
	timed dgst openssl dgst -sha256 "$dir/big.zip"
	timed la "$la" "$dir/big.zip" "$dir/x-la"
done
cmp -s "$dir/x-ours/payload/payload.bin" "$dir/x-la/payload.bin" ||
	{ echo "bench_pack: the extractions differ" >&2; exit 1; }
ours=$(median <"$dir/t-ours")
dgst=$(median <"$dir/t-dgst")
lax=$(median <"$dir/t-la")
rss() { rm -rf "$dir/x-rss"; /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
rss_big=$(rss "$native" verify "$dir/big.zip" --extract "$dir/x-rss")
rss_small=$(rss "$native" verify "$dir/small.zip" --extract "$dir/x-rss")
rss_pack=$(rss "$native" verify "$dir/big-pack.zip" --extract "$dir/x-rss")

mbs() { awk -v b="$bytes" -v t="$1" 'BEGIN {printf "%.0f", b / t / 1048576}'; }
better=$(awk -v a="$dgst" -v b="$lax" 'BEGIN {print (a < b) ? a : b}')
r_dgst=$(awk -v o="$ours" -v b="$dgst" 'BEGIN {printf "%.2f", b / o}')
r_la=$(awk -v o="$ours" -v b="$lax" 'BEGIN {printf "%.2f", b / o}')
r_best=$(awk -v o="$ours" -v b="$better" 'BEGIN {printf "%.2f", b / o}')
printf 'bench pack: verify + extract of a %d MB bundle (%d bytes), medians of %d runs, tmpfs\n' \
	"$mb" "$bytes" "$runs"
printf '  zhushou verify --extract   %.3f s  %5s MB/s\n' "$ours" "$(mbs "$ours")"
printf '  openssl dgst -sha256       %.3f s  %5s MB/s  ratio %s\n' "$dgst" "$(mbs "$dgst")" \
	"$r_dgst"
printf '  libarchive, no checks      %.3f s  %5s MB/s  ratio %s\n' "$lax" "$(mbs "$lax")" \
	"$r_la"
printf '  ratio to the better baseline %s (target >= 0.90: %s)\n' "$r_best" \
	"$(awk -v x="$r_best" 'BEGIN {print (x >= 0.9) ? "met" : "NOT met"}')"
printf '  peak memory (max RSS): %d MB bundle %.1f MB, 20 MB bundle %.1f MB, %d MB pack %.1f MB (limit 64 MB: %s)\n' \
	"$mb" "$(awk -v k="$rss_big" 'BEGIN {print k / 1024}')" \
	"$(awk -v k="$rss_small" 'BEGIN {print k / 1024}')" "$mb" \
	"$(awk -v k="$rss_pack" 'BEGIN {print k / 1024}')" \
	"$(awk -v a="$rss_big" -v b="$rss_pack" 'BEGIN {print (a < 65536 && b < 65536) ? "met" : "NOT met"}')"
if [[ -n ${ZHUSHOU_EXE:-} ]] && command -v wine >/dev/null; then
	source "$(dirname "$0")/../wine/lib.sh"
	zh_new_prefix "$dir/wine" >/dev/null
	wine "$ZHUSHOU_EXE" version >/dev/null 2>&1
	winbig="Z:${dir//\//\\}\\big.zip"
	for i in 1 2 3; do
		timed wine wine "$ZHUSHOU_EXE" verify "$winbig" --extract "C:\\x$i"
	done
	w=$(median <"$dir/t-wine")
	printf '  zhushou.exe under Wine     %.3f s  %5s MB/s (process start included)\n' "$w" \
		"$(mbs "$w")"
fi
if [[ $rss_big -ge 65536 || $rss_pack -ge 65536 ]]; then
	echo "bench_pack: peak memory over 64 MB" >&2
	exit 1
fi
