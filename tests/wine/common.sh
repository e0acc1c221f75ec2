# shellcheck shell=bash
# SPDX-License-Identifier: MIT
#
# Prelude of the end-to-end tests of zhushou under Wine: a fresh prefix per test (lib.sh),
# the zhushou.exe under test, JSON helpers and assertions that name what they compared.
# Environment (set by meson): ZHUSHOU_EXE, ZH_WINTOOLS_DIR, ZH_SOURCE_ROOT.
# ZH_TEST_KEEP=1 keeps the test directory for inspection.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

: "${ZHUSHOU_EXE:?ZHUSHOU_EXE must name the zhushou.exe under test}"
ZH_FIXTURES=$(dirname "${BASH_SOURCE[0]}")/fixtures

zh_t_dir=$(mktemp -d "${TMPDIR:-/tmp}/zh-wine-$(basename "$0" .sh)-XXXXXX")
zh_t_fail=0

_zh_t_cleanup()
{
	local rc=$?

	wineserver -k 2>/dev/null || true
	if [[ ${ZH_TEST_KEEP:-0} == 1 || $rc -ne 0 || $zh_t_fail -ne 0 ]]; then
		echo "test directory kept: $zh_t_dir" >&2
	else
		rm -rf "$zh_t_dir"
	fi
}
trap _zh_t_cleanup EXIT

zh_new_prefix "$zh_t_dir"

# zhushou ARGS...: run zhushou.exe in the test prefix; stdout is the program's, the Linux exit
# status is only the low 8 bits (use zh_winrun for the real code).
zhushou()
{
	wine "$ZHUSHOU_EXE" "$@"
}

# zhushou_code ARGS...: the full Windows exit code of zhushou ARGS, seen from a Windows parent.
zhushou_code()
{
	zh_winrun "$(winepath -w "$ZHUSHOU_EXE")" "$@" 2>/dev/null
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
