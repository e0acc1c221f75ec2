#!/bin/bash
# The stand-ins of the current Changjiang components (packages/README.md), run directly under
# Wine, not installed through zhushou (the install is test_install's and the repair tests'):
# - ukeysvc.exe --console --port P, from a directory holding its certificate and key: TLS for
#   powerservice.csii.com.cn verifies against cj-ukey-root.cer (and not against another root
#   or for another name), GET / answers the JSON, the process stops when killed; without its
#   key it exits non-zero and says which file; without --console it refuses to run
# - the build's certificates: leaf then root in ukeysvc.crt, the key is the leaf's, the root
#   is a CA, and its private key is nowhere in the build output
# - enrollhost.exe: framed requests get framed answers echoing the request (lengths holding
#   0x0a and 0x0d bytes, so text-mode stdin or stdout would break them), bad JSON gets
#   ok:false, EOF exits 0; a message over 1 MiB is refused with a non-zero exit
# - cjsign.dll through tools/comclient.exe: Version and Sign("abc") (and a non-ASCII text)
#   over IDispatch, unknown names and CLSIDs refused, DllCanUnloadNow follows the objects
# - cjp11.dll through tools/p11list.exe, the key simulated by files in `sim` next to the DLL:
#   no sim\token is no token; the token's label and serial; each sim\*.cer is one certificate
#   (label, SHA-1 of its bytes as openssl computes it), other names and folders are not;
#   sim\locked makes C_OpenSession fail with CKR_TOKEN_NOT_RECOGNIZED; and the spec's edge
#   cases (not initialised, initialised twice, bad handles, the two-call length protocol of
#   C_GetAttributeValue, unsupported functions, nothing left after C_Finalize)
# - ukeytool.exe: --version alone, and the no-UKEY message
# - changjiang-pack.zip verifies with zhushou-native, holds the four components at their
#   versions, its payload is byte for byte the built stand-ins, and the recipes' shapes hold
#   (service step last, ARP DisplayName unlike every legacy one of the catalog)
# Environment (meson): ZH_UKEYSVC_EXE, ZH_UKEY_CERTS_DIR, ZH_ENROLLHOST_EXE, ZH_CJSIGN_DLL,
# ZH_CJP11_DLL, ZH_UKEYTOOL_EXE, ZH_CHANGJIANG_PACK, ZH_NATIVE.
source "$(dirname "$0")/common.sh"

for v in ZH_UKEYSVC_EXE ZH_UKEY_CERTS_DIR ZH_ENROLLHOST_EXE ZH_CJSIGN_DLL ZH_CJP11_DLL \
	ZH_UKEYTOOL_EXE ZH_CHANGJIANG_PACK ZH_NATIVE; do
	if [[ -z ${!v:-} || ! -e ${!v} ]]; then
		echo "skip: $v does not name a built file (run through meson test)"
		exit 77
	fi
done
winpath() { local p=$1; printf 'Z:%s' "${p//\//\\}"; }
certs=$ZH_UKEY_CERTS_DIR
clsid='{6F1C2A8E-3B7D-4C59-9E1A-0C4D2B8F7A61}'
want_body='{"service":"cj-ukey-control","version":"2.1.0"}'

# ------------------------------------------------------------------------------------------
# The certificates made by mkcert.sh at build time
openssl x509 -inform DER -in "$certs/cj-ukey-root.cer" -out "$zh_t_dir/root.pem"
expect_eq "root subject" "$(openssl x509 -in "$zh_t_dir/root.pem" -noout -subject -nameopt RFC2253)" \
	"subject=CN=CJ UKEY Local Root (zhushou stand-in)"
if openssl x509 -in "$zh_t_dir/root.pem" -noout -ext basicConstraints | grep -q 'CA:TRUE'; then
	ok "root is a CA"
else
	fail "root has no CA:TRUE"
fi
subjects=$(openssl crl2pkcs7 -nocrl -certfile "$certs/ukeysvc.crt" |
	openssl pkcs7 -print_certs -noout | sed -n 's/^subject=//p' | tr '\n' '|')
expect_eq "ukeysvc.crt: leaf, then root" "$subjects" \
	"CN = powerservice.csii.com.cn|CN = CJ UKEY Local Root (zhushou stand-in)|"
