#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Proves the Wine harness (lib.sh, tools/, fixtures/) before any product test leans on it:
# snapshots are deterministic and see what installers change, winrun reports full exit codes,
# the fixtures install (and uninstall) for real, certificates are listed. Prints one "ok" or
# "not ok" line per check and the timings; exits 0 only when every check passed.
# ZH_TEST_KEEP=1 keeps the test directory.

set -Eeuo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"

failures=0
work=$(mktemp -d "${TMPDIR:-/tmp}/zh-selftest.XXXXXX")
timings=()

cleanup()
{
	zh_wine_release || true
	if [[ -n ${WINEPREFIX:-} ]]; then
		zh_wine_kill
	fi
	if [[ ${ZH_TEST_KEEP:-0} == 1 ]]; then
		echo "# kept $work"
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
# A command that fails under set -e ends the self-test: name it on stdout with the checks.
trap 'zh_rc=$?; echo "not ok - line $LINENO: \"$BASH_COMMAND\" failed (status $zh_rc)"' ERR

ok()
{
	echo "ok - $*"
}

not_ok()
{
	echo "not ok - $*"
	failures=$((failures + 1))
}

# check DESCRIPTION COMMAND...: runs COMMAND; ok when it succeeds.
check()
{
	local what=$1
	shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}

now()
{
	date +%s.%N
}

# timed LABEL COMMAND...: runs COMMAND and records how long it took.
timed()
{
	local label=$1 t0 t1
	shift
	t0=$(now)
	"$@"
	t1=$(now)
	timings+=("$(printf '%-34s %6.2f s' "$label" "$(echo "$t1 - $t0" | bc)")")
}

# The legacy.tsv rows (decoy = $1, or all when empty) as ARP part lines without the
# UninstallString: view, key, name, version, publisher.
expected_arp()
{
	_zh_legacy_rows | awk -F'\t' -v d="${1:-}" 'd == "" || $8 == d {
		printf "%s\t%s\t%s\t%s\t%s\n", $5, $7, $2, $3, $4 }' | LC_ALL=C sort
}

arp_without_uninstall()
{
	cut -f1-5 "$1/arp" | LC_ALL=C sort
}

same_arp()
{
	local snap=$1 decoy=${2:-}
	if ! diff -u <(expected_arp "$decoy") <(arp_without_uninstall "$snap"); then
		echo "# ARP part of $snap differs from legacy.tsv (above)"
		return 1
	fi
}

snapshots_equal()
{
	local out

	out=$(zh_snapshot_diff "$1" "$2") && return 0
	printf "%s\n" "$out" | head -40
	return 1
}

quiet()
{
	"$@" >/dev/null 2>&1
}

# Lines a snapshot part lost (-) or gained (+) from file A to file B, without diff headers.
changed()
{
	diff "$1" "$2" | sed -n "s/^< /-/p; s/^> /+/p" || true
}

# changes_are A B FIELDS: the changed lines, cut to FIELDS (cut -f), are the lines on stdin.
changes_are()
{
	local got want

	got=$(changed "$1" "$2" | cut -f"$3" | LC_ALL=C sort)
	want=$(LC_ALL=C sort)
	[[ $got == "$want" ]] && return 0
	printf '# changed lines were:\n%s\n' "$got"
	return 1
}

echo "# work dir $work"

# --- template and prefix ----------------------------------------------------------------------
timed "template (cached or built)" zh_template >/dev/null
timed "new prefix (cp -a)" zh_new_prefix "$work/t"
check "prefix copied from the template" test -f "$WINEPREFIX/system.reg"
check "no symbolic links in drive_c (profile folders are real directories)" \
	test -z "$(find "$WINEPREFIX/drive_c" -type l)"

