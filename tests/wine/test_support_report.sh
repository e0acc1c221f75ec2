#!/bin/bash
# `zhushou support-report -o FILE.zip` on a PC with the guide's broken Internet settings after a
# repair (history and manifest DB with content) and the old controls installed: exit 0 from a
# Windows parent; `unzip -t` clean; every item present, non-empty and parseable; the check and
# history the same as `check --json` / `history --json`; Add/Remove Programs holds every seeded
# control; the DB copy opens with sqlite3 and holds the repair's transaction; the newest logs
# are in it; no trace of the user's name or of any key material; Chinese entry names read back
# with the UTF-8 flag; the PC unchanged. Then: a second report replaces the first, a report
# while another zhushou runs names what it left out, a missing folder fails with 1603 naming
# it and leaves nothing, no -o is a usage error.
source "$(dirname "$0")/common.sh"
# The prefix's user: a name that occurs nowhere else, so that any trace of it is a leak (Wine
# names the user and the profile folder after $USER).
export USER=zhtester7 LOGNAME=zhtester7
zh_t_settings_catalog
drive_c=$WINEPREFIX/drive_c
exe=$(winepath -w "$ZHUSHOU_EXE")

zh_seed_portal_settings
zhushou repair --json >"$zh_t_dir/repair.json" || true
expect_eq "repair before the report" "$(json "$zh_t_dir/repair.json" 'd["exit_code"]')" 0
zh_seed_legacy
zhushou check --json >"$zh_t_dir/check.json" || true
zhushou history --json >"$zh_t_dir/history.json"
zhushou version --json >"$zh_t_dir/version.json"

# The report changes nothing on the PC but the zip (zhushou's own logs aside: every run writes
# them).
export ZH_SNAPSHOT_EXCLUDE='ProgramData/zhushou/logs|users/[^/]+/AppData/Local/zhushou'
zh_snapshot "$zh_t_dir/before"
mkdir -p "$drive_c/reports"
code=$(zh_winrun --out "$zh_t_dir/report.out" "$exe" support-report -o 'C:\reports\support.zip' \
	"${_zh_t_catalog_args[@]}" 2>"$zh_t_dir/report.err") || true
expect_eq "support-report's exit code" "$code" 0
zip=$drive_c/reports/support.zip
[[ -f $zip && ! -e $zip.tmp ]] && ok "the zip is there, no temporary file" ||
	fail "zip: $(ls -la "$drive_c/reports")"
zh_snapshot "$zh_t_dir/after"
zh_snapshot_diff "$zh_t_dir/before" "$zh_t_dir/after" && ok "the report changed nothing on the PC" ||
	fail "the report changed the PC"
unzip -tq "$zip" >"$zh_t_dir/unzip.txt" 2>&1 && ok "unzip -t is clean" ||
	fail "unzip -t: $(cat "$zh_t_dir/unzip.txt")"