expect_eq "ukeysvc.key is the leaf's key" \
	"$(openssl pkey -in "$certs/ukeysvc.key" -pubout 2>&1 | sha256sum)" \
	"$(openssl x509 -in "$certs/ukeysvc.crt" -noout -pubkey | sha256sum)"
if openssl verify -CAfile "$zh_t_dir/root.pem" -purpose sslserver "$certs/ukeysvc.crt" \
	>/dev/null 2>&1; then
	ok "leaf verifies against the root for serverAuth"
else
	fail "leaf does not verify against cj-ukey-root.cer"
fi
# Every private key in the build output of the packages is the leaf's: the root's is gone.
nkeys=0
while IFS= read -r f; do
	nkeys=$((nkeys + 1))
	[[ $(openssl pkey -in "$f" -pubout 2>/dev/null | sha256sum) == \
		"$(openssl x509 -in "$certs/ukeysvc.crt" -noout -pubkey | sha256sum)" ]] ||
		fail "a private key other than the leaf's in the build output: $f"
done < <(grep -rl -- '-----BEGIN .*PRIVATE KEY-----' "$certs" || true)
if ((nkeys >= 1)); then
	ok "no root private key in the build output ($nkeys leaf key copies)"
else
	fail "no private key found at all in '$certs'"
fi

# ------------------------------------------------------------------------------------------
# ukeysvc.exe --console
svc=$zh_t_dir/ukeysvc
mkdir -p "$svc"
cp "$ZH_UKEYSVC_EXE" "$certs/ukeysvc.crt" "$certs/ukeysvc.key" "$svc/"
# A free port, never 50876 (other tests install the real service there).
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
[[ $port != 50876 ]] || port=50877

listening()
{
	python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1",int(sys.argv[1])),1).close()' \
		"$1" 2>/dev/null
}

wine "$svc/ukeysvc.exe" --console --port "$port" 2>"$zh_t_dir/ukeysvc.err" &
svc_pid=$!
for _ in $(seq 1 300); do
	listening "$port" && break
	kill -0 "$svc_pid" 2>/dev/null || break
	sleep 0.1
done
if listening "$port"; then
	ok "ukeysvc --console listens on 127.0.0.1:$port"
else
	fail "ukeysvc --console is not listening on $port: $(cat "$zh_t_dir/ukeysvc.err")"
fi

# s_client CAFILE HOSTNAME: a GET / over TLS; prints s_client's output, returns its status.
s_client()
{
	printf 'GET / HTTP/1.1\r\nHost: powerservice.csii.com.cn\r\n\r\n' |
		timeout 30 openssl s_client -connect "127.0.0.1:$port" -ign_eof \
			-servername powerservice.csii.com.cn -verify_return_error \
			-CAfile "$1" -verify_hostname "$2" 2>&1
}

rc=0
s_client "$zh_t_dir/root.pem" powerservice.csii.com.cn >"$zh_t_dir/tls.out" || rc=$?
expect_eq "TLS for powerservice.csii.com.cn against cj-ukey-root.cer: s_client status" "$rc" 0
if grep -q 'Verify return code: 0 (ok)' "$zh_t_dir/tls.out"; then
	ok "certificate chain and host name verified"
else
	fail "no 'Verify return code: 0 (ok)': $(grep -i verif "$zh_t_dir/tls.out" | head -3)"
fi
expect_eq "status line" "$(grep -a -m1 '^HTTP/' "$zh_t_dir/tls.out" | tr -d '\r')" \
	"HTTP/1.1 200 OK"
expect_eq "content type" "$(grep -a -i -m1 '^Content-Type:' "$zh_t_dir/tls.out" | tr -d '\r')" \
	"Content-Type: application/json"
expect_eq "body" "$(grep -a -o '{"service".*}' "$zh_t_dir/tls.out" | head -1)" "$want_body"
# The same checks must be able to fail: another root of the same name, another host name.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout /dev/null \
	-out "$zh_t_dir/other-root.pem" -days 1 -subj "/CN=CJ UKEY Local Root (zhushou stand-in)" \
	2>/dev/null
