#!/bin/bash
# Crash and failure sweeps over the representative repair (issue: transactions, acceptance):
# one transaction that removes an MSI (CFCA证书链安装程序 1.5), an NSIS (长江UKey控件 2.00)
# and an orphan (CertEnrollmentHost.ChangJiang) legacy control, installs two components of 50
# files each from a signed offline pack, sets the trusted sites, ProxyOverride and
# SecureProtocols, adds the hosts entry and adds CFCA EV ROOT to LocalMachine Root (the host's
# roots are hidden in a private mount namespace, as in test_certs.sh, so the add is real).
# For every change point N of that repair (src/sys/fault.h: a crash between two change points
# leaves what a crash at the next one leaves):
# - crash:N ends the process abruptly there (TerminateProcess: no cleanup, like a power cut);
#   then a plain `zhushou check` (which recovers first) must leave the PC byte-identical to the
#   snapshot before the repair or to the one after it, never anything else;
# - failop:N (disk full, access denied, I/O error in turn) must end in exit 1603 with the PC
#   exactly as before;
# then crashes during recovery itself, at every point of it (at least 20).
# ZH_SWEEP=crash runs the crash sweep only, ZH_SWEEP=fail the failure and recovery sweeps
# (meson runs both halves in parallel); unset runs everything.
if [[ -z ${ZH_CERT_NS:-} ]]; then
	exec env ZH_CERT_NS=1 unshare --mount --propagation private bash "$0" "$@"
fi
empty=$(mktemp -d)
mount --bind "$empty" /etc/ssl/certs || { echo "cannot hide /etc/ssl/certs (needs root)"; exit 1; }
source "$(dirname "$0")/common.sh"
part=${ZH_SWEEP:-all}
export ZH_SNAPSHOT_EXCLUDE='ProgramData/zhushou'

build=$(dirname "$ZHUSHOU_EXE")
python3 "$ZH_FIXTURES/mkcomponents.py" "$zh_t_dir/comp" "$ZH_SOURCE_ROOT/manifest/changjiang.json" 2 50
"$build/zhushou-native" --lang en --catalog "$zh_t_dir/comp/catalog.json" pack build \
	"$zh_t_dir/comp/recipes" -o "$zh_t_dir/pack.zip" --key "$build/dev-publisher.key" \
	--cert "$build/dev-publisher.pem" --serial 1 --expires +30 >/dev/null
cat_w=$(winepath -w "$zh_t_dir/comp/catalog.json")
pack_w=$(winepath -w "$zh_t_dir/pack.zip")
args=(repair --catalog "$cat_w" --source "$pack_w" --lang en)

zh_seed_fixture cfca-chain-15 cj-ukey-200 cert-enroll-host
IS='HKCU\Software\Microsoft\Windows\CurrentVersion\Internet Settings'
reg() { wine reg "$@" >/dev/null 2>&1; }
reg add "$IS" /v ProxyEnable /t REG_DWORD /d 1 /f
reg add "$IS" /v ProxyOverride /t REG_SZ /d '172.30.*;192.168.*;127.0.0.1' /f
reg add "$IS" /v SecureProtocols /t REG_DWORD /d 0xA0 /f
zh_snapshot "$zh_t_dir/before"

# One clean run: the change points a repair passes, and the "after" state.
zhushou "${args[@]}" --json >"$zh_t_dir/clean.json" || true
points=$(json "$zh_t_dir/clean.json" 'd["change_points"]')
expect_eq "clean repair succeeded" "$(json "$zh_t_dir/clean.json" 'd["exit_code"]')" 0
zh_snapshot "$zh_t_dir/after"
# The transaction is the representative one: every kind of change is in it.
for what in 'CFCA证书链安装程序 1.5' '长江UKey控件 2.00' 'CertEnrollmentHost.ChangJiang'; do
	grep -qF "$what" "$zh_t_dir/before/arp" && ! grep -qF "$what" "$zh_t_dir/after/arp" &&
		ok "the repair removes '$what'" || fail "'$what' is not removed by the repair"
done
for c in 1 2; do
	n=$(grep -c "^Program Files/ZhComp$c/.*\.dat	" "$zh_t_dir/after/files" || true)
	expect_eq "the repair installs component $c (files)" "$n" 50
done
grep -qi 'e2b8294b5584ab6b58c290466cac3fb8398f8483' "$zh_t_dir/after/certs" &&
	! grep -qi 'e2b8294b5584ab6b58c290466cac3fb8398f8483' "$zh_t_dir/before/certs" &&
	ok "the repair adds CFCA EV ROOT" || fail "CFCA EV ROOT is not added by the repair"
grep -q 'cj-pension.com.cn' "$zh_t_dir/after/registry" && ok "the repair sets the trusted sites" ||
	fail "no trusted site set"
[[ $points -gt 100 ]] && ok "a repair passes $points change points" || fail "only $points change points"

# state_is: is the PC now "before" or "after"? Prints which, or "other".
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

