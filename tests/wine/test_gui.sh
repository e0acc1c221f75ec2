#!/bin/bash
# The window (issue 8) under Xvfb, driven from the Windows side by tools/guidrive.c through the
# window tree: the texts of each state (not checked → checking → results → repairing → done);
# the red items are exactly those `check --json` fails on the same prefix; the repair ends green
# (and `check` agrees, exit 0 from a Windows parent); the window answered SendMessageTimeout
# throughout the repair; no control's text is larger than the control at 100 % and 150 %
# (LogPixels 144); and, with ZHUSHOU_AS_USER=1 (a clerk without rights, test builds), the
# repair goes through ShellExecuteEx "runas". Screenshots of each state are saved in the test
# directory (shots/) and, with ZH_GUI_SHOTS=DIR, copied there (docs/screenshots).
source "$(dirname "$0")/common.sh"
source "$ZH_FIXTURES/seed.sh"
zh_t_settings_catalog

guidrive=$(_zh_tool guidrive)
shots=$zh_t_dir/shots
mkdir -p "$shots"
CONVERT=/usr/bin/convert
[[ -x $CONVERT ]] || { echo "test_gui: needs ImageMagick's /usr/bin/convert (scripts/setup.sh)"; exit 1; }

# Chinese UI (0x804) and a CJK font: WINE.md "Windows on screen".
export LANG=zh_CN.UTF-8
reg() { wine reg "$@" >/dev/null 2>&1; }
for f in "Microsoft YaHei UI" "Microsoft YaHei" "SimSun" "MS Shell Dlg" "MS Shell Dlg 2" "Tahoma" \
	"Segoe UI"; do
	reg add 'HKCU\Software\Wine\Fonts\Replacements' /v "$f" /t REG_SZ /d "WenQuanYi Micro Hei" /f
done
# One Wine virtual desktop for every process: the window gets a frame, and guidrive finds it
# (FindWindow looks at its own desktop).
reg add 'HKCU\Software\Wine\Explorer' /v Desktop /t REG_SZ /d Default /f
reg add 'HKCU\Software\Wine\Explorer\Desktops' /v Default /t REG_SZ /d 1240x860 /f
zh_seed_portal_settings

# Xvfb on a free display.
exec {dfd}<> <(:)
Xvfb -displayfd "$dfd" -screen 0 1280x900x24 -nolisten tcp >"$zh_t_dir/xvfb.log" 2>&1 &
xvfb_pid=$!
read -r -t 10 disp <&"$dfd" || { echo "Xvfb did not start"; exit 1; }
export DISPLAY=:$disp
trap 'kill $xvfb_pid 2>/dev/null || true; _zh_t_cleanup' EXIT

# shot NAME: the screen, cropped to the window (the virtual desktop starts at the screen's corner).
shot()
{
	local rect

	rect=$(wine "$guidrive" rect | tr -d '\r') || rect=
	xwd -root -silent | "$CONVERT" xwd:- ${rect:+-crop "$rect"} +repage "$shots/$1.png" &&
		ok "screenshot $1.png"
}
drive() { wine "$guidrive" "$@"; }
# wait_for TEXT WHAT: the window shows TEXT within 60 s.
wait_for()
{
	if drive wait 60000 "$1"; then ok "$2"; else
		fail "$2: '$1' never showed"
		drive dump "$(winepath -w "$zh_t_dir/timeout.tsv")" || true
		cat "$zh_t_dir/timeout.tsv" 2>/dev/null || true
	fi
}
dump() { drive dump "$(winepath -w "$zh_t_dir/$1.tsv")" && tr -d '\r' <"$zh_t_dir/$1.tsv" >"$zh_t_dir/$1.txt"; }
# ctl_text FILE ID: the text of control ID in a dump.
ctl_text() { awk -F'\t' -v id="$2" '$1 == "ctl" && $2 == id {print $6}' "$zh_t_dir/$1.txt"; }
ctl_field() { awk -F'\t' -v id="$2" -v f="$3" '$1 == "ctl" && $2 == id {print $f}' "$zh_t_dir/$1.txt"; }
# The titles of the red (✗) items of a dump, sorted.
red_items() { awk -F'\t' '$1 == "item" && $3 == "×" {print $4}' "$zh_t_dir/$1.txt" | LC_ALL=C sort; }
STATUS=100 STEP=102 PRIMARY=105 RECHECK=106 CANCEL=107 LOG=108

