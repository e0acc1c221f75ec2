#!/usr/bin/env bash
# Builds zhushou's third-party libraries as static x86_64-w64-mingw32 libraries from the
# Debian source packages pinned in deps/pins.txt, into a prefix cached outside the clone.
#
#   deps/build.sh                 build unless already cached; the last stdout line is the prefix
#   deps/build.sh --print-prefix  print the prefix if it is already built, else exit 1
#
# Progress goes to stderr, so `DEPS=$(deps/build.sh | tail -1)` still shows it.
# ZH_DEPS_CACHE sets the cache root (default /var/cache/zhushou/deps).
set -euo pipefail

HOST=x86_64-w64-mingw32
ROOT=$(realpath -m "${ZH_DEPS_CACHE:-/var/cache/zhushou/deps}")
SELF=$(readlink -f "${BASH_SOURCE[0]}")
PINS=$(dirname "$SELF")/pins.txt
# Source packages in build order: each needs only those before it.
PACKAGES=(zlib openssl sqlite3 curl libarchive cjson)
# gcc/libc6-dev: SQLite generates its amalgamation with host tools; bzip2/xz-utils: dpkg-source.
TOOLS=(mingw-w64 dpkg-dev tcl autoconf automake libtool cmake make pkg-config perl gcc libc6-dev
       bzip2 xz-utils)

# The cache key covers neither the environment nor the caller's flags, so none may leak in.
unset CC CFLAGS CPPFLAGS LDFLAGS LIBS MAKEFLAGS PKG_CONFIG_PATH PKG_CONFIG_LIBDIR
export LC_ALL=C

declare -A SUITE=()    # package -> suite, from pins.txt
declare -A EXACT=()    # package -> Debian version, where pins.txt names one
declare -A DSC=()      # package -> "<name>.dsc SHA256:<hash>" as the apt source index has it
declare -A VERSION=()  # package -> Debian version, from the fetched .dsc

