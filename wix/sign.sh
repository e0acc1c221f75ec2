#!/bin/sh
# SPDX-License-Identifier: MIT
# Authenticode-signs one file (a PE executable or an MSI) with osslsigncode:
#   sign.sh IN OUT CERT KEY DESCRIPTION URL [TIMESTAMP_URL]
# SHA-256; with TIMESTAMP_URL an RFC 3161 timestamp from that server, so the signature stays
# valid after the certificate expires. Only options osslsigncode 2.5 (Debian bookworm) has.
set -eu
in=$1 out=$2 cert=$3 key=$4 desc=$5 url=$6 ts=${7:-}
rm -f "$out"
if [ -n "$ts" ]; then
	set -- -ts "$ts"
else
	set --
fi
osslsigncode sign -certs "$cert" -key "$key" -h sha256 -n "$desc" -i "$url" "$@" \
	-in "$in" -out "$out" >"$out.log" 2>&1 || { cat "$out.log" >&2; rm -f "$out"; exit 1; }
rm -f "$out.log"