zhushou --lang zh check --json >"$zh_t_dir/check.json" || true
json "$zh_t_dir/check.json" '"\n".join(c["title"] for c in d["checks"] if c["status"] in ("fail","error"))' |
	LC_ALL=C sort >"$zh_t_dir/red.want"
[[ -s $zh_t_dir/red.want ]] && ok "the seeded prefix has red items: $(wc -l <"$zh_t_dir/red.want")" ||
	fail "the seeded prefix has no red item"

# --- How zhushou.exe starts with no arguments ---------------------------------------------------
# From cmd.exe (a console shared with cmd): the usage text, exit 2, as before. With a console of
# its own (`start`, as Explorer's double-click gives it): the window, with no console text.
wine cmd /c "$(winepath -w "$ZHUSHOU_EXE")" >"$zh_t_dir/noargs-cmd.out" 2>&1 || true
grep -q '用法' "$zh_t_dir/noargs-cmd.out" && ok "no arguments from cmd.exe: the usage text" ||
	fail "no arguments from cmd.exe: $(head -3 "$zh_t_dir/noargs-cmd.out")"
wine start /wait "$(winepath -w "$ZHUSHOU_EXE")" >"$zh_t_dir/noargs-start.out" 2>&1 &
start_pid=$!
wait_for "电脑还未进行检测" "no arguments, a console of its own: the window"
drive close
wait "$start_pid" && ok "the window closed, zhushou ended" || fail "zhushou did not end after WM_CLOSE"
[[ ! -s $zh_t_dir/noargs-start.out ]] && ok "the window's start wrote nothing to the console" ||
	fail "console text: $(head -3 "$zh_t_dir/noargs-start.out")"
zh_wine_kill

# --- 100 %: the whole flow ---------------------------------------------------------------------
wine "$ZHUSHOU_EXE" gui "${_zh_t_catalog_args[@]}" >"$zh_t_dir/gui.out" 2>&1 &
gui_pid=$!
wait_for "电脑还未进行检测" "not checked: the invitation to check"
sleep 1
shot 1-not-checked
dump new
expect_eq "not checked: the button" "$(ctl_text new $PRIMARY)" "全面检测(&C)"
expect_eq "not checked: no list yet" "$(ctl_field new 103 4)" 0
drive clip 96 >"$zh_t_dir/clip-new.txt" && ok "100 %: nothing clipped (not checked)" ||
	fail "100 %: clipped: $(cat "$zh_t_dir/clip-new.txt")"

expect_eq "not checked: what the check does" "$(ctl_field new $STEP 4)" 1
# The check itself (checking: a moving bar) takes well under a second here: too fast to photograph.
drive click $PRIMARY
wait_for "系统环境存在异常项，请一键修复" "results: the summary asks for a repair"
sleep 1
shot 2-results
dump results
red_items results >"$zh_t_dir/red.got"
if cmp -s "$zh_t_dir/red.want" "$zh_t_dir/red.got"; then ok "results: the red items are check --json's"; else
	fail "results: red items differ from check --json: $(diff "$zh_t_dir/red.want" "$zh_t_dir/red.got" | tr '\n' ' ')"; fi
expect_eq "results: the list has every check" "$(grep -c '^item' "$zh_t_dir/results.txt")" \
	"$(json "$zh_t_dir/check.json" 'len(d["checks"])')"
