#!/bin/bash
# README command 1: install what is missing, build, then on a fresh Wine prefix seeded with the
# portal's old controls (real NSIS, MSI and Inno-style installers, an orphan, look-alike
# decoys), the guide's proxy setting and TLS 1.2 switched off, run `zhushou check`, `zhushou
# repair`, `zhushou check` (in Chinese; ZH_DEMO_LANG=en for English). The repair takes the
# current components from the offline pack the build signs (BUILD/packages/changjiang-pack.zip:
# the stand-ins of packages/, built from source).
# ZH_DEMO_DIR keeps the prefix somewhere of your choosing (default: a temp dir, removed).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$here/scripts/setup.sh"
export ZH_WINTOOLS_DIR=$ZH_BUILD/tests/wine
source "$here/tests/wine/lib.sh"

dir=${ZH_DEMO_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/zhushou-demo-XXXXXX")}
cleanup() { wineserver -k 2>/dev/null || true; [[ -n ${ZH_DEMO_DIR:-} ]] || rm -rf "$dir"; }
trap cleanup EXIT

zh_log "fresh Wine prefix in $dir/prefix"
zh_new_prefix "$dir"
zh_log "installing the old controls and look-alikes (real installers)"
zh_seed_legacy
zh_seed_decoys
zh_log "the guide's proxy, TLS 1.2 off, an unrelated trusted site"
zh_seed_portal_settings

pack=$(winepath -w "$ZH_BUILD/packages/changjiang-pack.zip")

exe=$ZH_BUILD/zhushou.exe
lang=${ZH_DEMO_LANG:-zh}
for verb in check repair check; do
	args=("$verb" --lang "$lang")
	[[ $verb == repair ]] && args+=(--source "$pack")
	echo
	echo "\$ zhushou ${args[*]}"
	code=$(zh_winrun --out "$dir/out.txt" "$(winepath -w "$exe")" "${args[@]}" 2>/dev/null)
	cat "$dir/out.txt"
	zh_log "exit code seen by a Windows parent: $code"
done
echo
echo '$ zhushou history'
wine "$exe" history --lang "$lang"
echo
echo '$ zhushou list'
wine "$exe" list --lang "$lang"
