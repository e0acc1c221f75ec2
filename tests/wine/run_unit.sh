#!/bin/bash
# Runs one cross-built unit test executable under Wine in a fresh prefix, so the win32
# backend of src/sys is tested against a real (Wine) registry and file system.
# Usage: run_unit.sh TEST.exe [ARGS...]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
exe=${1:?usage: run_unit.sh TEST.exe}
shift
dir=$(mktemp -d "${TMPDIR:-/tmp}/zh-unit-$(basename "$exe" .exe)-XXXXXX")
cleanup() { wineserver -k 2>/dev/null || true; [[ ${ZH_TEST_KEEP:-0} == 1 ]] || rm -rf "$dir"; }
trap cleanup EXIT
zh_new_prefix "$dir"
wine "$exe" "$@"
