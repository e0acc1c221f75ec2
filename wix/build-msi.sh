#!/bin/sh
# SPDX-License-Identifier: MIT
# Builds zhushou's MSI with wixl from wix/zhushou.wxs:
#   build-msi.sh OUT.msi VERSION PUBLISHER HELPLINK ZHUSHOU.EXE PACK.zip ICON.ico WXS
# wixl takes Source= paths relative to where it runs, so the three files are staged under
# the names the .wxs uses in a folder next to OUT. The tests call it too, with an older
# VERSION, to build the MSI an upgrade replaces.
set -eu
out=$1 version=$2 publisher=$3 helplink=$4 exe=$5 pack=$6 ico=$7 wxs=$8
stage=$out.stage
rm -rf "$stage"
mkdir -p "$stage"
cp "$exe" "$stage/zhushou.exe"
cp "$pack" "$stage/default-pack.zip"
cp "$ico" "$stage/zhushou.ico"
wxs=$(cd "$(dirname "$wxs")" && pwd)/$(basename "$wxs")
out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
rm -f "$out"
(cd "$stage" && wixl -a x64 -D Version="$version" -D Publisher="$publisher" \
	-D HelpLink="$helplink" -o "$out" "$wxs") >"$stage.log" 2>&1 ||
	{ cat "$stage.log" >&2; rm -f "$out"; exit 1; }
rm -rf "$stage" "$stage.log"
