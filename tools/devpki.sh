#!/bin/sh
# SPDX-License-Identifier: MIT
# Build tool: makes the development publisher PKI of one build directory (docs/formats.md,
# "Trust"): a root (dev-root.pem/.key) and a code-signing publisher certificate issued by it
# (dev-publisher.pem/.key). The demo pack is signed with it at build time, and builds
# configured with -Dtrust_dev_root pin the root next to the production one. Keys stay in the
# build directory, never in git; every fresh build directory gets a new root.
# Usage: devpki.sh OUTDIR
set -eu
out=${1:?usage: devpki.sh OUTDIR}
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
stamp=$(date -u +%Y%m%dT%H%M%SZ)
umask 077
openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 \
	-keyout "$tmp/root.key" -out "$tmp/root.pem" -days 3650 \
	-subj "/CN=zhushou development root $stamp/O=zhushou development build" \
	-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
	2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 \
	-keyout "$tmp/pub.key" -out "$tmp/pub.csr" \
	-subj "/CN=zhushou development publisher $stamp/O=zhushou development build" 2>/dev/null
cat >"$tmp/ext.cnf" <<'EXT'
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = codeSigning
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EXT
openssl x509 -req -in "$tmp/pub.csr" -CA "$tmp/root.pem" -CAkey "$tmp/root.key" \
	-set_serial "0x$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')" -days 1825 -sha256 \
	-extfile "$tmp/ext.cnf" -out "$tmp/pub.pem" 2>/dev/null
umask 022
cp "$tmp/root.pem" "$out/dev-root.pem" && chmod 644 "$out/dev-root.pem"
cp "$tmp/pub.pem" "$out/dev-publisher.pem" && chmod 644 "$out/dev-publisher.pem"
(umask 077 && cp "$tmp/root.key" "$out/dev-root.key" && cp "$tmp/pub.key" "$out/dev-publisher.key")