expect_eq "results: 一键修复" "$(ctl_text results $PRIMARY)" "一键修复(&R)"
expect_eq "results: 重新检测" "$(ctl_text results $RECHECK)" "重新检测(&A)"
expect_eq "results: the summary counts them" "$(ctl_text results $STATUS)" \
	"系统环境存在异常项，请一键修复（$(wc -l <"$zh_t_dir/red.want") 项）。"
drive clip 96 >"$zh_t_dir/clip-results.txt" && ok "100 %: nothing clipped (results)" ||
	fail "100 %: clipped: $(cat "$zh_t_dir/clip-results.txt")"

# 取消: while the repair waits for another zhushou (the mutex held), 取消 asks it to stop; it
# stops before its first step (exit 1602), nothing changes, and the window says so.
txns() { zhushou history --json 2>/dev/null | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["transactions"]))' 2>/dev/null || echo none; }
txns_before=$(txns)
holdmutex=$(winepath -w "$ZH_WINTOOLS_DIR/holdmutex.exe")
rm -f "$WINEPREFIX/drive_c/held" "$WINEPREFIX/drive_c/release"
wine "$holdmutex" 'Global\zhushou-8f2e50e2' 'C:\held' 'C:\release' 60 &
hold_pid=$!
for _ in $(seq 100); do [[ -e $WINEPREFIX/drive_c/held ]] && break; sleep 0.1; done
drive click $PRIMARY
wait_for "正在修复，请稍候" "cancel: the repair is under way"
dump cancelling
expect_eq "cancel: 取消 shown and enabled while repairing" \
	"$(ctl_field cancelling $CANCEL 4)$(ctl_field cancelling $CANCEL 5)" 11
drive click $CANCEL
wait_for "正在取消" "cancel: the window says it is cancelling"
touch "$WINEPREFIX/drive_c/release"
wait "$hold_pid" || true
wait_for "修复已取消，电脑与修复前完全相同" "cancel: the repair stopped, the PC as before"
expect_eq "cancel: no transaction was made" "$(txns)" "$txns_before"
zhushou --lang zh check --json >"$zh_t_dir/check-cancel.json" || true
json "$zh_t_dir/check-cancel.json" '"\n".join(c["title"] for c in d["checks"] if c["status"] in ("fail","error"))' |
	LC_ALL=C sort >"$zh_t_dir/red.cancel"
cmp -s "$zh_t_dir/red.want" "$zh_t_dir/red.cancel" && ok "cancel: the same items are still red" ||
	fail "cancel: the red items changed: $(diff "$zh_t_dir/red.want" "$zh_t_dir/red.cancel" | tr '\n' ' ')"
sleep 1
dump cancelled
expect_eq "cancel: 一键修复 offered again" "$(ctl_text cancelled $PRIMARY)$(ctl_field cancelled $PRIMARY 5)" \
	"一键修复(&R)1"

# Another zhushou holds the single-instance mutex for the first seconds (test_single_instance's
# name): the elevated repair waits for it (--wait), so the repairing state lasts long enough to
# be seen, photographed and pinged.
rm -f "$WINEPREFIX/drive_c/held" "$WINEPREFIX/drive_c/release"
wine "$holdmutex" 'Global\zhushou-8f2e50e2' 'C:\held' 'C:\release' 4 &
hold_pid=$!
for _ in $(seq 100); do [[ -e $WINEPREFIX/drive_c/held ]] && break; sleep 0.1; done
drive click $PRIMARY
( sleep 1.5; shot 3-repairing; dump repairing ) &
shot_pid=$!
if drive ping 120000 "修复完成" >"$zh_t_dir/ping.txt"; then
	ok "the window answered during the repair: $(head -1 "$zh_t_dir/ping.txt")"
else
	fail "the window did not answer during the repair: $(cat "$zh_t_dir/ping.txt")"
