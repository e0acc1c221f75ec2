#!/bin/bash
# SPDX-License-Identifier: MIT
# Benchmark (issue 9): downloading a 200 MB bundle from a loopback HTTPS mirror
# (tests/fetch/mirror.py, the test CA trusted in the prefix's LocalMachine Root store) with
# `zhushou install ID --source URL` under Wine, against native `curl -o /dev/null --cacert CA`
# of the same bundle file from the same server, in the same run.
#
# What is measured. `install` always verifies and extracts what it downloaded and installs it;
# the download part is isolated as the difference of two installs of the same bundle, both
# timed whole: "cold" (the mirror's cache folder deleted first: index and bundle fetched) minus
# "warm" (the bundle complete in the cache: the index asked for with If-None-Match, nothing
# else fetched, the same verification, extraction and install). The bundle is one stored
# 200 MB file (random bytes) with one copy step, so the install part is small and the same in
# both. The component is removed (untimed) after each install. Figures are medians of RUNS
# interleaved rounds (the order rotates each round) after one untimed warm-up round, with one
# persistent wineserver; each cold run is checked to have fetched the whole bundle and each warm
# run to have fetched none of it.
# A second baseline tells Wine's share from zhushou's: the same libcurl + OpenSSL build under
# Wine, GET to a discarding sink (curl_get.c cross-built: no hashing, no file, no install).
# zhushou's own timing of the transfer (`download.bundles[].seconds`) is printed too.
# Printed: "throughput ratio" = curl_time / zhushou_download_time (the issue's target >= 0.70),
# the same against libcurl under Wine, and for context curl_time / whole cold install.
# Usage: bench_download.sh BUILD_DIR CURL_GET_EXE
#   ZHUSHOU_EXE (meson), ZH_BENCH_RUNS (3), ZH_BENCH_MB (200)
set -euo pipefail
source "$(dirname "$0")/../wine/lib.sh"
build=$(cd "${1:?usage: bench_download.sh BUILD_DIR CURL_GET_EXE}" && pwd)
curl_get=${2:?usage: bench_download.sh BUILD_DIR CURL_GET_EXE}
: "${ZHUSHOU_EXE:?ZHUSHOU_EXE must name the zhushou.exe under test}"
runs=${ZH_BENCH_RUNS:-3}
mb=${ZH_BENCH_MB:-200}
native=$build/zhushou-native

die() { echo "bench_download: $*" >&2; exit 1; }
command -v curl >/dev/null || die "no curl"

dir=$(mktemp -d /dev/shm/zh-bench-download-XXXXXX 2>/dev/null || mktemp -d)
# shellcheck disable=SC2034 # read by online.sh
zh_t_dir=$dir
source "$(dirname "$0")/../wine/online.sh"
# WINEPREFIX is unset until zh_new_prefix: never let wineserver -k reach ~/.wine.
trap 'zh_on_stop; [[ -z ${WINEPREFIX:-} ]] || wineserver -k 2>/dev/null || true; rm -rf "$dir"' EXIT

# The recipe: one stored file of MB MiB, copied to %ProgramFiles%\zhushou-bench-dl.
mkdir -p "$dir/recipes/bench-dl/files"
python3 - "$dir/recipes/bench-dl" "$((mb * 1048576))" <<-'EOF'
	import json, os, random, sys
	d, size = sys.argv[1], int(sys.argv[2])
	rng = random.Random(20261126)
	with open(os.path.join(d, "files", "big.bin"), "wb") as f:
	    left = size
	    while left:
	        n = min(left, 1 << 24)
	        f.write(rng.randbytes(n))
	        left -= n
	json.dump({"format": 1, "id": "bench-dl", "version": "1.0.0", "publisher": "zhushou bench",
	           "name": {"zh": "下载基准", "en": "download bench"},
	           "files": [{"src": "files/big.bin", "path": "big.bin", "compress": False}],
	           "install": [{"op": "copy", "src": "big.bin", "dst_root": "app",
	                        "dst": "zhushou-bench-dl/big.bin"}]},
	          open(os.path.join(d, "recipe.json"), "w", encoding="utf-8"), ensure_ascii=False)
	EOF
"$native" --lang en pack build "$dir/recipes" -o "$dir/pack.zip" --key "$build/dev-publisher.key" \
	--cert "$build/dev-publisher.pem" --serial 1 --expires +1 >"$dir/pack.log" 2>&1 ||
	{ cat "$dir/pack.log" >&2; die "pack build failed"; }
want_sha=$(sha256sum <"$dir/recipes/bench-dl/files/big.bin" | cut -c1-64)
rm -rf "$dir/recipes"
zh_on_publish m "$dir/pack.zip"
rm -f "$dir/pack.zip"
bundle=bundles/bench-dl-1.0.0.zip
[[ -f $ZH_ON_ROOT/m/$bundle ]] || die "no $bundle in the pack"
size=$(stat -c %s "$ZH_ON_ROOT/m/$bundle")

zh_new_prefix "$dir/wine" >/dev/null
wineserver -p
wine cmd /c exit >/dev/null 2>&1
zh_on_trust >/dev/null 2>&1 || die "cannot trust the test CA in the prefix"
port=$(zh_on_mirror m)
url=$(zh_on_url "$port" ok m)
cache=$WINEPREFIX/drive_c/ProgramData/zhushou/cache
installed=$WINEPREFIX/drive_c/Program\ Files/zhushou-bench-dl/big.bin

