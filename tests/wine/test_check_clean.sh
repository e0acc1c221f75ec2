#!/bin/bash
# `zhushou check` on a fresh prefix: no legacy component, every check has a verdict, the exit
# code (seen from a Windows parent) agrees with the verdicts, and checking changes nothing.
source "$(dirname "$0")/common.sh"

zh_snapshot "$zh_t_dir/before"
zhushou check --json >"$zh_t_dir/out.json" || true
code=$(zhushou_code check --json)

expect_eq "legacy components on a clean prefix" "$(json "$zh_t_dir/out.json" 'len(d["legacy"])')" 0
expect_eq "every catalog check ran" "$(json "$zh_t_dir/out.json" 'len(d["checks"])')" \
	"$(json "$ZH_SOURCE_ROOT/manifest/changjiang.json" 'len(d["checks"])')"
expect_eq "no probe errored" "$(json "$zh_t_dir/out.json" 'd["summary"]["error"]')" 0
expect_eq "legacy check passes" \
	"$(json "$zh_t_dir/out.json" '[c["status"] for c in d["checks"] if c["id"]=="legacy-components"][0]')" ok
# A fresh Wine prefix has no trusted sites for the portal: the check must say so.
expect_eq "trusted sites missing on a fresh prefix" \
	"$(json "$zh_t_dir/out.json" '[c["status"] for c in d["checks"] if c["id"]=="trusted-sites"][0]')" fail
want=$(json "$zh_t_dir/out.json" '0 if d["ok"] else 1')
expect_eq "exit code matches the verdicts" "$code" "$want"
# zhushou scans exactly the entries `reg query` lists under the three Uninstall roots.
U='Software\Microsoft\Windows\CurrentVersion\Uninstall'
keys=$( { wine reg query "HKLM\\$U" /reg:64; wine reg query "HKLM\\$U" /reg:32; wine reg query "HKCU\\$U"; } 2>/dev/null |
	tr -d '\r' | grep -c '\\Uninstall\\' || true)
expect_eq "ARP entries scanned = keys reg query lists" "$(json "$zh_t_dir/out.json" 'd["arp"]["scanned"]')" "$keys"

zh_snapshot "$zh_t_dir/after"
if zh_snapshot_diff "$zh_t_dir/before" "$zh_t_dir/after"; then
	ok "check changed nothing on the PC"
else
	fail "check changed the PC"
fi
finish
