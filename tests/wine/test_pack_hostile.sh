#!/bin/bash
# Issue acceptance (signed bundles and offline packs): the hostile corpus of tests/pack
# (mkcorpus.py: one case per extraction, signature, replay and expiry rule, a bundle from another
# signed pack, a bundle longer than listed, a zip bomb, ...) against zhushou.exe on a fresh
# prefix. Each case: `verify CASE --json --extract C:\ProgramData\zhushou-staging\CASE` exits 1,
# the JSON carries the expected ZH_E* code with a message naming the entry, and the staging
# directory is gone. A snapshot before and after all refusals shows nothing else changed. Then
# the good packs extract, one of them to a path longer than 260 characters, and a pack built by
# zhushou.exe verifies.
source "$(dirname "$0")/common.sh"

build=$(dirname "$ZHUSHOU_EXE")
packdir=$ZH_SOURCE_ROOT/tests/pack
if [[ ! -x $build/zhushou-native || ! -f $build/dev-root.key ]]; then
	echo "skip: no zhushou-native or development PKI in $build"
	exit 77
fi
if ! "$build/zhushou-native" verify --roots | grep -q development; then
	echo "skip: this build does not pin its development root"
	exit 77
fi
"$packdir/mkpki.sh" "$zh_t_dir/pki" "$build" >/dev/null
python3 "$packdir/mkcorpus.py" "$zh_t_dir/corpus" "$zh_t_dir/pki" "$build/zhushou-native" \
	2>/dev/null
good_sha=$(cat "$zh_t_dir/corpus/good-index.sha256")
winpath() { local p=$1; printf 'Z:%s' "${p//\//\\}"; }

# The parent of the staging directories exists before the first snapshot, as it would once
# zhushou is installed.
stage_parent=$WINEPREFIX/drive_c/ProgramData/zhushou-staging
mkdir -p "$stage_parent"
zh_snapshot "$zh_t_dir/before"

# run_case NAME FILE ARGS ENV: verify under Wine, JSON in out.json, stderr in err.txt; sets code.
run_case()
{
	local name=$1 file=$2 args=${3//\{GOOD_SHA\}/$good_sha} env=$4 extra=()

	[[ $args == - ]] || read -r -a extra <<<"$args"
	code=0
	ZHUSHOU_NOW=${env#-} zh_wine_start "$zh_t_dir/out.json" "$zh_t_dir/err.txt" "$ZHUSHOU_EXE" \
		--lang en verify "$(winpath "$file")" --json \
		--extract "C:\\ProgramData\\zhushou-staging\\$name" "${extra[@]}" || code=$?
}

n=0
while IFS=$'\t' read -r name file args env want_exit want_error want_text; do
	[[ $want_error != - ]] || continue
	n=$((n + 1))
	run_case "$name" "$file" "$args" "$env"
	if why=$(python3 "$packdir/check.py" "$zh_t_dir/out.json" "$zh_t_dir/err.txt" "$code" \
		"$want_exit" "$want_error" "$want_text"); then
		if [[ -e $stage_parent/$name ]]; then
			fail "$name: staging directory left behind"
		else
			ok "$name refused ($want_error), staging gone"
		fi
	else
		fail "$name: $why"
	fi
done <"$zh_t_dir/corpus/expect.tsv"

zh_snapshot "$zh_t_dir/after"
if zh_snapshot_diff "$zh_t_dir/before" "$zh_t_dir/after"; then
	ok "$n refused packs changed nothing on the PC"
else
	fail "a refused pack changed the PC"
fi

# The full Windows exit code of a refusal, seen from a Windows parent.
expect_eq "exit code of a refusal from a Windows parent" \
	"$(zhushou_code verify "$(winpath "$zh_t_dir/corpus/cases/dotdot.zip")")" 1

# The good ones extract.
while IFS=$'\t' read -r name file args env want_exit want_error want_text; do
	[[ $want_error == - ]] || continue
	run_case "$name" "$file" "$args" "$env"
	if why=$(python3 "$packdir/check.py" "$zh_t_dir/out.json" "$zh_t_dir/err.txt" "$code" \
		"$want_exit" "$want_error" "$want_text") && [[ -f $stage_parent/$name/index.json ]]; then
		ok "$name verified and extracted"
	else
		fail "$name: ${why:-nothing extracted}"
	fi
done <"$zh_t_dir/corpus/expect.tsv"
deep=$(find "$stage_parent/long-path-ok" -name '最后的文件.txt' | head -1)
winlen=$(printf 'C:\\ProgramData\\zhushou-staging\\%s' "${deep#"$stage_parent"/}" | wc -m)
if [[ -n $deep && $(cat "$deep") == deep && $winlen -gt 260 ]]; then
	ok "a file at a $winlen-character Windows path extracted through \\\\?\\"
else
	fail "long path: '$deep' ($winlen characters)"
fi
run_case expired-warning "$zh_t_dir/corpus/cases/expired-offline-allowed.zip" --allow-expired +2d
if grep -q 'WARNING: the offline pack.*EXPIRED' "$zh_t_dir/err.txt"; then
	ok "an expired offline pack accepted with --allow-expired says so loudly"
else
	fail "no loud warning for the expired pack: $(cat "$zh_t_dir/err.txt")"
fi
# The publisher's side under Wine: pack build from packages/demo-hello (the other recipes
# name built stand-ins), verified by both builds.
if zhushou --lang en pack build "$(winpath "$ZH_SOURCE_ROOT/packages/demo-hello")" \
	-o "$(winpath "$zh_t_dir/wine-built.zip")" --key "$(winpath "$build/dev-publisher.key")" \
	--cert "$(winpath "$build/dev-publisher.pem")" --serial 7 --expires +30 >/dev/null &&
	"$build/zhushou-native" verify "$zh_t_dir/wine-built.zip" >/dev/null &&
	zhushou verify "$(winpath "$zh_t_dir/wine-built.zip")" >/dev/null; then
	ok "pack build under Wine makes a pack both builds verify"
else
	fail "pack build under Wine"
fi
finish
