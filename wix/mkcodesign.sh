#!/bin/sh
# SPDX-License-Identifier: MIT
# A test code-signing certificate for this build directory: an RSA key and a self-signed
# certificate with the codeSigning extended key usage, made once by meson into OUTDIR
# (codesign-test.pem, codesign-test.key). It signs zhushou.exe and the MSI of development and
# test builds; a publisher passes the real certificate with -Dsign_cert= -Dsign_key= instead
# (README "Signing"). The key never leaves the build directory.
set -eu
out=$1
umask 077
openssl req -x509 -newkey rsa:3072 -sha256 -nodes -days 3650 \
	-keyout "$out/codesign-test.key" -out "$out/codesign-test.pem" \
	-subj "/CN=zhushou test code signing (not for release)/O=zhushou development" \
	-addext "basicConstraints=critical,CA:FALSE" \
	-addext "keyUsage=critical,digitalSignature" \
	-addext "extendedKeyUsage=codeSigning" \
	-addext "subjectKeyIdentifier=hash" 2>"$out/codesign-test.log" ||
	{ cat "$out/codesign-test.log" >&2; exit 1; }
rm -f "$out/codesign-test.log"
chmod 644 "$out/codesign-test.pem"
