#!/bin/bash
# The signed MSI that deploys zhushou (wix/, issue 7), under Wine:
# - Authenticode: `osslsigncode verify` passes for the signed zhushou.exe and the MSI against
#   the build's code-signing certificate, fails against another certificate, and fails for a
#   copy with one byte changed;
# - `msiexec /i zhushou.msi /qn` (exit code from a Windows parent) on a prefix seeded with the
#   old controls: 0; zhushou.exe (the signed one) and the default pack in Program Files\zhushou,
#   one Add/Remove Programs entry with publisher, version, help link and icon, a Start-menu
#   entry; nothing else on the PC changed (snapshots);
# - the default pack: without --source the installed zhushou plans the components from
#   packs\default-pack.zip, a zhushou.exe with no pack beside it does not, and an explicit
#   --source wins (a missing one fails, nothing installed); `zhushou repair --quiet` run from
#   Program Files\zhushou exits 0 with nothing on stdout and the PC checks clean, the four
#   components installed;
# - `msiexec /x`: the program, its ARP entry and Start-menu entry gone; the manifest DB and
#   everything zhushou installed left as they were (snapshots);
# - `msiexec /x ... PURGE=1`: zhushou's components removed first (its `remove --all`), then
#   the program; a purge that fails fails the uninstall and zhushou stays;
# - upgrade: an older MSI (built here with wixl from the same .wxs, another version), then the
#   current one: one ARP entry, the new version; installing the older one again is refused.
# Environment (meson): ZH_MSI, ZH_MSI_EXE, ZH_MSI_ICO, ZH_MSI_VERSION, ZH_MSI_PUBLISHER,
# ZH_MSI_HELP_URL, ZH_CODESIGN_CERT, ZH_CHANGJIANG_PACK.
source "$(dirname "$0")/common.sh"

for v in ZH_MSI ZH_MSI_EXE ZH_MSI_ICO ZH_CODESIGN_CERT ZH_CHANGJIANG_PACK; do
	[[ -n ${!v:-} && -e ${!v} ]] || { echo "skip: $v is not set (run through meson test)"; exit 77; }
done
for v in ZH_MSI_VERSION ZH_MSI_PUBLISHER ZH_MSI_HELP_URL; do
	[[ -n ${!v:-} ]] || { echo "skip: $v is not set (run through meson test)"; exit 77; }
done

sha() { sha256sum "$1" | cut -c1-64; }
# flip FILE OFFSET: a copy of FILE with the byte at OFFSET inverted, printed as its path
flip() {
	local out=$zh_t_dir/flipped-$(basename "$1")
	cp "$1" "$out"
	python3 - "$out" "$2" <<-'EOF'
		import sys
		path, off = sys.argv[1], int(sys.argv[2])
		with open(path, "r+b") as f:
		    f.seek(off)
		    b = f.read(1)
		    f.seek(off)
		    f.write(bytes([b[0] ^ 0xFF]))
		EOF
	printf '%s\n' "$out"
}
verify() { osslsigncode verify -in "$1" -CAfile "$2" >"$zh_t_dir/verify.txt" 2>&1; }

# --- Authenticode --------------------------------------------------------------------------------
cn=$(openssl x509 -in "$ZH_CODESIGN_CERT" -noout -subject -nameopt RFC2253 | sed 's/^subject=//; s/.*CN=//; s/,.*//')
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=someone else" \
	-addext "extendedKeyUsage=codeSigning" -keyout "$zh_t_dir/other.key" \
	-out "$zh_t_dir/other.pem" 2>/dev/null
for f in "$ZH_MSI_EXE" "$ZH_MSI"; do
	name=$(basename "$f")
	if verify "$f" "$ZH_CODESIGN_CERT"; then
		grep -qF "$cn" "$zh_t_dir/verify.txt" && ok "$name: signature verifies, signed by '$cn'" ||
			fail "$name: verifies, but the signer is not '$cn'"
	else
		fail "$name: osslsigncode verify failed"
		cat "$zh_t_dir/verify.txt"
	fi
	verify "$f" "$zh_t_dir/other.pem" && fail "$name: verifies against an unrelated certificate" ||
		ok "$name: refused against an unrelated certificate"
done
# One byte in the middle of the exe's image (its code and data: the signature is at the end).
bad=$(flip "$ZH_MSI_EXE" $(($(stat -c %s "$ZH_MSI_EXE") / 2)))
verify "$bad" "$ZH_CODESIGN_CERT" && fail "zhushou.exe with one byte changed still verifies" ||
	ok "zhushou.exe with one byte changed: refused"