# --- winrun -----------------------------------------------------------------------------------
code=$(zh_winrun cmd /c exit 3010)
check "winrun reports 3010 for 'cmd /c exit 3010' (got $code)" test "$code" = 3010
code=$(zh_winrun cmd /c exit 1603)
check "winrun reports 1603 (got $code)" test "$code" = 1603
code=$(zh_winrun --timeout 500 cmd /c "ping -n 30 127.0.0.1 >nul")
check "winrun --timeout kills the tree and says timeout (got $code)" test "$code" = timeout
code=$(zh_winrun --raw 'cmd /c if "%CD%"=="" (exit 1) else exit 7')
check "winrun --raw passes the command line verbatim (got $code)" test "$code" = 7
code=$(zh_winrun --out "$work/out.txt" cmd /c "echo|set /p=no newline& exit 5")
check "winrun --out keeps the command's output apart from the exit code (got $code)" \
	test "$code" = 5 -a "$(cat "$work/out.txt")" = "no newline"
if zh_winrun no-such-program.exe >/dev/null 2>&1; then
	not_ok "zh_winrun fails when the program cannot be started"
else
	ok "zh_winrun fails when the program cannot be started"
fi

# --- snapshots of an idle prefix --------------------------------------------------------------
zh_wine_wait
timed "snapshot (fresh prefix, idle)" zh_snapshot "$work/s-fresh1"
zh_wine cmd /c exit
zh_wine_wait
timed "snapshot (after a no-op, idle)" zh_snapshot "$work/s-fresh2"
check "two snapshots of an idle fresh prefix are identical" \
	snapshots_equal "$work/s-fresh1" "$work/s-fresh2"
check "fresh prefix has no ARP entries" test ! -s "$work/s-fresh1/arp"
check "certs part lists the host's CFCA EV ROOT in LocalMachine\\Root (WINE.md)" \
	grep -q '^LocalMachine\\Root E2B8294B5584AB6B58C290466CAC3FB8398F8483 CN=CFCA EV ROOT' \
	"$work/s-fresh1/certs"

# --- certificates -----------------------------------------------------------------------------
openssl req -x509 -newkey rsa:2048 -nodes -utf8 -keyout "$work/test.key" \
	-subj "/O=助手测试/CN=zhushou harness test root" -days 3650 -outform DER \
	-out "$work/test.der" 2>/dev/null
sha1=$(openssl x509 -inform DER -in "$work/test.der" -noout -fingerprint -sha1 |
	sed 's/.*=//; s/://g')
certadd=$(_zh_tool certadd)
zh_wine "$certadd" LocalMachine Root "$(_zh_winpath "$work/test.der")"
zh_snapshot "$work/s-cert"
check "certlist lists a certificate added to LocalMachine\\Root, subject in UTF-8" \
	grep -qx "LocalMachine\\\\Root $sha1 CN=zhushou harness test root, O=助手测试" \
	"$work/s-cert/certs"
check "the added certificate is the only change in the certs part" \
	test "$(changed "$work/s-fresh2/certs" "$work/s-cert/certs" | wc -l)" = 1
zh_wine "$certadd" --remove LocalMachine Root "$(_zh_winpath "$work/test.der")"
zh_snapshot "$work/s-cert-removed"
check "removing the certificate gives back the fresh snapshot" \
	snapshots_equal "$work/s-fresh2" "$work/s-cert-removed"

# --- legacy fixtures --------------------------------------------------------------------------
timed "build fixtures (cached or built)" _zh_fixtures_dir >/dev/null
timed "seed legacy (9 installers)" zh_seed_legacy
timed "wait for idle (after seeding)" zh_wine_wait
timed "snapshot (after seeding)" zh_snapshot "$work/s-legacy"
if zh_snapshot_diff "$work/s-fresh2" "$work/s-legacy" >/dev/null; then
	not_ok "seeding changes the snapshot"
else
	ok "seeding changes the snapshot"
fi
check "ARP part lists exactly legacy.tsv's legacy entries (view, key, name, version, publisher)" \
	same_arp "$work/s-legacy" 0
