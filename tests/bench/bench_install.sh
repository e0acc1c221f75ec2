#!/bin/bash
# SPDX-License-Identifier: MIT
# Benchmark: `zhushou install --source PACK` of 2,000 files (50 MB: mixed sizes, random bytes,
# subdirectories, fixed seed) through the transaction engine, against two baselines with the
# same files in the same prefix and run, all under Wine: (a) plain libarchive extraction of
# the same bundle zips, no checks and no journal (la_extract.c cross-built), and (b)
# `msiexec /i /qn` of a wixl MSI holding the same files (one component per directory). Ratios
# are time(ours) / time(baseline); issue targets: <= 1.5 against (a), <= 0.5 against (b).
# One persistent wineserver serves every timed run, so Wine's start-up is small and the same
# for all three. Figures are medians of RUNS interleaved rounds (the order rotates each round)
# after one untimed warm-up round; every run's result is checked against the payload, and
# ours and the MSI are removed/uninstalled (untimed) between runs. Exits non-zero when a run
# fails, not when a target is missed.
#
# A bundle holds at most 256 install steps and a recipe.json at most 256 KiB (docs/formats.md),
# so the 2,000 copy steps are spread over bundles of PER_BUNDLE files: bench-bulk-1,
# bench-bulk-2, ..., installed by one `zhushou install` and extracted by one la_extract run.
# With PER_BUNDLE >= FILES it is one bundle, bench-bulk.
# Usage: bench_install.sh BUILD_DIR LA_EXTRACT_EXE
#   ZHUSHOU_EXE (meson), ZH_BENCH_RUNS (5), ZH_BENCH_FILES (2000), ZH_BENCH_MB (50),
#   ZH_BENCH_PER_BUNDLE (250)
set -euo pipefail
source "$(dirname "$0")/../wine/lib.sh"
build=$(cd "${1:?usage: bench_install.sh BUILD_DIR LA_EXTRACT_EXE}" && pwd)
la=${2:?usage: bench_install.sh BUILD_DIR LA_EXTRACT_EXE}
: "${ZHUSHOU_EXE:?ZHUSHOU_EXE must name the zhushou.exe under test}"
runs=${ZH_BENCH_RUNS:-5}
nfiles=${ZH_BENCH_FILES:-2000}
mb=${ZH_BENCH_MB:-50}
per=${ZH_BENCH_PER_BUNDLE:-250}
native=$build/zhushou-native

dir=$(mktemp -d /dev/shm/zh-bench-install-XXXXXX 2>/dev/null || mktemp -d)
# WINEPREFIX is unset until zh_new_prefix: never let wineserver -k reach ~/.wine.
trap '[[ -z ${WINEPREFIX:-} ]] || wineserver -k 2>/dev/null || true; rm -rf "$dir"' EXIT

die() { echo "bench_install: $*" >&2; exit 1; }
winp() { local p=$1; printf 'Z:%s\n' "${p//\//\\}"; }

# The payload (payload/), one recipe per bundle (recipes/<id>/, files hard-linked from the
# payload), the MSI source (msi/bench.wxs) and the bundle ids (ids).
python3 - "$dir" "$nfiles" "$((mb * 1048576))" "$per" <<-'EOF'
import json, os, random, sys, uuid
out, nfiles, total, per = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rng = random.Random(20261125)
# Sizes: log-normal (many small files, a few of several MB), scaled to exactly `total`.
w = [rng.lognormvariate(0, 1.6) for _ in range(nfiles)]
sizes = [max(1, int(x * total / sum(w))) for x in w]
sizes[sizes.index(max(sizes))] += total - sum(sizes)
paths = []
for i in range(nfiles):
    k = i % 10
    if k < 2:
        paths.append("f%04d.bin" % i)
    elif k < 7:
        paths.append("d%02d/f%04d.dat" % (i % 23, i))
    else:
        paths.append("d%02d/s%d/f%04d.bin" % (i % 23, i % 3, i))
order = sorted(range(nfiles), key=lambda i: (os.path.dirname(paths[i]), paths[i]))
for i in order:
    p = os.path.join(out, "payload", paths[i])
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "wb") as f:
        f.write(rng.randbytes(sizes[i]))