fi
wait "$shot_pid" || true
wait "$hold_pid" || true
expect_eq "repairing: the status" "$(ctl_text repairing $STATUS)" "正在修复，请稍候…"
expect_eq "repairing: the progress bar shown" "$(ctl_field repairing 101 4)" 1
expect_eq "repairing: 取消 shown and enabled" \
	"$(ctl_field repairing $CANCEL 4)$(ctl_field repairing $CANCEL 5)" 11
expect_eq "repairing: the buttons disabled" \
	"$(ctl_field repairing $PRIMARY 5)$(ctl_field repairing $RECHECK 5)" 00
wait_for "修复完成，系统环境正常" "done: the repair ended green"
sleep 1
shot 4-done
dump done
expect_eq "done: no red item left" "$(red_items done | wc -l)" 0
expect_eq "done: 查看日志 shown" "$(ctl_field done $LOG 4)" 1
# The newest repair log (the cancelled repair above left one too).
log=$(find "$WINEPREFIX/drive_c/users" -name 'zhu*.tmp' -printf '%T@ %p\n' | sort -n | tail -1 | cut -d' ' -f2-)
drive click $LOG
notepad=$(drive other Notepad 20000 | tr -d '\r') || notepad=
[[ $notepad == *"$(basename "$log")"* ]] && ok "查看日志 opened the repair's log in Notepad: $notepad" ||
	fail "查看日志: no Notepad window with the log ($notepad)"
# The steps: the done state names what they repaired (they pass too fast to be seen one by one
# here); the repair's --log holds them.
steps=$(ctl_text done $STEP)
[[ $steps == "已完成 5 步修复："*"代理例外"*"TLS 1.2"* ]] && ok "done: the steps named: $steps" ||
	fail "done: the step text: $steps"
[[ -n $log ]] && grep -q 'INFO repair: step 5/5 (tls12)' "$log" && ok "the repair's --log holds its steps" ||
	fail "no repair log with its steps"
drive clip 96 >"$zh_t_dir/clip-done.txt" && ok "100 %: nothing clipped (done)" ||
	fail "100 %: clipped: $(cat "$zh_t_dir/clip-done.txt")"
kill "$gui_pid" 2>/dev/null || true
zh_wine_kill
expect_eq "check after the window's repair" "$(zhushou_code check)" 0

# --- A clerk without rights: 一键修复 goes through ShellExecuteEx "runas" ---------------------------
# ZHUSHOU_AS_USER=1 (test builds) makes the window and the repair it starts answer "not an
# administrator": the window asks for elevation with the runas verb. Wine's user is an
# administrator and Wine shows no UAC prompt: runas starts the program at once, and the
# repair (which inherits the variable) refuses, naming what it would change.
zh_seed_portal_settings
ZHUSHOU_AS_USER=1 wine "$ZHUSHOU_EXE" gui "${_zh_t_catalog_args[@]}" >"$zh_t_dir/gui-user.out" 2>&1 &
gui_pid=$!
wait_for "电脑还未进行检测" "as a user: not checked"
drive click $PRIMARY
wait_for "系统环境存在异常项" "as a user: results"
drive click $PRIMARY
wait_for "修复未能进行，未做任何更改" "as a user: the runas repair ran and refused"
sleep 1
shot 5-no-rights
dump user
case $(ctl_text user $STEP) in
*"需要管理员权限才能修复"*) ok "as a user: the window says the repair needs administrator rights" ;;
*) fail "as a user: the explanation: $(ctl_text user $STEP)" ;;
esac
expect_eq "as a user: the items stay red" "$(red_items user | tr '\n' ' ')" \
	"$(printf '%s\n' 代理例外 TLS\ 1.2\ 设置 | LC_ALL=C sort | tr '\n' ' ')"
kill "$gui_pid" 2>/dev/null || true
zh_wine_kill

