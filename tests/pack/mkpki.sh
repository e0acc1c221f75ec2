#!/bin/bash
# SPDX-License-Identifier: MIT
# The test PKI of the pack tests, made fresh by every run (no key is committed), under the
# build's development root (tools/devpki.sh) so that test builds trust it:
#   inter       intermediate CA (development root -> inter)
#   pub         code-signing publisher (inter -> pub); pub-chain.pem = pub + inter
#   expired     code-signing, valid 2020-01-01 .. 2021-01-01 only
#   noeku       e-mail protection only: no code-signing EKU
#   other-root  a root nobody pins, and untrusted: code-signing under it
# Usage: mkpki.sh OUTDIR DEVPKI_DIR   (DEVPKI_DIR holds dev-root.pem and dev-root.key)
set -euo pipefail
out=${1:?usage: mkpki.sh OUTDIR DEVPKI_DIR}
dev=${2:?usage: mkpki.sh OUTDIR DEVPKI_DIR}
mkdir -p "$out"
cd "$out"
mkdir -p ca
: >ca/index.txt
echo 1000 >ca/serial
cat >ca.cnf <<'CNF'
[ca]
default_ca = test
[test]
dir = ca
database = ca/index.txt
serial = ca/serial
new_certs_dir = ca
default_md = sha256
policy = any
unique_subject = no
copy_extensions = none
[any]
commonName = supplied
organizationName = optional
[v_ca]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[v_root]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[v_code]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = codeSigning
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[v_mail]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = emailProtection
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF

# name CN: a new key and request
req() {
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" \
		-out "$1.csr" -subj "/CN=$2/O=zhushou tests" 2>/dev/null
}
# name issuer-cert issuer-key ext start end
sign() {
	openssl ca -batch -config ca.cnf -notext -cert "$2" -keyfile "$3" -extensions "$4" \
		-startdate "$5" -enddate "$6" -in "$1.csr" -out "$1.pem" 2>/dev/null
}
now=$(date -u +%Y%m%d%H%M%SZ)
later=$(date -u -d '+5 years' +%Y%m%d%H%M%SZ)
req inter "zhushou test intermediate"
sign inter "$dev/dev-root.pem" "$dev/dev-root.key" v_ca "$now" "$later"
req pub "zhushou test publisher 测试发布方"
sign pub inter.pem inter.key v_code "$now" "$later"
req expired "zhushou test expired publisher"
sign expired inter.pem inter.key v_code 20200101000000Z 20210101000000Z
req noeku "zhushou test e-mail certificate"
sign noeku inter.pem inter.key v_mail "$now" "$later"
req other-root "somebody else's root"
openssl ca -batch -config ca.cnf -notext -selfsign -keyfile other-root.key -extensions v_root \
	-startdate "$now" -enddate "$later" -in other-root.csr -out other-root.pem 2>/dev/null
req untrusted "zhushou test untrusted publisher"
sign untrusted other-root.pem other-root.key v_code "$now" "$later"
for c in pub expired noeku; do cat "$c.pem" inter.pem >"$c-chain.pem"; done
cp untrusted.pem untrusted-chain.pem
rm -f ./*.csr
openssl verify -CAfile "$dev/dev-root.pem" -untrusted inter.pem pub.pem >/dev/null