chunks = [order[j:j + per] for j in range(0, nfiles, per)]
ids = ["bench-bulk"] if len(chunks) == 1 else ["bench-bulk-%d" % (k + 1) for k in range(len(chunks))]
for bid, chunk in zip(ids, chunks):
    rdir = os.path.join(out, "recipes", bid)
    for i in chunk:
        dst = os.path.join(rdir, "files", paths[i])
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        os.link(os.path.join(out, "payload", paths[i]), dst)
    recipe = {"format": 1, "id": bid, "version": "1.0.0", "publisher": "zhushou bench",
              "name": {"zh": "基准", "en": "bench"},
              "files": [{"src": "files/" + paths[i], "path": "payload/" + paths[i]} for i in chunk],
              "install": [{"op": "copy", "src": "payload/" + paths[i], "dst_root": "app",
                           "dst": "zhushou-bench/" + paths[i]} for i in chunk]}
    with open(os.path.join(rdir, "recipe.json"), "w", encoding="utf-8") as f:
        json.dump(recipe, f, ensure_ascii=False, separators=(",", ":"))
with open(os.path.join(out, "ids"), "w") as f:
    f.write(" ".join(ids) + "\n")

# The MSI: the same tree under ProgramFilesFolder\zhushou-bench-msi, one component per
# directory (fewer components than one per file: the faster, stricter baseline). wixl takes
# Source= relative to its working directory (out) and refuses absolute paths.
ns = uuid.UUID("6f1d7a52-52b7-4d47-9a43-2f3b8f0c6a11")
guid = lambda s: str(uuid.uuid5(ns, s)).upper()
tree = {}
for i in order:
    node = tree
    for part in paths[i].split("/")[:-1]:
        node = node.setdefault(part, {})
    node.setdefault("", []).append(i)
comps = []
def emit(node, ind, rel):
    s = ""
    files = node.get("", [])
    if files:
        cid = "C%03d" % len(comps)
        comps.append(cid)
        s += '%s<Component Id="%s" Guid="%s">\n' % (ind, cid, guid("component " + rel))
        for n, i in enumerate(files):
            s += '%s  <File Id="F%04d" Name="%s" Source="%s"%s/>\n' % (ind, i,
                os.path.basename(paths[i]), "payload/" + paths[i],
                ' KeyPath="yes"' if n == 0 else "")
        s += "%s</Component>\n" % ind
    for name in sorted(k for k in node if k):
        s += '%s<Directory Id="D%s" Name="%s">\n' % (ind, (rel + "_" + name).replace("/", "_"), name)
        s += emit(node[name], ind + "  ", rel + "/" + name)
        s += "%s</Directory>\n" % ind
    return s
body = emit(tree, "          ", "")
os.makedirs(os.path.join(out, "msi"))
with open(os.path.join(out, "msi", "bench.wxs"), "w") as f:
    f.write('''<?xml version="1.0" encoding="utf-8"?>
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
  <Product Id="%s" UpgradeCode="%s" Name="zhushou bench msi" Version="1.0.0"
           Manufacturer="zhushou bench" Language="1033">
    <Package InstallerVersion="200" Compressed="yes" InstallScope="perMachine"/>
    <Media Id="1" Cabinet="payload.cab" EmbedCab="yes"/>
    <Directory Id="TARGETDIR" Name="SourceDir">
      <Directory Id="ProgramFilesFolder">
        <Directory Id="INSTALLDIR" Name="zhushou-bench-msi">
%s        </Directory>
      </Directory>
    </Directory>
    <Feature Id="Main" Level="1">
%s    </Feature>
  </Product>
</Wix>
''' % (guid("product"), guid("upgrade"), body,
       "".join('      <ComponentRef Id="%s"/>\n' % c for c in comps)))
EOF
read -ra ids <"$dir/ids"
bytes=$(find "$dir/payload" -type f -printf '%s\n' | awk '{s += $1} END {print s}')
count=$(find "$dir/payload" -type f | wc -l)

"$native" --lang en pack build "$dir/recipes" -o "$dir/pack.zip" --key "$build/dev-publisher.key" \
	--cert "$build/dev-publisher.pem" --serial 1 --expires +1 >"$dir/pack.log" 2>&1 ||
	{ cat "$dir/pack.log" >&2; die "pack build failed"; }
mkdir "$dir/bundles"
python3 -c 'import os, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
for n in z.namelist():
    if n.startswith("bundles/"):
        open(os.path.join(sys.argv[2], os.path.basename(n)), "wb").write(z.read(n))' \
	"$dir/pack.zip" "$dir/bundles"
bundles=()
for id in "${ids[@]}"; do
	[[ -f $dir/bundles/$id-1.0.0.zip ]] || die "no bundles/$id-1.0.0.zip in the pack"
	bundles+=("$(winp "$dir/bundles/$id-1.0.0.zip")")
done
(cd "$dir" && wixl -o msi/bench.msi msi/bench.wxs) >"$dir/wixl.log" 2>&1 ||
	{ cat "$dir/wixl.log" >&2; die "wixl failed"; }

