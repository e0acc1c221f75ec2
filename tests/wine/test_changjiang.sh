#!/bin/bash
# The Changjiang profile end to end (issue 6's acceptance), with the built-in catalog and the
# offline pack of the stand-ins (BUILD/packages/changjiang-pack.zip):
# - a prefix with every legacy fixture, the decoys, 1,000 unrelated entries, the guide's proxy
#   127.0.0.1:7890 with ProxyOverride 172.30.*;192.168.*;127.0.0.1, an unrelated trusted site
#   and SecureProtocols without TLS 1.2: `check` exits 1 naming every problem, `repair` exits
#   0, `check` exits 0 (codes from a Windows parent);
# - after it: no legacy entry; decoys untouched; ProxyOverride keeps its entries in order with
#   powerservice.csii.com.cn appended once; the unrelated site untouched; both trusted sites
#   and TLS 1.2 set; the four components installed, listed by `list`, verified by `verify
#   --installed`, each working the way a browser uses it: the signing control created by
#   ProgID from script (registration), the native-messaging host found through Chrome's and
#   Edge's keys and answering a framed message, the tool's Start-menu shortcut and ARP entry,
#   the UKEY service answering a TLS handshake for powerservice.csii.com.cn on
#   127.0.0.1:50876 verified against the stand-in's root (which repair put in LocalMachine
#   Root); the hosts file maps the name;
# - the service stopped: `check` names it, `repair` starts it again;
# - the UKEY through the installed PKCS#11 module: none, no certificate, valid, expired,
#   unreadable (warnings, never a failed check);
# - a second repair: no transaction, the PC identical; `repair --force --purge`: the same good
#   state; `remove` of the UKEY control: its service, root, files and keys gone;
# - rolling back every transaction, newest first: the PC byte-identical to before the repair;
# - installing the UKEY control failed or cut off at each change point: the PC as before;
# - a registration removed behind zhushou's back: `verify --installed` and `check` name it,
#   installing the component again puts it back.
# Environment (meson): ZH_CHANGJIANG_PACK, ZH_UKEY_CERTS_DIR.
source "$(dirname "$0")/common.sh"
export ZH_SNAPSHOT_EXCLUDE='ProgramData/zhushou'

for v in ZH_CHANGJIANG_PACK ZH_UKEY_CERTS_DIR; do
	[[ -n ${!v:-} && -e ${!v} ]] || { echo "skip: $v is not set (run through meson test)"; exit 77; }
done
pack=$(winepath -w "$ZH_CHANGJIANG_PACK")
exe=$(winepath -w "$ZHUSHOU_EXE")
IS='HKCU\Software\Microsoft\Windows\CurrentVersion\Internet Settings'
D="$IS\\ZoneMap\\Domains"
SVC='HKLM\System\CurrentControlSet\Services\CjUkeyService'
PF=$WINEPREFIX/drive_c/Program\ Files
regval() { wine reg query "$1" /v "$2" 2>/dev/null | tr -d '\r' | awk -v n="$2" '$1 == n {print $NF}'; }
# repair_code NAME ARGS...: repair from the pack, the Windows exit code; output in NAME.out/.err
repair_code() {
	local name=$1
	shift
	zh_winrun --out "$zh_t_dir/$name.out" "$exe" repair --lang en --source "$pack" "$@" \
		2>"$zh_t_dir/$name.err"
}
tls_ok() {
	openssl s_client -connect 127.0.0.1:50876 -servername powerservice.csii.com.cn \
		-verify_hostname powerservice.csii.com.cn -CAfile "$zh_t_dir/root.pem" \
		-verify_return_error </dev/null >"$zh_t_dir/tls.txt" 2>&1 &&
		grep -q 'Verify return code: 0 (ok)' "$zh_t_dir/tls.txt"
}
check_status() { json "$1" "[c[\"status\"] for c in d[\"checks\"] if c[\"id\"] == \"$2\"][0]"; }
openssl x509 -inform DER -in "$ZH_UKEY_CERTS_DIR/cj-ukey-root.cer" -out "$zh_t_dir/root.pem"
root_sha1=$(openssl x509 -in "$zh_t_dir/root.pem" -noout -fingerprint -sha1 | sed 's/.*=//; s/://g' |
	tr 'A-F' 'a-f')

