#!/bin/bash
# Security software known to block installers (the guide's FAQ: antivirus stops the online
# repair): with none, check's antivirus item is ok; with 360安全卫士's service installed it warns
# and names it (and the advice says what to do), with the service disabled (Start=4) it is ok
# again. Repair plans nothing for it: it is advice, never a change.
source "$(dirname "$0")/common.sh"
zh_t_settings_catalog

item() { json "$1" '[c["status"] for c in d["checks"] if c["id"]=="antivirus"][0]'; }
SVC='HKLM\SYSTEM\CurrentControlSet\Services\ZhuDongFangYu'

zhushou check --json --lang en >"$zh_t_dir/none.json" || true
expect_eq "no security software: ok" "$(item "$zh_t_dir/none.json")" ok

wine reg add "$SVC" /v Start /t REG_DWORD /d 2 /f >/dev/null 2>&1
zhushou check --json --lang en >"$zh_t_dir/av.json" || true
expect_eq "360's service installed: warn" "$(item "$zh_t_dir/av.json")" warn
expect_eq "the JSON says which" \
	"$(json "$zh_t_dir/av.json" '[a["name_en"] for a in d["antivirus"] if a["present"]]')" \
	'["360 Total Security"]'
zhushou check --lang zh >"$zh_t_dir/av.txt" || true
grep -q '360安全卫士' "$zh_t_dir/av.txt" && grep -q '暂时退出' "$zh_t_dir/av.txt" &&
	ok "the Chinese text names it and says what to do" || fail "no name or advice in the text"

zhushou repair --dry-run --json --lang en >"$zh_t_dir/plan.json" || true
expect_eq "repair would not touch it" \
	"$(json "$zh_t_dir/plan.json" '[s for s in d["steps"] if s["check"]=="antivirus"]')" '[]'
expect_eq "check gives the advice" \
	"$(json "$zh_t_dir/av.json" '[c["advice"] is not None for c in d["checks"] if c["id"]=="antivirus"][0]')" true

wine reg add "$SVC" /v Start /t REG_DWORD /d 4 /f >/dev/null 2>&1
zhushou check --json --lang en >"$zh_t_dir/off.json" || true
expect_eq "its service disabled: ok" "$(item "$zh_t_dir/off.json")" ok
finish