zh_new_prefix "$dir/wine" >/dev/null
wineserver -p
wine cmd /c exit >/dev/null 2>&1
pack_w=$(winp "$dir/pack.zip")
msi_w=$(winp "$dir/msi/bench.msi")
drive=$WINEPREFIX/drive_c
la_out=$drive/bench-la

now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# run LABEL CMD...: run CMD (a Wine command), fail the benchmark on a non-zero exit; its output
# is kept in $dir/LABEL.log. Sets $elapsed to the wall time.
run()
{
	local label=$1 t0 t1 rc=0
	shift
	t0=$(now)
	"$@" >"$dir/$label.log" 2>&1 || rc=$?
	t1=$(now)
	if ((rc != 0)); then
		cat "$dir/$label.log" >&2
		die "'$label' failed (exit $rc, low 8 bits): $*"
	fi
	elapsed=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.4f\n", b - a}')
}
# same LABEL DIR: DIR must hold exactly the payload.
same()
{
	[[ -d $2 ]] || die "$1: '$2' does not exist"
	diff -r -q "$dir/payload" "$2" >"$dir/diff.log" 2>&1 ||
		{ head -20 "$dir/diff.log" >&2; die "$1: '$2' differs from the payload"; }
}
# gone LABEL DIR: no file left under DIR (an empty folder may stay, as with msiexec /x).
gone()
{
	[[ ! -d $2 ]] || [[ -z $(find "$2" -type f -print -quit) ]] ||
		die "$1: files left under '$2' after the uninstall"
}

# dst_root "app" is %ProgramFiles%: C:\Program Files for a 64-bit process.
ours_dir="$drive/Program Files/zhushou-bench"
one() # KIND [timed]
{
	case $1 in
	ours)
		run install wine "$ZHUSHOU_EXE" install "${ids[@]}" --source "$pack_w" --lang en
		[[ -z ${2:-} ]] || echo "$elapsed" >>"$dir/t-ours"
		same install "$ours_dir"
		run remove wine "$ZHUSHOU_EXE" remove "${ids[@]}" --lang en
		gone remove "$ours_dir"
		;;
	la)
		rm -rf "$la_out"
		run la_extract wine "$la" -p "${bundles[@]}" 'C:\bench-la'
		[[ -z ${2:-} ]] || echo "$elapsed" >>"$dir/t-la"
		same la_extract "$la_out/payload"
		rm -rf "$la_out"
		;;
	msi)
		run msiexec-i wine msiexec /i "$msi_w" /qn
		[[ -z ${2:-} ]] || echo "$elapsed" >>"$dir/t-msi"
		same msiexec "$drive/Program Files (x86)/zhushou-bench-msi"
		run msiexec-x wine msiexec /x "$msi_w" /qn
		gone "msiexec /x" "$drive/Program Files (x86)/zhushou-bench-msi"
		;;
	esac
}

kinds=(ours la msi)
for k in "${kinds[@]}"; do one "$k"; done
for r in $(seq "$runs"); do
	for j in 0 1 2; do one "${kinds[(r + j) % 3]}" timed; done
done

ours=$(median <"$dir/t-ours")
lax=$(median <"$dir/t-la")
msi=$(median <"$dir/t-msi")
ratio() { awk -v o="$ours" -v b="$1" 'BEGIN {printf "%.2f", o / b}'; }
verdict() { awk -v x="$1" -v t="$2" 'BEGIN {print (x <= t) ? "target met" : "target missed"}'; }
r_la=$(ratio "$lax")
r_msi=$(ratio "$msi")
list() { paste -sd ' ' "$dir/t-$1"; }
printf 'bench install: %d files, %d bytes (%.1f MB) in %d bundle(s); medians of %d interleaved runs after a warm-up round, Wine, tmpfs\n' \
	"$count" "$bytes" "$(awk -v b="$bytes" 'BEGIN {print b / 1048576}')" "${#ids[@]}" "$runs"
printf '  zhushou install --source PACK      %.3f s  (runs: %s)\n' "$ours" "$(list ours)"
printf '  (a) la_extract, no checks/journal  %.3f s  (runs: %s)\n' "$lax" "$(list la)"
printf '  (b) msiexec /i /qn (wixl MSI)      %.3f s  (runs: %s)\n' "$msi" "$(list msi)"
printf '  ratio ours/(a) %s (target <= 1.50: %s)\n' "$r_la" "$(verdict "$r_la" 1.5)"
printf '  ratio ours/(b) %s (target <= 0.50: %s)\n' "$r_msi" "$(verdict "$r_msi" 0.5)"
