#!/bin/sh
# SPDX-License-Identifier: MIT
# Build tool for the cj-ukey-control stand-in (packages/README.md): makes the certificates of
# the local HTTPS service at build time, never committed. A root "CJ UKEY Local Root (zhushou
# stand-in)" signs a leaf for powerservice.csii.com.cn / 127.0.0.1 (serverAuth, 10 years), and
# the root's private key is deleted right after: nothing can be signed with it again, as with
# the vendor's own per-install root. Outputs in OUTDIR: ukeysvc.crt (leaf, then root, PEM),
# ukeysvc.key (the leaf's key, PEM) and cj-ukey-root.cer (the root, DER, for the recipe's cert
# step into LocalMachine\Root).
# Usage: mkcert.sh OUTDIR
set -eu
out=${1:?usage: mkcert.sh OUTDIR}
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
serial() { printf '0x%s' "$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"; }
umask 077
openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 \
	-keyout "$tmp/root.key" -out "$tmp/root.pem" -days 3660 -set_serial "$(serial)" \
	-subj "/CN=CJ UKEY Local Root (zhushou stand-in)" \
	-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
	-addext subjectKeyIdentifier=hash 2>"$tmp/log" || { cat "$tmp/log" >&2; exit 1; }
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 \
	-keyout "$tmp/leaf.key" -out "$tmp/leaf.csr" -subj "/CN=powerservice.csii.com.cn" \
	2>"$tmp/log" || { cat "$tmp/log" >&2; exit 1; }
cat >"$tmp/ext.cnf" <<'EXT'
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:powerservice.csii.com.cn, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EXT
openssl x509 -req -in "$tmp/leaf.csr" -CA "$tmp/root.pem" -CAkey "$tmp/root.key" \
	-set_serial "$(serial)" -days 3650 -sha256 -extfile "$tmp/ext.cnf" \
	-out "$tmp/leaf.pem" 2>"$tmp/log" || { cat "$tmp/log" >&2; exit 1; }
# The root signs nothing else: its key goes now, not at the trap.
rm -f "$tmp/root.key"
openssl verify -CAfile "$tmp/root.pem" -purpose sslserver "$tmp/leaf.pem" >/dev/null
openssl x509 -in "$tmp/root.pem" -outform DER -out "$tmp/root.cer"
cat "$tmp/leaf.pem" "$tmp/root.pem" >"$tmp/chain.pem"
# Atomic per file: a rebuild interrupted half-way never leaves a key that does not match.
for f in chain.pem:ukeysvc.crt leaf.key:ukeysvc.key root.cer:cj-ukey-root.cer; do
	cp "$tmp/${f%%:*}" "$out/.${f#*:}.tmp"
	chmod 644 "$out/.${f#*:}.tmp"
	mv -f "$out/.${f#*:}.tmp" "$out/${f#*:}"
done