# --- The prefix of the issue -------------------------------------------------------------------
zh_seed_legacy
zh_seed_decoys
zh_seed_unrelated 1000
zh_seed_portal_settings
# Wine's cscript registers its own type library on its first run: done before the snapshot, so
# that the snapshots compare what zhushou did.
echo 'WScript.Echo(1);' >"$zh_t_dir/warm.js"
wine cscript //nologo "$(winepath -w "$zh_t_dir/warm.js")" >/dev/null 2>&1 || true
zh_snapshot "$zh_t_dir/before"
wine reg query "$SVC" >/dev/null 2>&1 && fail "the service exists before the repair" ||
	ok "no UKEY service before the repair"

# --- check → repair → check ----------------------------------------------------------------------
expect_eq "check before repair" "$(zhushou_code check)" 1
zhushou check --json --lang en >"$zh_t_dir/c1.json" || true
for id in legacy-components trusted-sites proxy-bypass current-components local-service \
	local-service-name tls12; do
	expect_eq "check names '$id'" "$(check_status "$zh_t_dir/c1.json" "$id")" fail
done
code=$(repair_code repair)
[[ $code == 0 || $code == 3010 ]] && ok "repair exits $code" ||
	{ fail "repair exits $code"; tail -5 "$zh_t_dir/repair.err"; }
expect_eq "check after repair" "$(zhushou_code check)" 0
zh_snapshot "$zh_t_dir/after"

# --- The state after -----------------------------------------------------------------------------
# (exact DisplayNames: some decoys' names contain a legacy one)
expect_eq "no legacy control in Add/Remove Programs" \
	"$(awk -F'\t' 'NR == FNR {want[$2] = 1; next} ($3 in want) {n++} END {print n + 0}' \
		<(grep -v '^#' "$ZH_FIXTURES/legacy.tsv" | awk -F'\t' '$8 == 0') "$zh_t_dir/after/arp")" 0
expect_eq "the legacy controls were there before" \
	"$(awk -F'\t' 'NR == FNR {want[$2] = 1; next} ($3 in want) {n++} END {print n + 0}' \
		<(grep -v '^#' "$ZH_FIXTURES/legacy.tsv" | awk -F'\t' '$8 == 0') "$zh_t_dir/before/arp")" \
	"$(grep -v '^#' "$ZH_FIXTURES/legacy.tsv" | awk -F'\t' '$8 == 0' | wc -l)"
changes=$(zh_snapshot_diff "$zh_t_dir/before" "$zh_t_dir/after" | grep -E '^[-+]' | grep -vE '^(---|\+\+\+)' || true)
while IFS='|' read -r name dir; do
	grep -qF -e "$name" -e "${dir//\\//}" -e "$dir" <<<"$changes" && fail "decoy '$name' changed" ||
		ok "decoy '$name' untouched"
done < <(grep -v '^#' "$ZH_FIXTURES/legacy.tsv" | awk -F'\t' '$8 == 1 {print $2 "|" $9}')
expect_eq "ProxyOverride: entries kept in order, the exception appended once" \
	"$(regval "$IS" ProxyOverride)" '172.30.*;192.168.*;127.0.0.1;powerservice.csii.com.cn'
expect_eq "the unrelated trusted site untouched" "$(regval "$D\\example.org" https)" 0x2
expect_eq "trusted site cj-pension.com.cn (https)" "$(regval "$D\\cj-pension.com.cn" https)" 0x2
expect_eq "trusted site cfca.com.cn (http)" "$(regval "$D\\cfca.com.cn" http)" 0x2
expect_eq "SecureProtocols has TLS 1.2" "$(( $(regval "$IS" SecureProtocols) & 0x800 ))" 2048
grep -qiE '^127\.0\.0\.1[[:space:]]+powerservice\.csii\.com\.cn' \
	"$WINEPREFIX/drive_c/windows/system32/drivers/etc/hosts" &&
	ok "the hosts file maps powerservice.csii.com.cn" || fail "no hosts entry"
grep -qi "LocalMachine\\\\Root $root_sha1" "$zh_t_dir/after/certs" &&
	ok "the UKEY service's root is in LocalMachine Root" || fail "the stand-in root is not installed"

zhushou list --json >"$zh_t_dir/list.json" || true
expect_eq "list: the four components, each intact" \
	"$(json "$zh_t_dir/list.json" 'sorted(c["id"] + " " + c["version"] for c in d["installed"] if c["intact"] and not c["id"].startswith("profile."))')" \
	'["cj-enroll-host 1.0.0.3", "cj-sign-control 1.0.0.60", "cj-ukey-control 2.1.0", "cj-ukey-tool 1.0.1.0"]'
expect_eq "list: no legacy control" "$(json "$zh_t_dir/list.json" 'len(d["legacy"])')" 0
expect_eq "verify --installed" "$(zhushou_code verify --installed)" 0