say() { printf '[deps] %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

read_pins() {
  local pkg suite version extra
  while read -r pkg suite version extra; do
    [[ -z $pkg || $pkg == \#* ]] && continue
    [[ -n $suite && -z $extra ]] ||
      die "$PINS: expected '<package> <suite> [<version>]': $pkg $suite $version $extra"
    SUITE[$pkg]=$suite
    [[ -z $version ]] || EXACT[$pkg]=$version
  done <"$PINS"
  for pkg in "${PACKAGES[@]}"; do
    [[ -n ${SUITE[$pkg]:-} ]] || die "$PINS: $pkg is not pinned"
  done
  (( ${#SUITE[@]} == ${#PACKAGES[@]} )) || die "$PINS pins a package build.sh has no recipe for"
}

# What apt-get source is asked for: NAME=VERSION where the pin names a version, else NAME/SUITE.
specs() {
  local pkg
  for pkg in "${PACKAGES[@]}"; do
    if [[ -n ${EXACT[$pkg]:-} ]]; then
      printf '%s=%s\n' "$pkg" "${EXACT[$pkg]}"
    else
      printf '%s/%s\n' "$pkg" "${SUITE[$pkg]}"
    fi
  done
}

# Resolves each pin to its .dsc from the local source index: no network, so warm runs work
# offline. Resolving NAME/SUITE (not NAME) is what apt-get source fetches later; the newest
# security version can be listed yet not served (404).
resolve() {
  local out uri file size hash pkg
  out=$(specs | xargs apt-get source --print-uris -qq) || return 1
  while read -r uri file size hash; do
    [[ $file == *.dsc ]] && DSC[${file%%_*}]="$file $hash"
  done <<<"$out"
  for pkg in "${PACKAGES[@]}"; do
    [[ -n ${DSC[$pkg]:-} ]] || return 1
  done
}

# apt-get source needs deb-src entries; the image ships only deb ones. Mirror the deb entries,
# and list the suites pins.txt names that the image does not (trixie for curl) with the main
# archive: deb-src only, so nothing installed comes from them. A file from an older run that
# lacks a suite a pin now needs is written again.
enable_deb_src() {
  local debian=/etc/apt/sources.list.d/debian.sources
  local ours=/etc/apt/sources.list.d/zhushou-src.sources
  local want
  if [[ -f $ours ]] || ! grep -Eqs '^[[:space:]]*(deb-src[[:space:]]|Types:.*deb-src)' \
       /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; then
    [[ -f $debian ]] || die "no deb-src entries, and no $debian to derive them from"
    want=$(src_entries "$debian")
    if [[ $want != "$(cat "$ours" 2>/dev/null)" ]]; then
      say "writing deb-src entries: $ours"
      printf '%s\n' "$want" >"$ours"
    fi
  fi
  say "apt-get update (for the source index)"
  apt-get update -qq >&2
}

# debian.sources as deb-src entries, with every pinned suite it lacks added to the stanza of
# the main archive (a URI ending in /debian, not /debian-security).
src_entries() {
  local extra=() suite
  for suite in $(printf '%s\n' "${SUITE[@]}" | sort -u); do
    grep -Eq "^Suites:.*[[:space:]]$suite([[:space:]]|\$)" "$1" || extra+=("$suite")
  done
  awk -v extra="${extra[*]}" 'BEGIN { RS = ""; FS = OFS = "\n" }
    {
      main = $0 ~ /(^|\n)URIs:[^\n]*\/debian\/?([[:space:]]|\n|$)/
      for (i = 1; i <= NF; i++) {
        if ($i ~ /^Types:/) $i = "Types: deb-src"
        else if (main && extra != "" && $i ~ /^Suites:/) $i = $i " " extra
      }
      printf "%s%s", (NR > 1 ? "\n\n" : ""), $0
    }
    END { print "" }' "$1"
}

ensure_tools() {
  local installed missing=() tool
  installed=$(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' "${TOOLS[@]}" 2>/dev/null || true)
  for tool in "${TOOLS[@]}"; do
    grep -qx "$tool ii " <<<"$installed" || missing+=("$tool")
  done
  (( ${#missing[@]} )) || return 0
  say "installing build tools: ${missing[*]}"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# Everything that decides the output: exact sources, this recipe, the pins and the toolchain
# (compiler, and the mingw-w64 CRT and headers that end up linked into every exe).
compute_key() {
  {
    local pkg
    for pkg in "${PACKAGES[@]}"; do echo "$pkg ${SUITE[$pkg]} ${DSC[$pkg]}"; done
    sha256sum <"$SELF"
    sha256sum <"$PINS"
    "$HOST-gcc" --version | head -n1
    dpkg-query -W -f='${Package} ${Version}\n' gcc-mingw-w64-x86-64-win32 mingw-w64-x86-64-dev
  } | sha256sum | cut -c1-16
}

# Runs one build function with its output in logs/<name>.log; on failure shows the log's tail.
step() {
  local name=$1 fn=$2 started=$SECONDS rc
  local log=$ROOT/logs/$name.log
  # errexit is off inside a function called as `fn || …`, so run it as a plain command.
  set +e
  ( set -e; "$fn" ) >"$log" 2>&1
  rc=$?
  set -e
  if (( rc )); then
    say "$name failed (exit $rc) after $((SECONDS - started))s; last lines of $log:"
    tail -n 40 "$log" >&2
    exit 1
  fi
  say "$(printf '%-10s %4ds' "$name" $((SECONDS - started)))"
}

unpack() {
  dpkg-source -x "$ROOT/sources/${DSC[$1]%% *}" "$WORK/$1"
}

upstream_version() {
  sed -E 's/^[0-9]+://; s/-[^-]*$//; s/[.+~]dfsg.*$//' <<<"${VERSION[$1]}"
}

fetch_sources() {
  cd "$ROOT/sources"
  # Files already here are checked against the index and not downloaded again.
  specs | xargs apt-get source --download-only
}

build_zlib() {
  unpack zlib
  cd "$WORK/zlib"
  CHOST=$HOST ./configure --static
  make -j2 libz.a
  install -D -m644 libz.a "$STAGE/lib/libz.a"
  install -D -m644 -t "$STAGE/include" zlib.h zconf.h
}

# minizip has no cross build of its own (contrib/minizip's autotools want a separate package).
build_minizip() {
  cd "$WORK/zlib/contrib/minizip"
  local src
  for src in ioapi iowin32 zip unzip; do
    "$HOST-gcc" -O2 -I"$STAGE/include" -c "$src.c" -o "$src.o"
  done
  "$HOST-ar" rcs "$STAGE/lib/libminizip.a" ioapi.o iowin32.o zip.o unzip.o
  install -D -m644 -t "$STAGE/include/minizip" ioapi.h iowin32.h zip.h unzip.h
}

build_openssl() {
  unpack openssl
  cd "$WORK/openssl"
  ./Configure mingw64 no-shared no-tests --cross-compile-prefix="$HOST-" \
    --prefix="$STAGE" --libdir=lib
  # Left alone, libcrypto would read openssl.cnf and load engines/providers from under the
  # staging path, i.e. C:\var\cache\... on Windows, which any user may create. Use the
  # admin-only places of upstream's Windows builds. Configure cannot take "C:/..." (it
  # prefixes relative paths), but these make variables are what the compile uses.
  local dirs=(OPENSSLDIR="C:/Program Files/Common Files/SSL"
              ENGINESDIR="C:/Program Files/OpenSSL/lib/engines-3"
              MODULESDIR="C:/Program Files/OpenSSL/lib/ossl-modules")
  make -j2 build_libs "${dirs[@]}"
  make install_dev "${dirs[@]}"
}

build_sqlite3() {
  unpack sqlite3
  # Debian ships SQLite's full tree, not the amalgamation: generate sqlite3.c with host tools.
  mkdir "$WORK/sqlite3-host"
  cd "$WORK/sqlite3-host"
  "$WORK/sqlite3/configure" --disable-tcl --disable-readline
  make sqlite3.c
  # No loading of DLLs through SQL in a program that runs elevated. Pages are read and written
  # at the file pointer (SetFilePointerEx, then ReadFile/WriteFile), not through an OVERLAPPED
  # offset: Wine posts every OVERLAPPED I/O's completion to wineserver, one more request for
  # each page and journal record (about 650 in an install of 2,000 files).
  "$HOST-gcc" -O2 -DSQLITE_OMIT_LOAD_EXTENSION -DSQLITE_WIN32_NO_OVERLAPPED \
    -c sqlite3.c -o sqlite3.o
  "$HOST-ar" rcs "$STAGE/lib/libsqlite3.a" sqlite3.o
  install -D -m644 -t "$STAGE/include" sqlite3.h sqlite3ext.h
}

build_curl() {
  unpack curl
  cat >"$WORK/toolchain.cmake" <<EOF
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(CMAKE_C_COMPILER $HOST-gcc)
set(CMAKE_RC_COMPILER $HOST-windres)
set(CMAKE_FIND_ROOT_PATH /usr/$HOST "$STAGE")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
EOF
  # curl comes from trixie (8.14.1): its transfer loop reads until EAGAIN, which fetch.c's
  # OpenSSL read-ahead needs (7.88 stalls with it).
  # CURL_WINDOWS_SSPI: SSPI is what answers a proxy's Negotiate/NTLM challenge with the user's
  # logon. It defaults to the Schannel choice (off with OpenSSL); 7.88 forced it off with
  # OpenSSL and only -DUSE_WINDOWS_SSPI=ON got it in, so the grep below checks the outcome.
  # BUILD_STATIC_LIBS: 8.x builds the static library only when asked (or when nothing is).
  # CURL_CA_BUNDLE/PATH=none: "auto" probes the build host and would bake in
  # /etc/ssl/certs/ca-certificates.crt, i.e. a user-creatable C:\etc\... on Windows. Trust
  # comes from CURLSSLOPT_NATIVE_CA (the Windows Root store) instead.
  # No OpenSSL config loading: OPENSSL_CONF is the user's environment, even when elevated.
  # HTTP_ONLY leaves WebSocket (ws://, wss://) on in 8.x; CURL_DISABLE_WEBSOCKETS turns it off.
  # CURL_USE_PKGCONFIG=OFF: no dependency is found through the build host's pkg-config.
  cmake -S "$WORK/curl" -B "$WORK/curl-obj" -DCMAKE_TOOLCHAIN_FILE="$WORK/toolchain.cmake" \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_FLAGS="$PATHMAP" -DCMAKE_INSTALL_PREFIX="$STAGE" \
    -DBUILD_SHARED_LIBS=OFF -DBUILD_STATIC_LIBS=ON -DBUILD_CURL_EXE=OFF -DBUILD_TESTING=OFF \
    -DBUILD_EXAMPLES=OFF -DBUILD_LIBCURL_DOCS=OFF -DBUILD_MISC_DOCS=OFF -DENABLE_CURL_MANUAL=OFF \
    -DCURL_USE_OPENSSL=ON -DOPENSSL_ROOT_DIR="$STAGE" -DOPENSSL_USE_STATIC_LIBS=ON \
    -DCURL_WINDOWS_SSPI=ON -DCURL_USE_PKGCONFIG=OFF \
    -DCURL_CA_BUNDLE=none -DCURL_CA_PATH=none -DCURL_DISABLE_OPENSSL_AUTO_LOAD_CONFIG=ON \
    -DHTTP_ONLY=ON -DCURL_DISABLE_WEBSOCKETS=ON \
    -DCURL_ZLIB=OFF -DCURL_BROTLI=OFF -DCURL_ZSTD=OFF -DUSE_NGHTTP2=OFF \
    -DUSE_LIBIDN2=OFF -DUSE_WIN32_IDN=OFF -DCURL_USE_LIBPSL=OFF \
    -DCURL_USE_LIBSSH2=OFF -DCURL_USE_LIBSSH=OFF -DCURL_USE_GSSAPI=OFF
  # What the options above promise, as curl's own configuration header has it.
  local cfg=$WORK/curl-obj/lib/curl_config.h
  grep -q '^#define USE_WINDOWS_SSPI 1' "$cfg"
  grep -q '^#define CURL_DISABLE_OPENSSL_AUTO_LOAD_CONFIG 1' "$cfg"
  grep -q '^#define CURL_DISABLE_WEBSOCKETS 1' "$cfg"
  local off='CURL_CA_BUNDLE|CURL_CA_PATH|HAVE_LIBZ|HAVE_BROTLI|HAVE_ZSTD|USE_NGHTTP2|USE_LIBPSL'
  off+='|HAVE_LIBIDN2|USE_WIN32_IDN|USE_LIBSSH2?|HAVE_GSSAPI'
  # (`! grep` would not stop the step under set -e.)
  if grep -E "^#define ($off) " "$cfg"; then echo "curl_config.h enables the above"; exit 1; fi
  cmake --build "$WORK/curl-obj" -j2
  cmake --install "$WORK/curl-obj"
}

build_libarchive() {
  unpack libarchive
  cd "$WORK/libarchive"
  # Debian's patches leave aclocal.m4 stale for the installed automake. (Its CMake build is
  # no way out: a ZLIB_WINAPI try_run crashes CMake 3.25 when cross compiling.)
  autoreconf -fi
  # Out of tree, and not in the tree's own build/ folder (build/version lives there).
  # LIBARCHIVE_STATIC: otherwise archive.h marks the API dllexport while building, and every
  # exe linking libarchive.a would export it.
  mkdir "$WORK/libarchive-obj"
  cd "$WORK/libarchive-obj"
  "$WORK/libarchive/configure" --host="$HOST" --prefix="$STAGE" \
    --disable-shared --enable-static --disable-dependency-tracking \
    --disable-bsdtar --disable-bsdcpio --disable-bsdcat --disable-acl --disable-xattr \
    --with-zlib --without-bz2lib --without-libb2 --without-iconv --without-lz4 \
    --without-zstd --without-lzma --without-openssl --without-xml2 --without-expat \
    CFLAGS="-O2 $PATHMAP" CPPFLAGS="-I$STAGE/include -DLIBARCHIVE_STATIC" LDFLAGS="-L$STAGE/lib"
  # configure quietly drops zlib when it cannot find it.
  grep -q '^#define HAVE_ZLIB_H 1' config.h
  make -j2 libarchive.la
  make install-libLTLIBRARIES install-includeHEADERS
}

build_cjson() {
  unpack cjson
  cd "$WORK/cjson"
  # Without CJSON_HIDE_SYMBOLS, cJSON.h declares its API dllexport on Windows and every exe
  # linking the static library would export cJSON's functions. libcjson.pc defines it too.
  "$HOST-gcc" -O2 -std=c89 -DCJSON_HIDE_SYMBOLS -c cJSON.c -o cJSON.o
  "$HOST-ar" rcs "$STAGE/lib/libcjson.a" cJSON.o
  install -D -m644 cJSON.h "$STAGE/include/cjson/cJSON.h"
}

# Writes lib/pkgconfig/<name>.pc; the fields after Version come from stdin. Paths are relative
# to the .pc file so the prefix works after the rename from <key>.tmp, and anywhere it is copied.
pc() {
  {
    printf '%s\n' 'prefix=${pcfiledir}/../..' 'libdir=${prefix}/lib' \
      'includedir=${prefix}/include' ''
    printf 'Name: %s\nDescription: %s\nVersion: %s\n' "$1" "$3" "$2"
    cat
  } >"$STAGE/lib/pkgconfig/$1.pc"
}

finish_prefix() {
  local pkg
  for pkg in "${PACKAGES[@]}"; do
    VERSION[$pkg]=$(sed -n 's/^Version: //p' "$ROOT/sources/${DSC[$pkg]%% *}")
    echo "$pkg ${VERSION[$pkg]}"
  done >"$STAGE/versions.txt"

  # Upstream installs leave files with the staging path baked in (curl-config, CMake package
  # files, libtool archives, .pc files): keep only headers and archives, and write the .pc files.
  rm -rf "$STAGE/bin" "$STAGE/share" "$STAGE/lib/cmake" "$STAGE"/lib/*.la "$STAGE/lib/pkgconfig"
  mkdir "$STAGE/lib/pkgconfig"

  pc zlib "$(upstream_version zlib)" 'zlib compression library' <<'EOF'
Cflags: -I${includedir}
Libs: -L${libdir} -lz
EOF
  pc minizip "$(upstream_version zlib)" 'Minizip zip file manipulation library (zlib contrib)' <<'EOF'
Requires.private: zlib
Cflags: -I${includedir}/minizip -I${includedir}
Libs: -L${libdir} -lminizip
EOF
  pc libcrypto "$(upstream_version openssl)" 'OpenSSL cryptography library' <<'EOF'
Cflags: -I${includedir}
Libs: -L${libdir} -lcrypto
Libs.private: -lws2_32 -lgdi32 -lcrypt32 -lbcrypt -luser32 -ladvapi32
EOF
  pc libssl "$(upstream_version openssl)" 'OpenSSL TLS library' <<'EOF'
Requires.private: libcrypto
Cflags: -I${includedir}
Libs: -L${libdir} -lssl
EOF
  pc openssl "$(upstream_version openssl)" 'OpenSSL TLS and cryptography libraries' <<'EOF'
Requires: libssl libcrypto
EOF
  pc sqlite3 "$(upstream_version sqlite3)" 'SQL database engine' <<'EOF'
Cflags: -I${includedir}
Libs: -L${libdir} -lsqlite3
EOF
  pc libcurl "$(upstream_version curl)" 'Library to transfer files with HTTP(S), on OpenSSL' <<'EOF'
Requires.private: libssl libcrypto
Cflags: -I${includedir} -DCURL_STATICLIB
Libs: -L${libdir} -lcurl
Libs.private: -lws2_32 -lcrypt32 -lbcrypt -lsecur32 -ladvapi32 -luser32 -liphlpapi
EOF
  pc libarchive "$(upstream_version libarchive)" 'library that can create and read several streaming archive formats' <<'EOF'
Requires.private: zlib
Cflags: -I${includedir} -DLIBARCHIVE_STATIC
Libs: -L${libdir} -larchive
Libs.private: -lbcrypt
EOF
  pc libcjson "$(upstream_version cjson)" 'Ultralightweight JSON parser in ANSI C' <<'EOF'
Cflags: -I${includedir} -I${includedir}/cjson -DCJSON_HIDE_SYMBOLS
Libs: -L${libdir} -lcjson
EOF
}

build() {
  local started=$SECONDS
  # We hold the lock, so anything left over is from an interrupted run.
  rm -rf "$ROOT"/work.* "$ROOT"/*.tmp "$PREFIX"
  WORK=$(mktemp -d "$ROOT/work.XXXXXX")
  STAGE=$PREFIX.tmp
  # curl (CMake) and libarchive (out of tree) compile by absolute path, so __FILE__ in their
  # asserts would carry the random work dir into every exe: builds would differ run to run.
  PATHMAP="-ffile-prefix-map=$WORK/="
  trap 'rm -rf "$WORK" "$STAGE"' EXIT
  mkdir "$STAGE"
  say "building $PREFIX (logs in $ROOT/logs)"
  step fetch fetch_sources
  step zlib build_zlib
  step minizip build_minizip
  step openssl build_openssl
  step sqlite3 build_sqlite3
  step curl build_curl
  step libarchive build_libarchive
  step cjson build_cjson
  finish_prefix
  mv -T "$STAGE" "$PREFIX"
  touch "$PREFIX/.complete"
  say "$(printf '%-10s %4ds' total $((SECONDS - started)))"
}

main() {
  case "${1-}" in
    "") ;;
    --print-prefix)
      read_pins
      command -v "$HOST-gcc" >/dev/null && resolve 2>/dev/null || exit 1
      PREFIX=$ROOT/$(compute_key)
      [[ -e $PREFIX/.complete ]] || exit 1
      echo "$PREFIX"
      exit 0 ;;
    *) echo "usage: $0 [--print-prefix]" >&2; exit 2 ;;
  esac

  read_pins
  ensure_tools
  resolve 2>/dev/null || { enable_deb_src; resolve || die "cannot resolve $(specs | xargs)"; }
  PREFIX=$ROOT/$(compute_key)
  if [[ ! -e $PREFIX/.complete ]]; then
    mkdir -p "$ROOT/logs" "$ROOT/sources"
    exec 9>"$ROOT/.lock"
    flock -n 9 || { say "waiting for another build.sh to finish"; flock 9; }
    [[ -e $PREFIX/.complete ]] || build
  fi
  echo "$PREFIX"
}

main "$@"