orphan_dir=$(zh_fixture_path cert-enroll-host)
check "orphan: installed, uninstaller deleted" \
	test -f "$orphan_dir/cert-enroll-host.dll" -a ! -e "$orphan_dir/uninst.exe"
check "per-user NSIS fixture installed below %LOCALAPPDATA%" \
	test -f "$(zh_fixture_path cj-ukeymgr-1001)/cj-ukeymgr-1001.dll"
check "32-bit MSI fixture installed below Program Files (x86)" \
	test -f "$(zh_fixture_path cfca-chain-15)/cfca-chain-15.dll"
check "64-bit MSI fixture installed below Program Files" \
	test -f "$(zh_fixture_path cryptokit-enroll-pro)/cryptokit-enroll-pro.dll"
check "MSI fixture wrote its registry value (32-bit view)" \
	grep -qx '\[HKEY_LOCAL_MACHINE\\Software\\Wow6432Node\\CFCA\\CertChain\]' \
	"$work/s-legacy/registry"
check "Inno-style fixture has its Inno signature values" \
	grep -q '^"Inno Setup: App Path"=' "$work/s-legacy/registry"

timed "seed decoys (5 installers)" zh_seed_decoys
zh_snapshot "$work/s-all"
check "after the decoys, ARP part lists exactly all of legacy.tsv" same_arp "$work/s-all"

# --- uninstalling fixtures --------------------------------------------------------------------
windir=$(zh_fixture_windir cj-ukey-200)
code=$(zh_winrun --raw "\"$windir\\uninst.exe\" /S _?=$windir")
check "NSIS uninstaller /S _?=dir exits with 0 (got $code)" test "$code" = 0
zh_snapshot "$work/s-nsis-removed"
check "NSIS uninstall removed its ARP entry, and only that" \
	changes_are "$work/s-all/arp" "$work/s-nsis-removed/arp" 1-3 <<<$'-32\t长江UKey控件\t长江UKey控件 2.00'
check "NSIS uninstall only removed registry lines" \
	test -z "$(changed "$work/s-all/registry" "$work/s-nsis-removed/registry" | grep '^+' || true)"
check "NSIS install wrote its application key (Software\\<install folder>)" \
	grep -qF 'Wow6432Node\CJPension\UKeyCtrl]' "$work/s-all/registry"
check "NSIS uninstall removed its application key" \
	test -z "$(grep -F 'Wow6432Node\CJPension\UKeyCtrl]' "$work/s-nsis-removed/registry" || true)"
check "NSIS uninstall removed the payload; only the running uninstaller stays (as on Windows)" \
	changes_are "$work/s-all/files" "$work/s-nsis-removed/files" 1 <<-'EOF'
	-Program Files (x86)/CJPension/UKeyCtrl/cj-ukey-200.dll
	-Program Files (x86)/CJPension/UKeyCtrl/data/
	-Program Files (x86)/CJPension/UKeyCtrl/data/config.ini
	EOF

windir=$(zh_fixture_windir epass3003)
code=$(zh_winrun "$windir\\unins000.exe")
check "Inno-style uninstaller refuses to run without /SILENT or /VERYSILENT (got $code)" \
	test "$code" = 2
code=$(zh_winrun "$windir\\unins000.exe" /VERYSILENT /SUPPRESSMSGBOXES /NORESTART)
check "Inno-style uninstaller with Inno's switches exits with 0 (got $code)" test "$code" = 0
code=$(zh_winrun msiexec /x "$(zh_fixture_field cryptokit-enroll-pro key)" /qn /norestart)
check "msiexec /x of the x64 MSI fixture exits with 0 (got $code)" test "$code" = 0
zh_snapshot "$work/s-more-removed"
check "Inno-style and MSI uninstalls removed their ARP entries" \
	changes_are "$work/s-nsis-removed/arp" "$work/s-more-removed/arp" 1-2 <<-'EOF'
	-32	{5E2C0D1A-3003-4B6E-9F2A-7C1D3E5A3003}_is1
	-64	{8E6B2F10-4D3A-4C1E-B5A7-2C9D0E1F3A04}
	EOF
