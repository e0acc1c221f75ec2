#!/bin/bash
# Bad registry data in Add/Remove Programs (wrong value types, missing, empty and 32 KB names,
# unpaired UTF-16 surrogates, odd DisplayVersion/Publisher types, a key without read access)
# next to real legacy fixtures: no crash, valid JSON, the odd entries counted and never
# reported, the real legacy components still found.
source "$(dirname "$0")/common.sh"
zh_t_settings_catalog

zh_seed_fixture cj-ukey-200 cj-ukeymgr-1001
zh_seed_bad_registry

U='Software\Microsoft\Windows\CurrentVersion\Uninstall'
# A legacy entry whose key cannot be read: zhushou must skip it, not fail. Wine keeps the
# DACL only while the wineserver runs (lib.sh), so hold it across the check.
zh_wine_hold
denied=$(zh_deny_read "HKLM\\$U\\zh-bad-dword-name")
zhushou check --json >"$zh_t_dir/out.json" || true
code=$(zhushou_code check --json)
zh_wine_release

expect_eq "exit code (problems found, no crash)" "$code" 1
if python3 -c 'import json,sys; json.load(open(sys.argv[1], encoding="utf-8", errors="strict"))' "$zh_t_dir/out.json"; then
	ok "output is valid UTF-8 JSON"
else
	fail "output is not valid JSON"
fi
expect_eq "both real legacy components found" \
	"$(json "$zh_t_dir/out.json" 'sorted(l["id"] for l in d["legacy"])')" \
	'["cj-ukey-control-2.00", "cj-ukey-manager-1.0.0.1"]'
# dword, binary, missing, empty and 32 KB names are odd (5); the surrogate names are text.
expect_eq "odd entries counted" "$(json "$zh_t_dir/out.json" 'd["arp"]["odd"] >= 4')" true
if [[ $denied == denied ]]; then
	expect_eq "unreadable key counted" "$(json "$zh_t_dir/out.json" 'd["arp"]["unreadable"] >= 1')" true
else
	echo "skip unreadable key: Wine did not enforce the DACL ($denied)"
fi
# The name "长江UKey控件 2.00" followed by an unpaired surrogate is not the legacy control.
expect_eq "surrogate look-alike not matched" \
	"$(json "$zh_t_dir/out.json" 'len([l for l in d["legacy"] if "\ufffd" in l["display_name"]])')" 0
expect_eq "no probe errored" "$(json "$zh_t_dir/out.json" 'd["summary"]["error"]')" 0
finish
