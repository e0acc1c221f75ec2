#!/bin/bash
# The Internet Settings checks read what IE reads: proxy on/off and ProxyOverride, trusted
# sites in the zone map (and the HKLM-only and locked-by-policy cases), SecureProtocols with
# its policy precedence. Each case sets registry state and asserts the verdict and the facts.
source "$(dirname "$0")/common.sh"
zh_t_settings_catalog

IS='HKCU\Software\Microsoft\Windows\CurrentVersion\Internet Settings'
ISM='HKLM\Software\Microsoft\Windows\CurrentVersion\Internet Settings'
POL='HKLM\Software\Policies\Microsoft\Windows\CurrentVersion\Internet Settings'

reg() { wine reg "$@" >/dev/null 2>&1; }
status_of() { json "$zh_t_dir/out.json" "[c['status'] for c in d['checks'] if c['id']=='$1'][0]"; }
run_check() { zhushou check --json >"$zh_t_dir/out.json" || true; }

# Proxy on, exception missing (the guide's example list).
reg add "$IS" /v ProxyEnable /t REG_DWORD /d 1 /f
reg add "$IS" /v ProxyServer /t REG_SZ /d 127.0.0.1:7890 /f
reg add "$IS" /v ProxyOverride /t REG_SZ /d '172.30.*;192.168.*;127.0.0.1' /f
run_check
expect_eq "proxy on without exception fails" "$(status_of proxy-bypass)" fail
expect_eq "proxy server reported" "$(json "$zh_t_dir/out.json" 'd["proxy"]["server"]')" 127.0.0.1:7890
expect_eq "bypass reported absent" "$(json "$zh_t_dir/out.json" 'd["proxy"]["bypass"][0]["present"]')" false

reg add "$IS" /v ProxyOverride /t REG_SZ /d '172.30.*;192.168.*;127.0.0.1; PowerService.csii.com.cn' /f
run_check
expect_eq "proxy with exception passes" "$(status_of proxy-bypass)" ok

reg add "$IS" /v ProxyOverride /t REG_SZ /d 'powerservice.csii.com.cn.example;x' /f
run_check
expect_eq "a longer name is not the exception" "$(status_of proxy-bypass)" fail

reg add "$IS" /v ProxyEnable /t REG_DWORD /d 0 /f
run_check
expect_eq "proxy off passes" "$(status_of proxy-bypass)" ok

# Odd data: ProxyEnable as a string is ignored (counted), not a crash.
reg add "$IS" /v ProxyEnable /t REG_SZ /d 1 /f
run_check
expect_eq "string ProxyEnable treated as off" "$(json "$zh_t_dir/out.json" 'd["proxy"]["enabled"]')" false
expect_eq "odd value counted" "$(json "$zh_t_dir/out.json" 'd["secure_protocols"]["odd_values"] >= 1')" true

# SecureProtocols: user value without TLS 1.2, then with, then a policy overriding it.
reg add "$IS" /v SecureProtocols /t REG_DWORD /d 0xA0 /f
run_check
expect_eq "TLS 1.2 off fails" "$(status_of tls12)" fail
expect_eq "value read from the user" "$(json "$zh_t_dir/out.json" 'd["secure_protocols"]["source"]')" user
reg add "$IS" /v SecureProtocols /t REG_DWORD /d 0xA80 /f
run_check
expect_eq "TLS 1.2 on passes" "$(status_of tls12)" ok
reg add "$POL" /v SecureProtocols /t REG_DWORD /d 0x80 /f
run_check
expect_eq "policy wins over the user" "$(status_of tls12)" fail
expect_eq "value read from policy" "$(json "$zh_t_dir/out.json" 'd["secure_protocols"]["source"]')" policy
reg delete "$POL" /v SecureProtocols /f

# Trusted sites: one present in HKCU, then both.
D='Software\Microsoft\Windows\CurrentVersion\Internet Settings\ZoneMap\Domains'
reg add "HKCU\\$D\\cj-pension.com.cn" /v https /t REG_DWORD /d 2 /f
reg add "HKCU\\$D\\example.org" /v https /t REG_DWORD /d 2 /f
run_check
expect_eq "one site missing fails" "$(status_of trusted-sites)" fail
expect_eq "present site seen" "$(json "$zh_t_dir/out.json" 'd["trusted_sites"][0]["present"]')" true
expect_eq "missing site seen" "$(json "$zh_t_dir/out.json" 'd["trusted_sites"][1]["present"]')" false
# The http site in zone 1 (intranet) is not trusted.
reg add "HKCU\\$D\\cfca.com.cn" /v http /t REG_DWORD /d 1 /f
run_check
expect_eq "wrong zone is not trusted" "$(json "$zh_t_dir/out.json" 'd["trusted_sites"][1]["zone"]')" 1
reg add "HKCU\\$D\\cfca.com.cn" /v http /t REG_DWORD /d 2 /f
run_check
expect_eq "both sites pass" "$(status_of trusted-sites)" ok

# Security_HKLM_only: the user's zone map no longer counts.
reg add "$POL" /v Security_HKLM_only /t REG_DWORD /d 1 /f
run_check
expect_eq "HKLM-only policy reads HKLM" "$(json "$zh_t_dir/out.json" 'd["trusted_sites"][0]["hive"]')" HKLM
expect_eq "HKLM-only policy: sites missing" "$(status_of trusted-sites)" fail
reg add "HKLM\\$D\\cj-pension.com.cn" /v https /t REG_DWORD /d 2 /f
reg add "HKLM\\$D\\cfca.com.cn" /v '*' /t REG_DWORD /d 2 /f
run_check
expect_eq "HKLM sites (and the * scheme) pass" "$(status_of trusted-sites)" ok
reg delete "$POL" /v Security_HKLM_only /f

# Site to Zone Assignment List policy: the user's list is ignored, the policy list counts.
reg add "$POL" /v ListBox_Support_ZoneMapKey /t REG_DWORD /d 1 /f
run_check
expect_eq "locked zone map reported" "$(json "$zh_t_dir/out.json" 'd["zonemap_locked"]')" true
expect_eq "locked zone map fails" "$(status_of trusted-sites)" fail
expect_eq "detail names the policy" \
	"$(json "$zh_t_dir/out.json" '"Group Policy" in [c["detail"] for c in d["checks"] if c["id"]=="trusted-sites"][0]')" true
reg add "$POL\\ZoneMapKey" /v 'https://*.cj-pension.com.cn' /t REG_SZ /d 2 /f
reg add "$POL\\ZoneMapKey" /v 'http://*.cfca.com.cn' /t REG_SZ /d 2 /f
run_check
expect_eq "policy-assigned sites pass" "$(status_of trusted-sites)" ok
expect_eq "marked as by policy" "$(json "$zh_t_dir/out.json" 'd["trusted_sites"][1]["by_policy"]')" true
finish
