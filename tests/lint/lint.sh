#!/bin/bash
# Lint suite (STYLE.md 7): no OS tests outside src/sys and src/gui, no Windows headers in the
# portable code, banned.h included by every core and sys source, and clang-format clean.
# Usage: lint.sh SOURCE_ROOT
set -euo pipefail
root=${1:?usage: lint.sh SOURCE_ROOT}
cd "$root"
fail=0
note() { echo "lint: $*"; fail=1; }

# 1. Portable code branches on the platform at run time (ZH_ENOTSUP), never with the
#    preprocessor.
if hits=$(grep -nE '^[[:space:]]*#[[:space:]]*(if|ifdef|ifndef|elif)\b.*(_WIN32|_WIN64|__MINGW|__linux__|__unix__|__APPLE__|_MSC_VER|WINVER|_POSIX)' \
    src/core/*.[ch] src/cli/*.[ch] 2>/dev/null); then
  note "OS test outside src/sys:"; echo "$hits"
fi
# 2. No Windows or POSIX headers in core/cli.
if hits=$(grep -nE '#[[:space:]]*include[[:space:]]*<(windows|winreg|winbase|shellapi|unistd|fcntl|sys/stat)\.h>' \
    src/core/*.[ch] src/cli/*.[ch] 2>/dev/null); then
  note "platform header in portable code:"; echo "$hits"
fi
# 3. banned.h is the last include of every core, cli and sys source file.
for f in src/core/*.c src/cli/*.c src/sys/*.c src/sys/*/*.c; do
  last=$(grep -E '^#include' "$f" | grep -v err_codes.h | tail -1)
  case "$last" in
    *banned.h*) ;;
    *) note "$f: banned.h is not the last #include" ;;
  esac
done
# 4. core never includes cli; sys includes only err.h from core.
if hits=$(grep -n '#include "../cli/' src/core/*.[ch]); then note "core includes cli:"; echo "$hits"; fi
if hits=$(grep -nE '#include "(\.\./)+core/' src/sys/*.[ch] src/sys/*/*.[ch] | grep -vE 'core/(err|banned)\.h"'); then
  note "sys includes core beyond err.h:"; echo "$hits"
fi
# 5. Formatting is what .clang-format says.
if command -v clang-format >/dev/null; then
  for f in src/*/*.[ch] src/sys/*/*.[ch] tests/unit/*.c tests/harness/*.[ch] tests/fuzz/*.c \
      tests/wine/tools/*.c tools/*.c; do
    [ -e "$f" ] || continue
    if ! clang-format --dry-run -Werror "$f" >/dev/null 2>&1; then
      note "$f is not clang-format clean (run: clang-format -i $f)"
    fi
  done
else
  note "clang-format is not installed"
fi
[ $fail -eq 0 ] && echo "lint: clean"
exit $fail
