#!/bin/bash
# Without administrator rights (the guide's FAQ: "没有管理员权限"): `check` says so in its
# admin-rights item, and `repair` explains instead of half-doing: exit 1603 from Windows, the
# reason and the steps it would take on stderr, and nothing written at all (the snapshot
# includes zhushou's own folder here). ZHUSHOU_AS_USER=1 makes a test build answer "not an
# administrator" (Wine's user always is one); the real answer comes from CheckTokenMembership.
source "$(dirname "$0")/common.sh"
zh_t_settings_catalog

zhushou check --json --lang en >"$zh_t_dir/admin.json" || true
expect_eq "as administrator the item is ok" \
	"$(json "$zh_t_dir/admin.json" '[c["status"] for c in d["checks"] if c["id"]=="admin-rights"][0]')" ok

export ZHUSHOU_AS_USER=1
zhushou check --json --lang en >"$zh_t_dir/user.json" || true
expect_eq "without rights check warns" \
	"$(json "$zh_t_dir/user.json" '[c["status"] for c in d["checks"] if c["id"]=="admin-rights"][0]')" warn

zh_snapshot "$zh_t_dir/before"
code=$(zh_winrun --out "$zh_t_dir/repair.out" "$(winepath -w "$ZHUSHOU_EXE")" repair --lang en "${_zh_t_catalog_args[@]}" \
	2>"$zh_t_dir/repair.err")
expect_eq "repair without rights exits 1603 (from Windows)" "$code" 1603
grep -q 'administrator rights; nothing was changed' "$zh_t_dir/repair.out" "$zh_t_dir/repair.err" &&
	ok "it says why and that nothing changed" || { fail "no explanation"; cat "$zh_t_dir/repair.err"; }
grep -q 'trusted sites' "$zh_t_dir/repair.out" "$zh_t_dir/repair.err" &&
	ok "it lists what it would change" || fail "no list of steps"
zh_snapshot "$zh_t_dir/after"
zh_snapshot_diff "$zh_t_dir/before" "$zh_t_dir/after" >"$zh_t_dir/d" &&
	ok "nothing was written, not even zhushou's own folder" ||
	{ fail "a repair without rights changed something"; head -20 "$zh_t_dir/d"; }
[[ ! -e $WINEPREFIX/drive_c/ProgramData/zhushou ]] && ok "no data folder was created" ||
	fail "the data folder was created"

unset ZHUSHOU_AS_USER
code=$(zh_winrun --out "$zh_t_dir/repair2.out" "$(winepath -w "$ZHUSHOU_EXE")" repair --lang en "${_zh_t_catalog_args[@]}" 2>/dev/null)
expect_eq "with rights the same repair succeeds" "$code" 0
finish
