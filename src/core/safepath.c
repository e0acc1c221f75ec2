/* SPDX-License-Identifier: MIT */
/*
 * Archive entry names, judged before anything touches the disk (see safepath.h). The checks
 * split on both '/' and '\' so that "..\x" is refused as a '..' path even though '\' alone
 * would also be refused, and the message names the worst problem.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "safepath.h"
#include "mem.h"
#include "text.h"
#include "banned.h"

void zh_safepath_quote(const char *name, size_t len, char *out, size_t max)
{
	size_t i, o = 0;

	if (max == 0)
		return;
	for (i = 0; i < len && o + 5 < max; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'') {
			out[o++] = (char)c;
		} else if (c >= 0xc0) {
			/* Copy a whole valid UTF-8 sequence, else escape the byte. */
			size_t k = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;

			if (i + k <= len && zh_utf8_valid(name + i, k) && o + k + 5 < max) {
				memcpy(out + o, name + i, k);
				o += k;
				i += k - 1;
			} else {
				o += (size_t)snprintf(out + o, max - o, "\\x%02x", c);
			}
		} else {
			o += (size_t)snprintf(out + o, max - o, "\\x%02x", c);
		}
	}
	if (i < len && o + 4 < max) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o < max ? o : max - 1] = '\0';
}

static int refuse(struct zh_err *err, int code, const char *name, size_t len, const char *why)
{
	char q[160];

	zh_safepath_quote(name, len, q, sizeof(q));
	return zh_err_set(err, code, "'%s': %s", q, why);
}

static int is_sep(char c)
{
	return c == '/' || c == '\\';
}

static int upper_ascii(int c)
{
	return c >= 'a' && c <= 'z' ? c - 32 : c;
}

/*
 * A reserved DOS device name: the part before the first '.', trailing spaces dropped (Windows
 * does), compared without case; COM and LPT take 0-9 and the superscript digits, which
 * Windows also reserves.
 */
static int is_device(const char *c, size_t n)
{
	static const char *const plain[] = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"};
	size_t base = 0, i;
	char up[8];

	while (base < n && c[base] != '.')
		base++;
	while (base > 0 && c[base - 1] == ' ')
		base--;
	if (base < 3 || base > 7)
		return 0;
	for (i = 0; i < base; i++)
		up[i] = (char)upper_ascii((unsigned char)c[i]);
	up[base] = '\0';
	for (i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
		if (strcmp(up, plain[i]) == 0)
			return 1;
	if (strncmp(up, "COM", 3) != 0 && strncmp(up, "LPT", 3) != 0)
		return 0;
	if (base == 4 && up[3] >= '0' && up[3] <= '9')
		return 1;
	/* U+00B9, U+00B2, U+00B3: C2 B9, C2 B2, C2 B3. */
	return base == 5 && (unsigned char)up[3] == 0xc2 &&
		((unsigned char)up[4] == 0xb9 || (unsigned char)up[4] == 0xb2 ||
			(unsigned char)up[4] == 0xb3);
}

/* UTF-16 units of the n bytes of valid UTF-8 at s. */
static size_t utf16_units(const char *s, size_t n)
{
	size_t i, u = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c & 0xc0) == 0x80)
			continue;
		u += c >= 0xf0 ? 2 : 1;
	}
	return u;
}

static int check_component(const char *name, size_t len, const char *c, size_t n,
	struct zh_err *err)
{
	size_t i;

