#!/bin/bash
# SPDX-License-Identifier: MIT
# The hostile corpus (mkcorpus.py) against zhushou-native: every case refused with the right
# ZH_E* code and a message naming the entry, exit 1, and the staging directory of
# `verify --extract` gone; the good ones verify and extract. The same corpus runs against
# zhushou.exe under Wine in tests/wine/test_pack_hostile.sh.
# Usage: run_corpus.sh BUILD_DIR [trusted|untrusted]   (BUILD_DIR holds zhushou-native and the
# development PKI; "untrusted": the build does not pin the development root, so skip)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:?usage: run_corpus.sh BUILD_DIR}" && pwd)
if [[ ${2:-trusted} != trusted ]]; then
	echo "skip: this build does not pin its development root (-Dtrust_dev_root=disabled)"
	exit 77
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/zh-corpus-XXXXXX")
trap '[[ ${ZH_TEST_KEEP:-0} == 1 ]] || rm -rf "$dir"' EXIT
"$here/mkpki.sh" "$dir/pki" "$build" >/dev/null
python3 "$here/mkcorpus.py" "$dir/corpus" "$dir/pki" "$build/zhushou-native" 2>/dev/null
good_sha=$(cat "$dir/corpus/good-index.sha256")
fail=0 n=0
while IFS=$'\t' read -r name file args env want_exit want_error want_text; do
	n=$((n + 1))
	args=${args//\{GOOD_SHA\}/$good_sha}
	stage=$dir/stage-$name
	extra=()
	[[ $args == - ]] || read -r -a extra <<<"$args"
	set +e
	ZHUSHOU_NOW=${env#-} "$build/zhushou-native" --lang en verify "$file" --json \
		--extract "$stage" "${extra[@]}" >"$dir/out.json" 2>"$dir/err.txt"
	code=$?
	set -e
	why=$(python3 "$here/check.py" "$dir/out.json" "$dir/err.txt" "$code" "$want_exit" \
		"$want_error" "$want_text") || { echo "FAIL $name: $why"; fail=1; continue; }
	if [[ $want_error != - && -e $stage ]]; then
		echo "FAIL $name: staging directory left behind"
		fail=1
		continue
	fi
	if [[ $want_error == - && ! -f $stage/index.json ]]; then
		echo "FAIL $name: nothing extracted"
		fail=1
		continue
	fi
	if [[ $want_error == - ]]; then echo "ok   $name"; else echo "ok   $name ($want_error)"; fi
done <"$dir/corpus/expect.tsv"
# A text-mode refusal in Chinese names the entry too.
"$build/zhushou-native" --lang zh verify "$dir/corpus/cases/dotdot.zip" >"$dir/zh.txt" 2>&1 || true
if grep -q '归档中的路径不安全' "$dir/zh.txt" && grep -q '../evil.txt' "$dir/zh.txt"; then
	echo "ok   text report in Chinese names the reason and the entry"
else
	echo "FAIL text report in Chinese:"; cat "$dir/zh.txt"; fail=1
fi
echo "$n cases"
exit $fail
