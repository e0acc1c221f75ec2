#!/bin/bash
# Silent mode and logs, for IT's deployment tools: `repair --quiet` prints nothing but errors
# and ends with the documented exit codes; every run appends to the daily log
# (ProgramData\zhushou\logs\zhushou-YYYY-MM-DD.log, each line with the transaction id; kept 30
# days), `--log FILE` adds a verbose one; a quiet repair that cannot run (another zhushou, no
# administrator rights, a broken pack) says why in one log line, changes nothing and exits
# 1618 / 1603. (A pending reboot: test_install.sh, where a held file makes one.)
source "$(dirname "$0")/common.sh"
source "$ZH_FIXTURES/seed.sh"
zh_t_settings_catalog
: "${ZH_CHANGJIANG_PACK:?}"

drive_c=$WINEPREFIX/drive_c
data=$drive_c/ProgramData/zhushou
today=$(date -u +%F)
daily=$data/logs/zhushou-$today.log
wineuser=$(cd "$drive_c/users" && ls | grep -vx Public | head -1)
userlog=$drive_c/users/$wineuser/AppData/Local/zhushou/logs/zhushou-$today.log
line_re='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z \[[0-9]+\] txn=(-|[0-9]+) (INFO|WARN|ERROR|DEBUG) [a-z-]+: '
zh_seed_portal_settings >/dev/null 2>&1

# --- A first check on a PC zhushou never changed: no machine folder, a log for the user -------
zhushou check --lang en >/dev/null 2>&1 || true
[[ ! -e $data ]] && ok "check created no data folder" || fail "check created $data"
grep -q "INFO check: start: zhushou check" "$userlog" 2>/dev/null &&
	ok "the check is logged in the user's folder" || fail "no check log at $userlog"

# --- A quiet repair: no output, exit 0, the daily log and the verbose one -------------------------
code=$(zh_winrun --out "$zh_t_dir/q.out" "$(winepath -w "$ZHUSHOU_EXE")" repair --quiet --lang en \
	--catalog "$ZH_T_CATALOG" --log 'C:\verbose.log' 2>"$zh_t_dir/q.err")
expect_eq "repair --quiet: exit 0 seen from Windows" "$code" 0
expect_eq "repair --quiet: nothing on stdout" "$(cat "$zh_t_dir/q.out")" ""
expect_eq "repair --quiet: nothing on stderr" "$(grep -v '^wine\|fixme\|err:' "$zh_t_dir/q.err" || true)" ""
[[ -f $daily ]] && ok "the daily log is $daily" || fail "no daily log $daily"
txn=$(zhushou history --json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["transactions"][0]["id"])')
bad=$(grep -Evc "$line_re" "$daily" || true)
expect_eq "every daily log line has time, pid, transaction, level and verb" "$bad" 0
grep -Eq "txn=$txn INFO repair: step 1/[0-9]+ \(trusted-sites\)" "$daily" &&
	ok "the steps carry transaction $txn" || fail "no step line with txn=$txn"
grep -Eq "txn=$txn INFO repair: committed" "$daily" && ok "the commit is logged" ||
	fail "no commit line"
grep -Eq "INFO repair: exit 0$" "$daily" && ok "the exit code is logged" || fail "no exit line"
grep -q "DEBUG" "$daily" && fail "the daily log holds debug lines" || ok "the daily log is not verbose"
ids=$(json "$zh_t_dir/settings-catalog.json" 'len(d["checks"])')
expect_eq "the verbose log has every check with its detail" \
	"$(grep -c 'DEBUG repair: check [a-z0-9-]*: [a-z]*: ' "$drive_c/verbose.log" | awk -v n="$ids" '{print ($1 >= n) ? "yes" : $1}')" yes
bad=$(grep -Evc "$line_re" "$drive_c/verbose.log" || true)
expect_eq "every verbose line has the same shape" "$bad" 0

# --- What repair cannot fix: quiet, it is named in the log and the run exits 0; check still says 1
SVC='HKLM\SYSTEM\CurrentControlSet\Services'
wine reg add "$SVC\USBSTOR" /v Start /t REG_DWORD /d 4 /f >/dev/null 2>&1
expect_eq "repair --quiet with a USB policy it cannot lift: 0" \
	"$(zhushou_code repair --quiet --lang en)" 0