# The signing control, the way IE's script creates it: by ProgID, through the registration.
printf 'var o = new ActiveXObject("CJPension.SignCtrl");\nWScript.Echo(o.Version);\nWScript.Echo(o.Sign("abc"));\n' \
	>"$zh_t_dir/sign.js"
expect_eq "ActiveXObject(\"CJPension.SignCtrl\") works" \
	"$(wine cscript //nologo "$(winepath -w "$zh_t_dir/sign.js")" 2>/dev/null | tr -d '\r' | tr '\n' ' ')" \
	"1.0.0.60 stand-in:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad "
# The native-messaging host, the way Chrome and Edge find it: key -> manifest -> path.
for k in 'Google\Chrome' 'Microsoft\Edge'; do
	m=$(wine reg query "HKLM\\Software\\$k\\NativeMessagingHosts\\com.cjpension.certenrollment" /ve 2>/dev/null |
		tr -d '\r' | awk '/REG_SZ/ {sub(/.*REG_SZ[ ]+/, ""); print}')
	[[ -n $m ]] && ok "$k knows the native-messaging host" || fail "$k: no NativeMessagingHosts key"
done
mdir=$(dirname "$(winepath -u "$m")")
host=$(json "$(winepath -u "$m")" 'd["path"]')
python3 - "$zh_t_dir/req.bin" <<-'EOF'
	import json, struct, sys
	body = json.dumps({"op": "ping"}).encode()
	open(sys.argv[1], "wb").write(struct.pack("<I", len(body)) + body)
	EOF
wine "$mdir/$host" <"$zh_t_dir/req.bin" >"$zh_t_dir/resp.bin" 2>/dev/null || true
expect_eq "the host answers a framed message" \
	"$(python3 -c 'import json,struct,sys; b=open(sys.argv[1],"rb").read(); n=struct.unpack("<I",b[:4])[0]; d=json.loads(b[4:4+n]); print(d["ok"], d["echo"]["op"])' "$zh_t_dir/resp.bin")" \
	"True ping"
# The tool: Start-menu shortcut and Add/Remove Programs entry.
lnk=$WINEPREFIX/drive_c/ProgramData/Microsoft/Windows/Start\ Menu/Programs/CHANGJIANG\ UKEY\ 管理工具/普通用户版.lnk
[[ -f $lnk ]] && ok "Start menu: CHANGJIANG UKEY 管理工具 > 普通用户版" || fail "no Start-menu shortcut"
grep -qF 'ukeytool.exe' "$lnk" 2>/dev/null && ok "the shortcut starts ukeytool.exe" ||
	fail "the shortcut does not name ukeytool.exe"
grep -qF 'CHANGJIANG UKEY 管理工具' "$zh_t_dir/after/arp" && ok "the tool is in Add/Remove Programs" ||
	fail "the tool has no ARP entry"
# The UKEY service: registered to start at boot, answering TLS for the portal's name.
expect_eq "the UKEY service starts at boot" "$(regval "$SVC" Start)" 0x2
zh_wine_hold
wine sc start CjUkeyService >/dev/null 2>&1 || true
sleep 1
tls_ok && ok "TLS handshake for powerservice.csii.com.cn on 127.0.0.1:50876 verifies" ||
	{ fail "no verified TLS on 127.0.0.1:50876"; tail -5 "$zh_t_dir/tls.txt"; }
# Stopped: check names it; repair starts it.
wine sc stop CjUkeyService >/dev/null 2>&1 || true
sleep 1
tls_ok && fail "the service still answers after sc stop" || ok "sc stop: nothing answers"
expect_eq "check with the service stopped" "$(zhushou_code check)" 1
zhushou check --json --lang en >"$zh_t_dir/c2.json" || true
expect_eq "check names the local service" "$(check_status "$zh_t_dir/c2.json" local-service)" fail
expect_eq "the components are still whole" "$(check_status "$zh_t_dir/c2.json" current-components)" ok
code=$(zh_winrun --out "$zh_t_dir/start.out" "$exe" repair --lang en 2>"$zh_t_dir/start.err")
expect_eq "repair starts the service" "$code" 0
grep -qF 'start service CjUkeyService' "$zh_t_dir/start.out" && ok "repair says it starts the service" ||
	fail "repair output: $(head -3 "$zh_t_dir/start.out")"
tls_ok && ok "the service answers again" || fail "the service does not answer after repair"
zh_wine_release