# --- 150 %: the same window at LogPixels 144, in Chinese and in English -------------------------
reg add 'HKCU\Control Panel\Desktop' /v LogPixels /t REG_DWORD /d 144 /f
reg add 'HKCU\Software\Wine\Explorer\Desktops' /v Default /t REG_SZ /d 1260x880 /f
zh_wine_kill
wine "$ZHUSHOU_EXE" gui "${_zh_t_catalog_args[@]}" >"$zh_t_dir/gui150.out" 2>&1 &
gui_pid=$!
wait_for "电脑还未进行检测" "150 %: not checked"
sleep 1
shot 6-not-checked-150
drive clip 144 >"$zh_t_dir/clip150-new.txt" && ok "150 %: nothing clipped (not checked)" ||
	fail "150 %: clipped: $(cat "$zh_t_dir/clip150-new.txt")"
drive click $PRIMARY
wait_for "系统环境存在异常项" "150 %: results"
sleep 1
shot 7-results-150
drive clip 144 >"$zh_t_dir/clip150-results.txt" && ok "150 %: nothing clipped (results)" ||
	fail "150 %: clipped: $(cat "$zh_t_dir/clip150-results.txt")"
kill "$gui_pid" 2>/dev/null || true
zh_wine_kill

wine "$ZHUSHOU_EXE" gui --lang en "${_zh_t_catalog_args[@]}" >"$zh_t_dir/gui-en.out" 2>&1 &
gui_pid=$!
wait_for "This PC has not been checked yet" "English: not checked"
drive clip 144 >"$zh_t_dir/clip-en-new.txt" && ok "English, 150 %: nothing clipped (not checked)" ||
	fail "English, 150 %: clipped: $(cat "$zh_t_dir/clip-en-new.txt")"
# The keyboard: the default button has the focus and Enter presses it; Alt+A is 重新检测's
# mnemonic ("Check &again"); Tab moves the focus on.
expect_eq "keyboard: the focus starts on the default button" "$(drive focus | tr -d '\r')" $PRIMARY
drive key enter
wait_for "problems found: click Repair" "English: Enter ran the check"
drive key tab
sleep 0.5
[[ $(drive focus | tr -d '\r') != "$PRIMARY" ]] && ok "keyboard: Tab moves the focus" ||
	fail "keyboard: Tab left the focus on the default button"
# The daily log counts the window's checks.
checks_logged() { find "$WINEPREFIX/drive_c" -path '*zhushou*' -name '*.log' -exec cat {} + 2>/dev/null | grep -c 'INFO gui: checked:' || true; }
before=$(checks_logged)
drive key alt-a
for _ in $(seq 100); do [[ $(checks_logged) -gt $before ]] && break; sleep 0.1; done
[[ $(checks_logged) -gt $before ]] && ok "keyboard: Alt+A checked again ($before → $(checks_logged) checks logged)" ||
	fail "keyboard: Alt+A did not check again ($before checks logged)"
wait_for "problems found: click Repair" "English: results after Alt+A"
sleep 1
shot 8-results-en-150
dump en
expect_eq "English: the buttons" "$(ctl_text en $PRIMARY)|$(ctl_text en $RECHECK)" "&Repair|Check &again"
drive clip 144 >"$zh_t_dir/clip-en-results.txt" && ok "English, 150 %: nothing clipped (results)" ||
	fail "English, 150 %: clipped: $(cat "$zh_t_dir/clip-en-results.txt")"
kill "$gui_pid" 2>/dev/null || true
zh_wine_kill

# --- An error from the core: a broken catalog ----------------------------------------------------
# The window says what failed in words, the core's error kind (zh) and its message, not a code.
printf '{"format": 1, "checks": [' >"$zh_t_dir/broken.json"
wine "$ZHUSHOU_EXE" gui --catalog "$(winepath -w "$zh_t_dir/broken.json")" >"$zh_t_dir/gui-broken.out" 2>&1 &
gui_pid=$!
wait_for "电脑还未进行检测" "broken catalog: not checked"
drive click $PRIMARY
wait_for "检测未能完成" "broken catalog: the check did not finish"
dump broken
case $(ctl_text broken $STEP) in
*"目录文件有误"*"catalog '"*"broken.json'"*) ok "broken catalog: the core's error in words: $(ctl_text broken $STEP)" ;;
*) fail "broken catalog: the text: $(ctl_text broken $STEP)" ;;
esac
expect_eq "broken catalog: 全面检测 still offered" "$(ctl_text broken $PRIMARY)|$(ctl_field broken $PRIMARY 5)" "全面检测(&C)|1"
kill "$gui_pid" 2>/dev/null || true
zh_wine_kill