# One byte inside the MSI's embedded cabinet stream (the payload), past its header.
cab=$(grep -obUaF 'MSCF' "$ZH_MSI" | head -1 | cut -d: -f1)
[[ -n $cab ]] || fail "no cabinet found in the MSI"
bad=$(flip "$ZH_MSI" $((${cab:-0} + 4096)))
verify "$bad" "$ZH_CODESIGN_CERT" && fail "zhushou.msi with one byte changed still verifies" ||
	ok "zhushou.msi with one byte changed: refused"

# --- Install on a seeded PC -------------------------------------------------------------------
msi=$(winepath -w "$ZH_MSI")
build_exe=$(winepath -w "$ZHUSHOU_EXE")
inst_exe='C:\Program Files\zhushou\zhushou.exe'
PF=$WINEPREFIX/drive_c/Program\ Files/zhushou
DATA=$WINEPREFIX/drive_c/ProgramData/zhushou
UNINST='HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall'
zhushou_at() { local exe=$1; shift; wine "$exe" "$@"; }
# arp_zhushou SNAPSHOT: the Add/Remove Programs lines named zhushou (view key name version publisher)
arp_zhushou() { awk -F'\t' '$3 == "zhushou"' "$1/arp"; }
# The Start-menu entry: Windows puts a per-machine shortcut under All Users; Wine 8's msi puts
# it in the installing user's Programs even with ALLUSERS=1 (docs/wine-notes.md). Either counts.
lnks() {
	find "$WINEPREFIX/drive_c/ProgramData/Microsoft/Windows/Start Menu/Programs" \
		"$WINEPREFIX"/drive_c/users/*/AppData/Roaming/Microsoft/Windows/Start\ Menu/Programs \
		-name 'zhushou check.lnk' 2>/dev/null
}
# files_changed A B: the paths whose lines differ between two snapshots' file lists
files_changed() {
	diff "$1/files" "$2/files" | sed -n 's/^[<>] //p' | awk -F'\t' '{print $1}' | sort -u
}
# paths SNAPSHOT: every path in a snapshot's file list
paths() { awk -F'\t' '{print $1}' "$1/files" | LC_ALL=C sort -u; }

zh_seed_legacy
zh_seed_decoys
zh_seed_portal_settings
# Wine's cscript registers its own type library on its first run (the stand-in sign control
# is tried through it later by nothing here, but zhushou's check may start it): warm it first.
echo 'WScript.Echo(1);' >"$zh_t_dir/warm.js"
wine cscript //nologo "$(winepath -w "$zh_t_dir/warm.js")" >/dev/null 2>&1 || true
zh_snapshot "$zh_t_dir/s0"

expect_eq "msiexec /i zhushou.msi /qn" "$(zh_winrun msiexec /i "$msi" /qn 2>/dev/null)" 0
zh_snapshot "$zh_t_dir/s1"
expect_eq "zhushou.exe installed: the signed one" "$(sha "$PF/zhushou.exe" 2>/dev/null)" \
	"$(sha "$ZH_MSI_EXE")"
expect_eq "the default pack installed: packs\\default-pack.zip is the built pack" \
	"$(sha "$PF/packs/default-pack.zip" 2>/dev/null)" "$(sha "$ZH_CHANGJIANG_PACK")"
verify "$PF/zhushou.exe" "$ZH_CODESIGN_CERT" && ok "the installed zhushou.exe verifies" ||
	fail "the installed zhushou.exe does not verify"
expect_eq "one ARP entry: zhushou, version, publisher" \
	"$(arp_zhushou "$zh_t_dir/s1" | awk -F'\t' '{print $1, $4, $5}')" \
	"64 $ZH_MSI_VERSION $ZH_MSI_PUBLISHER"
key=$(arp_zhushou "$zh_t_dir/s1" | awk -F'\t' '{print $2}')
regval() {
	wine reg query "$1" /v "$2" 2>/dev/null | tr -d '\r' |
		awk -v n="$2" '$1 == n {sub(/^[ ]*[^ ]+[ ]+REG_[A-Z_]+[ ]+/, ""); print}'
}
expect_eq "ARP help link" "$(regval "$UNINST\\$key" HelpLink)" "$ZH_MSI_HELP_URL"
# The icon: Windows Installer keeps ARPPRODUCTICON's icon in the product's registration
# (ProductIcon, which Add/Remove Programs shows) and caches the file.
# products: the Windows Installer product keys whose ProductName is zhushou
products() {
	wine reg query 'HKLM\Software\Classes\Installer\Products' /s 2>/dev/null | tr -d '\r' |
		awk '/^HKEY_/ {k = $0} $1 == "ProductName" && $NF == "zhushou" {print k}'
}
prod=$(products | head -1)
icon=$(regval "$prod" ProductIcon)
[[ -n $icon ]] && expect_eq "ARP icon: the build's zhushou.ico" \
	"$(sha "$(winepath -u "$icon")" 2>/dev/null)" "$(sha "$ZH_MSI_ICO")" ||
	fail "no ProductIcon for zhushou"
lnk=$(lnks | head -1)
[[ -n $lnk ]] && ok "Start menu: zhushou check" || fail "no Start-menu entry"
[[ -n $lnk ]] && grep -qaF 'zhushou.exe' "$lnk" && ok "the Start-menu entry starts zhushou.exe" ||
	fail "the Start-menu entry does not name zhushou.exe"
# Installing changes nothing but zhushou itself: its folder and shortcut, its ARP entry.
expect_eq "install: files changed only in Program Files\\zhushou and the shortcut" \
	"$(files_changed "$zh_t_dir/s0" "$zh_t_dir/s1" | grep -v '^Program Files/zhushou' |
		grep -v '/Start Menu/Programs/zhushou check.lnk$' | tr '\n' ' ')" ''
expect_eq "install: Add/Remove Programs gained exactly zhushou" \
	"$(diff "$zh_t_dir/s0/arp" "$zh_t_dir/s1/arp" | grep '^[<>]' | awk -F'\t' '{print $1, $3}')" \
	'> 64 zhushou'
expect_eq "install: certificates unchanged" "$(diff "$zh_t_dir/s0/certs" "$zh_t_dir/s1/certs" | wc -l)" 0

# --- The default pack -------------------------------------------------------------------------
# A dry run plans the current components only when a pack is at hand: the installed zhushou
# has its default pack, the build's zhushou.exe (nothing beside it) has none.
zhushou_at "$inst_exe" repair --dry-run --json >"$zh_t_dir/dry-inst.json" 2>/dev/null || true
zhushou_at "$build_exe" repair --dry-run --json >"$zh_t_dir/dry-build.json" 2>/dev/null || true
expect_eq "installed zhushou, no --source: plans installs from the default pack" \
	"$(json "$zh_t_dir/dry-inst.json" 'sum(1 for s in d["steps"] if s["check"] == "current-components") > 0 and not any(c["check"] == "current-components" for c in d["cannot_fix"])')" \
	true
expect_eq "zhushou.exe without a pack beside it: cannot install the components" \
	"$(json "$zh_t_dir/dry-build.json" 'any(c["check"] == "current-components" for c in d["cannot_fix"]) and not any(s["check"] == "current-components" for s in d["steps"])')" \
	true
expect_eq "install without --source and no pack beside zhushou.exe: usage" \
	"$(zhushou_code install cj-ukey-tool)" 2
expect_eq "an explicit --source wins over the default pack (a missing one fails)" \
	"$(zh_winrun "$inst_exe" install cj-ukey-tool --source 'C:\no-such-pack.zip' 2>/dev/null)" 1603
zhushou_at "$inst_exe" list --json >"$zh_t_dir/list0.json" 2>/dev/null || true
expect_eq "the failed install installed nothing (not from the default pack either)" \
	"$(json "$zh_t_dir/list0.json" '[c["id"] for c in d["installed"]]')" '[]'

# --- repair --quiet from Program Files\zhushou --------------------------------------------------
expect_eq "check before repair (installed zhushou)" "$(zh_winrun "$inst_exe" check 2>/dev/null)" 1
code=$(zh_winrun --out "$zh_t_dir/repair.out" "$inst_exe" repair --quiet 2>"$zh_t_dir/repair.err")
expect_eq "repair --quiet from Program Files\\zhushou, no --source" "$code" 0
[[ $code == 0 ]] || tail -20 "$zh_t_dir/repair.err"
expect_eq "repair --quiet: nothing on stdout" "$(stat -c %s "$zh_t_dir/repair.out")" 0
expect_eq "check after repair" "$(zh_winrun "$inst_exe" check 2>/dev/null)" 0
zhushou_at "$inst_exe" list --json >"$zh_t_dir/list.json" 2>/dev/null || true
components='["cj-enroll-host 1.0.0.3", "cj-sign-control 1.0.0.60", "cj-ukey-control 2.1.0", "cj-ukey-tool 1.0.1.0"]'
expect_eq "the four components installed from the default pack, intact" \
	"$(json "$zh_t_dir/list.json" 'sorted(c["id"] + " " + c["version"] for c in d["installed"] if c["intact"] and not c["id"].startswith("profile."))')" \
	"$components"
expect_eq "no legacy control left" "$(json "$zh_t_dir/list.json" 'len(d["legacy"])')" 0
zh_snapshot "$zh_t_dir/s2"
db_sha=$(sha "$DATA/zhushou.db")

# --- msiexec /x: the program goes, what zhushou installed stays --------------------------------
expect_eq "msiexec /x zhushou.msi /qn" "$(zh_winrun msiexec /x "$msi" /qn 2>/dev/null)" 0
zh_snapshot "$zh_t_dir/s3"
[[ -e $PF ]] && fail "Program Files\\zhushou is still there" || ok "Program Files\\zhushou removed"
expect_eq "uninstall: the ARP entry gone" "$(arp_zhushou "$zh_t_dir/s3" | wc -l)" 0
expect_eq "uninstall: the Start-menu entry gone" "$(lnks | wc -l)" 0
expect_eq "uninstall: files changed only in Program Files\\zhushou and the shortcut" \
	"$(files_changed "$zh_t_dir/s2" "$zh_t_dir/s3" | grep -v '^Program Files/zhushou' |
		grep -v '/Start Menu/Programs/zhushou check.lnk$' | tr '\n' ' ')" ''
expect_eq "uninstall: Add/Remove Programs lost exactly zhushou" \
	"$(diff "$zh_t_dir/s2/arp" "$zh_t_dir/s3/arp" | grep '^[<>]' | awk -F'\t' '{print $1, $3}')" \
	'< 64 zhushou'
expect_eq "uninstall: the manifest DB left as it was" "$(sha "$DATA/zhushou.db" 2>/dev/null)" "$db_sha"
expect_eq "uninstall: certificates unchanged" "$(diff "$zh_t_dir/s2/certs" "$zh_t_dir/s3/certs" | wc -l)" 0

# --- PURGE=1 -----------------------------------------------------------------------------------
expect_eq "msiexec /i again" "$(zh_winrun msiexec /i "$msi" /qn 2>/dev/null)" 0
# A purge that fails (zhushou's first change fails, a test build's fault injection, inherited by
# the custom action under Wine) fails the uninstall: Windows returns 1603, Wine 8 1627.
code=$(ZHUSHOU_FAULT=failop:1 zh_winrun msiexec /x "$msi" PURGE=1 /qn 2>/dev/null)
[[ $code != 0 ]] && ok "a failed purge fails the uninstall (exit $code)" ||
	fail "msiexec /x PURGE=1 exits 0 although the purge failed"
[[ -f $PF/zhushou.exe ]] && ok "after the failed purge zhushou.exe is still there" ||
	fail "the failed purge removed zhushou.exe"
zhushou_at "$build_exe" list --json >"$zh_t_dir/list2.json" 2>/dev/null || true
expect_eq "after the failed purge the components are still there" \
	"$(json "$zh_t_dir/list2.json" 'sorted(c["id"] + " " + c["version"] for c in d["installed"] if c["intact"] and not c["id"].startswith("profile."))')" \
	"$components"
expect_eq "msiexec /x zhushou.msi PURGE=1 /qn" "$(zh_winrun msiexec /x "$msi" PURGE=1 /qn 2>/dev/null)" 0
zh_snapshot "$zh_t_dir/s4"
[[ -e $PF ]] && fail "Program Files\\zhushou is still there after the purge" ||
	ok "purge: Program Files\\zhushou removed"
zhushou_at "$build_exe" list --json >"$zh_t_dir/list3.json" 2>/dev/null || true
expect_eq "purge: no component left in the manifest DB" \
	"$(json "$zh_t_dir/list3.json" '[c["id"] for c in d["installed"] if not c["id"].startswith("profile.")]')" '[]'
# What the repair added (the components' files and folders, outside zhushou's own) is gone.
LC_ALL=C comm -13 <(paths "$zh_t_dir/s0") <(paths "$zh_t_dir/s2") |
	grep -v -e '^Program Files/zhushou/' -e '^ProgramData/zhushou/' >"$zh_t_dir/added" || true
[[ $(wc -l <"$zh_t_dir/added") -gt 10 ]] && ok "the repair added $(wc -l <"$zh_t_dir/added") files and folders" ||
	fail "the repair added only $(wc -l <"$zh_t_dir/added") files and folders"
expect_eq "purge: none of them left" \
	"$(LC_ALL=C comm -12 "$zh_t_dir/added" <(paths "$zh_t_dir/s4") | tr '\n' ' ')" ''
grep -qF 'CHANGJIANG UKEY' "$zh_t_dir/s4/arp" && fail "purge: the UKEY tool's ARP entry is still there" ||
	ok "purge: the UKEY tool's ARP entry gone"
wine reg query 'HKLM\System\CurrentControlSet\Services\CjUkeyService' >/dev/null 2>&1 &&
	fail "purge: the UKEY service is still registered" || ok "purge: the UKEY service gone"
[[ -f $DATA/zhushou.db ]] && ok "purge: the manifest DB stays (history)" || fail "purge: the manifest DB is gone"

# --- Upgrade ---------------------------------------------------------------------------------------
old_version=0.0.1
[[ $(printf '%s\n%s\n' "$old_version" "$ZH_MSI_VERSION" | sort -V | head -1) == "$old_version" &&
	$old_version != "$ZH_MSI_VERSION" ]] || fail "the project version is not above $old_version"
"$ZH_SOURCE_ROOT/wix/build-msi.sh" "$zh_t_dir/old.msi" "$old_version" "$ZH_MSI_PUBLISHER" \
	"$ZH_MSI_HELP_URL" "$ZH_MSI_EXE" "$ZH_CHANGJIANG_PACK" "$ZH_MSI_ICO" \
	"$ZH_SOURCE_ROOT/wix/zhushou.wxs"
zh_wine_kill
zh_new_prefix "$zh_t_dir/upgrade"
PF=$WINEPREFIX/drive_c/Program\ Files/zhushou
old=$(winepath -w "$zh_t_dir/old.msi")
expect_eq "msiexec /i the older MSI" "$(zh_winrun msiexec /i "$old" /qn 2>/dev/null)" 0
zh_snapshot "$zh_t_dir/u1"
expect_eq "the older version in ARP" "$(arp_zhushou "$zh_t_dir/u1" | awk -F'\t' '{print $4}')" \
	"$old_version"
old_product=$(products)
[[ -n $old_product ]] && ok "the older product registered" || fail "no Windows Installer product for the older MSI"
expect_eq "msiexec /i the current MSI over it" "$(zh_winrun msiexec /i "$msi" /qn 2>/dev/null)" 0
zh_snapshot "$zh_t_dir/u2"
expect_eq "after the upgrade: one ARP entry, the new version" \
	"$(arp_zhushou "$zh_t_dir/u2" | awk -F'\t' '{print $1, $4}')" "64 $ZH_MSI_VERSION"
expect_eq "after the upgrade: one zhushou product registered by Windows Installer" \
	"$(products | wc -l)" 1
[[ $(products) != "$old_product" ]] && ok "after the upgrade: the older product is gone" ||
	fail "the older product is still the registered one"
expect_eq "after the upgrade: zhushou.exe is the signed one" "$(sha "$PF/zhushou.exe" 2>/dev/null)" \
	"$(sha "$ZH_MSI_EXE")"
expect_eq "after the upgrade: one Start-menu entry" "$(lnks | wc -l)" 1
code=$(zh_winrun msiexec /i "$old" /qn 2>/dev/null)
[[ $code != 0 ]] && ok "the older MSI over the newer one is refused (exit $code)" ||
	fail "the older MSI installed over the newer one"
zh_snapshot "$zh_t_dir/u3"
expect_eq "after the refused downgrade: still the new version" \
	"$(arp_zhushou "$zh_t_dir/u3" | awk -F'\t' '{print $1, $4}')" "64 $ZH_MSI_VERSION"
expect_eq "msiexec /x after the upgrade" "$(zh_winrun msiexec /x "$msi" /qn 2>/dev/null)" 0
[[ -e $PF ]] && fail "after the upgrade, /x left Program Files\\zhushou" ||
	ok "after the upgrade, /x removes Program Files\\zhushou"

finish
