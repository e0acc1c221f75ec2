#!/bin/bash
# `repair --clear-ie-cache` (the guide: clear IE's cache, then try again): every file below the
# WinINet cache folder the registry names is deleted through the journal, the folders stay,
# nothing else changes; `rollback` puts every file back byte for byte. A cache file held open
# (IE running) fails the repair: exit 1603, the reason and the fix (close IE) named, the PC
# exactly as before.
source "$(dirname "$0")/common.sh"
zh_t_settings_catalog
export ZH_SNAPSHOT_EXCLUDE='ProgramData/zhushou'

# First the settings, so that the runs below have only the cache to do.
expect_eq "repair of the settings" "$(zhushou_code repair)" 0
cache=$(ls -d "$WINEPREFIX"/drive_c/users/*/AppData/Local/Microsoft/Windows/INetCache | head -1)
[[ -d $cache ]] || { fail "no INetCache folder in the prefix"; finish; }
mkdir -p "$cache/IE/ABCD1234" "$cache/Low/IE"
for i in 1 2 3; do head -c $((i * 1000)) /dev/urandom >"$cache/IE/ABCD1234/page$i[1].htm"; done
head -c 5000 /dev/urandom >"$cache/Low/IE/script[1].js"
echo unrelated >"$WINEPREFIX/drive_c/users/keep.txt"
zh_snapshot "$zh_t_dir/seeded"

code=$(zh_winrun --out "$zh_t_dir/clear.out" "$(winepath -w "$ZHUSHOU_EXE")" repair --clear-ie-cache \
	--lang en "${_zh_t_catalog_args[@]}" 2>"$zh_t_dir/clear.err")
expect_eq "repair --clear-ie-cache" "$code" 0
grep -qF 'clear the IE cache' "$zh_t_dir/clear.out" && ok "it says it clears the cache" ||
	fail "output: $(head -3 "$zh_t_dir/clear.out")"
expect_eq "no file is left in the cache" "$(find "$cache" -type f | wc -l)" 0
[[ -d $cache/IE/ABCD1234 && -d $cache/Low/IE ]] && ok "the cache folders stay" || fail "a cache folder is gone"
zh_snapshot "$zh_t_dir/cleared"
diffs=$(zh_snapshot_diff "$zh_t_dir/seeded" "$zh_t_dir/cleared" | grep -E '^[-+][^-+]' || true)
expect_eq "only the cache files changed" \
	"$(grep -vc 'INetCache/' <<<"$diffs" || true)" 0
expect_eq "the four cache files are gone" "$(grep -c '^-.*INetCache/.*	' <<<"$diffs" || true)" 4

expect_eq "rollback" "$(zhushou_code rollback)" 0
zh_snapshot "$zh_t_dir/rolled"
zh_snapshot_diff "$zh_t_dir/seeded" "$zh_t_dir/rolled" >"$zh_t_dir/d" &&
	ok "rollback put every cache file back byte for byte" || { fail "rollback differs"; head -20 "$zh_t_dir/d"; }

# A cache file held open, as by a running IE: nothing is deleted, close IE and try again.
holdfile=$(_zh_tool holdfile)
rm -f "$WINEPREFIX/drive_c/held.ready"
wine "$holdfile" --ready 'C:\held.ready' --seconds 120 --until 'C:\held.release' \
	"$(winepath -w "$cache/IE/ABCD1234/page2[1].htm")" &
for _ in $(seq 1 100); do [[ -e $WINEPREFIX/drive_c/held.ready ]] && break; sleep 0.1; done
[[ -e $WINEPREFIX/drive_c/held.ready ]] || fail "holdfile did not take the lock"
code=$(zh_winrun --out "$zh_t_dir/held.out" "$(winepath -w "$ZHUSHOU_EXE")" repair --clear-ie-cache \
	--lang en "${_zh_t_catalog_args[@]}" 2>"$zh_t_dir/held.err")
expect_eq "a cache file in use: exit 1603" "$code" 1603
grep -q 'close Internet Explorer first' "$zh_t_dir/held.err" && ok "it says to close Internet Explorer" ||
	fail "no reason named: $(head -2 "$zh_t_dir/held.err")"
expect_eq "every cache file is still there" "$(find "$cache" -type f | wc -l)" 4
touch "$WINEPREFIX/drive_c/held.release"
wait
zh_snapshot "$zh_t_dir/after-held"
zh_snapshot_diff "$zh_t_dir/seeded" "$zh_t_dir/after-held" >"$zh_t_dir/d2" &&
	ok "the failed clear left the PC exactly as before" || { fail "the failed clear changed the PC"; head -20 "$zh_t_dir/d2"; }
finish
