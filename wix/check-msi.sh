#!/bin/bash
# SPDX-License-Identifier: MIT
# Native checks of the built MSI's tables (msitools) and signatures (osslsigncode), no Wine:
#   check-msi.sh MSI SIGNED_EXE PACK ICON CERT VERSION PUBLISHER HELPLINK
# The properties Add/Remove Programs shows, the fixed UpgradeCode with both MajorUpgrade rows,
# the two files at their sizes, and the PURGE custom action: type 18 + deferred +
# no-impersonate (3090) on zhushou.exe, `remove --all --quiet`, scheduled between
# InstallInitialize and RemoveFiles (a deferred action outside that range fails on Windows; Wine
# accepts it, so only this check sees it), and only for REMOVE="ALL" AND PURGE="1".
set -euo pipefail
msi=$1 exe=$2 pack=$3 ico=$4 cert=$5 version=$6 publisher=$7 helplink=$8
upgrade='{F5146FCA-BC69-4531-A320-B20CDA78D674}'
fail=0
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
check() {
	if [[ $2 == "$3" ]]; then echo "ok   $1"; else echo "FAIL $1: got '$2', want '$3'"; fail=1; fi
}
for table in Property File Upgrade CustomAction InstallExecuteSequence Shortcut Directory; do
	msiinfo export "$msi" "$table" | tr -d '\r' | tail -n +4 >"$t/$table"
done
prop() { awk -F'\t' -v k="$1" '$1 == k {print $2}' "$t/Property"; }
check "ProductVersion" "$(prop ProductVersion)" "$version"
check "Manufacturer (ARP publisher)" "$(prop Manufacturer)" "$publisher"
check "ProductName" "$(prop ProductName)" zhushou
check "ARPHELPLINK" "$(prop ARPHELPLINK)" "$helplink"
check "ARPPRODUCTICON" "$(prop ARPPRODUCTICON)" zhushou.ico
check "ALLUSERS (per-machine)" "$(prop ALLUSERS)" 1
check "UpgradeCode" "$(prop UpgradeCode)" "$upgrade"
check "Upgrade rows: older detected, newer refused" \
	"$(awk -F'\t' '{print $1, ($2 == "" ? "-" : $2), ($3 == "" ? "-" : $3), $7}' "$t/Upgrade" | LC_ALL=C sort | tr '\n' ';')" \
	"$upgrade - $version WIX_UPGRADE_DETECTED;$upgrade $version - WIX_DOWNGRADE_DETECTED;"
check "template: x64" "$(msiinfo suminfo "$msi" | sed -n 's/^Template: //p')" 'x64;1033'
check "files: zhushou.exe and packs\\default-pack.zip at their sizes" \
	"$(awk -F'\t' '{print $3, $4}' "$t/File" | LC_ALL=C sort | tr '\n' ';')" \
	"default-pack.zip $(stat -c %s "$pack");zhushou.exe $(stat -c %s "$exe");"
check "install folder: ProgramFiles64Folder\\zhushou" \
	"$(awk -F'\t' '$1 == "INSTALLDIR" {print $2, $3}' "$t/Directory")" 'ProgramFiles64Folder zhushou'
check "Start-menu shortcut" "$(awk -F'\t' '{print $2, $3, $6}' "$t/Shortcut")" \
	'ProgramMenuFolder zhushou check check'
check "purge action" "$(awk -F'\t' '$1 == "PurgeComponents" {print $2, $3, $4}' "$t/CustomAction")" \
	'3090 ZhushouExe remove --all --quiet'
seq() { awk -F'\t' -v a="$1" '$1 == a {print $3}' "$t/InstallExecuteSequence"; }
cond=$(awk -F'\t' '$1 == "PurgeComponents" {print $2}' "$t/InstallExecuteSequence")
check "purge condition" "$cond" 'REMOVE="ALL" AND PURGE="1" AND NOT UPGRADINGPRODUCTCODE'
p=$(seq PurgeComponents) a=$(seq InstallInitialize) b=$(seq RemoveFiles)
check "purge runs after InstallInitialize ($a) and before RemoveFiles ($b): $p" \
	"$([[ -n $p && $p -gt $a && $p -lt $b ]] && echo yes)" yes
check "the MSI's icon is the build's" "$(msiinfo extract "$msi" Icon.zhushou.ico 2>/dev/null | sha256sum | cut -c1-64)" \
	"$(sha256sum <"$ico" | cut -c1-64)"
for f in "$exe" "$msi"; do
	osslsigncode verify -in "$f" -CAfile "$cert" >"$t/verify" 2>&1 &&
		check "$(basename "$f"): Authenticode signature verifies" yes yes ||
		{ check "$(basename "$f"): Authenticode signature verifies" no yes; cat "$t/verify"; }
done
exit $fail
