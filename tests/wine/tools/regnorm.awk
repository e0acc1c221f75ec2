# SPDX-License-Identifier: MIT
#
# regnorm.awk: turns one of Wine's saved registry files (system.reg, user.reg) into the
# registry part of a harness snapshot. Run with LC_ALL=C (bytes in, bytes out) and
#   -v root=HKEY_LOCAL_MACHINE -v keep='^software(\\|$)' [-v drop=REGEX]
# where keep is a regular expression on the lower-cased, unescaped key path, and drop (if
# given) one for keys to leave out although keep matches them.
#
# What it changes, and why:
# - Drops the file header and each key's last-write time (the number after "[key]" and the
#   "#time=" line): they change whenever anything writes to a key, even the same data, so two
#   snapshots of the same state would differ.
# - Writes key paths with single backslashes under ROOT, like regedit does.
# - Decodes Wine's \xNNNN escapes of printable non-ASCII characters to UTF-8, so Chinese names
#   are readable. Control characters, surrogates (unpaired ones cannot be UTF-8) and
#   noncharacters keep their escape, so the output stays unambiguous.
# Value order is the order Wine keeps (sorted), so no sorting is needed here.

function utf8(c)
{
	if (c < 2048)
		return sprintf("%c%c", 192 + int(c / 64), 128 + c % 64)
	return sprintf("%c%c%c", 224 + int(c / 4096), 128 + int(c / 64) % 64, 128 + c % 64)
}

function decode(s,    out, n, i, j, c, h, v)
{
	if (index(s, "\\x") == 0)
		return s
	out = ""
	n = length(s)
	i = 1
	while (i <= n) {
		c = substr(s, i, 1)
		if (c != "\\") {
			out = out c
			i++
			continue
		}
		if (substr(s, i + 1, 1) != "x") {
			out = out substr(s, i, 2)
			i += 2
			continue
		}
		# Wine writes the shortest hex form, or four digits when a hex digit follows.
		h = ""
		v = 0
		for (j = i + 2; j <= n && length(h) < 4; j++) {
			c = index("0123456789abcdef", tolower(substr(s, j, 1)))
			if (c == 0)
				break
			h = h substr(s, j, 1)
			v = v * 16 + c - 1
		}
		if (v >= 160 && (v < 55296 || v > 57343) && v < 65534)
			out = out utf8(v)
		else
			out = out "\\x" h
		i = j
	}
	return out
}

/^\[/ {
	name = $0
	sub(/^\[/, "", name)
	sub(/\] [0-9]+$/, "", name)
	name = decode(name)
	gsub(/\\\\/, "\\", name)
	inkey = (tolower(name) ~ keep) && (drop == "" || tolower(name) !~ drop)
	if (inkey)
		printf "\n[%s\\%s]\n", root, name
	next
}
# Blank lines separate keys in the input; the key header above writes its own.
!inkey || /^#time=/ || /^$/ { next }
{ print decode($0) }