	if (n == 0)
		return refuse(err, ZH_EUNSAFE, name, len, "empty path component");
	if (n == 1 && c[0] == '.')
		return refuse(err, ZH_EUNSAFE, name, len, "'.' path component");
	if (n == 2 && c[0] == '.' && c[1] == '.')
		return refuse(err, ZH_EUNSAFE, name, len, "'..' path component");
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)c[i];

		if (ch == ':')
			return refuse(err, ZH_EUNSAFE, name, len,
				"':' in a name (alternate data stream or drive)");
		if (ch < 0x20 || ch == 0x7f)
			return refuse(err, ZH_EUNSAFE, name, len, "control character in a name");
		if (strchr("<>\"|?*", ch) != NULL)
			return refuse(err, ZH_EUNSAFE, name, len,
				"character not allowed in Windows names (< > \" | ? *)");
	}
	if (c[n - 1] == '.' || c[n - 1] == ' ')
		return refuse(err, ZH_EUNSAFE, name, len,
			"name ends with a dot or a space (Windows drops them)");
	if (is_device(c, n))
		return refuse(err, ZH_EUNSAFE, name, len, "reserved device name");
	if (utf16_units(c, n) > ZH_MAX_NAME_UNITS)
		return refuse(err, ZH_EUNSAFE, name, len, "a path component over 255 characters");
	return 0;
}

int zh_safepath_check(const char *name, size_t len, struct zh_err *err)
{
	size_t i, start, depth = 0;
	int rc;

	if (len == 0)
		return zh_err_set(err, ZH_EUNSAFE, "empty entry name");
	if (len > ZH_MAX_PATH_BYTES)
		return refuse(err, ZH_EUNSAFE, name, len, "name longer than 1024 bytes");
	if (memchr(name, '\0', len) != NULL)
		return refuse(err, ZH_EUNSAFE, name, len, "NUL byte in the name");
	if (!zh_utf8_valid(name, len))
		return refuse(err, ZH_ENAME, name, len,
			"not valid UTF-8 (legacy GBK/CP437 names are refused)");
	if (len >= 4 && is_sep(name[0]) && is_sep(name[1]) && (name[2] == '?' || name[2] == '.') &&
		is_sep(name[3]))
		return refuse(err, ZH_EUNSAFE, name, len, "device or long-path prefix (\\\\?\\)");
	if (len >= 2 && is_sep(name[0]) && is_sep(name[1]))
		return refuse(err, ZH_EUNSAFE, name, len, "UNC path (\\\\server\\share)");
	if (is_sep(name[0]))
		return refuse(err, ZH_EUNSAFE, name, len, "absolute path");
	if (len >= 2 && name[1] == ':' &&
		((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= 'A' && name[0] <= 'Z')))
		return refuse(err, ZH_EUNSAFE, name, len, "drive path (C:)");
	/* '..' first, in either separator style: it is what an attack looks like. */
	for (start = 0, i = 0; i <= len; i++) {
		if (i < len && !is_sep(name[i]))
			continue;
		if (i - start == 2 && name[start] == '.' && name[start + 1] == '.')
			return refuse(err, ZH_EUNSAFE, name, len, "'..' path component");
		start = i + 1;
	}
	for (start = 0, i = 0; i <= len; i++) {
		if (i < len && !is_sep(name[i]))
			continue;
		rc = check_component(name, len, name + start, i - start, err);
		if (rc != 0)
			return rc;
		if (++depth > ZH_MAX_PATH_DEPTH)
			return refuse(err, ZH_EUNSAFE, name, len, "path nested deeper than 32");
		start = i + 1;
	}
	if (memchr(name, '\\', len) != NULL)
		return refuse(err, ZH_EUNSAFE, name, len, "'\\' in a name (the separator is '/')");
	return 0;
}

/* Decode one code point of valid UTF-8 at s; *n is set to its length. */
static uint32_t decode(const unsigned char *s, size_t *n)
{
	if (s[0] < 0x80) {
		*n = 1;
		return s[0];
	}
	if (s[0] < 0xe0) {
		*n = 2;
		return (uint32_t)(s[0] & 0x1f) << 6 | (s[1] & 0x3f);
	}
	if (s[0] < 0xf0) {
		*n = 3;
		return (uint32_t)(s[0] & 0x0f) << 12 | (uint32_t)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
	}
	*n = 4;
	return (uint32_t)(s[0] & 0x07) << 18 | (uint32_t)(s[1] & 0x3f) << 12 |
		(uint32_t)(s[2] & 0x3f) << 6 | (s[3] & 0x3f);
}