check "MSI uninstall removed its files" \
	test ! -e "$(zh_fixture_path cryptokit-enroll-pro)/cryptokit-enroll-pro.dll"

# --- bulk and malformed entries ---------------------------------------------------------------
before=$(wc -l <"$work/s-more-removed/arp")
timed "seed 2000 unrelated entries" zh_seed_unrelated 2000
zh_wine_wait
timed "snapshot (with 2000 more entries)" zh_snapshot "$work/s-bulk"
check "2000 unrelated ARP entries, across the three views" \
	test "$(($(wc -l <"$work/s-bulk/arp") - before))" = 2000 -a \
	"$(grep -c $'\tzh-unrelated-' "$work/s-bulk/arp" | tr -d ' ')" = 2000 -a \
	"$(grep $'\tzh-unrelated-' "$work/s-bulk/arp" | cut -f1 | sort -u | tr '\n' ' ')" = "32 64 user "
check "unrelated entries have the documented names" \
	grep -q $'^32\tzh-unrelated-0043\tFabrikam Suite 0043\t' "$work/s-bulk/arp"
check "unrelated entries include Chinese names" \
	grep -q $'^32\tzh-unrelated-0007\t测试软件驱动 0007\t' "$work/s-bulk/arp"

zh_wine_hold
deny=$(zh_seed_bad_registry)
check "Wine denies reading a key with an empty DACL (got '$deny')" test "$deny" = denied
if zh_wine reg query 'HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall\zh-bad-no-access' \
	>/dev/null 2>&1; then
	not_ok "reg query of the denied key fails while the wineserver runs"
else
	ok "reg query of the denied key fails while the wineserver runs"
fi
zh_wine_release
zh_snapshot "$work/s-bad1"
zh_snapshot "$work/s-bad2"
check "snapshots with malformed ARP values are still identical" \
	snapshots_equal "$work/s-bad1" "$work/s-bad2"
check "Wine forgets the DACL once the wineserver exits (not saved in system.reg)" \
	quiet zh_wine reg query 'HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall\zh-bad-no-access'
check "malformed entries are listed: REG_DWORD and REG_BINARY names keep their type" \
	grep -q $'^64\tzh-bad-dword-name\tdword:00000001\t' "$work/s-bad1/arp"
check "an unpaired surrogate stays escaped (\\xd800), the rest is UTF-8" \
	grep -q $'^user\tzh-bad-surrogate-suffix\t长江UKey控件 2.00\\\\xd800\t' "$work/s-bad1/arp"
check "the 32,768-character DisplayName is listed whole" \
	test "$(grep $'\tzh-bad-long-name\t' "$work/s-bad1/arp" | cut -f3 | LC_ALL=C.UTF-8 wc -m)" = 32769
check "REG_EXPAND_SZ DisplayVersion keeps its type" \
	grep -qF $'\tstr(2):"%ZH_V%1.0"\t' "$work/s-bad1/arp"
check "REG_MULTI_SZ Publisher keeps its type" \
	grep -qF $'\tstr(7):"CJPension\\0Other\\0"\t' "$work/s-bad1/arp"

# --- holdfile ---------------------------------------------------------------------------------
zh_wine_hold
locked=$(_zh_winpath "$TMPDIR/zh-hold.lock")
code=$(zh_winrun cmd /c "del $locked & if exist $locked (exit 32) else exit 0")
zh_wine_release
check "a file held by holdfile.exe cannot be deleted (got $code)" test "$code" = 32

echo "# timings"
printf '#   %s\n' "${timings[@]}"
if ((failures)); then
	echo "# $failures check(s) failed"
	exit 1
fi
echo "# all checks passed"
