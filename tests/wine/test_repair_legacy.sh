#!/bin/bash
# 一键修复 of the old controls: every legacy fixture (NSIS in all three views, Inno-style, MSI
# x86 and x64, an orphan), the look-alike decoys and 1,000 unrelated entries. After repair:
# no legacy entry, their folders and keys gone (MSI: Windows Installer's registration too),
# every decoy untouched, the Windows-side exit code 0.
# `rollback` brings back every removed control byte for byte (Add/Remove Programs, files,
# keys). Broken uninstallers (a failing exit code, one that hangs, one that claims success and
# removes nothing) end in 1603 with the PC exactly as before, the reason named.
source "$(dirname "$0")/common.sh"
zh_t_settings_catalog
export ZH_SNAPSHOT_EXCLUDE='ProgramData/zhushou'

zh_seed_legacy
zh_seed_decoys
zh_seed_unrelated 1000
zh_snapshot "$zh_t_dir/before"

# legacy.tsv rows matching an awk condition, as "name|kind|dir" (names hold spaces, some
# fields are empty: no whitespace splitting).
rows() { grep -v '^#' "$ZH_FIXTURES/legacy.tsv" | awk -F'\t' "$1"' {print $2 "|" $6 "|" $9}'; }

code=$(zh_winrun --out "$zh_t_dir/repair.txt" "$(winepath -w "$ZHUSHOU_EXE")" repair --lang en "${_zh_t_catalog_args[@]}" 2>/dev/null)
expect_eq "repair exit code" "$code" 0
expect_eq "check after repair" "$(zhushou_code check)" 0
zhushou check --json >"$zh_t_dir/after.json" || true
expect_eq "no legacy control is left" "$(json "$zh_t_dir/after.json" 'len(d["legacy"])')" 0
while IFS='|' read -r name kind dir; do
	grep -qF "$name" "$zh_t_dir/repair.txt" && ok "repair names '$name'" ||
		fail "repair output does not name '$name'"
done < <(rows '$8 == 0')
zh_snapshot "$zh_t_dir/after"
# Each removed control: its ARP entry (exact DisplayName), its folder and its own key are gone.
while IFS='|' read -r name kind dir; do
	if awk -F'\t' -v n="$name" '$3 == n {f = 1} END {exit !f}' "$zh_t_dir/after/arp"; then
		fail "'$name' still in Add/Remove Programs"
	else
		ok "'$name' removed from Add/Remove Programs"
	fi
	if grep -qF "/${dir//\\//}/" "$zh_t_dir/after/files"; then fail "files of '$name' remain"; else ok "folder of '$name' removed"; fi
	if grep -qF "\\${dir}]" "$zh_t_dir/after/registry"; then fail "key Software\\$dir remains"; else ok "key Software\\$dir removed"; fi
done < <(rows '$8 == 0')
# MSI: Windows Installer no longer knows the products (their packed codes are gone).
for packed in 25A0F1C351E7B2C4D9A6F051FCAC0051; do
	if grep -qF "$packed" "$zh_t_dir/after/registry"; then fail "Windows Installer still lists $packed"; else ok "Windows Installer registration of $packed removed"; fi
done
# Decoys: no changed line of the snapshot mentions one.
changes=$(zh_snapshot_diff "$zh_t_dir/before" "$zh_t_dir/after" | grep -E '^[-+]' | grep -vE '^(---|\+\+\+)' || true)
while IFS='|' read -r name kind dir; do
	if grep -qF -e "$name" -e "${dir//\\//}" -e "$dir" <<<"$changes"; then
		fail "decoy '$name' changed"
		grep -F -e "$name" -e "${dir//\\//}" -e "$dir" <<<"$changes" | head -5
	else
		ok "decoy '$name' untouched"
	fi
done < <(rows '$8 == 1')

expect_eq "rollback" "$(zhushou_code rollback)" 0
zh_snapshot "$zh_t_dir/rolled"
zh_snapshot_diff "$zh_t_dir/before" "$zh_t_dir/rolled" &&
	ok "rollback restored every control byte for byte" || fail "rollback left differences"
# Restored means working: the restored controls' own uninstallers (msiexec with the restored
# registration and cached package, NSIS, Inno) remove them again.
expect_eq "repair after rollback" "$(zhushou_code repair)" 0
zh_snapshot "$zh_t_dir/again"
zh_snapshot_diff "$zh_t_dir/after" "$zh_t_dir/again" >/dev/null &&
	ok "the second removal ends in the same state" || fail "the second removal differs"
expect_eq "rollback again" "$(zhushou_code rollback)" 0

# Broken uninstallers: the NSIS control's uninst.exe replaced by one that misbehaves.
uninst=$WINEPREFIX/drive_c/Program\ Files\ \(x86\)/CJPension/UKeyCtrl/uninst.exe
cp "$uninst" "$zh_t_dir/uninst.orig"
cp "$ZH_WINTOOLS_DIR/fakeuninst.exe" "$uninst"
zh_snapshot "$zh_t_dir/broken"
for mode in exit:1603 hang lie; do
	code=$(ZH_FAKE_UNINST=$mode zh_winrun --out "$zh_t_dir/$mode.txt" "$(winepath -w "$ZHUSHOU_EXE")" \
		repair --timeout 5 --lang en "${_zh_t_catalog_args[@]}" 2>"$zh_t_dir/$mode.err")
	expect_eq "uninstaller '$mode': exit code" "$code" 1603
	zh_snapshot "$zh_t_dir/now"
	zh_snapshot_diff "$zh_t_dir/broken" "$zh_t_dir/now" >/dev/null &&
		ok "uninstaller '$mode': PC exactly as before" || fail "uninstaller '$mode' left changes"
done
grep -q "exit code 1603" "$zh_t_dir/exit:1603.txt" "$zh_t_dir/exit:1603.err" && ok "failure names the exit code" ||
	fail "failure message: $(cat "$zh_t_dir/exit:1603.err")"
grep -q "did not finish within 5 s" "$zh_t_dir/hang.txt" "$zh_t_dir/hang.err" && ok "hang is named" ||
	fail "hang message: $(cat "$zh_t_dir/hang.err")"
grep -q "left it registered" "$zh_t_dir/lie.txt" "$zh_t_dir/lie.err" && ok "a lying uninstaller is named" ||
	fail "lie message: $(cat "$zh_t_dir/lie.err")"
finish
