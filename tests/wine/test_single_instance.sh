#!/bin/bash
# One zhushou at a time: while another holds the Global\ lock, `repair` exits 1618 at once
# and changes nothing; with --wait it waits for the holder; a holder that was killed (its
# mutex abandoned, as after a crash) never blocks the next run.
source "$(dirname "$0")/common.sh"
zh_t_settings_catalog
export ZH_SNAPSHOT_EXCLUDE='ProgramData/zhushou'

IS='HKCU\Software\Microsoft\Windows\CurrentVersion\Internet Settings'
wine reg add "$IS" /v SecureProtocols /t REG_DWORD /d 0xA0 /f >/dev/null 2>&1
holdmutex=$(winepath -w "$ZH_WINTOOLS_DIR/holdmutex.exe")
drive_c=$WINEPREFIX/drive_c

hold()
{
	rm -f "$drive_c/ready" "$drive_c/release"
	wine "$holdmutex" 'Global\zhushou-8f2e50e2' 'C:\ready' 'C:\release' 60 &
	holder=$!
	for _ in $(seq 100); do [[ -e $drive_c/ready ]] && return 0; sleep 0.1; done
	fail "the lock holder did not start"
	finish
}

zh_snapshot "$zh_t_dir/before"
hold
expect_eq "repair while another zhushou runs" "$(zhushou_code repair)" 1618
expect_eq "rollback while another zhushou runs" "$(zhushou_code rollback)" 1618
# check only reads: it still answers (TLS 1.2 off: 1).
expect_eq "check while another zhushou runs" "$(zhushou_code check)" 1
touch "$drive_c/release"
wait "$holder" || true
zh_snapshot "$zh_t_dir/after-refusal"
zh_snapshot_diff "$zh_t_dir/before" "$zh_t_dir/after-refusal" && ok "the refused runs changed nothing" ||
	fail "a refused run changed the PC"

# --wait: the holder lets go after 2 s, the repair then runs.
hold
(sleep 2; touch "$drive_c/release") &
expect_eq "repair --wait 20 runs once the lock is free" "$(zhushou_code repair --wait 20)" 0
wait "$holder" || true
expect_eq "and did its work" \
	"$(wine reg query "$IS" /v SecureProtocols 2>/dev/null | tr -d '\r' | awk '$1=="SecureProtocols" {print $NF}')" 0x8a0

# An abandoned lock: the holder is killed; the next run proceeds.
hold
kill -9 "$holder" 2>/dev/null || true
wait "$holder" 2>/dev/null || true
code=$(zhushou_code repair --dry-run)
[[ $code != 1618 ]] && ok "a killed holder does not block the next run (exit $code)" ||
	fail "an abandoned lock blocked the next run"
finish
