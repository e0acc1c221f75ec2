#!/bin/bash
# Issue acceptance: a prefix with every legacy fixture (real NSIS, MSI and Inno-style
# installers in all three views, an orphan), the look-alike decoys and 1,000 unrelated
# entries. `check --json` reports exactly the legacy ones (view, version, publisher, kind)
# and no decoy; the exit code seen from a Windows parent is 1; the check changes nothing.
source "$(dirname "$0")/common.sh"
zh_t_settings_catalog

zh_seed_legacy
zh_seed_decoys
zh_seed_unrelated 1000
zh_snapshot "$zh_t_dir/before"

zhushou check --json >"$zh_t_dir/out.json" || true
code=$(zhushou_code check --json)
expect_eq "exit code from a Windows parent" "$code" 1

# What legacy.tsv says was installed (decoy=0), in the same shape as zhushou's findings.
want=$(grep -v '^#' "$ZH_FIXTURES/legacy.tsv" |
	awk -F'\t' '$8 == 0 {print $2 "|" $3 "|" $4 "|" $5 "|" $6 "|" $7}' | sort)
got=$(json "$zh_t_dir/out.json" \
	'"\n".join(sorted("|".join([l["display_name"], l["version"] or "", l["publisher"] or "", l["view"], l["kind"], l["key"]]) for l in d["legacy"]))')
if [[ $got == "$want" ]]; then
	ok "legacy components found exactly ($(wc -l <<<"$got") entries, views, versions, kinds)"
else
	fail "legacy components differ from legacy.tsv:"
	diff <(echo "$want") <(echo "$got") || true
fi
# No decoy, by name, anywhere in the output.
while IFS=$'\t' read -r id name _; do
	if grep -qF "\"$name\"" "$zh_t_dir/out.json"; then
		fail "decoy '$name' ($id) appears in the report"
	else
		ok "decoy '$name' not reported"
	fi
done < <(grep -v '^#' "$ZH_FIXTURES/legacy.tsv" | awk -F'\t' '$8 == 1')

expect_eq "all entries scanned" "$(json "$zh_t_dir/out.json" 'd["arp"]["scanned"] >= 1014')" true
expect_eq "legacy check fails" \
	"$(json "$zh_t_dir/out.json" '[c["status"] for c in d["checks"] if c["id"]=="legacy-components"][0]')" fail
# MSI entries carry their product code; the orphan's missing uninstaller is named.
expect_eq "MSI product code" \
	"$(json "$zh_t_dir/out.json" '[l["product_code"] for l in d["legacy"] if l["id"]=="cfca-chain-installer-1.5"][0]')" \
	"$(zh_fixture_field cfca-chain-15 key)"
orphan=$(json "$zh_t_dir/out.json" '[l["uninstaller"] or "" for l in d["legacy"] if l["kind"]=="orphan"][0]')
if [[ -n $orphan && ! -e $(winepath -u "$orphan" 2>/dev/null) ]]; then
	ok "orphan's uninstaller '$orphan' is indeed gone"
else
	fail "orphan uninstaller '$orphan' should be a missing file"
fi

# The text report names every legacy component too.
zhushou check --lang zh >"$zh_t_dir/out.txt" || true
while IFS=$'\t' read -r id name _; do
	grep -qF "$name" "$zh_t_dir/out.txt" && ok "text names '$name'" || fail "text lacks '$name'"
done < <(grep -v '^#' "$ZH_FIXTURES/legacy.tsv" | awk -F'\t' '$8 == 0')

zh_snapshot "$zh_t_dir/after"
if zh_snapshot_diff "$zh_t_dir/before" "$zh_t_dir/after"; then
	ok "check changed nothing on the PC"
else
	fail "check changed the PC"
fi
finish