if s_client "$zh_t_dir/other-root.pem" powerservice.csii.com.cn >/dev/null; then
	fail "TLS verified against another root of the same name (verification does not bite)"
else
	ok "TLS refused against another root"
fi
if s_client "$zh_t_dir/root.pem" www.example.com >/dev/null; then
	fail "TLS verified for www.example.com"
else
	ok "TLS refused for another host name"
fi
# Any path answers the same.
got=$(curl -sS --max-time 30 --cacert "$zh_t_dir/root.pem" \
	--resolve "powerservice.csii.com.cn:$port:127.0.0.1" \
	"https://powerservice.csii.com.cn:$port/some/path?x=1" 2>&1) || true
expect_eq "GET /some/path (curl, verified)" "$got" "$want_body"

kill "$svc_pid" 2>/dev/null || true
stopped=no
for _ in $(seq 1 100); do
	if ! kill -0 "$svc_pid" 2>/dev/null && ! listening "$port"; then
		stopped=yes
		break
	fi
	sleep 0.1
done
wait "$svc_pid" 2>/dev/null || true
expect_eq "ukeysvc stopped by kill (process gone, port closed)" "$stopped" yes

nokey=$zh_t_dir/nokey
mkdir -p "$nokey"
cp "$ZH_UKEYSVC_EXE" "$certs/ukeysvc.crt" "$nokey/"
rc=0
timeout 60 wine "$nokey/ukeysvc.exe" --console --port "$port" >"$zh_t_dir/nokey.out" \
	2>"$zh_t_dir/nokey.err" || rc=$?
if [[ $rc -ne 0 && $rc -ne 124 ]]; then
	ok "without ukeysvc.key: exit $rc"
else
	fail "without ukeysvc.key: exit $rc (want non-zero, not a timeout)"
fi
if grep -q "cannot open '.*ukeysvc.key'" "$zh_t_dir/nokey.err"; then
	ok "without ukeysvc.key: says which file"
else
	fail "without ukeysvc.key: message is '$(cat "$zh_t_dir/nokey.err")'"
fi
rc=0
timeout 60 wine "$svc/ukeysvc.exe" >/dev/null 2>"$zh_t_dir/nosvc.err" || rc=$?
expect_eq "without --console, outside the service manager: exit" "$rc" 1
if grep -q 'not started as a service' "$zh_t_dir/nosvc.err"; then
	ok "without --console: says to use --console"
else
	fail "without --console: message is '$(cat "$zh_t_dir/nosvc.err")'"
fi

# ------------------------------------------------------------------------------------------
# enrollhost.exe (native messaging)
# The first request is 0x0d0a bytes long and the first answer 0x0a0a: with stdin or stdout
# in text mode, CR LF / LF in the length prefix would be translated and the framing lost.
python3 - "$zh_t_dir/eh.in" "$zh_t_dir/eh.want" <<-'EOF'
	import json, struct, sys
	def compact(o):
	    return json.dumps(o, ensure_ascii=False, separators=(",", ":")).encode()
	prefix = len(b'{"ok":true,"host":"com.cjpension.certenrollment","version":"1.0.0.3","echo":}')
	r1 = compact({"pad": "x" * (0x0d0a - len(compact({"pad": ""})))})
	r2 = compact({"op": "enroll", "n": [1, 2.5, None, True], "s": "长江养老"})
	r2 = compact({"op": "enroll", "n": [1, 2.5, None, True], "s": "长江养老",
	              "pad": "y" * (0x0a0a - prefix - len(r2) - len(b',"pad":""'))})
	bad = b'{"op": "enroll",'
	assert len(r1) == 0x0d0a and prefix + len(r2) == 0x0a0a
	with open(sys.argv[1], "wb") as f:
	    for m in (r1, r2, bad):
	        f.write(struct.pack("<I", len(m)) + m)
	json.dump([json.loads(r1), json.loads(r2)], open(sys.argv[2], "w"))
	EOF