if [[ -n ${ZH_GUI_SHOTS:-} ]]; then
	mkdir -p "$ZH_GUI_SHOTS" && cp "$shots"/*.png "$ZH_GUI_SHOTS"/
fi
# --- A restart pending from an earlier repair: the window says so and offers the restart --------
# demo-hello 1.0.0, then 1.0.1 while its readme is held open: that replace waits for the restart
# (3010). The wineserver is held running: Wine applies pending renames when it starts again.
build=$(dirname "$ZHUSHOU_EXE")
cp -r "$ZH_SOURCE_ROOT/packages/demo-hello" "$zh_t_dir/demo2"
sed -i 's/"version": "1.0.0"/"version": "1.0.1"/' "$zh_t_dir/demo2/recipe.json"
echo "version two" >"$zh_t_dir/demo2/files/readme.txt"
"$build/zhushou-native" --lang en pack build "$zh_t_dir/demo2" -o "$zh_t_dir/demo2.zip" \
	--key "$build/dev-publisher.key" --cert "$build/dev-publisher.pem" --serial 2 --expires +30 \
	>/dev/null
zh_wine_hold
expect_eq "pending restart: demo-hello 1.0.0 installed" \
	"$(zhushou_code install demo-hello --source "$(winepath -w "$build/demo-pack.zip")")" 0
holdfile=$(_zh_tool holdfile)
rm -f "$WINEPREFIX/drive_c/held.ready" "$WINEPREFIX/drive_c/held.release"
wine "$holdfile" --ready 'C:\held.ready' --seconds 120 --until 'C:\held.release' \
	'C:\Program Files\demo-hello\readme.txt' &
held_pid=$!
for _ in $(seq 100); do [[ -e $WINEPREFIX/drive_c/held.ready ]] && break; sleep 0.1; done
expect_eq "pending restart: 1.0.1 over a held file: 3010" \
	"$(zhushou_code install demo-hello=1.0.1 --source "$(winepath -w "$zh_t_dir/demo2.zip")")" 3010
touch "$WINEPREFIX/drive_c/held.release"
wait "$held_pid" || true
zh_seed_portal_settings
zhushou --lang zh check --json >"$zh_t_dir/check-reboot.json" || true
json "$zh_t_dir/check-reboot.json" '"\n".join(c["title"] for c in d["checks"] if c["status"] in ("fail","error"))' |
	LC_ALL=C sort >"$zh_t_dir/red.reboot"
wine "$ZHUSHOU_EXE" gui "${_zh_t_catalog_args[@]}" >"$zh_t_dir/gui-reboot.out" 2>&1 &
gui_pid=$!
wait_for "电脑还未进行检测" "pending restart: not checked"
drive click $PRIMARY
wait_for "系统环境存在异常项" "pending restart: results"
drive click $PRIMARY
question=$(drive answer 60000 7 | tr -d '\r') || question=
[[ $question == *"需要重启电脑才能完成修复"* ]] && ok "pending restart: the window asks to restart ($question)" ||
	fail "pending restart: no restart question ($question)"
wait_for "需要先重启电脑，未做任何更改" "pending restart: the window says to restart first"
dump reboot
[[ -s $zh_t_dir/red.reboot ]] && expect_eq "pending restart: the same items are still red" \
	"$(red_items reboot)" "$(cat "$zh_t_dir/red.reboot")" || fail "pending restart: nothing was red"
kill "$gui_pid" 2>/dev/null || true
zh_wine_release

finish