# Extract with Python's zipfile (UTF-8 names by the flag) and check every item.
x=$zh_t_dir/x
python3 - "$zip" "$x" "$zh_t_dir" "$ZH_FIXTURES/legacy.tsv" "$drive_c/ProgramData/zhushou/logs" \
	>"$zh_t_dir/items.txt" 2>&1 <<-'EOF' || true
	import json, os, sqlite3, sys, zipfile
	zpath, out, tdir, tsv, logdir = sys.argv[1:6]
	bad = []
	def check(what, cond, detail=""):
	    print(("ok   " if cond else "FAIL ") + what + ("" if cond else ": " + str(detail)))
	z = zipfile.ZipFile(zpath)
	z.extractall(out)
	names = z.namelist()
	want = ["README.txt", "index.json", "check.json", "检测结果.txt", "check-results.txt",
	        "history.json", "programs.json", "environment.json", "internet-settings.json",
	        "version.json", "zhushou.db"]
	for n in want:
	    check("item " + n + " present and not empty", n in names and z.getinfo(n).file_size > 0,
	          names)
	for info in z.infolist():
	    if not info.filename.isascii():
	        check("UTF-8 flag on " + info.filename, info.flag_bits & 0x800)
	zh = z.read("检测结果.txt").decode("utf-8")
	check("the Chinese check text reads back", "zhushou" in zh and "[" in zh and "建议" in zh, zh[:200])
	en = z.read("check-results.txt").decode("utf-8")
	check("the English check text", "advice:" in en, en[:200])
	docs = {}
	for n in names:
	    if n.endswith(".json"):
	        try:
	            docs[n] = json.loads(z.read(n).decode("utf-8"))
	            check(n + " parses", True)
	        except ValueError as e:
	            check(n + " parses", False, e)
	idx = docs["index.json"]
	listed = {i["name"]: i for i in idx["items"]}
	for n in names:
	    if n not in ("README.txt", "index.json"):
	        check("index lists " + n, n in listed and listed[n]["status"] == "ok", listed.get(n))
	missing = [i for i in idx["items"] if i["status"] != "ok"]
	check("nothing missing but what has a reason", all(i.get("why") for i in missing), missing)
	readme = z.read("README.txt").decode("utf-8-sig")
	check("README lists every item", all(n in readme for n in names if n != "README.txt"))

	# The same documents as the verbs print (the check lists the same checks, same results).
	ref = json.load(open(os.path.join(tdir, "check.json"), encoding="utf-8"))
	got = docs["check.json"]
	check("check.json has check --json's fields", sorted(got) == sorted(ref), (sorted(got), sorted(ref)))
	ids = lambda d: [(c["id"], c["status"]) for c in d["checks"]]
	check("check.json has the same results", ids(got) == ids(ref), (ids(got), ids(ref)))
	check("history.json is history --json",
	      docs["history.json"] == json.load(open(os.path.join(tdir, "history.json"), encoding="utf-8")))
	check("version.json is version --json",
	      docs["version.json"] == json.load(open(os.path.join(tdir, "version.json"), encoding="utf-8")))

	# Add/Remove Programs: every seeded control, with its view, version and publisher.
	progs = docs["programs.json"]["programs"]
	have = {(p["view"], p["display_name"]) for p in progs}
	for line in open(tsv, encoding="utf-8"):
	    if line.startswith("#") or not line.strip():
	        continue
	    f = line.rstrip("\n").split("\t")
	    if f[7] != "0":
	        continue
	    check("programs.json lists %s (%s)" % (f[1], f[4]), (f[4], f[1]) in have)
	    for p in progs:
	        if p["display_name"] == f[1] and p["view"] == f[4] and f[2]:
	            check("version of " + f[1], p["display_version"] == f[2], p)
	for p in progs:
	    for k in ("display_name", "display_version", "publisher", "uninstall_string", "install_location"):
	        assert k in p, (k, p)
	user_entry = [p for p in progs if p["view"] == "user" and p["install_location"]]
	check("a per-user install location shows %USERNAME%",
	      any("\\users\\%USERNAME%\\" in p["install_location"].lower().replace("%username%", "%USERNAME%")
	          for p in user_entry), user_entry)

	env = docs["environment.json"]
	check("environment: Windows version", isinstance(env["os"]["name"], str) and env["os"]["major"] > 0, env["os"])
	for k in ("ie", "chrome", "edge"):
	    check("environment: " + k, k in env and "version" in env[k], env)
	inet = docs["internet-settings.json"]
	check("proxy server", inet["zhushou_view"]["proxy"]["server"] == "127.0.0.1:7890", inet["zhushou_view"])
	zm = [r for r in inet["registry"] if r["root"] == "HKCU" and r["path"].endswith("ZoneMap")][0]
	doms = zm["keys"]["Domains"]["keys"]
	check("zone map: the unrelated site", doms["example.org"]["values"].get("https") == 2, doms.keys())
	check("zone map: the trusted site the repair added",
	      doms["cj-pension.com.cn"]["values"].get("https") == 2, doms.keys())

	# The DB copy opens and holds the repair's transaction and its journal.
	db = sqlite3.connect(os.path.join(out, "zhushou.db"))
	check("DB copy passes integrity_check", db.execute("PRAGMA integrity_check").fetchone()[0] == "ok")
	rows = db.execute("SELECT id, verb, state FROM txn").fetchall()
	check("DB copy has the repair (done)", any(v == "repair" and s == 2 for _, v, s in rows), rows)
	n = db.execute("SELECT count(*) FROM journal WHERE txn = (SELECT min(id) FROM txn WHERE verb = 'repair')").fetchone()[0]
	check("DB copy has the repair's journal", n > 0, n)

	# The newest logs of the data folder, as they are (every run logs to them).
	logs = sorted([f for f in os.listdir(logdir) if f.lower().endswith(".log")], reverse=True)[:7] \
	    if os.path.isdir(logdir) else []
	if logs:
	    for f in logs:
	        check("log " + f, "logs/" + f in names and z.getinfo("logs/" + f).file_size > 0)
	else:
	    check("no logs: the index says so", any(i["name"].startswith("logs") and i["status"] == "missing"
	                                               for i in idx["items"]), idx["items"])
	EOF