rc=0
wine "$ZH_ENROLLHOST_EXE" <"$zh_t_dir/eh.in" >"$zh_t_dir/eh.out" 2>"$zh_t_dir/eh.err" || rc=$?
expect_eq "enrollhost: exit at EOF" "$rc" 0
verdict=$(python3 - "$zh_t_dir/eh.out" "$zh_t_dir/eh.want" <<-'EOF'
	import json, struct, sys
	d = open(sys.argv[1], "rb").read()
	want = json.load(open(sys.argv[2]))
	out, lens = [], []
	while d:
	    if len(d) < 4:
	        print("trailing bytes"); sys.exit()
	    (n,) = struct.unpack("<I", d[:4])
	    if len(d) < 4 + n:
	        print(f"frame of {n} bytes, {len(d) - 4} left"); sys.exit()
	    out.append(json.loads(d[4:4 + n].decode("utf-8"))); lens.append(n)
	    d = d[4 + n:]
	if len(out) != 3:
	    print(f"{len(out)} answers"); sys.exit()
	for i in (0, 1):
	    a = out[i]
	    if a != {"ok": True, "host": "com.cjpension.certenrollment", "version": "1.0.0.3",
	             "echo": want[i]}:
	        print(f"answer {i + 1}: {json.dumps(a)[:200]}"); sys.exit()
	if lens[1] != 0x0a0a:
	    print(f"answer 2 is {lens[1]} bytes, not 0x0a0a"); sys.exit()
	if out[2].get("ok") is not False or not out[2].get("error"):
	    print(f"bad JSON answered {out[2]}"); sys.exit()
	print("ok")
	EOF
)
expect_eq "enrollhost: two echoes and one ok:false, framed" "$verdict" ok
python3 -c 'import struct,sys; sys.stdout.buffer.write(struct.pack("<I", 1024*1024 + 1) + b"{}")' \
	>"$zh_t_dir/big.in"
rc=0
wine "$ZH_ENROLLHOST_EXE" <"$zh_t_dir/big.in" >"$zh_t_dir/big.out" 2>/dev/null || rc=$?
if [[ $rc -ne 0 ]]; then
	ok "enrollhost: over 1 MiB: exit $rc"
else
	fail "enrollhost: over 1 MiB: exit 0"
fi
expect_eq "enrollhost: over 1 MiB: answer" \
	"$(python3 -c 'import json,sys; d=open(sys.argv[1],"rb").read(); print(json.loads(d[4:])["ok"])' \
		"$zh_t_dir/big.out" 2>&1)" False
manifest=$ZH_SOURCE_ROOT/packages/cj-enroll-host/com.cjpension.certenrollment.json
expect_eq "host manifest" "$(json "$manifest" '[d["name"], d["path"], d["type"], len(d["allowed_origins"]), all(__import__("re").fullmatch("chrome-extension://[a-p]{32}/", o) for o in d["allowed_origins"])]')" \
	'["com.cjpension.certenrollment", "enrollhost.exe", "stdio", 1, true]'

# ------------------------------------------------------------------------------------------
# cjsign.dll (COM, through tools/comclient.exe)
comclient=$(_zh_tool comclient)
# comclient FILE TEXT: the facts comclient prints, one "key=value" per line, CRs removed.
com()
{
	local rc=0
	wine "$comclient" "$(winpath "$ZH_CJSIGN_DLL")" "$clsid" "$2" >"$1.raw" 2>"$1.err" || rc=$?
	tr -d '\r' <"$1.raw" >"$1"
	expect_eq "comclient '$2': exit" "$rc" 0
}
fact() { sed -n "s/^$2=//p" "$1"; }
com "$zh_t_dir/com1" abc
expect_eq "Version" "$(fact "$zh_t_dir/com1" version)" 1.0.0.60
expect_eq "Sign(\"abc\")" "$(fact "$zh_t_dir/com1" sign)" \
	"stand-in:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
expect_eq "DISPIDs of Version and Sign" \
	"$(fact "$zh_t_dir/com1" version.dispid) $(fact "$zh_t_dir/com1" sign.dispid)" "1 2"
expect_eq "unknown name: DISP_E_UNKNOWNNAME" "$(fact "$zh_t_dir/com1" unknown)" "!ids:80020006"
expect_eq "unknown CLSID: CLASS_E_CLASSNOTAVAILABLE" "$(fact "$zh_t_dir/com1" wrong_clsid)" \
	80040111
