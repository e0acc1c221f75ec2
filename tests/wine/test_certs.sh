#!/bin/bash
# The CFCA chain: on a PC without CFCA EV ROOT, `check` names it missing; `repair` adds it to
# LocalMachine Root (committed: docs/wine-notes.md); `check` passes; the certificate store
# snapshot lists it; `rollback` removes it again, byte for byte.
# The host's roots (CFCA EV ROOT among them) sit in every Wine prefix's Root store as volatile
# keys (WINE.md): this test runs in a private mount namespace with /etc/ssl/certs hidden, and
# starts its wineserver there.
if [[ -z ${ZH_CERT_NS:-} ]]; then
	exec env ZH_CERT_NS=1 unshare --mount --propagation private bash "$0" "$@"
fi
empty=$(mktemp -d)
mount --bind "$empty" /etc/ssl/certs || { echo "cannot hide /etc/ssl/certs (needs root)"; exit 1; }
source "$(dirname "$0")/common.sh"
zh_t_settings_catalog
export ZH_SNAPSHOT_EXCLUDE='ProgramData/zhushou'
SHA1=e2b8294b5584ab6b58c290466cac3fb8398f8483

zhushou check --json >"$zh_t_dir/before.json" || true
expect_eq "CFCA EV ROOT missing on this PC" \
	"$(json "$zh_t_dir/before.json" 'd["certificates"][0]["present"]')" false
expect_eq "the check fails" \
	"$(json "$zh_t_dir/before.json" '[c["status"] for c in d["checks"] if c["id"]=="cfca-chain"][0]')" fail
zh_snapshot "$zh_t_dir/before"
if grep -qi "$SHA1" "$zh_t_dir/before/certs"; then fail "the host's CFCA root is visible"; fi

expect_eq "repair" "$(zhushou_code repair)" 0
expect_eq "check after repair" "$(zhushou_code check)" 0
zh_snapshot "$zh_t_dir/after"
grep -i "$SHA1" "$zh_t_dir/after/certs" | grep -qi 'LocalMachine.*Root\|Root.*LocalMachine' &&
	ok "CFCA EV ROOT is in LocalMachine Root" || fail "certs: $(grep -i "$SHA1" "$zh_t_dir/after/certs")"
# A new process (a new crypt32) still sees it: the add was committed, not only cached.
wineserver -k 2>/dev/null || true
expect_eq "check in a new wineserver session" "$(zhushou_code check)" 0

expect_eq "rollback" "$(zhushou_code rollback)" 0
zh_snapshot "$zh_t_dir/rolled"
zh_snapshot_diff "$zh_t_dir/before" "$zh_t_dir/rolled" && ok "rollback removed it byte for byte" ||
	fail "rollback left differences"
finish