static size_t encode(uint32_t cp, char *o)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	o[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

static uint32_t fold(uint32_t c)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 0xc0 && c <= 0xde && c != 0xd7))
		return c + 32;
	if (c == 0x178)
		return 0xff;
	if ((c >= 0x100 && c <= 0x12f) || (c >= 0x132 && c <= 0x137) || (c >= 0x14a && c <= 0x177))
		return c | 1;
	if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e))
		return (c & 1) ? c + 1 : c;
	if ((c >= 0x391 && c <= 0x3a9 && c != 0x3a2) || (c >= 0x410 && c <= 0x42f))
		return c + 32;
	if (c >= 0x400 && c <= 0x40f)
		return c + 80;
	if (c >= 0xff21 && c <= 0xff3a)
		return c + 32;
	return c;
}

int zh_safepath_fold(const char *name, char **ret, struct zh_err *err)
{
	size_t len = strlen(name), i = 0, o = 0, n;
	char *out = zh_malloc(len * 2 + 1);

	if (out == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot fold a name");
	while (i < len) {
		uint32_t cp = decode((const unsigned char *)name + i, &n);

		if (i + n > len)
			break;
		o += encode(fold(cp), out + o);
		i += n;
	}
	out[o] = '\0';
	*ret = out;
	return 0;
}

/* ---- String set ------------------------------------------------------------------------------ */

struct zh_strset {
	char **slots;
	size_t cap; /* a power of two */
	size_t n;
};

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

int zh_strset_new(struct zh_strset **ret, struct zh_err *err)
{
	struct zh_strset *set = zh_calloc(1, sizeof(*set));

	if (set != NULL) {
		set->cap = 64;
		set->slots = zh_calloc(set->cap, sizeof(char *));
	}
	if (set == NULL || set->slots == NULL) {
		zh_strset_free(set);
		return zh_err_set(err, ZH_ENOMEM, "cannot make a name set");
	}
	*ret = set;
	return 0;
}

static size_t find(const struct zh_strset *set, const char *s)
{
	size_t i = (size_t)hash(s) & (set->cap - 1);

	while (set->slots[i] != NULL && strcmp(set->slots[i], s) != 0)
		i = (i + 1) & (set->cap - 1);
	return i;
}

int zh_strset_has(const struct zh_strset *set, const char *s)
{
	return set->slots[find(set, s)] != NULL;
}

int zh_strset_add(struct zh_strset *set, const char *s, struct zh_err *err)
{
	size_t i;

	if (set->slots[find(set, s)] != NULL)
		return 1;
	if ((set->n + 1) * 2 > set->cap) {
		struct zh_strset bigger = {NULL, set->cap * 2, 0};
		size_t j;

		bigger.slots = zh_calloc(bigger.cap, sizeof(char *));
		if (bigger.slots == NULL)
			return zh_err_set(err, ZH_ENOMEM, "cannot grow a name set");
		for (j = 0; j < set->cap; j++)
			if (set->slots[j] != NULL)
				bigger.slots[find(&bigger, set->slots[j])] = set->slots[j];
		zh_free(set->slots);
		set->slots = bigger.slots;
		set->cap = bigger.cap;
	}
	i = find(set, s);
	set->slots[i] = zh_strdup(s);
	if (set->slots[i] == NULL)
		return zh_err_set(err, ZH_ENOMEM, "cannot add to a name set");
	set->n++;
	return 0;
}

void zh_strset_free(struct zh_strset *set)
{
	size_t i;

	if (set == NULL)
		return;
	for (i = 0; set->slots != NULL && i < set->cap; i++)
		zh_free(set->slots[i]);
	zh_free(set->slots);
	zh_free(set);
}