expect_eq "no DllRegisterServer" "$(fact "$zh_t_dir/com1" register)" no
expect_eq "DllCanUnloadNow: factory held, object alive, all released" \
	"$(fact "$zh_t_dir/com1" unload_with_factory) $(fact "$zh_t_dir/com1" unload_with_object) $(fact "$zh_t_dir/com1" unload_after_release)" \
	"00000001 00000001 00000000"
text='长江养老 UKEY ✓'
com "$zh_t_dir/com2" "$text"
expect_eq "Sign of non-ASCII text hashes its UTF-8" "$(fact "$zh_t_dir/com2" sign)" \
	"stand-in:$(printf '%s' "$text" | sha256sum | cut -c1-64)"

# ------------------------------------------------------------------------------------------
# cjp11.dll (PKCS#11, through tools/p11list.exe), the key simulated by files in sim\
p11list=$(_zh_tool p11list)
p11=$zh_t_dir/p11
mkdir -p "$p11"
cp "$ZH_CJP11_DLL" "$p11/cjp11.dll"
# p11run NAME [--protocol]: p11list's output (CRs removed) in $zh_t_dir/NAME, exit code in rc.
p11run()
{
	rc=0
	wine "$p11list" ${2:+"$2"} "$(winpath "$p11/cjp11.dll")" >"$zh_t_dir/$1.raw" \
		2>"$zh_t_dir/$1.err" || rc=$?
	tr -d '\r' <"$zh_t_dir/$1.raw" >"$zh_t_dir/$1"
}
# sha1 DER-FILE: the certificate's SHA-1 as openssl computes it, lower-case hex.
sha1()
{
	openssl x509 -inform DER -in "$1" -noout -fingerprint -sha1 | sed 's/.*=//; s/://g' |
		tr 'A-F' 'a-f'
}
slot_token='slot: CJ UKEY reader (zhushou stand-in)
token: CJ UKEY (stand-in) SIM0001'

p11run p11-none
expect_eq "cjp11: no sim folder: output" "$(cat "$zh_t_dir/p11-none")" "no token"
expect_eq "cjp11: no sim folder: exit" "$rc" 2
mkdir -p "$p11/sim/token"
p11run p11-dir
expect_eq "cjp11: sim\\token a folder, not a file: output" "$(cat "$zh_t_dir/p11-dir")" "no token"
rmdir "$p11/sim/token"
touch "$p11/sim/token"
p11run p11-empty
expect_eq "cjp11: sim\\token only: output" "$(cat "$zh_t_dir/p11-empty")" "$slot_token"
expect_eq "cjp11: sim\\token only: exit" "$rc" 0

# Two certificates (one label non-ASCII), and names that are not certificates: a folder
# named *.cer, *.cer.txt, *.cert.
for cn in "Zhang San" "CJ UKEY user"; do
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout /dev/null \
		-subj "/CN=$cn" -days 30 -outform DER -out "$zh_t_dir/${cn// /_}.der" 2>/dev/null
done
cp "$zh_t_dir/Zhang_San.der" "$p11/sim/张三 (长江养老).cer"
cp "$zh_t_dir/CJ_UKEY_user.der" "$p11/sim/a-user.cer"
cp "$zh_t_dir/CJ_UKEY_user.der" "$p11/sim/notes.cer.txt"
cp "$zh_t_dir/CJ_UKEY_user.der" "$p11/sim/other.cert"
mkdir -p "$p11/sim/folder.cer"
p11run p11-certs
# Handles, and so lines, in label order (UTF-8 bytes): "a-user" before "张三".
expect_eq "cjp11: two certificates: output" "$(cat "$zh_t_dir/p11-certs")" "$slot_token
cert: a-user $(sha1 "$zh_t_dir/CJ_UKEY_user.der")
cert: 张三 (长江养老) $(sha1 "$zh_t_dir/Zhang_San.der")"
expect_eq "cjp11: two certificates: exit" "$rc" 0
if [[ $(sha1 "$zh_t_dir/CJ_UKEY_user.der") != "$(sha1 "$zh_t_dir/Zhang_San.der")" ]]; then
	ok "cjp11: the two certificates differ (the SHA-1 check can tell them apart)"
else
	fail "cjp11: the two test certificates are the same"
