#!/bin/bash
# Installs what is missing on a Debian bookworm machine, builds the pinned dependencies (cached
# outside the clone, see deps/) and builds zhushou into build/. Safe to run again: a warm run
# installs nothing and rebuilds only what changed. Sourced by demo.sh and test.sh.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

packages=(
  # build
  gcc make pkg-config meson ninja-build mingw-w64 clang-format git ca-certificates libp11-kit-dev
  # native libraries for the unit tests and publisher tools
  libsqlite3-dev libarchive-dev libssl-dev libcurl4-openssl-dev libcjson-dev libminizip-dev
  zlib1g-dev
  # dependency builds from Debian sources (deps/build.sh)
  dpkg-dev tcl autoconf automake libtool cmake
  # fuzzing (libFuzzer with ASan + UBSan: a second, clang build directory; scripts/test.sh)
  clang libclang-rt-14-dev
  # signed packs: test PKI and signatures with the openssl CLI, hostile corpus in Python,
  # peak memory of the pack benchmark with /usr/bin/time
  openssl python3 time
  # UKEY reading natively against a real PKCS#11 module (tests/unit/test_p11.c)
  softhsm2
  # the test platform and the vendors' stand-in installers; zhushou's own MSI (wix/) and its
  # Authenticode signatures (osslsigncode 2.5 in bookworm)
  wine wine64 nsis wixl msitools osslsigncode
  # windows on screen, Chinese text
  xvfb xauth x11-apps fonts-wqy-microhei locales
  imagemagick # convert: test_gui's screenshots (xwd → PNG)
  libxml2-utils # xmllint: the Group Policy template's tests (tests/policy) validate policy/*.adm[xl]
  tinyproxy # online mode's tests (tests/wine/online.sh): a real HTTP proxy, with and without auth
)

zh_log() { printf '[setup %s] %s\n' "$(date +%H:%M:%S)" "$*"; }

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || { echo "setup: run as root to install: ${missing[*]}" >&2; exit 1; }
  zh_log "installing ${#missing[@]} packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
# Wine under LANG=zh_CN.UTF-8 needs the locale generated, or console text turns into '?'.
if ! locale -a 2>/dev/null | grep -qi '^zh_CN.utf8$'; then
  zh_log "generating the zh_CN.UTF-8 locale"
  sed -i 's/^# *zh_CN.UTF-8 UTF-8/zh_CN.UTF-8 UTF-8/' /etc/locale.gen
  grep -q '^zh_CN.UTF-8 UTF-8' /etc/locale.gen || echo 'zh_CN.UTF-8 UTF-8' >>/etc/locale.gen
  locale-gen >/dev/null
fi

zh_log "dependencies (deps/build.sh)"
ZH_DEPS=$("$here/deps/build.sh" | tail -1)
export ZH_DEPS
zh_log "dependencies in $ZH_DEPS"

ZH_BUILD=${ZH_BUILD:-$here/build}
export ZH_BUILD
if [ ! -f "$ZH_BUILD/build.ninja" ]; then
  meson setup "$ZH_BUILD" "$here" --cross-file "$here/cross/x86_64-w64-mingw32.txt" \
    -Ddeps_prefix="$ZH_DEPS" >"$here/build-setup.log" 2>&1 ||
    { cat "$here/build-setup.log"; exit 1; }
  rm -f "$here/build-setup.log"
elif [ "$(cat "$ZH_BUILD/.deps_prefix" 2>/dev/null)" != "$ZH_DEPS" ]; then
  meson configure "$ZH_BUILD" -Ddeps_prefix="$ZH_DEPS" >/dev/null
fi
echo "$ZH_DEPS" >"$ZH_BUILD/.deps_prefix"
zh_log "building"
ninja -C "$ZH_BUILD" >"$ZH_BUILD/ninja.log" 2>&1 || { tail -50 "$ZH_BUILD/ninja.log"; exit 1; }
zh_log "built $ZH_BUILD/zhushou.exe"
