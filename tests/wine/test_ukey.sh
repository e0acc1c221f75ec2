#!/bin/bash
# The UKEY checks under Wine (the guide's FAQ 3, 4 and 5): no module (repair's plan installs
# the UKEY control), no key (with what a CD drive and the USB/CD policies say), a key whose
# certificate is issued by the expected CA, one expiring within 30 days, an expired one, a key
# without a certificate, a key the module cannot open; beside it the Windows view of
# smart-card certificates in CurrentUser MY. The module is the stand-in cjp11.dll placed where
# the catalog looks (its key is files in sim\, packages/cj-ukey-control). Checking changes
# nothing on the PC, whatever it finds.
source "$(dirname "$0")/common.sh"
: "${ZH_CJP11_DLL:?}" "${ZH_CHANGJIANG_PACK:?}"

run() { zhushou check --json --lang en >"$zh_t_dir/out.json" 2>"$zh_t_dir/out.err" || true; }
st() { json "$zh_t_dir/out.json" "[c['status'] for c in d['checks'] if c['id']=='$1'][0]"; }
detail() { json "$zh_t_dir/out.json" "[c['detail'] for c in d['checks'] if c['id']=='$1'][0]"; }
uk() { json "$zh_t_dir/out.json" "d['ukey']$1"; }
PF="$WINEPREFIX/drive_c/Program Files"
mod="$PF/CJPension/UKeyControl"
sim="$mod/sim"

# --- No module: the check fails and repair's plan installs the UKEY control --------------------
run
expect_eq "no module: the ukey check fails" "$(st ukey)" fail
expect_eq "its state" "$(uk '["state"]')" no_module
expect_eq "no key, no certificate check" "$(st ukey-certificate)" skip
[[ $(detail ukey) == *"repair installs the Changjiang UKEY control"* ]] &&
	ok "it says repair installs the control" || fail "detail: $(detail ukey)"
zhushou repair --dry-run --json --lang en --source "$(winepath -w "$ZH_CHANGJIANG_PACK")" \
	>"$zh_t_dir/plan.json" 2>/dev/null || true
expect_eq "the plan installs the control once" \
	"$(json "$zh_t_dir/plan.json" 'len([s for s in d["steps"] if "Changjiang UKEY control" in s["what"] and s["what"].startswith("install")])')" 1
