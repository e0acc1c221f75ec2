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
allowed='^(advapi32|bcrypt|crypt32|gdi32|iphlpapi|kernel32|msvcrt|secur32|shell32|user32|ws2_32|wldap32|normaliz|ole32|oleaut32|shlwapi|version|wininet|winhttp)\.dll$'
bad=$(grep -vE "$allowed" <<<"$imports" || true)
if [[ -z $bad ]]; then ok "imports only system DLLs: $(tr '\n' ' ' <<<"$imports")"; else fail "non-system imports: $bad"; fi

# comctl32 is the window's alone (gui.c loads it): imported, its start-up would make Wine start
# its desktop process (explorer.exe /desktop) at every console run. A run of `version` on a
# prefix whose desktop process has exited starts none.
zh_wine_wait
WINEDEBUG=+process wine "$ZHUSHOU_EXE" version >/dev/null 2>"$zh_t_dir/process.txt"
if grep -q 'trace:process' "$zh_t_dir/process.txt"; then
	if grep -qi 'explorer\.exe' "$zh_t_dir/process.txt"; then
		fail "a console run started Wine's desktop process: $(grep -i -m1 'explorer\.exe' "$zh_t_dir/process.txt")"
	else
		ok "a console run starts no desktop process (explorer.exe)"
	fi
else
	fail "no process trace from WINEDEBUG=+process (nothing to judge by)"
fi
finish