# --- The UKEY through the installed PKCS#11 module (the stand-in's key is files in sim\) -------
ukey_status() { zhushou check --json --lang en >"$zh_t_dir/u.json" 2>/dev/null || true; check_status "$zh_t_dir/u.json" "${1:-ukey}"; }
sim=$PF/CJPension/UKeyControl/sim
expect_eq "no UKEY inserted: a warning" "$(ukey_status)" warn
expect_eq "the installed module is read, no key" "$(json "$zh_t_dir/u.json" 'd["ukey"]["state"]')" no_token
mkdir -p "$sim" "$zh_t_dir/ca"
touch "$sim/token"
expect_eq "a key without a certificate fails its certificate check" "$(ukey_status ukey-certificate)" fail
expect_eq "it says there is no certificate" "$(json "$zh_t_dir/u.json" 'd["ukey"]["certificate_state"]')" no_certificate
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$zh_t_dir/ca/k.pem" \
	-subj "/CN=Clerk Zhang" -days 365 -outform DER -out "$sim/clerk.cer" 2>/dev/null
expect_eq "a key with a valid certificate: ok" "$(ukey_status ukey-certificate)" ok
expect_eq "the certificate's subject" \
	"$(json "$zh_t_dir/u.json" 'd["ukey"]["tokens"][0]["certificates"][0]["subject"]')" "CN = Clerk Zhang"
touch "$sim/locked"
expect_eq "a key the module cannot open fails" "$(ukey_status ukey-certificate)" fail
json "$zh_t_dir/u.json" 'd["ukey"]["tokens"][0]["failed"]' | grep -q 'C_OpenSession' && ok "it names the failing call" ||
	fail "tokens: $(json "$zh_t_dir/u.json" 'd["ukey"]["tokens"]')"
rm -rf "$sim"
expect_eq "no key is a warning only: check exits 0" "$(zhushou_code check)" 0

# --- Nothing to do twice; --force --purge ends in the same state -------------------------------------
zh_snapshot "$zh_t_dir/repaired"
code=$(repair_code again --json)
expect_eq "second repair: exit 0" "$code" 0
expect_eq "second repair: no transaction" "$(json "$zh_t_dir/again.out" 'd["txn"]')" 0
zh_snapshot "$zh_t_dir/again"
zh_snapshot_diff "$zh_t_dir/repaired" "$zh_t_dir/again" >"$zh_t_dir/d2" &&
	ok "second repair changed nothing" || { fail "second repair changed the PC"; head -20 "$zh_t_dir/d2"; }
code=$(repair_code purge --force --purge)
expect_eq "repair --force --purge" "$code" 0
grep -qF 'remove Changjiang UKEY control' "$zh_t_dir/purge.out" && ok "--purge removes first" ||
	fail "--purge did not remove: $(head -5 "$zh_t_dir/purge.out")"
expect_eq "check after --purge" "$(zhushou_code check)" 0
zh_snapshot "$zh_t_dir/purged"
# The same files, keys, certificates and ARP entries. A .lnk records its target's file times,
# which a reinstall renews: its hash is left out, its path is compared.
for s in repaired purged; do
	sed -i 's/\(\.lnk\)\t[0-9a-f]\{64\}$/\1/' "$zh_t_dir/$s/files"
done
zh_snapshot_diff "$zh_t_dir/repaired" "$zh_t_dir/purged" >"$zh_t_dir/d3" &&
	ok "--force --purge ends in the same state" || { fail "--purge state differs"; head -20 "$zh_t_dir/d3"; }

# --- remove: the UKEY control with its service, root, files and keys ---------------------------------
expect_eq "remove cj-ukey-control" "$(zhushou_code remove cj-ukey-control)" 0
wine reg query "$SVC" >/dev/null 2>&1 && fail "the service is still registered" || ok "the service is gone"
zh_snapshot "$zh_t_dir/removed"
grep -qi "LocalMachine\\\\Root $root_sha1" "$zh_t_dir/removed/certs" && fail "the stand-in root remains" ||
	ok "the stand-in root is gone"
grep -qF 'Program Files/CJPension/UKeyControl' "$zh_t_dir/removed/files" && fail "its files remain" ||
	ok "its folder is gone"
expect_eq "check names the missing component" "$(zhushou_code check)" 1