fi
rm -rf "$p11/sim/notes.cer.txt" "$p11/sim/other.cert" "$p11/sim/folder.cer" "$p11/sim/a-user.cer"

# The spec's edge cases, one certificate on the key (tools/p11list.c --protocol).
p11run p11-protocol --protocol
expect_eq "cjp11 --protocol: exit" "$rc" 0
len=$(stat -c %s "$zh_t_dir/Zhang_San.der")
while IFS= read -r want; do
	key=${want%%=*}
	expect_eq "cjp11: $key" "$(grep -m1 "^$key=" "$zh_t_dir/p11-protocol")" "$want"
done <<-EOF
	before_init.slots=0x190
	before_init.session=0x190
	before_init.finalize=0x190
	init=0x0
	init_again=0x191
	slots_all.rv=0x0
	slots_all.count=1
	slots_small=0x150
	slots_small.count=1
	token_bad_slot=0x3
	session_parallel=0xb4
	session=0x0
	find_bad_session=0xb3
	find_not_init=0x91
	find_init=0x0
	find_init_again=0x90
	find=0x0
	find.first=1
	find_final=0x0
	find_final_again=0x91
	attr_len.rv=0x0
	attr_len.len=$len
	attr_small.rv=0x150
	attr_small.len=0xffffffff
	attr_unknown.rv=0x12
	attr_unknown.len=0xffffffff
	attr_mixed.rv=0x12
	attr_mixed.lens=0xffffffff $len 4
	attr_mixed.class=1
	attr_bad_object=0x82
	unsupported_login=0x54
	close=0x0
	close_again=0xb3
	finalize_reserved=0x7
	finalize=0x0
	finalize_again=0x190
	reinit=0x0
	reinit.old_session=0xb3
	reinit.finalize=0x0
	EOF

touch "$p11/sim/locked"
p11run p11-locked
expect_eq "cjp11: sim\\locked: output" "$(cat "$zh_t_dir/p11-locked")" "$slot_token
error: C_OpenSession 0xe1"
expect_eq "cjp11: sim\\locked: exit" "$rc" 1
# The key is looked for at every call, not once: taken out, it is gone.
rm -f "$p11/sim/locked" "$p11/sim/token"
p11run p11-removed
expect_eq "cjp11: sim\\token removed again: output" "$(cat "$zh_t_dir/p11-removed")" "no token"

# ------------------------------------------------------------------------------------------
# ukeytool.exe
expect_eq "ukeytool --version" "$(wine "$ZH_UKEYTOOL_EXE" --version | tr -d '\r')" 1.0.1.0
if wine "$ZH_UKEYTOOL_EXE" | grep -q 'No UKEY is present'; then
	ok "ukeytool says no UKEY is present"
else
	fail "ukeytool does not say that no UKEY is present"
fi

# ------------------------------------------------------------------------------------------
# The pack
x=$zh_t_dir/pack
rc=0
"$ZH_NATIVE" --lang en verify --json "$ZH_CHANGJIANG_PACK" --extract "$x" >"$zh_t_dir/verify.json" \
	2>"$zh_t_dir/verify.err" || rc=$?
expect_eq "zhushou-native verify changjiang-pack.zip: exit" "$rc" 0
expect_eq "pack verified" "$(json "$zh_t_dir/verify.json" 'd["ok"]')" true
expect_eq "pack holds the four components" \
	"$(json "$zh_t_dir/verify.json" '" ".join(sorted(i["id"] + "=" + i["version"] for i in d["items"]))')" \
	"cj-enroll-host=1.0.0.3 cj-sign-control=1.0.0.60 cj-ukey-control=2.1.0 cj-ukey-tool=1.0.1.0"