now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# run LABEL CMD...: run CMD, fail the benchmark on a non-zero exit; stdout in $dir/LABEL.out,
# stderr in $dir/LABEL.err. Sets $elapsed to the wall time.
run()
{
	local label=$1 t0 t1 rc=0
	shift
	t0=$(now)
	"$@" >"$dir/$label.out" 2>"$dir/$label.err" || rc=$?
	t1=$(now)
	if ((rc != 0)); then
		tail -c 2000 "$dir/$label.out" >&2
		tail -20 "$dir/$label.err" >&2
		die "'$label' failed (exit $rc, low 8 bits): $*"
	fi
	elapsed=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.4f\n", b - a}')
}
field() { python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$@"; }

one() # KIND [timed]
{
	case $1 in
	curl)
		run curl curl -sS --noproxy '*' --cacert "$ZH_ON_PKI/ca.pem" -o /dev/null \
			-w '%{size_download}\n' "$url$bundle"
		[[ $(cat "$dir/curl.out") == "$size" ]] || die "curl got $(cat "$dir/curl.out") of $size bytes"
		;;
	wine)
		run wine wine "$curl_get" "$url$bundle" "$(_zh_winpath "$ZH_ON_PKI/ca.pem")"
		[[ $(tr -d '\r' <"$dir/wine.out") == "$size" ]] ||
			die "curl_get under Wine got $(cat "$dir/wine.out") of $size bytes"
		;;
	cold)
		rm -rf "$cache"
		run cold wine "$ZHUSHOU_EXE" install bench-dl --source "$url" --json --lang en
		[[ $(field "$dir/cold.out" 'd["download"]["bundles"][0]["fetched"]') == "$size" ]] ||
			die "the cold install did not fetch the whole bundle: $(head -c 1500 "$dir/cold.out")"
		[[ -z ${2:-} ]] ||
			field "$dir/cold.out" 'd["download"]["bundles"][0].get("seconds", "")' >>"$dir/t-own"
		;;
	warm)
		run warm wine "$ZHUSHOU_EXE" install bench-dl --source "$url" --json --lang en
		[[ $(field "$dir/warm.out" 'd["download"]["bundles"][0]["fetched"]') == 0 ]] ||
			die "the warm install fetched bundle bytes: $(head -c 1500 "$dir/warm.out")"
		;;
	esac
	[[ -z ${2:-} ]] || echo "$elapsed" >>"$dir/t-$1"
	if [[ $1 == cold || $1 == warm ]]; then
		[[ $(sha256sum <"$installed" | cut -c1-64) == "$want_sha" ]] ||
			die "$1: the installed file differs from the recipe's"
		run remove wine "$ZHUSHOU_EXE" remove bench-dl --lang en
		[[ ! -e $installed ]] || die "remove left the file"
	fi
}

# Warm-up: a cold and a warm install fill Wine's and the page cache's state once.
kinds=(curl cold warm wine)
for k in "${kinds[@]}"; do one "$k"; done
for r in $(seq "$runs"); do
	for j in 0 1 2 3; do
		# A warm run finds the bundle that the last cold run left in the cache.
		one "${kinds[(r + j) % 4]}" timed
	done
done

curl_t=$(median <"$dir/t-curl")
cold_t=$(median <"$dir/t-cold")
warm_t=$(median <"$dir/t-warm")
wine_t=$(median <"$dir/t-wine")
own_t=$(grep -E '^[0-9.]+$' "$dir/t-own" | median || true)
dl_t=$(awk -v c="$cold_t" -v w="$warm_t" 'BEGIN {printf "%.4f", c - w}')
list() { paste -sd ' ' "$dir/t-$1"; }
mbs() { awk -v b="$size" -v t="$1" 'BEGIN {if (t > 0) printf "%.0f", b / 1048576 / t; else print "-"}'; }
ratio=$(awk -v c="$curl_t" -v d="$dl_t" 'BEGIN {if (d > 0) printf "%.2f", c / d; else print "inf"}')
whole=$(awk -v c="$curl_t" -v d="$cold_t" 'BEGIN {printf "%.2f", c / d}')
wine_ratio=$(awk -v c="$wine_t" -v d="$dl_t" 'BEGIN {if (d > 0) printf "%.2f", c / d; else print "inf"}')
verdict=$(awk -v x="$ratio" 'BEGIN {print (x == "inf" || x >= 0.7) ? "target met" : "target missed"}')
printf 'bench download: one bundle of %d bytes (%.1f MB) from a loopback HTTPS mirror; medians of %d interleaved runs after a warm-up round, Wine, tmpfs\n' \
	"$size" "$(awk -v b="$size" 'BEGIN {print b / 1048576}')" "$runs"
printf '  curl -o /dev/null (native)           %.3f s  %s MB/s  (runs: %s)\n' "$curl_t" "$(mbs "$curl_t")" "$(list curl)"
printf '  zhushou install, cold cache          %.3f s  (runs: %s)\n' "$cold_t" "$(list cold)"
printf '  zhushou install, bundle cached       %.3f s  (runs: %s)\n' "$warm_t" "$(list warm)"
printf '  zhushou download part (cold - warm)  %.3f s  %s MB/s\n' "$dl_t" "$(mbs "$dl_t")"
[[ -z $own_t ]] ||
	printf '  (zhushou'"'"'s own timing of the transfer, download.bundles[].seconds: %.3f s  %s MB/s)\n' \
		"$own_t" "$(mbs "$own_t")"
printf '  libcurl under Wine, body discarded   %.3f s  %s MB/s  (runs: %s)\n' "$wine_t" "$(mbs "$wine_t")" "$(list wine)"
printf '  throughput ratio curl/zhushou %s (target >= 0.70: %s)\n' "$ratio" "$verdict"
printf '  ratio libcurl-under-Wine/zhushou %s (what zhushou adds to the transport under Wine)\n' "$wine_ratio"
printf '  for context: curl / whole cold install %s\n' "$whole"