# --- Every transaction rolled back, newest first: the PC as before --------------------------------
ids=$(zhushou history --json | python3 -c 'import json,sys; print(" ".join(str(t["id"]) for t in json.load(sys.stdin)["transactions"] if t["state"] == "done" and t["undoes"] == 0))')
expect_eq "transactions to roll back (repair, start, purge, remove)" "$(wc -w <<<"$ids")" 4
for id in $ids; do
	code=$(zhushou_code rollback "$id")
	[[ $code == 0 ]] && ok "rollback $id" || { fail "rollback $id exits $code"; break; }
done
zh_snapshot "$zh_t_dir/rolled"
zh_snapshot_diff "$zh_t_dir/before" "$zh_t_dir/rolled" >"$zh_t_dir/d4" &&
	ok "rolling back every transaction restores the PC byte for byte" ||
	{ fail "rollback left differences"; head -30 "$zh_t_dir/d4"; }
wine reg query "$SVC" >/dev/null 2>&1 && fail "the service exists after the rollback" ||
	ok "no UKEY service after the rollback"

# --- Installing the UKEY control, failed or cut off at each change point: the PC as before -------
# (its certificate, service creation and start included; services live outside the snapshot's
# Software keys, so the service key is looked at each time)
zh_snapshot "$zh_t_dir/start"
zhushou install cj-ukey-control --source "$pack" --lang en --json >"$zh_t_dir/one.json" 2>/dev/null || true
points=$(json "$zh_t_dir/one.json" 'd["change_points"]')
expect_eq "install cj-ukey-control" "$(json "$zh_t_dir/one.json" 'd["exit_code"]')" 0
zhushou remove cj-ukey-control --lang en >/dev/null 2>&1 || true
errors=(enospc eacces eio)
bad=0
for mode in failop crash; do
	for n in $(seq 1 "$points"); do
		e=${errors[$((n % 3))]}
		f=$mode:$n
		[[ $mode == failop ]] && f=$f:$e
		code=$(ZHUSHOU_FAULT=$f zhushou_code install cj-ukey-control --source "$pack" --lang en) ||
			code=none
		# A cut-off run is recovered by the next one, before it does anything else: rolled
		# back, or completed when its commit record was durable (then removed below).
		if [[ $mode == crash ]]; then
			zhushou history >/dev/null 2>&1
			zhushou list --json >"$zh_t_dir/l.json" 2>/dev/null || true
			json "$zh_t_dir/l.json" '[c["id"] for c in d["installed"]]' | grep -q cj-ukey-control &&
				code=0
		fi
		if [[ $code == 0 ]]; then
			# Past the commit record: it happened; take it away again for the next point.
			zhushou remove cj-ukey-control --lang en >/dev/null 2>&1 || true
		elif [[ $mode == failop && $code != 1603 ]]; then
			fail "$f: exit $code"
			bad=1
		fi
		zh_snapshot "$zh_t_dir/now"
		if ! zh_snapshot_diff "$zh_t_dir/start" "$zh_t_dir/now" >"$zh_t_dir/d5" ||
			wine reg query "$SVC" >/dev/null 2>&1; then
			fail "$f left the PC changed"
			head -20 "$zh_t_dir/d5"
			bad=1
			break 2
		fi
	done
done
[[ $bad -eq 0 && $points -gt 5 ]] &&
	ok "failure and interruption at each of $points change points of the UKEY control's install: PC as before" ||
	fail "UKEY control install sweep ($points points)"

# --- Drift: a registration removed behind zhushou's back is named, and installing puts it back ----
expect_eq "install cj-sign-control" "$(zhushou_code install cj-sign-control --source "$pack")" 0
expect_eq "verify --installed" "$(zhushou_code verify --installed)" 0
wine reg delete 'HKLM\Software\Classes\CJPension.SignCtrl.1\CLSID' /f >/dev/null 2>&1
expect_eq "verify --installed names the drift" "$(zhushou_code verify --installed)" 1
zhushou verify --installed --json >"$zh_t_dir/v.json" 2>/dev/null || true
expect_eq "the drift is the removed value" \
	"$(json "$zh_t_dir/v.json" '[c["drift"] for c in d["installed"] if c["id"] == "cj-sign-control"][0]')" \
	'HKLM\SOFTWARE\Classes\CJPension.SignCtrl.1\CLSID\(default)'
zhushou check --json --lang en >"$zh_t_dir/c3.json" || true
expect_eq "check: the signing control is damaged" \
	"$(json "$zh_t_dir/c3.json" '[c["status"] for c in d["components"] if c["id"] == "cj-sign-control"][0]')" damaged
expect_eq "installing it again" "$(zhushou_code install cj-sign-control --source "$pack")" 0
expect_eq "verify --installed after it" "$(zhushou_code verify --installed)" 0
finish