# Back to "before" from "after": a rollback (itself checked to restore the exact state).
# The rollback's exit code is seen from Windows (zh_winrun); a Wine start-up failure (no exit
# code, no output) is tried once more, anything else fails.
rollback_to_before()
{
	local code tries=0 s

	while :; do
		code=$(zh_winrun --out "$zh_t_dir/rollback.out" "$(winepath -w "$ZHUSHOU_EXE")" \
			rollback --lang en 2>"$zh_t_dir/rollback.err") || code=none
		tries=$((tries + 1))
		s=$(state_is)
		[[ $s == before ]] && return 0
		[[ $code == none && $tries -lt 2 ]] && continue
		fail "could not return to the start state ($1): rollback exit $code, PC $s"
		cat "$zh_t_dir/rollback.out" "$zh_t_dir/rollback.err"
		zh_snapshot_diff "$zh_t_dir/before" "$zh_t_dir/now" | head -20
		finish
	done
}
rollback_to_before start

if [[ $part == all || $part == crash ]]; then
# Crash at point 1, 2, ... until a run passes all its points and finishes by itself. A crash
# that rolls back leaves "before": the next point starts from there as it is.
befores=0 afters=0 n=0
while :; do
	n=$((n + 1))
	ZHUSHOU_FAULT=crash:$n zhushou "${args[@]}" --json >"$zh_t_dir/run.json" 2>/dev/null && rc=0 || rc=$?
	[[ $rc -eq 99 ]] || break
	# The recovering check must itself end normally (0 or 1), never crash.
	# --wait: a read-only check skips recovery while the lock is held, and Wine may not
	# have released the crashed process's lock yet.
	zhushou check --catalog "$cat_w" --quiet --wait 60 >/dev/null 2>&1 && crc=0 || crc=$?
	[[ $crc -le 1 ]] || fail "the check after crash:$n exited with $crc"
	case $(state_is) in
	before) befores=$((befores + 1)) ;;
	after)
		afters=$((afters + 1))
		rollback_to_before "crash:$n"
		;;
	*)
		fail "crash:$n left the PC neither before nor after"
		zh_snapshot_diff "$zh_t_dir/before" "$zh_t_dir/now" | head -20
		rollback_to_before "crash:$n"
		;;
	esac
	[[ $n -lt 5000 ]] || { fail "the repair never finished"; break; }
done
crashes=$((n - 1))
# The run that got past point n had fewer points: every point of a whole run was crashed at.
# Runs differ from each other by a point or two (state outside the snapshot that earlier
# crashes and recoveries leave, e.g. in zhushou's own folder), so the count is compared with
# the first clean run's within a margin.
last=$(json "$zh_t_dir/run.json" 'd["change_points"]')
[[ $last -le $crashes && $crashes -ge $((points - 5)) ]] &&
	ok "crash sweep: $crashes change points (a whole run: $last), $befores rolled back, $afters completed" ||
	fail "crash sweep covered $crashes change points; the run past them had $last (the first $points)"
expect_eq "the run past the last point finished" "$rc" 0
fi

if [[ $part == all || $part == fail ]]; then
errors=(enospc eacces eio)
for n in $(seq 1 "$points"); do
	e=${errors[$((n % 3))]}
	# (A run Wine could not even start is reported as such, not a silent end of the test.)
	code=$(ZHUSHOU_FAULT=failop:$n:$e zh_winrun "$(winepath -w "$ZHUSHOU_EXE")" "${args[@]}" \
		--quiet 2>/dev/null) || code=none
	s=$(state_is)
	if [[ $code == 1603 && $s == before ]]; then
		:
	elif [[ ($code == 0 || $code == 1) && $s == after ]]; then
		# The failure fell after the commit record: the repair happened. Exit 1 when it
		# hit the re-check, which then could not confirm every item.
		rollback_to_before "failop:$n:$e"
	else
		fail "failop:$n:$e: exit $code, PC $s"
		[[ $s == before ]] || rollback_to_before "failop:$n:$e"
	fi
done
ok "failure sweep: $points change points, each failed once"

# Crashes during recovery: leave a transaction with nearly everything done but its commit
# record (a crash a few points before it: recovery has the whole repair to undo), then crash
# the recovering `check` at each of its points in turn until one finishes. The commit record
# is the transaction's second-to-last state change (zh_db_txn_set), as a traced run names it;
# a run's count can differ from the traced one's by a point or two, hence the margin.
ZHUSHOU_FAULT=trace zhushou "${args[@]}" --quiet >/dev/null 2>"$zh_t_dir/trace.txt" || true
rollback_to_before trace
mid=$(tr -d '\r' <"$zh_t_dir/trace.txt" | awk '/^change point [0-9]+: zh_db_txn_set$/ {n[++k] = $3} END {sub(":", "", n[k - 1]); print n[k - 1] - 5}')
[[ $mid -gt 100 ]] || fail "no commit record found in the trace (point $mid)"
ZHUSHOU_FAULT=crash:$mid zhushou "${args[@]}" --quiet >/dev/null 2>&1 || true
m=1
while :; do
	ZHUSHOU_FAULT=crash:$m zhushou check --catalog "$cat_w" --quiet --wait 60 >/dev/null 2>&1 &&
		rc=0 || rc=$?
	[[ $rc -ne 99 ]] && break
	# A half-undone state between crashes is expected: only the end state counts.
	m=$((m + 1))
	[[ $m -lt 2000 ]] || { fail "recovery never finished"; break; }
done
s=$(state_is)
[[ $s == before || $s == after ]] && ok "recovery survived $((m - 1)) crashes of its own, PC $s" ||
	fail "after recovery the PC is $s"
[[ $((m - 1)) -ge 20 ]] && ok "at least 20 recovery crash points" || fail "only $((m - 1)) recovery crash points"
fi
finish
