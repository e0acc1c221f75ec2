#!/bin/bash
# 一键修复 of the Internet settings (issue 5's engine under the first real repair): the
# guide's proxy without the exception, TLS 1.2 off, an unrelated trusted site. `check` exits
# 1, `repair` exits 0, `check` exits 0 (codes from a Windows parent); ProxyOverride keeps its
# entries in order with the exception appended once; the unrelated site is untouched; a
# second repair changes nothing; `rollback` brings the PC back byte-identical.
source "$(dirname "$0")/common.sh"
zh_t_settings_catalog
# zhushou's own journal and backups record every run by design: compare the PC, not them.
export ZH_SNAPSHOT_EXCLUDE='ProgramData/zhushou'

IS='HKCU\Software\Microsoft\Windows\CurrentVersion\Internet Settings'
D="$IS\\ZoneMap\\Domains"
reg() { wine reg "$@" >/dev/null 2>&1; }
regval() { wine reg query "$1" /v "$2" 2>/dev/null | tr -d '\r' | awk -v n="$2" '$1 == n {print $NF}'; }

reg add "$IS" /v ProxyEnable /t REG_DWORD /d 1 /f
reg add "$IS" /v ProxyServer /t REG_SZ /d 127.0.0.1:7890 /f
reg add "$IS" /v ProxyOverride /t REG_SZ /d '172.30.*;192.168.*;127.0.0.1' /f
reg add "$IS" /v SecureProtocols /t REG_DWORD /d 0xA0 /f
reg add "$D\\example.org" /v https /t REG_DWORD /d 2 /f
hosts=$WINEPREFIX/drive_c/windows/system32/drivers/etc/hosts
cp "$hosts" "$zh_t_dir/hosts.before"
zh_snapshot "$zh_t_dir/before"

expect_eq "check before repair" "$(zhushou_code check)" 1
zhushou repair --json >"$zh_t_dir/repair.json" || true
expect_eq "repair's exit code" "$(json "$zh_t_dir/repair.json" 'd["exit_code"]')" 0
expect_eq "repair ran 5 steps" "$(json "$zh_t_dir/repair.json" 'len(d["steps"])')" 5
expect_eq "check after repair" "$(zhushou_code check)" 0

expect_eq "ProxyOverride appended once, order kept" "$(regval "$IS" ProxyOverride)" \
	'172.30.*;192.168.*;127.0.0.1;powerservice.csii.com.cn'
expect_eq "TLS 1.2 added, other bits kept" "$(regval "$IS" SecureProtocols)" 0x8a0
expect_eq "https trusted for cj-pension.com.cn" "$(regval "$D\\cj-pension.com.cn" https)" 0x2
expect_eq "http trusted for cfca.com.cn" "$(regval "$D\\cfca.com.cn" http)" 0x2
expect_eq "unrelated trusted site untouched" "$(regval "$D\\example.org" https)" 0x2
# The hosts file: every old byte kept, one line appended.
printf '127.0.0.1 powerservice.csii.com.cn # zhushou\r\n' | cat "$zh_t_dir/hosts.before" - >"$zh_t_dir/hosts.want"
if cmp -s "$zh_t_dir/hosts.want" "$hosts"; then ok "hosts: old content kept, the service name appended"; else
	fail "hosts after repair: $(od -c "$hosts" | head -5)"; fi
zh_snapshot "$zh_t_dir/after"

# A second repair on a repaired PC is a no-op.
zhushou repair --json >"$zh_t_dir/again.json" || true
expect_eq "second repair: no transaction" "$(json "$zh_t_dir/again.json" 'd["txn"]')" 0
expect_eq "second repair: exit 0" "$(json "$zh_t_dir/again.json" 'd["exit_code"]')" 0
zh_snapshot "$zh_t_dir/again"
zh_snapshot_diff "$zh_t_dir/after" "$zh_t_dir/again" && ok "second repair changed nothing" ||
	fail "second repair changed the PC"

# Dry run changes nothing and lists nothing to do.
zhushou repair --dry-run --json >"$zh_t_dir/dry.json" || true
expect_eq "dry run on a repaired PC plans nothing" "$(json "$zh_t_dir/dry.json" 'len(d["steps"])')" 0

# Rollback: exactly the PC before the repair.
expect_eq "rollback's exit code" "$(zhushou_code rollback)" 0
zh_snapshot "$zh_t_dir/rolled"
zh_snapshot_diff "$zh_t_dir/before" "$zh_t_dir/rolled" && ok "rollback restored the PC byte for byte" ||
	fail "rollback left the PC different"
expect_eq "check after rollback" "$(zhushou_code check)" 1
cmp -s "$zh_t_dir/hosts.before" "$hosts" && ok "rollback restored the hosts file byte for byte" ||
	fail "hosts after rollback differs"

# The history shows both, newest first.
zhushou history --json >"$zh_t_dir/h.json"
expect_eq "history" "$(json "$zh_t_dir/h.json" '[(t["verb"], t["state"]) for t in d["transactions"]]')" \
	'[["rollback 1", "done"], ["repair", "done"]]'
# A second rollback of the same repair is refused and changes nothing.
expect_eq "rolling back twice is refused" "$(zhushou_code rollback 1)" 1603
finish