cat "$zh_t_dir/items.txt"
grep -q '^FAIL' "$zh_t_dir/items.txt" && fail "an item of the report" ||
	{ grep -q '^ok' "$zh_t_dir/items.txt" && ok "every item of the report"; } || fail "items not checked"

# Privacy: no trace of the user's name (any case), no private key, no key material of this
# build (the pack signing keys next to zhushou.exe, the code-signing key).
if grep -rila -- "$USER" "$x" >"$zh_t_dir/leak.txt"; then
	fail "the user's name is in: $(tr '\n' ' ' <"$zh_t_dir/leak.txt")"
else
	ok "the user's name '$USER' is nowhere in the report"
fi
grep -rq '%USERNAME%' "$x" && ok "user paths are shown as %USERNAME%" || fail "no %USERNAME% anywhere"
grep -rlaE 'PRIVATE KEY|BEGIN ENCRYPTED' "$x" && fail "a PEM private key header in the report" ||
	ok "no PEM private key header"
keys=0
for key in "$(dirname "$ZHUSHOU_EXE")"/*.key "$(dirname "$ZHUSHOU_EXE")"/wix/*key*.pem; do
	[[ -f $key ]] || continue
	keys=$((keys + 1))
	while IFS= read -r line; do
		[[ ${#line} -ge 40 && $line != -----* ]] || continue
		if grep -rqaF -- "$line" "$x"; then fail "key material of $(basename "$key") in the report"; break; fi
	done <"$key"
done
((keys > 0)) && ok "none of the $keys keys of this build in the report" || fail "no build keys found to look for"

# A second report replaces the first.
code=$(zh_winrun "$exe" support-report -o 'C:\reports\support.zip' "${_zh_t_catalog_args[@]}" 2>/dev/null) || true
expect_eq "a second report over the first" "$code" 0
unzip -tq "$zip" >/dev/null 2>&1 && [[ ! -e $zip.tmp ]] && ok "the second report is whole" || fail "second report"

# While another zhushou runs: the report is written and names the DB items it left out.
holdmutex=$(winepath -w "$ZH_WINTOOLS_DIR/holdmutex.exe")
rm -f "$drive_c/ready" "$drive_c/release"
wine "$holdmutex" 'Global\zhushou-8f2e50e2' 'C:\ready' 'C:\release' 60 &
holder=$!
for _ in $(seq 100); do [[ -e $drive_c/ready ]] && break; sleep 0.1; done
code=$(zh_winrun "$exe" support-report -o 'C:\reports\busy.zip' "${_zh_t_catalog_args[@]}" 2>/dev/null) || true
touch "$drive_c/release"
wait "$holder" || true
expect_eq "report while another zhushou runs" "$code" 0
python3 - "$drive_c/reports/busy.zip" <<-'EOF' && ok "the busy report names the DB items it left out" || fail "busy report"
	import json, sys, zipfile
	z = zipfile.ZipFile(sys.argv[1])
	idx = json.loads(z.read("index.json"))
	st = {i["name"]: i for i in idx["items"]}
	assert st["zhushou.db"]["status"] == "missing" and "another zhushou" in st["zhushou.db"]["why"], st
	assert st["history.json"]["status"] == "missing", st
	assert "zhushou.db" not in z.namelist() and st["check.json"]["status"] == "ok", st
	EOF

# Failure: a folder that does not exist. 1603, the path named, nothing written.
code=$(zh_winrun "$exe" --lang en support-report -o 'C:\nope\sub\r.zip' "${_zh_t_catalog_args[@]}" \
	2>"$zh_t_dir/nope.err") || true
expect_eq "report into a missing folder" "$code" 1603
grep -qF 'C:\nope\sub' "$zh_t_dir/nope.err" && ok "the error names the folder" ||
	fail "error: $(cat "$zh_t_dir/nope.err")"
[[ ! -e $drive_c/nope ]] && ok "nothing was written" || fail "something was written: $(find "$drive_c/nope")"
code=$(zh_winrun "$exe" support-report "${_zh_t_catalog_args[@]}" 2>/dev/null) || true
expect_eq "no -o: usage" "$code" 2
finish
