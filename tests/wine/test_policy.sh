#!/bin/bash
# Group Policy (HKLM\Software\Policies\zhushou, src/core/policy.h; template in policy/): each
# setting read, shown by `check` (text and JSON) and honored — Source as the pack when no
# --source is given, AllowOnline = 0 refusing a mirror, PublisherCert pinning another
# publisher's root, UserRepair = 0 keeping repairs to IT's quiet runs — and values of the wrong
# type or content named and ignored, never guessed at.
source "$(dirname "$0")/common.sh"
source "$ZH_FIXTURES/seed.sh"

build=$(dirname "$ZHUSHOU_EXE")
if [[ ! -x $build/zhushou-native || ! -f $build/dev-root.key ]]; then
	echo "skip: no zhushou-native or development PKI in $build"
	exit 77
fi
POL='HKLM\Software\Policies\zhushou'
pol() { wine reg add "$POL" /v "$1" /t "$2" /d "$3" /f >/dev/null 2>&1; }
unpol() { wine reg delete "$POL" /v "$1" /f >/dev/null 2>&1 || true; }
chk() { zhushou check --json --lang en >"$zh_t_dir/c.json" 2>/dev/null || true; }
pj() { json "$zh_t_dir/c.json" "d['policy']$1"; }
winpath() { local p=$1; printf 'Z:%s' "${p//\//\\}"; }
PF=$WINEPREFIX/drive_c/Program\ Files
demo=$build/demo-pack.zip

# --- Nothing set; then each value shown by check -------------------------------------------------
chk
expect_eq "no policy: nothing shown" "$(pj '')" \
	'{"allow_online": true, "ignored": [], "publisher_cert": null, "publisher_cert_sha256": null, "source": null, "user_repair": true}'
zhushou check --lang en >"$zh_t_dir/c.txt" 2>/dev/null || true
grep -qF "Group Policy (HKLM" "$zh_t_dir/c.txt" && fail "text names a policy that is not set" ||
	ok "no policy section without a policy"
pol Source REG_EXPAND_SZ '%ProgramData%\packs\cj.zip'
pol AllowOnline REG_DWORD 0
pol UserRepair REG_DWORD 0
chk
expect_eq "Source, %VAR% expanded" "$(pj '["source"]')" 'C:\ProgramData\packs\cj.zip'
expect_eq "AllowOnline = 0" "$(pj '["allow_online"]')" false
expect_eq "UserRepair = 0" "$(pj '["user_repair"]')" false
zhushou check --lang en >"$zh_t_dir/c.txt" 2>/dev/null || true
grep -qF "Group Policy (HKLM\\Software\\Policies\\zhushou)" "$zh_t_dir/c.txt" &&
	grep -q 'source: C:\\ProgramData\\packs\\cj.zip' "$zh_t_dir/c.txt" &&
	grep -q "online sources: not allowed" "$zh_t_dir/c.txt" &&
	grep -q "repair by users: not allowed" "$zh_t_dir/c.txt" &&
	ok "check's text shows the three" || fail "check text: $(cat "$zh_t_dir/c.txt" | head -8)"
# Wrong type or content: named, ignored (the defaults hold).
pol AllowOnline REG_SZ no
pol UserRepair REG_DWORD 7
pol Source REG_DWORD 1
chk
expect_eq "values of the wrong type or content are ignored and named" "$(pj '["ignored"]')" \
	'["Source: not a string value: ignored", "AllowOnline: not a DWORD value: ignored", "UserRepair: must be 0 or 1, is 7: ignored"]'
expect_eq "so the defaults hold" "$(pj '["allow_online"]'),$(pj '["user_repair"]'),$(pj '["source"]')" "true,true,null"
wine reg delete "$POL" /f >/dev/null 2>&1

# --- Source: the pack when no --source is given ---------------------------------------------------
expect_eq "no source at all: install is a usage error" "$(zhushou_code install demo-hello --lang en)" 2
pol Source REG_SZ "$(winpath "$demo")"
expect_eq "with Source set: install demo-hello" "$(zhushou_code install demo-hello --lang en)" 0
cmp -s "$ZH_SOURCE_ROOT/packages/demo-hello/files/readme.txt" "$PF/demo-hello/readme.txt" &&
	ok "its file is in place, from the policy's pack" || fail "demo-hello not installed"
expect_eq "remove it again" "$(zhushou_code remove demo-hello --lang en)" 0

# --- AllowOnline: without the policy a mirror is tried (nothing listens here: named as such); ----
# with AllowOnline = 0 it is refused before any request
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url="https://127.0.0.1:$port/changjiang/"
zhushou install demo-hello --source "$url" --lang en --json >"$zh_t_dir/j1" 2>/dev/null || true
expect_eq "a mirror without the policy: tried, and nothing answers" \
	"$(json "$zh_t_dir/j1" 'd["error"]["code"]')" ZH_ECONNECT
expect_eq "... exit code" "$(json "$zh_t_dir/j1" 'd["exit_code"]')" 1603
pol AllowOnline REG_DWORD 0
zhushou install demo-hello --source "$url" --lang en >/dev/null 2>"$zh_t_dir/e2" || true
expect_eq "a mirror with AllowOnline = 0: refused" \
	"$(zhushou_code install demo-hello --source "$url" --lang en)" 1603
