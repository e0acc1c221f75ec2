# SPDX-License-Identifier: MIT
#
# arplist.awk: the Add/Remove Programs part of a harness snapshot, read from the normalized
# registry part (regnorm.awk output, run with LC_ALL=C). One line per entry, tab-separated:
#   view  key  DisplayName  DisplayVersion  Publisher  UninstallString
# view is 64 (HKLM), 32 (HKLM\Software\Wow6432Node) or user (HKCU), the three places Windows
# lists programs from (DESIGN.md "Windows facts"). REG_SZ values are shown as text with \" and
# \\ undone; other types keep Wine's notation (str(2):"..." for REG_EXPAND_SZ, dword:...,
# hex:...) so a wrongly typed value is visible. A missing value is an empty field. Sort the
# output (LC_ALL=C sort): entries come in registry order.

BEGIN {
	base = "\\microsoft\\windows\\currentversion\\uninstall\\"
	views["hkey_local_machine\\software" base] = "64"
	views["hkey_local_machine\\software\\wow6432node" base] = "32"
	views["hkey_current_user\\software" base] = "user"
	want["displayname"] = 1
	want["displayversion"] = 2
	want["publisher"] = 3
	want["uninstallstring"] = 4
	n = 0
}

function flush_value(    name, rest, field)
{
	if (pending == "")
		return
	# "name"=data, with \" and \\ escapes inside the name; @ is the default value.
	if (match(pending, /^"([^"\\]|\\.)*"=/)) {
		name = substr(pending, 2, RLENGTH - 3)
		rest = substr(pending, RLENGTH + 1)
	} else {
		pending = ""
		return
	}
	pending = ""
	field = want[tolower(name)]
	if (!field || cur == "")
		return
	if (rest ~ /^".*"$/) {
		rest = substr(rest, 2, length(rest) - 2)
		gsub(/\\"/, "\"", rest)
		gsub(/\\\\/, "\\", rest)
	}
	val[cur, field] = rest
}

/^\[/ {
	flush_value()
	cur = ""
	lower = tolower(substr($0, 2, length($0) - 2))
	for (v in views) {
		if (index(lower, v) != 1)
			continue
		key = substr($0, 2 + length(v))
		sub(/\]$/, "", key)
		sub(/\\.*/, "", key)
		if (key == "")
			continue
		id = views[v] "\t" key
		if (!(id in seen)) {
			seen[id] = 1
			order[++n] = id
		}
		# Only the entry's own key holds its values, not its subkeys.
		if (length(lower) == length(v) + length(key))
			cur = id
	}
	next
}
# Wine wraps long hex data over lines ending in a backslash.
pending != "" {
	sub(/^ +/, "")
	pending = pending $0
	if (pending ~ /\\$/) {
		sub(/\\$/, "", pending)
		next
	}
	flush_value()
	next
}
/^("|@=)/ {
	pending = $0
	sub(/^@=/, "\"\"=", pending)
	if (pending ~ /^"([^"\\]|\\.)*"=hex.*\\$/) {
		sub(/\\$/, "", pending)
		next
	}
	flush_value()
}
END {
	flush_value()
	for (i = 1; i <= n; i++)
		printf "%s\t%s\t%s\t%s\t%s\n", order[i], val[order[i], 1], val[order[i], 2],
		       val[order[i], 3], val[order[i], 4]
}