grep -Eq "WARN repair: cannot fix usb-policy: " "$daily" && ok "the log names what IT must do" ||
	fail "no cannot-fix line in the log"
expect_eq "the same without --quiet: 1" "$(zhushou_code repair --lang en)" 1
expect_eq "check, the detection rule, still says 1" "$(zhushou_code check --lang en)" 1
wine reg add "$SVC\USBSTOR" /v Start /t REG_DWORD /d 3 /f >/dev/null 2>&1

# --- Thirty days are kept --------------------------------------------------------------------------
old31=zhushou-$(date -u -d '-31 days' +%F).log
old29=zhushou-$(date -u -d '-29 days' +%F).log
for f in zhushou-2020-01-01.log "$old31" "$old29" other.log; do echo old >"$data/logs/$f"; done
zhushou check --lang en >/dev/null 2>&1 || true
[[ ! -e $data/logs/zhushou-2020-01-01.log && ! -e $data/logs/$old31 ]] &&
	ok "logs older than 30 days are deleted" || fail "old logs kept: $(ls "$data/logs")"
[[ -e $data/logs/$old29 && -e $data/logs/other.log ]] && ok "newer logs and other files stay" ||
	fail "a log was deleted that should stay: $(ls "$data/logs")"

# --- Quiet runs that cannot run: exit code, one log line naming the cause, nothing changed ---------
IS='HKCU\Software\Microsoft\Windows\CurrentVersion\Internet Settings'
wine reg add "$IS" /v SecureProtocols /t REG_DWORD /d 0xA0 /f >/dev/null 2>&1
export ZH_SNAPSHOT_EXCLUDE='ProgramData/zhushou'
# The snapshot before is taken first (a snapshot waits for Wine to be idle, so it cannot be
# taken while the lock holder runs).
quiet_refused() # NAME WANT-CODE LOG-PATTERN ARGS...
{
	local name=$1 want=$2 pattern=$3 code
	shift 3
	code=$(zh_winrun --out "$zh_t_dir/r.out" "$(winepath -w "$ZHUSHOU_EXE")" repair --quiet \
		--lang en "$@" 2>"$zh_t_dir/r.err")
	expect_eq "$name: exit code" "$code" "$want"
	expect_eq "$name: nothing on stdout" "$(cat "$zh_t_dir/r.out")" ""
	grep -q "zhushou" "$zh_t_dir/r.err" && ok "$name: the error on stderr" ||
		fail "$name: no error on stderr"
	cat "$daily" "$userlog" 2>/dev/null | grep -E "ERROR repair: .*$pattern" >/dev/null &&
		ok "$name: a log line names the cause" || fail "$name: no log line matching '$pattern'"
}
unchanged() # NAME
{
	zh_snapshot "$zh_t_dir/after"
	zh_snapshot_diff "$zh_t_dir/before" "$zh_t_dir/after" >"$zh_t_dir/d" &&
		ok "$1: nothing changed" || { fail "$1: the PC changed"; head -20 "$zh_t_dir/d"; }
}

holdmutex=$(winepath -w "$ZH_WINTOOLS_DIR/holdmutex.exe")
zh_snapshot "$zh_t_dir/before"
rm -f "$drive_c/ready" "$drive_c/release"
wine "$holdmutex" 'Global\zhushou-8f2e50e2' 'C:\ready' 'C:\release' 60 &
holder=$!
for _ in $(seq 300); do [[ -e $drive_c/ready ]] && break; sleep 0.1; done
[[ -e $drive_c/ready ]] || fail "the lock holder did not start"
quiet_refused "another zhushou running" 1618 "another zhushou" --catalog "$ZH_T_CATALOG"
touch "$drive_c/release"
wait "$holder" || true
unchanged "another zhushou running"

zh_snapshot "$zh_t_dir/before"
ZHUSHOU_AS_USER=1 quiet_refused "no administrator rights" 1603 "administrator rights" \
	--catalog "$ZH_T_CATALOG"
unchanged "no administrator rights"

head -c 4096 /dev/urandom >"$zh_t_dir/broken.zip"
zh_snapshot "$zh_t_dir/before"
quiet_refused "a broken pack" 1603 "broken.zip" --source "$(winepath -w "$zh_t_dir/broken.zip")"
unchanged "a broken pack"
finish
