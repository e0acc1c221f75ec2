#!/bin/bash
# The guide's environment items, read from registry fixtures: Windows version, IE version,
# Chrome/Edge, USB storage / CD-ROM blocked by policy (reported for IT, never changed), and a
# pending reboot. Warnings do not fail the check; a blocked UKEY does, and repair names it as
# something for IT and leaves the policy exactly as it was.
source "$(dirname "$0")/common.sh"
zh_t_settings_catalog

reg() { wine reg "$@" >/dev/null 2>&1; }
st() { json "$zh_t_dir/out.json" "[c['status'] for c in d['checks'] if c['id']=='$1'][0]"; }
detail() { json "$zh_t_dir/out.json" "[c['detail'] for c in d['checks'] if c['id']=='$1'][0]"; }
run() { zhushou check --json --lang en >"$zh_t_dir/out.json" || true; }
NT='HKLM\Software\Microsoft\Windows NT\CurrentVersion'
SVC='HKLM\SYSTEM\CurrentControlSet\Services'

run
expect_eq "Wine's default Windows 7 is supported" "$(st os)" ok
expect_eq "no Chrome or Edge: a warning" "$(st browsers)" warn
expect_eq "no USB policy" "$(st usb-policy)" ok
expect_eq "no reboot pending" "$(st reboot-pending)" ok

reg add "$NT" /v CurrentMajorVersionNumber /t REG_DWORD /d 10 /f
reg add "$NT" /v CurrentMinorVersionNumber /t REG_DWORD /d 0 /f
reg add "$NT" /v CurrentBuildNumber /t REG_SZ /d 22631 /f
run
[[ $(detail os) == "Windows 11"* ]] && ok "build 22631 reads as Windows 11" || fail "os: $(detail os)"
reg add "$NT" /v CurrentMajorVersionNumber /t REG_DWORD /d 6 /f
reg add "$NT" /v CurrentBuildNumber /t REG_SZ /d 6002 /f
run
expect_eq "Windows 6.0 is not supported: a warning" "$(st os)" warn

reg add 'HKLM\Software\Microsoft\Internet Explorer' /v svcVersion /t REG_SZ /d 9.0.8112.16421 /f
run
expect_eq "IE9: a warning" "$(st ie-version)" warn
[[ $(detail ie-version) == *"below IE10"* ]] && ok "IE9 detail names the symptom" || fail "ie: $(detail ie-version)"
reg add 'HKLM\Software\Microsoft\Internet Explorer' /v svcVersion /t REG_SZ /d 8.0.6001.18702 /f
run
[[ $(detail ie-version) == *"white page"* ]] && ok "IE8 detail names the white page" || fail "ie: $(detail ie-version)"

reg add 'HKLM\Software\Microsoft\Windows\CurrentVersion\App Paths\chrome.exe' /ve /t REG_SZ /d 'C:\Program Files\Google\Chrome\Application\chrome.exe' /f
reg add 'HKCU\Software\Google\Chrome\BLBeacon' /v version /t REG_SZ /d 120.0.6099.110 /f
run
expect_eq "Chrome found" "$(st browsers)" ok
[[ $(detail browsers) == *"120.0.6099.110"* ]] && ok "Chrome version reported" || fail "browsers: $(detail browsers)"

reg add 'HKLM\SYSTEM\CurrentControlSet\Control\Session Manager' /v PendingFileRenameOperations /t REG_MULTI_SZ /d '\??\C:\a.tmp\0' /f
run
expect_eq "pending file renames: reboot warning" "$(st reboot-pending)" warn
# Wine applies (and clears) pending renames when its server starts again: it may be gone.
reg delete 'HKLM\SYSTEM\CurrentControlSet\Control\Session Manager' /v PendingFileRenameOperations /f || true

# A blocked UKEY: USB storage and the CD-ROM driver disabled by policy.
reg add "$SVC\\USBSTOR" /v Start /t REG_DWORD /d 4 /f
reg add "$SVC\\cdrom" /v Start /t REG_DWORD /d 4 /f
run
expect_eq "USB storage blocked fails the check" "$(st usb-policy)" fail
[[ $(detail usb-policy) == *"USBSTOR Start=4"*"cdrom Start=4"* ]] && ok "both policies named" || fail "usb: $(detail usb-policy)"
expect_eq "check exit code" "$(zhushou_code check)" 1
zhushou repair --json --lang en >"$zh_t_dir/repair.json" || true
expect_eq "repair leaves it to IT" \
	"$(json "$zh_t_dir/repair.json" '[c["check"] for c in d["cannot_fix"]]')" '["usb-policy"]'
expect_eq "repair exit code" "$(json "$zh_t_dir/repair.json" 'd["exit_code"]')" 1
usb=$(wine reg query "$SVC\\USBSTOR" /v Start 2>/dev/null | tr -d '\r' | awk '$1=="Start" {print $NF}')
expect_eq "the policy is untouched" "$usb" 0x4
reg add "$SVC\\USBSTOR" /v Start /t REG_DWORD /d 3 /f
reg add "$SVC\\cdrom" /v Start /t REG_DWORD /d 1 /f
reg add 'HKLM\Software\Policies\Microsoft\Windows\RemovableStorageDevices\{53f56308-b6bf-11d0-94f2-00a0c91efb8b}' /v Deny_Read /t REG_DWORD /d 1 /f
run
expect_eq "CD-ROM read denied by Group Policy fails the check" "$(st usb-policy)" fail
reg delete 'HKLM\Software\Policies\Microsoft\Windows\RemovableStorageDevices\{53f56308-b6bf-11d0-94f2-00a0c91efb8b}' /f
run
expect_eq "no policy left: ok again" "$(st usb-policy)" ok
reg add 'HKLM\Software\Policies\Microsoft\Windows\RemovableStorageDevices\{53f5630d-b6bf-11d0-94f2-00a0c91efb8b}' /v Deny_Read /t REG_DWORD /d 1 /f
run
expect_eq "removable disks read denied by Group Policy fails the check" "$(st usb-policy)" fail
finish
