#!/bin/bash
# Crash and failure sweeps over a repair (DESIGN.md "Transactions"). For every fault point N
# of the repair: ZHUSHOU_FAULT=crash:N ends the process abruptly there (TerminateProcess: no
# cleanup, like a power cut), then a plain `zhushou check` (which recovers first) must leave
# the PC byte-identical to before or to after the repair, never anything else; failop:N (disk
# full, access denied, I/O error in turn) must end in exit 1603 with the PC exactly as before.
# Then crashes during recovery itself, at every point of it.
# ZH_SWEEP=crash runs the crash sweep only, ZH_SWEEP=fail the failure and recovery sweeps
# (meson runs both halves in parallel); unset runs everything.
source "$(dirname "$0")/common.sh"
part=${ZH_SWEEP:-all}
export ZH_SNAPSHOT_EXCLUDE='ProgramData/zhushou'

IS='HKCU\Software\Microsoft\Windows\CurrentVersion\Internet Settings'
reg() { wine reg "$@" >/dev/null 2>&1; }
reg add "$IS" /v ProxyEnable /t REG_DWORD /d 1 /f
reg add "$IS" /v ProxyOverride /t REG_SZ /d '172.30.*;192.168.*;127.0.0.1' /f
reg add "$IS" /v SecureProtocols /t REG_DWORD /d 0xA0 /f
zh_snapshot "$zh_t_dir/before"

# One clean run: the fault points a repair passes, and the "after" state.
zhushou repair --json >"$zh_t_dir/clean.json" || true
# Crashes and injected failures are swept over the change points (src/sys/fault.h): a crash
# between two of them leaves the PC as a crash at the next one does.
points=$(json "$zh_t_dir/clean.json" 'd["change_points"]')
expect_eq "clean repair succeeded" "$(json "$zh_t_dir/clean.json" 'd["exit_code"]')" 0
zh_snapshot "$zh_t_dir/after"
[[ $points -gt 10 ]] && ok "a repair passes $points change points" || fail "only $points change points"

# Back to "before" between runs: a rollback (itself checked to restore the exact state).
reset_to_before()
{
	zh_snapshot "$zh_t_dir/now" >/dev/null
	local code tries=0

	while ! zh_snapshot_diff "$zh_t_dir/before" "$zh_t_dir/now" >/dev/null; do
		# The rollback's own exit code is seen from Windows (zh_winrun); a Wine start-up
		# failure (no exit code, no output) is tried once more, anything else fails.
		code=$(zh_winrun --out "$zh_t_dir/rollback.out" "$(winepath -w "$ZHUSHOU_EXE")" \
			rollback --lang en 2>"$zh_t_dir/rollback.err") || code=none
		zh_snapshot "$zh_t_dir/now" >/dev/null
		tries=$((tries + 1))
		zh_snapshot_diff "$zh_t_dir/before" "$zh_t_dir/now" >/dev/null && break
		[[ $code == none && $tries -lt 2 ]] && continue
		fail "could not return to the start state ($1): rollback exit $code"
		cat "$zh_t_dir/rollback.out" "$zh_t_dir/rollback.err"
		zh_snapshot_diff "$zh_t_dir/before" "$zh_t_dir/now" | head -20
		finish
	done
}
reset_to_before start

# state_is NAME: is the PC now "before" or "after"? Prints which, or "other".
state_is()
{
	zh_snapshot "$zh_t_dir/now" >/dev/null
	if zh_snapshot_diff "$zh_t_dir/before" "$zh_t_dir/now" >/dev/null; then
		echo before
	elif zh_snapshot_diff "$zh_t_dir/after" "$zh_t_dir/now" >/dev/null; then
		echo after
	else
		echo other
	fi
}

if [[ $part == all || $part == crash ]]; then
# Crash at point 1, 2, ... until a run passes all its points and finishes by itself.
befores=0 afters=0 n=0
while :; do
	n=$((n + 1))
	ZHUSHOU_FAULT=crash:$n wine "$ZHUSHOU_EXE" repair --quiet >/dev/null 2>&1 && rc=0 || rc=$?
	[[ $rc -eq 99 ]] || break
	# The recovering check must itself end normally (0 or 1), never crash.
	zhushou check --quiet >/dev/null 2>&1 && crc=0 || crc=$?
	[[ $crc -le 1 ]] || fail "the check after crash:$n exited with $crc"
	s=$(state_is)
	case $s in
	before) befores=$((befores + 1)) ;;
	after) afters=$((afters + 1)) ;;
	*)
		fail "crash:$n left the PC neither before nor after"
		zh_snapshot_diff "$zh_t_dir/before" "$zh_t_dir/now" | head -20
		;;
	esac
	reset_to_before "crash:$n"
	[[ $n -lt 1000 ]] || { fail "the repair never finished"; break; }
done
crashes=$((n - 1))
[[ $crashes -ge $((points - 5)) ]] && ok "crash sweep: $crashes points, $befores rolled back, $afters completed" ||
	fail "crash sweep covered $crashes of $points points"
expect_eq "the run past the last point finished" "$rc" 0
reset_to_before "after the crash sweep"

fi

if [[ $part == all || $part == fail ]]; then
errors=(enospc eacces eio)
for n in $(seq 1 "$points"); do
	e=${errors[$((n % 3))]}
	code=$(ZHUSHOU_FAULT=failop:$n:$e zh_winrun "$(winepath -w "$ZHUSHOU_EXE")" repair --quiet 2>/dev/null)
	s=$(state_is)
	if [[ $code == 1603 && $s == before ]]; then
		:
	elif [[ ($code == 0 || $code == 1) && $s == after ]]; then
		# The failure fell after the commit record: the repair happened. Exit 1 when it
		# hit the re-check, which then could not confirm every item.
		reset_to_before "failop:$n:$e"
	else
		fail "failop:$n:$e: exit $code, PC $s"
		reset_to_before "failop:$n:$e"
	fi
done
ok "failure sweep: $points points, each failed once"

# Crashes during recovery: leave a transaction half done (crash in its middle), then crash
# the recovering `check` at each of its points in turn until one finishes.
mid=$(( points * 2 / 3 ))
ZHUSHOU_FAULT=crash:$mid wine "$ZHUSHOU_EXE" repair --quiet >/dev/null 2>&1 || true
m=1
while :; do
	ZHUSHOU_FAULT=crash:$m wine "$ZHUSHOU_EXE" check --quiet >/dev/null 2>&1 && rc=0 || rc=$?
	[[ $rc -ne 99 ]] && break
	# A half-undone state between crashes is expected: only the end state counts.
	m=$((m + 1))
	[[ $m -lt 500 ]] || { fail "recovery never finished"; break; }
done
s=$(state_is)
[[ $s == before || $s == after ]] && ok "recovery survived $((m - 1)) crashes of its own, PC $s" ||
	fail "after recovery the PC is $s"
[[ $((m - 1)) -ge 20 ]] && ok "at least 20 recovery crash points" || fail "only $((m - 1)) recovery crash points"
fi
finish