zhushou install demo-hello --source "$url" --lang en --json >"$zh_t_dir/j2" 2>/dev/null || true
expect_eq "... by the policy" "$(json "$zh_t_dir/j2" 'd["error"]["code"]')" ZH_EPOLICY
grep -q "turned off by Group Policy" "$zh_t_dir/e2" && grep -q "AllowOnline = 0" "$zh_t_dir/e2" &&
	ok "it names the policy" || fail "stderr: $(cat "$zh_t_dir/e2")"
pol Source REG_SZ "$url"
zhushou install demo-hello --lang en >/dev/null 2>"$zh_t_dir/e3" || true
grep -q "turned off by Group Policy" "$zh_t_dir/e3" && ok "a mirror as the policy's Source: refused too" ||
	fail "stderr: $(cat "$zh_t_dir/e3")"
[[ ! -e $PF/demo-hello ]] && ok "nothing was installed" || fail "demo-hello was installed"
wine reg delete "$POL" /f >/dev/null 2>&1

# --- PublisherCert: another publisher's root, pinned by IT ------------------------------------------
"$ZH_SOURCE_ROOT/tests/pack/mkpki.sh" "$zh_t_dir/pki" "$build" >/dev/null
"$build/zhushou-native" --lang en pack build "$ZH_SOURCE_ROOT/packages/demo-hello" \
	-o "$zh_t_dir/other.zip" --key "$zh_t_dir/pki/untrusted.key" \
	--cert "$zh_t_dir/pki/untrusted-chain.pem" --serial 7 --expires +365 >/dev/null
other=$(winpath "$zh_t_dir/other.zip")
expect_eq "a pack of another publisher: refused" "$(zhushou_code install demo-hello --source "$other" --lang en)" 1603
pol PublisherCert REG_SZ "not a certificate"
chk
json "$zh_t_dir/c.json" 'd["policy"]["ignored"][0]' | grep -q "^PublisherCert: not a usable root certificate" &&
	ok "a PublisherCert that is no certificate is named and ignored" || fail "policy: $(pj '')"
expect_eq "and pins nothing" "$(zhushou_code install demo-hello --source "$other" --lang en)" 1603
# The leaf, not a root: refused as a pin.
pol PublisherCert REG_SZ "$(openssl x509 -in "$zh_t_dir/pki/untrusted.pem" -outform DER | base64 -w0)"
chk
json "$zh_t_dir/c.json" 'd["policy"]["ignored"][0]' | grep -q "^PublisherCert: not a usable root" &&
	ok "a publisher's own certificate is not taken as a root" || fail "policy: $(pj '')"
pol PublisherCert REG_SZ "$(openssl x509 -in "$zh_t_dir/pki/other-root.pem" -outform DER | base64 -w0)"
chk
expect_eq "check shows the pinned root" "$(pj '["publisher_cert_sha256"]')" \
	"$(openssl x509 -in "$zh_t_dir/pki/other-root.pem" -outform DER | sha256sum | cut -d' ' -f1)"
[[ $(pj '["publisher_cert"]') == *"somebody else's root"* ]] && ok "with its subject" ||
	fail "subject: $(pj '["publisher_cert"]')"
expect_eq "with PublisherCert: the other publisher's pack installs" \
	"$(zhushou_code install demo-hello --source "$other" --lang en)" 0
cmp -s "$ZH_SOURCE_ROOT/packages/demo-hello/files/readme.txt" "$PF/demo-hello/readme.txt" &&
	ok "its file is in place" || fail "demo-hello not installed from the other pack"
zhushou remove demo-hello --lang en >/dev/null 2>&1 || true
wine reg delete "$POL" /f >/dev/null 2>&1

# --- UserRepair = 0: only IT's quiet runs repair ------------------------------------------------------
zh_t_settings_catalog
zh_seed_portal_settings >/dev/null 2>&1
pol UserRepair REG_DWORD 0
export ZH_SNAPSHOT_EXCLUDE='ProgramData/zhushou'
zh_snapshot "$zh_t_dir/before"
zhushou repair --lang en >/dev/null 2>"$zh_t_dir/e4" || true
expect_eq "a user's repair: refused" "$(zhushou_code repair --lang en)" 1603
grep -q "UserRepair = 0" "$zh_t_dir/e4" && ok "it names the policy and IT" || fail "stderr: $(cat "$zh_t_dir/e4")"
expect_eq "a dry run still shows the plan" "$(zhushou_code repair --dry-run --lang en)" 0
zh_snapshot "$zh_t_dir/after"
zh_snapshot_diff "$zh_t_dir/before" "$zh_t_dir/after" >"$zh_t_dir/d" && ok "the refused repair changed nothing" ||
	{ fail "the refused repair changed the PC"; head -20 "$zh_t_dir/d"; }
expect_eq "IT's repair --quiet runs" "$(zhushou_code repair --quiet --lang en)" 0
expect_eq "and the PC is ready" "$(zhushou_code check --lang en)" 0
finish
