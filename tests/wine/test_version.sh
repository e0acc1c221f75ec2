#!/bin/bash
# `zhushou version` reports the six libraries as they report themselves at run time, matching
# the Debian source versions deps/build.sh built; the exe imports Windows system DLLs only.
source "$(dirname "$0")/common.sh"

zhushou version --json >"$zh_t_dir/v.json"
for lib in sqlite openssl curl libarchive zlib minizip cjson; do
	v=$(json "$zh_t_dir/v.json" "d['libraries']['$lib'] or ''")
	if [[ -n $v ]]; then ok "$lib reports version '$v'"; else fail "$lib has no version"; fi
done
deps=$(json "$zh_t_dir/v.json" 'd["deps"]')
# Each library's upstream version appears in the Debian version it was built from.
for pair in "sqlite:sqlite3" "curl:curl" "libarchive:libarchive" "zlib:zlib" "cjson:cjson"; do
	lib=${pair%%:*} pkg=${pair##*:}
	v=$(json "$zh_t_dir/v.json" "d['libraries']['$lib']" | grep -oE '[0-9]+\.[0-9]+(\.[0-9]+)?' | head -1)
	if [[ $deps == *"$pkg "*"$v"* || $deps == *"$pkg $v"* ]]; then
		ok "$lib $v was built from the pinned Debian source"
	else
		fail "$lib $v not in the pins '$deps'"
	fi
done
ossl=$(json "$zh_t_dir/v.json" 'd["libraries"]["openssl"]')
[[ $ossl == OpenSSL\ 3.* ]] && ok "OpenSSL 3 linked" || fail "openssl is '$ossl'"

# A statically linked exe imports only DLLs every Windows has.
imports=$(x86_64-w64-mingw32-objdump -p "$ZHUSHOU_EXE" | sed -n 's/^[[:space:]]*DLL Name: //p' | tr 'A-Z' 'a-z' | sort -u)
allowed='^(advapi32|bcrypt|crypt32|gdi32|iphlpapi|kernel32|msvcrt|secur32|shell32|user32|ws2_32|wldap32|normaliz|ole32|oleaut32|comctl32|shlwapi|version|wininet|winhttp)\.dll$'
bad=$(grep -vE "$allowed" <<<"$imports" || true)
if [[ -z $bad ]]; then ok "imports only system DLLs: $(tr '\n' ' ' <<<"$imports")"; else fail "non-system imports: $bad"; fi
finish
