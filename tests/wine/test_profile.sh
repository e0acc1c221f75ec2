#!/bin/bash
# A second, tiny profile (another portal): nothing about Changjiang is in C. Its catalog names
# ePass2003 (a decoy for Changjiang) as its legacy control and example.org as its trusted
# site. With --catalog it: `check` reports exactly that control and not Changjiang's;
# `repair` removes it and adds the site; Changjiang's controls are untouched.
source "$(dirname "$0")/common.sh"
export ZH_SNAPSHOT_EXCLUDE='ProgramData/zhushou'

zh_seed_fixture epass2003 cj-ukey-200
cat >"$zh_t_dir/tiny.json" <<'JSON'
{
  "schema": 1,
  "profile": { "id": "tiny", "name": { "zh": "小门户", "en": "Tiny portal" },
               "catalog_version": "1" },
  "legacy": [ { "id": "epass2003", "display_name": "ePass2003",
                "publisher": "Feitian Technologies", "owns": [ "Software\\EnterSafe\\ePass2003" ] } ],
  "trusted_sites": [ { "domain": "example.org", "scheme": "https" } ],
  "checks": [
    { "id": "old", "probe": "legacy", "severity": "error",
      "title": { "zh": "旧控件", "en": "Old control" }, "advice": { "zh": "修复", "en": "repair" } },
    { "id": "sites", "probe": "trusted_sites", "severity": "error",
      "title": { "zh": "站点", "en": "Sites" }, "advice": { "zh": "修复", "en": "repair" } }
  ]
}
JSON
cat=$(winepath -w "$zh_t_dir/tiny.json")
zhushou check --catalog "$cat" --json >"$zh_t_dir/out.json" || true
expect_eq "the tiny profile is used" "$(json "$zh_t_dir/out.json" 'd["profile"]')" tiny
expect_eq "only its legacy control is reported" \
	"$(json "$zh_t_dir/out.json" '[l["display_name"] for l in d["legacy"]]')" '["ePass2003"]'
expect_eq "two checks, both failing" "$(json "$zh_t_dir/out.json" 'd["summary"]["fail"]')" 2
zh_snapshot "$zh_t_dir/before"
expect_eq "repair with the tiny profile" "$(zhushou_code repair --catalog "$cat")" 0
expect_eq "check with the tiny profile" "$(zhushou_code check --catalog "$cat")" 0
zh_snapshot "$zh_t_dir/after"
grep -qF "ePass2003" "$zh_t_dir/after/arp" && fail "ePass2003 still installed" || ok "ePass2003 removed"
grep -qF "长江UKey控件 2.00" "$zh_t_dir/after/arp" && ok "Changjiang's control untouched" ||
	fail "Changjiang's control was removed by another profile"
# The built-in profile still sees its own control.
zhushou check --json >"$zh_t_dir/cj.json" || true
expect_eq "the built-in profile still finds its control" \
	"$(json "$zh_t_dir/cj.json" '[l["id"] for l in d["legacy"]]')" '["cj-ukey-control-2.00"]'
# A broken catalog changes nothing and says which field.
printf '{"schema": 1, "profile": {"id": "x"}}' >"$zh_t_dir/bad.json"
code=$(zh_winrun "$(winepath -w "$ZHUSHOU_EXE")" repair --catalog "$(winepath -w "$zh_t_dir/bad.json")" 2>"$zh_t_dir/bad.err")
expect_eq "a broken catalog: exit 1603" "$code" 1603
grep -q "profile.name" "$zh_t_dir/bad.err" && ok "the error names the field" || fail "error: $(cat "$zh_t_dir/bad.err")"
zh_snapshot "$zh_t_dir/after-bad"
zh_snapshot_diff "$zh_t_dir/after" "$zh_t_dir/after-bad" && ok "a broken catalog changed nothing" ||
	fail "a broken catalog changed the PC"
finish
