#!/bin/bash
# 取消 (the window's Cancel, `repair --cancel-file F`): when F appears, the repair stops before
# its next step and undoes what it did: exit 1602 seen from Windows, the PC exactly as before
# (the old controls it had already removed back in Add/Remove Programs with their files), the
# transaction rolled back in the history. A cancel that comes while the repair still waits for
# another zhushou changes nothing at all.
source "$(dirname "$0")/common.sh"
zh_t_settings_catalog
export ZH_SNAPSHOT_EXCLUDE='ProgramData/zhushou'
drive_c=$WINEPREFIX/drive_c

zh_seed_legacy
zh_snapshot "$zh_t_dir/before"

# Cancel once the first step (an uninstaller, which takes a moment) has begun.
rm -f "$drive_c/cancel" "$drive_c/r.log"
(zh_winrun --out "$zh_t_dir/r.out" "$(winepath -w "$ZHUSHOU_EXE")" repair --lang en \
	--cancel-file 'C:\cancel' --log 'C:\r.log' "${_zh_t_catalog_args[@]}" \
	>"$zh_t_dir/code" 2>/dev/null) &
runner=$!
for _ in $(seq 600); do
	grep -q "INFO repair: step 1/" "$drive_c/r.log" 2>/dev/null && break
	sleep 0.05
done
grep -q "INFO repair: step 1/" "$drive_c/r.log" 2>/dev/null && ok "the repair began its steps" ||
	fail "the repair did not begin"
touch "$drive_c/cancel"
wait "$runner" || true
expect_eq "a cancelled repair exits 1602" "$(cat "$zh_t_dir/code")" 1602
grep -Eq "INFO repair: cancelled before step [2-9][0-9]*/" "$drive_c/r.log" &&
	ok "it stopped after at least one step" || fail "log: $(grep -E 'step|cancel' "$drive_c/r.log" | head -5)"
grep -q "rolled back: the PC is as before" "$drive_c/r.log" && ok "and rolled back" ||
	fail "no rollback in the log"
zh_snapshot "$zh_t_dir/after"
zh_snapshot_diff "$zh_t_dir/before" "$zh_t_dir/after" >"$zh_t_dir/d" && ok "the PC is exactly as before" ||
	{ fail "the cancelled repair left changes"; head -30 "$zh_t_dir/d"; }
zhushou history --json >"$zh_t_dir/h.json" 2>/dev/null
expect_eq "the transaction is rolled back, exit 1602" \
	"$(json "$zh_t_dir/h.json" '[d["transactions"][0]["state"], d["transactions"][0]["exit_code"]]')" \
	'["rolled-back", 1602]'

# Cancelled while waiting for another zhushou: nothing happens at all.
holdmutex=$(winepath -w "$ZH_WINTOOLS_DIR/holdmutex.exe")
rm -f "$drive_c/ready" "$drive_c/release" "$drive_c/cancel"
wine "$holdmutex" 'Global\zhushou-8f2e50e2' 'C:\ready' 'C:\release' 60 &
holder=$!
for _ in $(seq 300); do [[ -e $drive_c/ready ]] && break; sleep 0.1; done
(zh_winrun "$(winepath -w "$ZHUSHOU_EXE")" repair --lang en --wait 60 --cancel-file 'C:\cancel' \
	"${_zh_t_catalog_args[@]}" >"$zh_t_dir/code2" 2>/dev/null) &
runner=$!
sleep 2
touch "$drive_c/cancel" "$drive_c/release"
wait "$runner" || true
wait "$holder" || true
expect_eq "cancelled while waiting: 1602" "$(cat "$zh_t_dir/code2")" 1602
zh_snapshot "$zh_t_dir/after2"
zh_snapshot_diff "$zh_t_dir/before" "$zh_t_dir/after2" >"$zh_t_dir/d" && ok "and nothing changed" ||
	{ fail "the run changed the PC"; head -20 "$zh_t_dir/d"; }
expect_eq "no new transaction" "$(zhushou history --json 2>/dev/null | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["transactions"]))')" 1
finish