# With a catalog whose only reason to install it is the UKEY check, that check asks for it.
python3 - "$ZH_SOURCE_ROOT/manifest/changjiang.json" "$zh_t_dir/ukey-only.json" <<-'PY'
import json, sys
cat = json.load(open(sys.argv[1], encoding="utf-8"))
cat["checks"] = [c for c in cat["checks"] if c["probe"] in ("ukey", "ukey_certificate")]
json.dump(cat, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
zhushou repair --dry-run --json --lang en --catalog "$(winepath -w "$zh_t_dir/ukey-only.json")" \
	--source "$(winepath -w "$ZH_CHANGJIANG_PACK")" >"$zh_t_dir/plan2.json" 2>/dev/null || true
expect_eq "the ukey check's own step" "$(json "$zh_t_dir/plan2.json" '[(s["check"], s["what"]) for s in d["steps"]]')" \
	'[["ukey", "install Changjiang UKEY control 2.1.0 (the UKEY module)"]]'
zhushou repair --dry-run --json --lang en --catalog "$(winepath -w "$zh_t_dir/ukey-only.json")" \
	>"$zh_t_dir/plan3.json" 2>/dev/null || true
expect_eq "without a pack it is what repair cannot fix" \
	"$(json "$zh_t_dir/plan3.json" '[c["check"] for c in d["cannot_fix"]]')" '["ukey"]'

# --- The module, no key: where to look next ----------------------------------------------------------
mkdir -p "$mod"
cp "$ZH_CJP11_DLL" "$mod/cjp11.dll"
zh_snapshot "$zh_t_dir/before"
run
zh_snapshot "$zh_t_dir/after"
zh_snapshot_diff "$zh_t_dir/before" "$zh_t_dir/after" >/dev/null && ok "check changed nothing" ||
	fail "check changed the PC: $(zh_snapshot_diff "$zh_t_dir/before" "$zh_t_dir/after" | head -5)"
expect_eq "no key: a warning" "$(st ukey)" warn
expect_eq "its state" "$(uk '["state"]')" no_token
expect_eq "the module read" "$(uk '["module_path"]')" 'C:\Program Files\CJPension\UKeyControl\cjp11.dll'
expect_eq "the stand-in's library" "$(uk '["library"]')" "zhushou stand-in CJ UKEY PKCS#11 (stand-in)"
[[ $(detail ukey) == *"insert the UKEY"*"CD drive"* ]] && ok "it says to insert the key" ||
	fail "detail: $(detail ukey)"
# A CD drive with the key's label: the key is plugged in, the module does not see it.
mkdir -p "$zh_t_dir/cd"
echo CJUKEY >"$zh_t_dir/cd/.windows-label"
ln -sfn "$zh_t_dir/cd" "$WINEPREFIX/dosdevices/e:"
wine reg add 'HKLM\Software\Wine\Drives' /v 'e:' /t REG_SZ /d cdrom /f >/dev/null 2>&1
zh_wine_wait # Wine reads its drive configuration when its server starts
run
expect_eq "the CD drive is listed as the key" "$(uk '["cdrom_drives"]')" \
	'[{"drive": "E:", "label": "CJUKEY", "ready": true, "ukey": true}]'
[[ $(detail ukey) == *"plugged in (CD drive E: \"CJUKEY\")"*"repair --force"* ]] &&
	ok "it says the key is plugged in but not seen" || fail "detail: $(detail ukey)"
echo OTHERDISC >"$zh_t_dir/cd/.windows-label"
zh_wine_wait # and the volume label when it starts (docs/wine-notes.md)
run
expect_eq "another disc is not the key" "$(uk '["cdrom_drives"][0]["ukey"]')" false
[[ $(detail ukey) == *"insert the UKEY"* ]] && ok "back to: insert the key" || fail "detail: $(detail ukey)"
# USB storage blocked by policy: no key can show up, and IT is named.
wine reg add 'HKLM\SYSTEM\CurrentControlSet\Services\USBSTOR' /v Start /t REG_DWORD /d 4 /f >/dev/null 2>&1
run
[[ $(detail ukey) == *"a policy on this PC blocks USB storage"*"IT"* ]] &&
	ok "the blocking policy is named" || fail "detail: $(detail ukey)"
expect_eq "the policy is reported by its own check too" "$(st usb-policy)" fail
wine reg add 'HKLM\SYSTEM\CurrentControlSet\Services\USBSTOR' /v Start /t REG_DWORD /d 3 /f >/dev/null 2>&1

# --- Keys and their certificates -----------------------------------------------------------------------
# A test CA named like CFCA's; clerks' certificates with chosen dates (openssl ca takes them).
ca=$zh_t_dir/ca
mkdir -p "$ca" "$sim"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$ca/ca.key" \
	-subj "/O=China Financial Certification Authority/CN=CFCA TEST OCA1" -days 3650 \
	-out "$ca/ca.pem" 2>/dev/null
printf '[ca]\ndefault_ca = d\n[d]\ndatabase = index.txt\nserial = serial\nnew_certs_dir = .\ndefault_md = sha256\npolicy = p\n[p]\ncommonName = supplied\n' >"$ca/ca.cnf"
touch "$ca/index.txt"
echo 1000 >"$ca/serial"
mkcert() # CN START END OUT.cer
{
	(
		cd "$ca" && openssl req -utf8 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
			-keyout u.key -subj "/CN=$1" -out u.csr 2>/dev/null &&
			openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -startdate "$2" \
				-enddate "$3" -in u.csr -out u.pem >/dev/null 2>&1 &&
			openssl x509 -in u.pem -outform DER -out "$4"
	) || fail "could not make the certificate for $1"
}
utc() { date -u -d "$1" +%Y%m%d%H%M%SZ; }

touch "$sim/token"
run
expect_eq "a key: present" "$(st ukey)" ok
expect_eq "the token's label" "$(uk '["tokens"][0]["label"]')" "CJ UKEY (stand-in)"
expect_eq "a key without a certificate fails" "$(st ukey-certificate)" fail
expect_eq "its state" "$(uk '["certificate_state"]')" no_certificate
[[ $(detail ukey-certificate) == *"holds no certificate"*"load the certificate again"* ]] &&
	ok "FAQ 5: support loads it again" || fail "detail: $(detail ukey-certificate)"

mkcert "Clerk Zhang 张会计" "$(utc '-1 day')" "$(utc '+365 days')" "$sim/clerk.cer"
run
expect_eq "a valid CFCA certificate: ok" "$(st ukey-certificate)" ok
c='["tokens"][0]["certificates"][0]'
expect_eq "its subject" "$(uk "$c[\"subject\"]")" "CN = Clerk Zhang 张会计"
expect_eq "its issuer" "$(uk "$c[\"issuer\"]")" "O = China Financial Certification Authority, CN = CFCA TEST OCA1"
expect_eq "the expected CA" "$(uk "$c[\"expected_issuer\"]")" true
expect_eq "its serial" "$(uk "$c[\"serial\"]")" \
	"$(openssl x509 -inform DER -in "$sim/clerk.cer" -noout -serial | cut -d= -f2 | tr A-F a-f)"
expect_eq "its end" "$(uk "$c[\"not_after\"]")" \
	"$(date -u -d "$(openssl x509 -inform DER -in "$sim/clerk.cer" -noout -enddate | cut -d= -f2)" +%Y-%m-%dT%H:%M:%SZ)"
[[ $(detail ukey-certificate) == *"Clerk Zhang"*"the expected CA"* ]] && ok "the detail names it" ||
	fail "detail: $(detail ukey-certificate)"
expect_eq "a clean key: check exits 0 on these" "$(st ukey),$(st ukey-certificate)" ok,ok

mkcert "Clerk Soon" "$(utc '-300 days')" "$(utc '+10 days +1 hour')" "$sim/clerk.cer"
run
expect_eq "expiring in 10 days: a warning" "$(st ukey-certificate)" warn
expect_eq "days left" "$(uk "$c[\"days_left\"]")" 10
[[ $(detail ukey-certificate) == *"expires in 10 days"* ]] && ok "it says how many days" ||
	fail "detail: $(detail ukey-certificate)"

mkcert "Clerk Li" 20190101000000Z 20200101000000Z "$sim/clerk.cer"
zh_snapshot "$zh_t_dir/before"
run
expect_eq "expired: fails" "$(st ukey-certificate)" fail
expect_eq "its validity" "$(uk "$c[\"validity\"]")" expired
expect_eq "check exits 1 from Windows" "$(zhushou_code check)" 1
code=$(zhushou_code repair --lang en)
expect_eq "repair cannot renew a certificate: exit 1" "$code" 1
zhushou repair --json --lang en >"$zh_t_dir/r.json" 2>/dev/null || true
expect_eq "it is what repair cannot fix" \
	"$(json "$zh_t_dir/r.json" '"ukey-certificate" in [c["check"] for c in d["cannot_fix"]]')" true

touch "$sim/locked"
run
expect_eq "a key the module cannot open: fails" "$(st ukey-certificate)" fail
expect_eq "the call and its CKR_ name" "$(uk '["tokens"][0]["failed"]')" "C_OpenSession: CKR_TOKEN_NOT_RECOGNIZED"
rm -f "$sim/locked"

# --- The Windows view: CurrentUser MY certificates with a smart-card key ------------------------------
certadd=$(_zh_tool certadd)
mkcert "Clerk Card" "$(utc '-1 day')" "$(utc '+200 days')" "$zh_t_dir/card.cer"
mkcert "Clerk Soft" "$(utc '-1 day')" "$(utc '+200 days')" "$zh_t_dir/soft.cer"
mkcert "Clerk Vendor" "$(utc '-1 day')" "$(utc '+200 days')" "$zh_t_dir/vendor.cer"
mkcert "No Key" "$(utc '-1 day')" "$(utc '+200 days')" "$zh_t_dir/nokey.cer"
zh_winrun "$certadd" --key-provider "Microsoft Base Smart Card Crypto Provider" CurrentUser My "$(winepath -w "$zh_t_dir/card.cer")" >/dev/null
zh_winrun "$certadd" --key-provider "Microsoft Enhanced Cryptographic Provider v1.0" CurrentUser My "$(winepath -w "$zh_t_dir/soft.cer")" >/dev/null
zh_winrun "$certadd" --key-provider "CJPension UKey CSP" CurrentUser My "$(winepath -w "$zh_t_dir/vendor.cer")" >/dev/null
zh_winrun "$certadd" CurrentUser My "$(winepath -w "$zh_t_dir/nokey.cer")" >/dev/null
zh_snapshot "$zh_t_dir/before"
run
zh_snapshot "$zh_t_dir/after"
zh_snapshot_diff "$zh_t_dir/before" "$zh_t_dir/after" >/dev/null && ok "check changed nothing" ||
	fail "check changed the PC: $(zh_snapshot_diff "$zh_t_dir/before" "$zh_t_dir/after" | head -5)"
expect_eq "certificates with a key, and whose provider is a smart card's" \
	"$(uk '["windows_certificates"]' | python3 -c 'import json,sys; print(sorted((c["subject"], c["smartcard"]) for c in json.load(sys.stdin)))')" \
	"[('CN = Clerk Card', True), ('CN = Clerk Soft', False), ('CN = Clerk Vendor', True)]"
[[ $(detail ukey-certificate) == *"holds 2 smart-card certificates: "* &&
	$(detail ukey-certificate) == *"CN = Clerk Card (Microsoft Base Smart Card Crypto Provider)"* &&
	$(detail ukey-certificate) == *"CN = Clerk Vendor (CJPension UKey CSP)"* ]] &&
	ok "the detail shows the Windows view" || fail "detail: $(detail ukey-certificate)"
finish
