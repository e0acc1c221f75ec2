# shellcheck shell=bash
# SPDX-License-Identifier: MIT
#
# Prelude of the end-to-end tests of zhushou under Wine: a fresh prefix per test (lib.sh),
# the zhushou.exe under test, JSON helpers and assertions that name what they compared.
# Environment (set by meson): ZHUSHOU_EXE, ZH_WINTOOLS_DIR, ZH_SOURCE_ROOT.
# ZH_TEST_KEEP=1 keeps the test directory for inspection.
set -Eeuo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

: "${ZHUSHOU_EXE:?ZHUSHOU_EXE must name the zhushou.exe under test}"
ZH_FIXTURES=$(dirname "${BASH_SOURCE[0]}")/fixtures

zh_t_dir=$(mktemp -d "${TMPDIR:-/tmp}/zh-wine-$(basename "$0" .sh)-XXXXXX")
zh_t_fail=0
export ZH_HARNESS_LOG=$zh_t_dir/harness.log

_zh_t_cleanup()
{
	local rc=$?

	wineserver -k 2>/dev/null || true
	if [[ ($rc -ne 0 || $zh_t_fail -ne 0) && -s $ZH_HARNESS_LOG ]]; then
		echo "harness messages of this test:" >&2
		cat "$ZH_HARNESS_LOG" >&2
	fi
	if [[ ${ZH_TEST_KEEP:-0} == 1 || $rc -ne 0 || $zh_t_fail -ne 0 ]]; then
		echo "test directory kept: $zh_t_dir" >&2
	else
		rm -rf "$zh_t_dir"
	fi
}
trap _zh_t_cleanup EXIT
# A command that fails under set -e ends the test: name it, or the log would end in silence.
trap 'zh_rc=$?; printf "zh-wine: %s line %s: \"%s\" failed (status %s)\n" "$(basename "$0")" \
	"$LINENO" "$BASH_COMMAND" "$zh_rc" | tee -a "$ZH_HARNESS_LOG" >&2' ERR

zh_new_prefix "$zh_t_dir"

# ZH_T_CATALOG (a Windows path), when set, is the catalog every zhushou run of the test uses.
_zh_t_catalog_args=()

# zh_t_settings_catalog: the tests of settings, legacy removal and the engine run with the
# Changjiang catalog less its current components (and their local service and UKEY), which are the
# subject of test_changjiang.sh and need the offline pack; everything else is the real catalog.
zh_t_settings_catalog()
{
	python3 - "$ZH_SOURCE_ROOT/manifest/changjiang.json" "$zh_t_dir/settings-catalog.json" <<-'EOF'
	import json, sys
	cat = json.load(open(sys.argv[1], encoding="utf-8"))
	for k in ("components", "local_services", "ukey"):
	    cat.pop(k)
	cat["checks"] = [c for c in cat["checks"]
	                 if c["probe"] not in ("components", "local_service", "ukey", "ukey_certificate")]
	json.dump(cat, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False, indent=1)
	EOF
	ZH_T_CATALOG=$(winepath -w "$zh_t_dir/settings-catalog.json")
	_zh_t_catalog_args=(--catalog "$ZH_T_CATALOG")
}

# zhushou ARGS...: run zhushou.exe in the test prefix; stdout is the program's, the Linux exit
# status is only the low 8 bits (use zh_winrun for the real code). zhushou always prints
# something unless --quiet (a result, a report or an error), so a run that printed nothing at all
# and ended with status 1 was never started by Wine and is started again (zh_wine_start).
zhushou()
{
	local a out err rc=0

	for a in "$@"; do
		[[ $a != --quiet ]] || { wine "$ZHUSHOU_EXE" "$@" "${_zh_t_catalog_args[@]}"; return; }
	done
	out=$(mktemp "$TMPDIR/zhushou-out.XXXXXX") && err=$(mktemp "$TMPDIR/zhushou-err.XXXXXX") ||
		return 1
	zh_wine_start "$out" "$err" "$ZHUSHOU_EXE" "$@" "${_zh_t_catalog_args[@]}" || rc=$?
	cat "$out"
	cat "$err" >&2
	rm -f "$out" "$err"
	return "$rc"
}

# zhushou_code ARGS...: the full Windows exit code of zhushou ARGS, seen from a Windows parent.
zhushou_code()
{
	zh_winrun "$(winepath -w "$ZHUSHOU_EXE")" "$@" "${_zh_t_catalog_args[@]}" 2>/dev/null
}

# json FILE EXPR: evaluate a Python expression over the parsed JSON document `d`.
json()
{
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1], encoding="utf-8")); r=eval(sys.argv[2]); print(r if isinstance(r,str) else json.dumps(r, ensure_ascii=False, sort_keys=True))' "$1" "$2"
}

ok() { echo "ok   $*"; }
fail() { echo "FAIL $*"; zh_t_fail=1; }

# expect_eq WHAT GOT WANT
expect_eq()
{
	if [[ $2 == "$3" ]]; then
		ok "$1"
	else
		fail "$1: got '$2', want '$3'"
	fi
}

# finish: the test's verdict (call last).
finish()
{
	if [[ $zh_t_fail -ne 0 ]]; then
		echo "$(basename "$0"): FAILED"
		exit 1
	fi
	echo "$(basename "$0"): passed"
}