same()
{
	if cmp -s "$1" "$2"; then
		ok "payload $(basename "$1") is the built file"
	else
		fail "payload '$1' differs from '$2' (or is missing)"
	fi
}
same "$x/cj-ukey-control/payload/ukeysvc.exe" "$ZH_UKEYSVC_EXE"
same "$x/cj-ukey-control/payload/ukeysvc.crt" "$certs/ukeysvc.crt"
same "$x/cj-ukey-control/payload/ukeysvc.key" "$certs/ukeysvc.key"
same "$x/cj-ukey-control/payload/cj-ukey-root.cer" "$certs/cj-ukey-root.cer"
same "$x/cj-ukey-control/payload/cjp11.dll" "$ZH_CJP11_DLL"
same "$x/cj-ukey-tool/payload/ukeytool.exe" "$ZH_UKEYTOOL_EXE"
same "$x/cj-sign-control/payload/cjsign.dll" "$ZH_CJSIGN_DLL"
same "$x/cj-enroll-host/payload/enrollhost.exe" "$ZH_ENROLLHOST_EXE"
same "$x/cj-enroll-host/payload/com.cjpension.certenrollment.json" "$manifest"
expect_eq "cj-ukey-control: steps in order" \
	"$(json "$x/cj-ukey-control/bundle.json" '" ".join(s["op"] for s in d["install"])')" \
	"copy copy copy copy copy cert service"
expect_eq "cj-ukey-control: where cjp11.dll goes" \
	"$(json "$x/cj-ukey-control/bundle.json" '[[s["dst_root"], s["dst"]] for s in d["install"] if s.get("src") == "payload/cjp11.dll"]')" \
	'[["app", "CJPension/UKeyControl/cjp11.dll"]]'
# The catalog's UKEY check loads the module from there (the app root is %ProgramFiles%).
expect_eq "catalog: the UKEY check's PKCS#11 module (its first path)" \
	"$(json "$ZH_SOURCE_ROOT/manifest/changjiang.json" 'd["ukey"]["pkcs11_module"][0]')" \
	'%ProgramFiles%\CJPension\UKeyControl\cjp11.dll'
# shellcheck disable=SC2016 # ${app} is the recipe's, not the shell's
expect_eq "cj-ukey-control: the service" \
	"$(json "$x/cj-ukey-control/bundle.json" '[d["install"][-1][k] for k in ("name", "start", "command")]')" \
	'["CjUkeyService", "auto", "\"${app}\\CJPension\\UKeyControl\\ukeysvc.exe\""]'
arp='SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall\CJUKeyTool'
expect_eq "cj-ukey-tool: ARP DisplayName" \
	"$(json "$x/cj-ukey-tool/bundle.json" "[s['data'] for s in d['install'] if s['op'] == 'reg' and s['key'] == r'$arp' and s['name'] == 'DisplayName']")" \
	'["CHANGJIANG UKEY 管理工具"]'
legacy=$(python3 - "$ZH_SOURCE_ROOT/manifest/changjiang.json" "$x/cj-ukey-tool/bundle.json" <<-'EOF'
	import json, sys
	cat = json.load(open(sys.argv[1], encoding="utf-8"))
	names = set()
	def walk(o):
	    if isinstance(o, dict):
	        if isinstance(o.get("display_name"), str):
	            names.add(o["display_name"])
	        for v in o.values():
	            walk(v)
	    elif isinstance(o, list):
	        for v in o:
	            walk(v)
	walk(cat)
	b = json.load(open(sys.argv[2], encoding="utf-8"))
	mine = [s["data"] for s in b["install"] if s["op"] == "reg" and s["name"] == "DisplayName"]
	print(f"{len(names)} legacy names, clash: {[m for m in mine if m in names]}")
	EOF
)
if [[ $legacy == *"clash: []" && $legacy != "0 legacy names"* ]]; then
	ok "ARP DisplayName unlike the catalog's legacy ones ($legacy)"
else
	fail "ARP DisplayName check: $legacy"
fi
# shellcheck disable=SC2016 # ${app} is the recipe's, not the shell's
expect_eq "cj-sign-control: InprocServer32" \
	"$(json "$x/cj-sign-control/bundle.json" "[s['data'] for s in d['install'] if s['op'] == 'reg' and s['key'].endswith('InprocServer32') and s['name'] == '']")" \
	'["${app}\\CJPension\\SignCtrl\\cjsign.dll"]'
expect_eq "cj-enroll-host: Chrome and Edge registrations" \
	"$(json "$x/cj-enroll-host/bundle.json" "sorted(s['key'].split('\\\\')[1] for s in d['install'] if s['op'] == 'reg')")" \
	'["Google", "Microsoft"]'

finish
